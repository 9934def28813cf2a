"""The emulator clock: ticking, frozen, advanced, reset."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from mypy_boto3_ecr import ECRClient

from emulator import Emulator, EmulatorClock, serve
from tests.emulator.conftest import REPOSITORY, client_for

START = datetime(2026, 3, 28, 1, 20, 11, 929000, tzinfo=UTC)


def test_frozen_clock_stands_still_until_advanced() -> None:
    """A frozen clock returns its start until advance() moves it."""
    clock = EmulatorClock(START, frozen=True)
    time.sleep(0.01)

    assert clock.now() == START
    assert clock.advance(timedelta(days=90)) == START + timedelta(days=90)
    assert clock.now() == START + timedelta(days=90)


def test_ticking_clock_follows_wall_time() -> None:
    """A ticking clock moves with real time from its start."""
    clock = EmulatorClock(START)
    time.sleep(0.02)

    assert START + timedelta(milliseconds=15) <= clock.now() < START + timedelta(1)


def test_clock_keeps_milliseconds_only() -> None:
    """Readings are truncated to the millisecond, as ECR's timestamps are."""
    clock = EmulatorClock(START + timedelta(microseconds=1999), frozen=True)

    assert clock.now().microsecond % 1000 == 0


@pytest.mark.parametrize("delta", [timedelta(seconds=-1), timedelta(days=-90)])
def test_clock_refuses_to_go_back(delta: timedelta) -> None:
    """advance() with a negative delta raises ValueError."""
    clock = EmulatorClock(START, frozen=True)

    with pytest.raises(ValueError, match="forward"):
        clock.advance(delta)


def test_naive_start_is_refused() -> None:
    """A start without a time zone raises ValueError."""
    with pytest.raises(ValueError, match="timezone"):
        EmulatorClock(datetime(2026, 1, 1))


def test_reset_returns_to_the_start() -> None:
    """reset() drops every advance."""
    clock = EmulatorClock(START, frozen=True)
    clock.advance(timedelta(days=400))

    clock.reset()

    assert clock.now() == START


def test_advance_accepts_seconds(ecr_emulator: Emulator) -> None:
    """Emulator.advance() takes a number of seconds as well as a timedelta."""
    before = ecr_emulator.now()

    after = ecr_emulator.advance(3600)

    assert timedelta(hours=1) <= after - before < timedelta(hours=1, seconds=1)


def test_served_clock_can_start_frozen_at_a_given_time() -> None:
    """serve(start=..., frozen=True) stamps pushes with exactly that time."""
    with serve(start=START, frozen=True) as ecr:
        ecr.push_image(REPOSITORY, "v1")
        ecr.advance(timedelta(days=1))
        ecr.push_image(REPOSITORY, "v2")
        details = client_for(ecr.endpoint_url).describe_images(
            repositoryName=REPOSITORY
        )["imageDetails"]
        pushed = {detail["imageTags"][0]: detail["imagePushedAt"] for detail in details}

    assert pushed == {"v1": START, "v2": START + timedelta(days=1)}


def test_images_age_as_the_clock_moves(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """An image pushed now is ninety days old after advancing ninety days."""
    ecr_emulator.push_image(REPOSITORY, "v1")

    now = ecr_emulator.advance(timedelta(days=90))
    pushed = ecr_client.describe_images(repositoryName=REPOSITORY)["imageDetails"][0][
        "imagePushedAt"
    ]

    assert timedelta(days=90) <= now - pushed < timedelta(days=90, seconds=1)
