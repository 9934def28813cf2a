"""Helpers shared by the tests that talk to the local ECR endpoint over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from emulator import Emulator


class EmulatorTime:
    """The emulator's clock as the waiter sees it: reading it, and sleeping on it.

    Sleeping advances the emulator clock instead of waiting, so a nine-minute restore
    is waited for in milliseconds and the poll times are those the waiter chose.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.sleeps: list[float] = []

    def clock(self) -> float:
        """Seconds on the emulator clock."""
        return self.emulator.now().timestamp()

    def sleep(self, seconds: float) -> None:
        """Advance the emulator clock by `seconds`."""
        self.sleeps.append(seconds)
        self.emulator.advance(timedelta(seconds=seconds))


@pytest.fixture
def emulator_time(ecr_emulator: Emulator) -> EmulatorTime:
    """Clock and sleep bound to the emulator of the test."""
    return EmulatorTime(ecr_emulator)


def fixed(value: float) -> Callable[[], float]:
    """A `random` that always draws `value`, for exact backoff sequences."""
    return lambda: value
