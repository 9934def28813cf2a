"""Fault injection and call counting for the emulator's ECR operations.

`FaultPlan` holds the faults tests ask for, per operation, in the order they were
added; `CallCounter` counts every ECR request that reaches the server, including the
ones a fault answered, so a test can see how many times a client retried.
"""

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

#: Matches every operation when given as the operation of a fault.
ANY_OPERATION = "*"

_DEFAULT_LATENCY = timedelta(milliseconds=100)


class FaultKind(StrEnum):
    """What an injected fault does to a request."""

    THROTTLE = "throttle"
    """Answer HTTP 400 `ThrottlingException`, which botocore retries."""

    SERVER = "server"
    """Answer HTTP 500 `ServerException`, which botocore retries."""

    LATENCY = "latency"
    """Wait, then serve the request normally."""


@dataclass
class Fault:
    """One injected fault and how many more requests it applies to."""

    operation: str
    """ECR operation name such as `DescribeImages`, or `*` for every operation."""

    kind: FaultKind
    """What the fault does."""

    remaining: int | None
    """Requests still to be hit; None means every request until cleared."""

    latency: timedelta
    """Delay added before the request is answered (zero for throttle and server
    faults unless asked for)."""

    def to_dict(self) -> dict[str, object]:
        """Return the fault as JSON-ready data for the control surface."""
        return {
            "operation": self.operation,
            "kind": self.kind.value,
            "remaining": self.remaining,
            "latency": self.latency.total_seconds(),
        }


class FaultPlan:
    """The faults waiting for requests, consumed first in, first out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        operation: str,
        kind: FaultKind | str,
        *,
        times: int | None = 1,
        latency: timedelta | float | None = None,
    ) -> Fault:
        """Queue a fault for the next `times` requests to `operation`.

        Raises ValueError for an unknown kind, a `times` below one, or a negative
        latency.
        """
        fault_kind = FaultKind(kind)
        if times is not None and times < 1:
            msg = f"times must be at least 1 (or None for always), got {times}"
            raise ValueError(msg)
        delay = _as_delay(latency, fault_kind)
        fault = Fault(operation, fault_kind, times, delay)
        with self._lock:
            self._faults.append(fault)

        return fault

    def take(self, operation: str) -> Fault | None:
        """Return the fault that applies to this request to `operation`, if any.

        Taking a fault uses up one of its `times`; a used-up fault is dropped.
        """
        with self._lock:
            for fault in self._faults:
                if fault.operation not in (operation, ANY_OPERATION):
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)

                return fault

        return None

    def pending(self) -> list[Fault]:
        """Return the faults still waiting, oldest first."""
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()


class CallCounter:
    """Requests per ECR operation name, counted as they arrive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def record(self, operation: str) -> None:
        """Count one request to `operation`."""
        with self._lock:
            self._counts[operation] += 1

    def snapshot(self) -> dict[str, int]:
        """Return the counts so far, sorted by operation name."""
        with self._lock:
            return dict(sorted(self._counts.items()))

    def reset(self) -> None:
        """Set every count back to zero."""
        with self._lock:
            self._counts.clear()


def _as_delay(latency: timedelta | float | None, kind: FaultKind) -> timedelta:
    if latency is None:
        return _DEFAULT_LATENCY if kind is FaultKind.LATENCY else timedelta()
    delay = latency if isinstance(latency, timedelta) else timedelta(seconds=latency)
    if delay < timedelta():
        msg = f"latency cannot be negative, got {delay}"
        raise ValueError(msg)

    return delay
