"""Waiting for restores: the project's backoff against the lab's fixed 30 s poll.

For each nominal restore delay, the same number of images is archived, restored and
waited for with each strategy, against the local ECR endpoint on a frozen emulator
clock (the waiter's sleep advances it). Each restore takes the nominal delay times a
seeded draw in [0.8, 1.2], the same draws for every strategy, so that a fixed poll
period does not line up with the delay by accident. Per restore it reports the
DescribeImages calls made while waiting and the extra wait: the time between the
image becoming ACTIVE (its lastActivatedAt) and the waiter returning, also as a ratio
of that restore's delay.
All figures come from one run on the emulator's clock, not from wall time.
"""

from __future__ import annotations

import os
import random
import statistics
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from ecr_archive import (
    DEFAULT_BACKOFF,
    Backoff,
    ImageRef,
    archive_image,
    make_client,
    restore_image,
    wait_until_active,
)
from emulator import serve

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from emulator import Emulator

# The lab measured 9 min 10 s; AWS says "typically up to 20 minutes"; a minute
# stands for a small image restored quickly.
RESTORE_DELAYS = (60.0, 550.0, 1200.0)
RESTORES_PER_CASE = 20
DELAY_SPREAD = (0.8, 1.2)
SEED = 20260328


@dataclass(frozen=True)
class Strategy:
    """A way of spacing polls, with the draw that picks each wait."""

    name: str
    backoff: Backoff
    jitter: bool


STRATEGIES = (
    Strategy("backoff 2 s x2 up to 30 s, full jitter (default)", DEFAULT_BACKOFF, True),
    Strategy(
        "backoff 2 s x2 up to 60 s, full jitter",
        Backoff(initial=2.0, multiplier=2.0, maximum=60.0),
        True,
    ),
    Strategy(
        "fixed 30 s poll (the lab's loop)",
        Backoff(initial=30.0, multiplier=1.0, maximum=30.0),
        False,
    ),
)


@dataclass(frozen=True)
class Outcome:
    """One restore waited for."""

    polls: int
    extra_wait: float
    delay: float


def _restore_and_wait(
    emulator: Emulator,
    client: ECRClient,
    strategy: Strategy,
    tag: str,
    draws: tuple[random.Random, random.Random],
) -> Outcome:
    delay_draw, poll_draw = draws
    low, high = DELAY_SPREAD
    emulator.activation_delay = (
        delay_draw.uniform(low, high) * emulator.activation_delay
    )
    emulator.push_image("bench", tag)
    ref = ImageRef.parse(f"bench:{tag}")
    archive_image(client, ref)
    restore_image(client, ref)
    emulator.reset_counters()

    state = wait_until_active(
        client,
        ref,
        timeout=3600.0,
        backoff=strategy.backoff,
        clock=lambda: emulator.now().timestamp(),
        sleep=lambda seconds: _advance(emulator, seconds),
        random=poll_draw.random if strategy.jitter else lambda: 1.0,
    )

    active_since = state.last_activated_at
    if active_since is None:
        message = f"{ref} is ACTIVE without lastActivatedAt"
        raise RuntimeError(message)
    extra = (emulator.now() - active_since).total_seconds()

    delay = emulator.activation_delay.total_seconds()

    return Outcome(emulator.counters().get("DescribeImages", 0), extra, delay)


def _advance(emulator: Emulator, seconds: float) -> None:
    emulator.advance(timedelta(seconds=seconds))


def _run_case(
    emulator: Emulator, client: ECRClient, strategy: Strategy, delay: float
) -> list[Outcome]:
    emulator.reset()
    draws = (random.Random(SEED), random.Random(SEED + 1))
    outcomes = []
    for index in range(RESTORES_PER_CASE):
        emulator.activation_delay = delay
        outcomes.append(
            _restore_and_wait(emulator, client, strategy, f"r{index}", draws)
        )

    return outcomes


def main() -> None:
    """Print polls and extra wait per restore for each strategy and restore delay."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    low, high = DELAY_SPREAD
    print(
        f"{RESTORES_PER_CASE} restores per row, each taking the delay x "
        f"[{low}, {high}]; emulator clock; seed {SEED}"
    )
    print(
        f"{'delay':>6}  {'strategy':<50} {'polls':>6} "
        f"{'extra wait':>11} {'p95':>6} {'extra/delay':>12}"
    )
    with serve(frozen=True) as emulator:
        client = make_client(region="us-east-1", endpoint_url=emulator.endpoint_url)
        for delay in RESTORE_DELAYS:
            for strategy in STRATEGIES:
                outcomes = _run_case(emulator, client, strategy, delay)
                polls = statistics.mean(o.polls for o in outcomes)
                extras = sorted(o.extra_wait for o in outcomes)
                mean_extra = statistics.mean(extras)
                p95 = extras[round(0.95 * (len(extras) - 1))]
                ratio = statistics.mean(o.extra_wait / o.delay for o in outcomes)
                print(
                    f"{delay:>5.0f}s  {strategy.name:<50} {polls:>6.1f} "
                    f"{mean_extra:>10.1f}s {p95:>5.1f}s {ratio:>12.3f}"
                )


if __name__ == "__main__":
    main()
