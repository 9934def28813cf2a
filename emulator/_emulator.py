"""The `Emulator`: one local ECR endpoint's state and the handles tests hold.

An `Emulator` owns a clock, a `Registry` (moto's ECR backends plus archive state),
the faults waiting for requests and the per-operation call counts. `serve()` puts it
behind an HTTP server; everything here also works without one, which is how
`push_image` seeds images without going through HTTP or the counters.
"""

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from moto.ecr.models import Repository

from emulator._clock import EmulatorClock
from emulator._faults import CallCounter, Fault, FaultKind, FaultPlan
from emulator._lifecycle import apply_policies, has_policies
from emulator._manifest import build_manifest
from emulator._registry import Registry, Settings, default_account
from emulator._state import ImageStatus

logger = logging.getLogger(__name__)

#: How long a restore takes unless told otherwise: the lab measured 9 min 10 s.
DEFAULT_ACTIVATION_DELAY = timedelta(minutes=9, seconds=10)
DEFAULT_LAYER_SIZE = 1024 * 1024
#: ECR evaluates lifecycle policies about once a day; advance() steps by this much.
LIFECYCLE_INTERVAL = timedelta(days=1)


def as_timedelta(value: timedelta | float) -> timedelta:
    """Return `value` as a timedelta; a number is a count of seconds."""
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def _activation_delay(value: timedelta | float) -> timedelta:
    delay = as_timedelta(value)
    if delay < timedelta():
        msg = f"the activation delay cannot be negative, got {delay}"
        raise ValueError(msg)

    return delay


