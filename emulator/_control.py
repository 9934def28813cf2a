"""A small client for the control surface, for tests that run in another process."""

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from emulator._emulator import as_timedelta


class ControlError(RuntimeError):
    """The control surface refused a request; the message is its explanation."""


class ControlClient:
    """Drive an emulator served at `endpoint_url` (`python -m emulator`, say).

    Each method is one HTTP request to `/_emulator/...`; errors the emulator reports
    raise ControlError, and an unreachable endpoint raises urllib's URLError.
    """

    def __init__(self, endpoint_url: str, *, timeout: float = 5.0) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.timeout = timeout

    def health(self) -> dict[str, Any]:
        """Return the emulator's health report; raises if it is not reachable."""
        return self._call("GET", "health")

    def now(self) -> datetime:
        """Return the emulator clock's current time."""
        return datetime.fromisoformat(self._call("GET", "clock")["now"])

    def advance(self, delta: timedelta | float) -> datetime:
        """Move the emulator clock forward and return the new time."""
        seconds = as_timedelta(delta).total_seconds()
        reply = self._call("POST", "clock/advance", {"seconds": seconds})

        return datetime.fromisoformat(reply["now"])

    def counters(self) -> dict[str, int]:
        """Return requests per ECR operation."""
        counts: dict[str, int] = self._call("GET", "counters")["counters"]
        return counts

    def reset_counters(self) -> None:
        """Set every operation's request count back to zero."""
        self._call("DELETE", "counters")

    def inject_fault(
        self,
        operation: str,
        kind: str,
        times: int | None = 1,
        latency: timedelta | float | None = None,
    ) -> dict[str, Any]:
        """Queue a fault, as `Emulator.inject_fault` does, and return it."""
        body: dict[str, Any] = {"operation": operation, "kind": kind, "times": times}
        if latency is not None:
            body["latency"] = as_timedelta(latency).total_seconds()
        fault: dict[str, Any] = self._call("POST", "faults", body)["fault"]

        return fault

    def faults(self) -> list[dict[str, Any]]:
        """Return the faults not yet used."""
        pending: list[dict[str, Any]] = self._call("GET", "faults")["faults"]
        return pending

    def clear_faults(self) -> None:
        """Drop every fault not yet used."""
        self._call("DELETE", "faults")

    def settings(self) -> dict[str, Any]:
        """Return the activation delay (seconds) and the strict-delete switch."""
        return self._call("GET", "settings")

    def configure(
        self,
        *,
        activation_delay: timedelta | float | None = None,
        strict_delete: bool | None = None,
    ) -> dict[str, Any]:
        """Change the activation delay and/or strict-delete switch; return both."""
        body: dict[str, Any] = {}
        if activation_delay is not None:
            body["activation_delay"] = as_timedelta(activation_delay).total_seconds()
        if strict_delete is not None:
            body["strict_delete"] = strict_delete

        return self._call("POST", "settings", body)

    def push_image(
        self,
        repository_name: str,
        tag: str | None = None,
        *,
        size: int | None = None,
        layer_sizes: list[int] | None = None,
        content: str | None = None,
        pushed_at: datetime | None = None,
        create_repository: bool = True,
    ) -> str:
        """Push a generated image, as `Emulator.push_image` does; return its digest."""
        body = {
            "repository": repository_name,
            "tag": tag,
            "size": size,
            "layer_sizes": layer_sizes,
            "content": content,
            "pushed_at": pushed_at.isoformat() if pushed_at else None,
            "create_repository": create_repository,
        }
        digest: str = self._call("POST", "images", body)["imageDigest"]

        return digest

    def run_lifecycle(self) -> list[dict[str, Any]]:
        """Apply every stored lifecycle policy now; return what was done."""
        actions: list[dict[str, Any]] = self._call("POST", "lifecycle/run")["actions"]
        return actions

    def reset(self) -> None:
        """Return the emulator to a fresh state."""
        self._call("POST", "reset")

    def _call(
        self, method: str, route: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.endpoint_url}/_emulator/{route}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply: dict[str, Any] = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            detail = json.loads(exc.read() or b"{}").get("error", exc.reason)
            raise ControlError(f"{method} {route}: {detail}") from exc

        return reply
