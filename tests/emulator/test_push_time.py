"""The push time a seeded image may be given, directly and over the control surface.

Every time the emulator keeps is timezone-aware: the lifecycle evaluation compares
push times with the clock, so one naive push time would make every later preview of
the repository, and every `advance()` while it has a policy, fail.
"""

from datetime import UTC, datetime

import pytest

from emulator import ControlClient, ControlError, Emulator
from tests.emulator.conftest import REPOSITORY


def test_naive_push_time_is_refused_and_nothing_is_pushed(
    ecr_emulator: Emulator,
) -> None:
    """push_image raises ValueError for a naive pushed_at and leaves no image."""
    with pytest.raises(ValueError, match="time zone"):
        ecr_emulator.push_image(REPOSITORY, "v1", pushed_at=datetime(2025, 1, 1))

    assert ecr_emulator.registry.backend("123456789012", "us-east-1").repositories == {}


def test_naive_push_time_is_refused_over_the_control_surface(
    ecr_emulator: Emulator,
) -> None:
    """POST /_emulator/images answers 400 for a push time without a time zone."""
    control = ControlClient(ecr_emulator.endpoint_url)

    with pytest.raises(ControlError, match="time zone"):
        control.push_image(REPOSITORY, "v1", pushed_at=datetime(2025, 1, 1))


def test_aware_push_time_is_kept(ecr_emulator: Emulator) -> None:
    """An aware pushed_at is accepted and reported as the image's push time."""
    pushed_at = datetime(2025, 1, 1, tzinfo=UTC)

    digest = ecr_emulator.push_image(REPOSITORY, "v1", pushed_at=pushed_at)

    repo = ecr_emulator.registry.repository("123456789012", "us-east-1", REPOSITORY)
    image = ecr_emulator.registry.find_image(repo, {"imageDigest": digest})
    assert ecr_emulator.registry.record(repo, image).pushed_at == pushed_at
