"""ECR calls per ImageStorageClass provider operation, against the fewest possible.

Each operation runs through the SDK's provider servicer (as the engine drives it)
against the local ECR endpoint, whose counters give the calls made. The minimum is
what the operation cannot do without: one DescribeImages to learn the state, one
UpdateImageStorageClass when it must change, and for a restore at least one more
DescribeImages to see it ACTIVE. Waiting runs on the emulator's clock (sleeping
advances it) with the provider's default backoff and a seeded jitter, for the lab's
9 min 10 s restore; the poll count is what a real restore of that length costs.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from components import ImageStorageClassProvider
from ecr_archive import DEFAULT_BACKOFF
from emulator import Emulator, serve
from tests.support.servicer import (
    EmulatorTime,
    InProcessServicer,
    ProviderDriver,
)

REPO = "bench/app"
SEED = 7


@dataclass(frozen=True)
class Measurement:
    """The ECR calls one provider operation made, and the fewest it could make."""

    operation: str
    calls: dict[str, int]
    minimum: int

    @property
    def total(self) -> int:
        """All ECR calls made."""
        return sum(self.calls.values())

    def ratio(self) -> str:
        """Calls made over the minimum, or "-" when both are zero."""
        if self.minimum == 0:
            return "-" if self.total == 0 else "inf"

        return f"{self.total / self.minimum:.2f}"


@contextmanager
def _dummy_credentials() -> Iterator[None]:
    names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("AWS_PROFILE", None)
    os.environ["AWS_ACCESS_KEY_ID"] = "bench"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "bench"
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _driver(emulator: Emulator) -> ProviderDriver:
    time = EmulatorTime(emulator.endpoint_url)
    provider = ImageStorageClassProvider(
        backoff=DEFAULT_BACKOFF,
        clock=time.clock,
        sleep=time.sleep,
        random=random.Random(SEED).random,
    )
    driver = ProviderDriver(InProcessServicer(), provider)
    driver.configure(
        {
            "aws:region": emulator.region,
            "aws:endpoints": [{"ecr": emulator.endpoint_url}],
        }
    )

    return driver


def _inputs(driver: ProviderDriver, **inputs: Any) -> dict[str, Any]:
    outcome = driver.check({}, {"repository_name": REPO, "image_tag": "v1", **inputs})
    if outcome.failures:
        raise ValueError(f"bad benchmark inputs: {outcome.failures}")

    return outcome.inputs


def _measure(
    emulator: Emulator,
    operation: str,
    minimum: int,
    run: Callable[[], object],
) -> Measurement:
    emulator.reset_counters()
    run()
    calls = {name: count for name, count in emulator.counters().items() if count}

    return Measurement(operation, calls, minimum)


def _archive(emulator: Emulator) -> None:
    emulator.push_image(REPO, "v1")
    driver = _driver(emulator)
    driver.create(_inputs(driver, storage_class="ARCHIVE"))


def _fresh(
    emulator: Emulator, *, archived: bool = False, **inputs: Any
) -> tuple[ProviderDriver, dict[str, Any]]:
    """Reset the emulator to one image, `v1` (archived if asked); check `inputs`."""
    emulator.reset()
    if archived:
        _archive(emulator)
    else:
        emulator.push_image(REPO, "v1")
    driver = _driver(emulator)

    return driver, _inputs(driver, **inputs)


def measure(emulator: Emulator) -> list[Measurement]:
    """Run each provider operation once on a fresh emulator state."""
    results: list[Measurement] = []

    driver, news = _fresh(emulator, storage_class="STANDARD")
    results.append(
        _measure(emulator, "create, no change", 1, lambda: driver.create(news))
    )

    driver, news = _fresh(emulator, storage_class="ARCHIVE")
    created = driver.create(news)
    results.append(
        _measure(
            emulator,
            "update, no change",
            1,
            lambda: driver.update(created.id, created.outs, news),
        )
    )
    results.append(
        _measure(
            emulator,
            "diff, tag pinned",
            1,
            lambda: driver.diff(created.id, created.outs, news),
        )
    )
    results.append(
        _measure(emulator, "read", 1, lambda: driver.read(created.id, created.outs))
    )
    results.append(
        _measure(
            emulator,
            "delete, leave",
            0,
            lambda: driver.delete(created.id, created.outs),
        )
    )

    driver, news = _fresh(emulator, storage_class="ARCHIVE")
    results.append(
        _measure(emulator, "create, archive", 2, lambda: driver.create(news))
    )

    driver, news = _fresh(emulator, archived=True, storage_class="STANDARD")
    results.append(
        _measure(emulator, "create, restore + wait", 3, lambda: driver.create(news))
    )

    driver, news = _fresh(
        emulator, archived=True, storage_class="STANDARD", wait_for_active=False
    )
    results.append(
        _measure(emulator, "create, restore, no wait", 2, lambda: driver.create(news))
    )

    driver, news = _fresh(emulator, storage_class="ARCHIVE", on_delete="restore")
    created = driver.create(news)
    results.append(
        _measure(
            emulator,
            "delete, restore + wait",
            3,
            lambda: driver.delete(created.id, created.outs),
        )
    )

    return results


def _table(results: list[Measurement], delay_seconds: float) -> str:
    header = (
        f"{'operation':<26} {'Describe':>8} {'Update':>6} {'total':>5} "
        f"{'min':>4} {'ratio':>6}"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        lines.append(
            f"{result.operation:<26} {result.calls.get('DescribeImages', 0):>8} "
            f"{result.calls.get('UpdateImageStorageClass', 0):>6} {result.total:>5} "
            f"{result.minimum:>4} {result.ratio():>6}"
        )
    waits = [r for r in results if r.operation.endswith("+ wait")]
    for result in waits:
        polls = result.calls.get("DescribeImages", 0) - 1
        lines.append(
            f"{result.operation}: {polls} polls, one per "
            f"{delay_seconds / max(polls, 1):.1f} s of restore"
        )
    lines.append(
        f"(restores take {delay_seconds:.0f} s on the emulator clock; backoff "
        f"{DEFAULT_BACKOFF.initial:g} s doubling to {DEFAULT_BACKOFF.maximum:g} s, "
        "full jitter)"
    )

    return "\n".join(lines)


def main() -> None:
    """Print the ECR calls per provider operation and their ratio to the minimum."""
    with _dummy_credentials(), serve() as emulator:
        results = measure(emulator)
        delay = emulator.activation_delay.total_seconds()
    print(_table(results, delay))


if __name__ == "__main__":
    main()
