"""The emulator's clock: wall time plus an offset that tests move forward."""

import threading
import time
from datetime import UTC, datetime, timedelta


def _to_millis(instant: datetime) -> datetime:
    # ECR's JSON protocol carries timestamps in milliseconds; a clock that keeps
    # microseconds would hand out values that never survive a round trip.
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


class EmulatorClock:
    """A UTC clock that ticks with real time, or stands still, and only moves forward.

    Every timestamp the emulator reports (imagePushedAt, pull and archive times, the
    end of a restore) is read from this clock. `advance()` moves it forward, which
    is how a test makes ninety days pass in no time.
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        if start is not None and start.tzinfo is None:
            msg = "the clock's start must be timezone-aware"
            raise ValueError(msg)
        self._lock = threading.Lock()
        self._initial = start
        self._start = start or datetime.now(UTC)
        self._origin = time.monotonic()
        self._frozen = frozen
        self._offset = timedelta()

    @property
    def frozen(self) -> bool:
        """Whether the clock stands still between calls to `advance()`."""
        return self._frozen

    def now(self) -> datetime:
        """Return the current emulator time, UTC, to the millisecond."""
        with self._lock:
            elapsed = 0.0 if self._frozen else time.monotonic() - self._origin

            return _to_millis(self._start + timedelta(seconds=elapsed) + self._offset)

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by `delta` and return the new time.

        Raises ValueError for a negative delta: time in ECR never runs backwards,
        and a restore that has completed cannot be undone.
        """
        if delta < timedelta():
            msg = f"the clock only moves forward, got {delta}"
            raise ValueError(msg)
        with self._lock:
            self._offset += delta

        return self.now()

    def reset(self) -> None:
        """Drop every advance made so far.

        A clock built with a start time goes back to it; one built without starts
        again from the current wall time.
        """
        with self._lock:
            self._start = self._initial or datetime.now(UTC)
            self._offset = timedelta()
            self._origin = time.monotonic()
