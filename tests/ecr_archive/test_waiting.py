"""Backoff, jitter and timeout arithmetic of the restore waiter, on a fake clock."""

from __future__ import annotations

import pytest

from ecr_archive import (
    Backoff,
    ImageNotFoundError,
    ImageRef,
    ImageState,
    PollRound,
    WaitTimeoutError,
    get_image,
    wait_all_active,
    wait_until_active,
)
from tests.ecr_archive.fakes import FakeClock, FakeEcr

# (initial, multiplier, maximum, attempt, ceiling)
CEILINGS = [
    (2.0, 2.0, 30.0, 0, 2.0),
    (2.0, 2.0, 30.0, 1, 4.0),
    (2.0, 2.0, 30.0, 3, 16.0),
    (2.0, 2.0, 30.0, 4, 30.0),
    (2.0, 2.0, 30.0, 50, 30.0),
    (2.0, 2.0, 30.0, 5000, 30.0),
    (1.0, 3.0, 60.0, 2, 9.0),
    (5.0, 1.0, 5.0, 10, 5.0),
]


@pytest.mark.parametrize(
    ("initial", "multiplier", "maximum", "attempt", "ceiling"), CEILINGS
)
def test_ceiling_grows_exponentially_up_to_the_maximum(
    initial: float, multiplier: float, maximum: float, attempt: int, ceiling: float
) -> None:
    """The bound after poll n is min(maximum, initial * multiplier**n)."""
    backoff = Backoff(initial=initial, multiplier=multiplier, maximum=maximum)

    assert backoff.ceiling(attempt) == ceiling


@pytest.mark.parametrize(
    ("attempt", "draw", "delay"),
    [(0, 0.0, 0.0), (0, 0.5, 1.0), (2, 0.25, 2.0), (4, 0.999, 29.97), (9, 0.5, 15.0)],
)
def test_full_jitter_scales_the_ceiling_by_the_draw(
    attempt: int, draw: float, delay: float
) -> None:
    """Full jitter: the wait is the uniform draw times the ceiling."""
    assert Backoff().delay(attempt, draw) == pytest.approx(delay)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"initial": 0.0}, "positive"),
        ({"multiplier": 0.5}, "at least 1"),
        ({"initial": 10.0, "maximum": 5.0}, "at least initial"),
    ],
)
def test_backoff_rejects_parameters_that_cannot_bound_a_wait(
    kwargs: dict[str, float], words: str
) -> None:
    """A non-positive start, a shrinking multiplier or a low maximum is refused."""
    with pytest.raises(ValueError, match=words):
        Backoff(**kwargs)


def test_wait_returns_after_the_poll_that_sees_active() -> None:
    """Polls continue through ACTIVATING and stop at the first ACTIVE answer."""
    fake = FakeEcr(statuses={"app": ["ACTIVATING", "ACTIVATING", "ACTIVE"]})
    clock = FakeClock()

    state = wait_until_active(
        fake.as_client(),
        ImageRef.parse("app:v1"),
        clock=clock,
        sleep=clock.sleep,
        random=lambda: 0.5,
    )

    assert state.pullable
    assert len(fake.calls) == 3
    assert clock.sleeps == [1.0, 2.0]


# (timeout, draw, sleeps until the deadline)
TIMEOUTS = [
    (10.0, 1.0, [2.0, 4.0, 4.0]),
    (7.0, 0.5, [1.0, 2.0, 4.0]),
    (100.0, 1.0, [2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 10.0]),
    (0.0, 1.0, []),
]


@pytest.mark.parametrize(("timeout", "draw", "sleeps"), TIMEOUTS)
def test_wait_never_sleeps_past_the_deadline(
    timeout: float, draw: float, sleeps: list[float]
) -> None:
    """The last sleep is cut to the deadline, one last poll runs, then it times out."""
    fake = FakeEcr(statuses={"app": ["ACTIVATING"]})
    clock = FakeClock()

    with pytest.raises(WaitTimeoutError) as caught:
        wait_until_active(
            fake.as_client(),
            ImageRef.parse("app:v1"),
            timeout=timeout,
            clock=clock,
            sleep=clock.sleep,
            random=lambda: draw,
        )

    assert clock.sleeps == sleeps
    assert len(fake.calls) == len(sleeps) + 1
    assert caught.value.elapsed == pytest.approx(timeout)
    assert caught.value.last_status == "ACTIVATING"


def test_wait_on_an_archived_image_times_out_with_advice() -> None:
    """An image nobody restores stays ARCHIVED, and the timeout says to restore it."""
    fake = FakeEcr(statuses={"app": ["ARCHIVED"]})
    clock = FakeClock()

    with pytest.raises(WaitTimeoutError, match="restore it"):
        wait_until_active(
            fake.as_client(),
            ImageRef.parse("app:v1"),
            timeout=5.0,
            clock=clock,
            sleep=clock.sleep,
        )


def test_wait_raises_when_the_image_disappears() -> None:
    """An image deleted while restoring raises ImageNotFoundError, not a timeout."""
    fake = FakeEcr(statuses={"app": []})
    clock = FakeClock()

    with pytest.raises(ImageNotFoundError):
        wait_until_active(
            fake.as_client(), ImageRef.parse("app:v1"), clock=clock, sleep=clock.sleep
        )

    assert clock.sleeps == []


def test_wait_all_polls_only_the_images_still_pending() -> None:
    """Each round describes the images not yet ACTIVE, once each."""
    fake = FakeEcr(
        statuses={
            "fast": ["ACTIVATING", "ACTIVE"],
            "slow": ["ACTIVATING", "ACTIVATING", "ACTIVATING", "ACTIVE"],
            "done": ["ACTIVE"],
        }
    )
    clock = FakeClock()
    refs = [ImageRef.parse(text) for text in ("fast:v1", "slow:v1", "done:v1")]
    rounds: list[PollRound] = []

    states = wait_all_active(
        lambda ref: _describe(fake, ref),
        refs,
        clock=clock,
        sleep=clock.sleep,
        random=lambda: 1.0,
        on_poll=rounds.append,
    )

    polled = [request["repositoryName"] for _, request in fake.calls]
    assert polled == ["fast", "slow", "done", "fast", "slow", "slow", "slow"]
    assert all(state.pullable for state in states.values())
    assert [len(round_.pending) for round_ in rounds] == [2, 1, 1, 0]
    assert [round_.next_delay for round_ in rounds] == [2.0, 4.0, 8.0, None]
    assert [round_.elapsed for round_ in rounds] == [0.0, 2.0, 6.0, 14.0]


def test_wait_all_timeout_lists_every_pending_image() -> None:
    """A timeout names each image still not ACTIVE with its last status."""
    fake = FakeEcr(
        statuses={"a1": ["ACTIVATING"], "b1": ["ARCHIVED"], "c1": ["ACTIVE"]}
    )
    clock = FakeClock()
    refs = [ImageRef.parse(text) for text in ("a1:x", "b1:x", "c1:x")]

    with pytest.raises(WaitTimeoutError) as caught:
        wait_all_active(
            lambda ref: _describe(fake, ref),
            refs,
            timeout=3.0,
            clock=clock,
            sleep=clock.sleep,
        )

    assert caught.value.pending == {"a1:x": "ACTIVATING", "b1:x": "ARCHIVED"}
    assert "1 more" in str(caught.value)


def _describe(fake: FakeEcr, ref: ImageRef) -> ImageState:
    return get_image(fake.as_client(), ref)
