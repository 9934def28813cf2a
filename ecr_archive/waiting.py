"""Wait for restored images to become ACTIVE by polling DescribeImages.

ECR has no waiter for restores: a restore returns ACTIVATING and the image turns ACTIVE
minutes later (AWS says typically up to 20 minutes; a 3.4 MB image took 9 min 10 s in
the lab). Polls are spaced by bounded exponential backoff with full jitter: before poll
n+1 the wait is drawn uniformly from [0, min(maximum, initial * multiplier**n)], so
short restores are noticed within seconds, long ones cost about one DescribeImages call
per image per `maximum / 2` seconds, and many waiters do not poll in step. The clock,
the sleep and the random draw are parameters, so tests run on a virtual clock.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecr_archive.errors import WaitTimeoutError
from ecr_archive.images import ImageState, get_image
from ecr_archive.refs import ImageRef

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_TIMEOUT",
    "Backoff",
    "PollRound",
    "wait_all_active",
    "wait_until_active",
]

DEFAULT_TIMEOUT = 1800.0
"""Seconds to wait for a restore: AWS's "typically up to 20 minutes" plus a margin."""


@dataclass(frozen=True)
class Backoff:
    """Bounded exponential backoff with full jitter, in seconds."""

    initial: float = 2.0
    """Upper bound of the first wait."""
    multiplier: float = 2.0
    """Growth of the upper bound per poll."""
    maximum: float = 30.0
    """Largest upper bound; waits average half of it once reached."""

    def __post_init__(self) -> None:
        if self.initial <= 0:
            raise ValueError(f"initial must be positive, not {self.initial}")
        if self.multiplier < 1:
            raise ValueError(f"multiplier must be at least 1, not {self.multiplier}")
        if self.maximum < self.initial:
            raise ValueError(
                f"maximum ({self.maximum}) must be at least initial ({self.initial})"
            )

    def ceiling(self, attempt: int) -> float:
        """Return the upper bound of the wait after poll number `attempt` (from 0)."""
        try:
            grown = self.initial * self.multiplier**attempt
        except OverflowError:
            return self.maximum

        return min(self.maximum, grown)

    def delay(self, attempt: int, draw: float) -> float:
        """Return the wait after poll `attempt` for a uniform `draw` in [0, 1)."""
        return draw * self.ceiling(attempt)


DEFAULT_BACKOFF = Backoff()


@dataclass(frozen=True)
class PollRound:
    """What one round of polls saw, passed to the progress callback."""

    elapsed: float
    """Seconds since the wait began."""
    states: Mapping[ImageRef, ImageState]
    """Last seen state of every image waited for."""
    next_delay: float | None
    """Seconds until the next round; None when this round was the last."""

    @property
    def pending(self) -> tuple[ImageRef, ...]:
        """Images not ACTIVE yet."""
        return tuple(ref for ref, state in self.states.items() if not state.pullable)


Describe = Callable[[ImageRef], ImageState]
Progress = Callable[[PollRound], None]


def wait_all_active(
    describe: Describe,
    refs: Iterable[ImageRef],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    backoff: Backoff = DEFAULT_BACKOFF,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    random: Callable[[], float] = _random.random,
    on_poll: Progress | None = None,
    known: Mapping[ImageRef, ImageState] | None = None,
) -> dict[ImageRef, ImageState]:
    """Poll until every image is ACTIVE; return the final state of each.

    `describe` reads one image (`get_image` bound to a client); each round calls it
    once per image not yet ACTIVE, then sleeps the backoff delay, never past the
    deadline. `known` holds states just read (or just returned by a restore): the
    first round uses them instead of calling `describe`. A last round runs at the
    deadline; if images are still not ACTIVE, `WaitTimeoutError` names them with
    their last status. Errors from `describe` (a deleted image:
    `ImageNotFoundError`) propagate.
    """
    states: dict[ImageRef, ImageState] = {}
    pending = list(dict.fromkeys(refs))
    first_round: dict[ImageRef, ImageState | None] = dict(known or {})
    start = clock()
    attempt = 0
    while True:
        for ref in pending:
            states[ref] = first_round.pop(ref, None) or describe(ref)
        first_round.clear()
        pending = [ref for ref in pending if not states[ref].pullable]
        elapsed = clock() - start
        remaining = timeout - elapsed
        delay = None
        if pending and remaining > 0:
            delay = min(backoff.delay(attempt, random()), remaining)
        if on_poll is not None:
            on_poll(PollRound(elapsed=elapsed, states=dict(states), next_delay=delay))

        if not pending:
            return states
        if delay is None:
            raise WaitTimeoutError(
                str(pending[0]),
                states[pending[0]].status,
                elapsed,
                pending={str(ref): states[ref].status for ref in pending},
            )

        sleep(delay)
        attempt += 1


def wait_until_active(
    client: ECRClient,
    ref: ImageRef,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    backoff: Backoff = DEFAULT_BACKOFF,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    random: Callable[[], float] = _random.random,
    on_poll: Progress | None = None,
) -> ImageState:
    """Poll DescribeImages until the image is ACTIVE; return its state.

    One DescribeImages call per poll, spaced by `backoff`. Raises `WaitTimeoutError`
    (with the last status and the time waited) after `timeout` seconds,
    `ImageNotFoundError` if the image disappears, and the other `AwsError`s of
    DescribeImages.
    """
    states = wait_all_active(
        lambda image: get_image(client, image),
        [ref],
        timeout=timeout,
        backoff=backoff,
        clock=clock,
        sleep=sleep,
        random=random,
        on_poll=on_poll,
    )

    return states[ref]