class Emulator:
    """A local ECR registry with the archive storage class.

    `endpoint_url` is set while the emulator is served over HTTP (see `serve()`).
    All timestamps come from the emulator clock, which `advance()` moves forward.
    """

    def __init__(
        self,
        *,
        activation_delay: timedelta | float = DEFAULT_ACTIVATION_DELAY,
        strict_delete: bool = True,
        region: str = "us-east-1",
        clock: EmulatorClock | None = None,
    ) -> None:
        self.region = region
        self.endpoint_url = ""
        self.clock = clock or EmulatorClock()
        self._initial = Settings(_activation_delay(activation_delay), strict_delete)
        self.registry = Registry(self.clock, self._initial)
        self.faults = FaultPlan()
        self.calls = CallCounter()
        self._untagged_pushes = 0

    @property
    def activation_delay(self) -> timedelta:
        """How long a restore stays ACTIVATING, on the emulator clock."""
        return self.registry.settings.activation_delay

    @activation_delay.setter
    def activation_delay(self, value: timedelta | float) -> None:
        with self.registry.lock:
            self.registry.settings = replace(
                self.registry.settings, activation_delay=_activation_delay(value)
            )

    @property
    def strict_delete(self) -> bool:
        """Whether DeleteRepository refuses repositories holding archived images."""
        return self.registry.settings.strict_delete

    @strict_delete.setter
    def strict_delete(self, value: bool) -> None:
        with self.registry.lock:
            self.registry.settings = replace(
                self.registry.settings, strict_delete=value
            )

    def now(self) -> datetime:
        """Return the emulator's current time (UTC, millisecond precision)."""
        return self.clock.now()

    def advance(self, delta: timedelta | float) -> datetime:
        """Move the clock forward and return the new time.

        Restores whose delay has passed complete; images age. When a repository has
        a lifecycle policy, the clock moves a day at a time and the policies are
        applied after each step (and at the end), as ECR's daily evaluation would.
        Raises ValueError for a negative delta.
        """
        remaining = as_timedelta(delta)
        if remaining < timedelta():
            msg = f"the clock only moves forward, got {remaining}"
            raise ValueError(msg)
        with self.registry.lock:
            if not has_policies(self.registry):
                now = self.clock.advance(remaining)
                logger.debug("emulator clock advanced by %s to %s", delta, now)
                return now
            while remaining > timedelta():
                step = min(remaining, LIFECYCLE_INTERVAL)
                self.clock.advance(step)
                remaining -= step
                apply_policies(self.registry)
            now = self.clock.now()
        logger.debug("emulator clock advanced by %s to %s", delta, now)

        return now

    def run_lifecycle(self) -> list[dict[str, Any]]:
        """Apply every stored lifecycle policy now; return what was done.

        Each item is a GetLifecyclePolicyPreview result plus `repositoryName`.
        """
        with self.registry.lock:
            return apply_policies(self.registry)

    def counters(self) -> dict[str, int]:
        """Return requests per ECR operation name, faulted ones included."""
        return self.calls.snapshot()

    def reset_counters(self) -> None:
        """Set every operation's request count back to zero."""
        self.calls.reset()

    def inject_fault(
        self,
        operation: str,
        kind: FaultKind | str,
        times: int | None = 1,
        latency: timedelta | float | None = None,
    ) -> Fault:
        """Make the next `times` requests to `operation` fail or slow down.

        `kind` is "throttle" (HTTP 400 ThrottlingException), "server" (HTTP 500
        ServerException) or "latency" (the request waits `latency`, 0.1 s by
        default, then succeeds). `operation` is an ECR operation name or "*";
        `times=None` keeps the fault until `clear_faults()`.
        """
        return self.faults.add(operation, kind, times=times, latency=latency)

    def clear_faults(self) -> None:
        """Drop every fault not yet used."""
        self.faults.clear()

    def reset(self) -> None:
        """Return to a fresh state: no repositories, faults or counts; clock reset.

        The activation delay and strict-delete switch go back to the values the
        emulator was created with.
        """
        with self.registry.lock:
            self.registry.reset(self._initial)
            self.clock.reset()
            self._untagged_pushes = 0
        self.faults.clear()
        self.calls.reset()

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
        account: str | None = None,
        region: str | None = None,
    ) -> str:
        """Push a generated image and return its digest.

        The manifest depends only on `content` (by default the repository and tag)
        and the layer sizes, so the same arguments give the same digest.
        `layer_sizes` sets each layer's size, `size` makes one layer of that many
        bytes (1 MiB by default); imageSizeInBytes is their sum. `pushed_at`
        overrides imagePushedAt (the emulator clock by default) and must be
        timezone-aware, like every time the emulator keeps; a naive one raises
        ValueError. The repository is created first if missing, unless
        `create_repository` is false. The push does not go through HTTP and is not
        counted.
        """
        if pushed_at is not None and pushed_at.utcoffset() is None:
            msg = (
                f"pushed_at {pushed_at.isoformat()} has no time zone; pass an aware one"
            )
            raise ValueError(msg)
        sizes = layer_sizes or [DEFAULT_LAYER_SIZE if size is None else size]
        with self.registry.lock:
            repo = self._push_target(
                repository_name, create_repository, account, region
            )
            manifest = build_manifest(self._seed(repository_name, tag, content), sizes)
            image = self.registry.put_image(
                repo, manifest, tag=tag, pushed_at=pushed_at
            )
        logger.debug("pushed %s to %s as %s", tag, repository_name, image.image_digest)

        return image.image_digest

    def image_status(
        self,
        repository_name: str,
        image_digest: str,
        *,
        account: str | None = None,
        region: str | None = None,
    ) -> ImageStatus:
        """Return an image's status as DescribeImages would report it."""
        with self.registry.lock:
            repo = self.registry.repository(
                account or default_account(), region or self.region, repository_name
            )
            image = self.registry.find_image(repo, {"imageDigest": image_digest})

            return self.registry.record(repo, image).status

    def _push_target(
        self,
        repository_name: str,
        create_repository: bool,
        account: str | None,
        region: str | None,
    ) -> Repository:
        backend = self.registry.backend(
            account or default_account(), region or self.region
        )
        if create_repository and repository_name not in backend.repositories:
            created = backend.create_repository(
                repository_name=repository_name,
                registry_id=None,
                encryption_config={"encryptionType": "AES256"},
                image_scan_config=None,
                image_tag_mutability="MUTABLE",
                tags=[],
            )
            created.created_at = self.clock.now()

        return self.registry.repository(
            backend.account_id, backend.region_name, repository_name
        )

    def _seed(self, repository_name: str, tag: str | None, content: str | None) -> str:
        if content is not None:
            return content
        if tag is not None:
            return f"{repository_name}:{tag}"
        self._untagged_pushes += 1

        return f"{repository_name}@untagged-{self._untagged_pushes}"
