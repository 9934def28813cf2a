"""What ECR storage costs, as data a user can replace with their own figures.

The defaults are the figures the project was built against, not a price list:

- standard storage, $0.10 per GB-month: Amazon ECR pricing page;
- archive storage, $0.10 per GB-month for the first 150 TB and $0.07 above, a
  restore charge of $0.03 per GB and a 90-day minimum stay in archive: third-party
  pages of March 2026, not the official pricing page (the ECR user guide confirms
  only the 90-day minimum, in lifecycle_policy_examples.html).

Prices differ by region and change; pass a `Prices` of your own for real figures.
A GB here is 2**30 bytes, and a month is 30 days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

__all__ = ["BYTES_PER_GB", "DAYS_PER_MONTH", "Prices"]

BYTES_PER_GB = 1 << 30
DAYS_PER_MONTH = 30
_TB = 1024


@dataclass(frozen=True)
class Prices:
    """Storage and restore prices in US dollars."""

    standard_per_gb_month: float = 0.10
    """Standard storage, per GB-month."""

    archive_tiers: tuple[tuple[float | None, float], ...] = (
        (150 * _TB, 0.10),
        (None, 0.07),
    )
    """Archive storage as (GB-months up to which the rate applies, rate per
    GB-month), cheapest last; the last tier's limit is None (no limit)."""

    restore_per_gb: float = 0.03
    """Restoring an archived image to standard storage, per GB restored."""

    archive_minimum_days: int = 90
    """Days an archived image is billed for at least, even if deleted sooner."""

    def __post_init__(self) -> None:
        problems = []
        rates = [rate for _, rate in self.archive_tiers]
        if min([self.standard_per_gb_month, self.restore_per_gb, *rates]) < 0:
            problems.append("prices cannot be negative")
        if self.archive_minimum_days < 0:
            problems.append("archive_minimum_days cannot be negative")
        if not self.archive_tiers or self.archive_tiers[-1][0] is not None:
            problems.append("the last archive tier needs None as its limit")
        limits = [limit for limit, _ in self.archive_tiers[:-1]]
        finite = [limit for limit in limits if limit is not None]
        if len(finite) != len(limits) or finite != sorted(finite):
            problems.append("archive tier limits must rise, with None only last")
        if problems:
            raise ValueError("; ".join(problems))

    def archive_cost(self, gb_months: float) -> float:
        """The archive storage charge for `gb_months` in one month, tier by tier."""
        cost = 0.0
        floor = 0.0
        for limit, rate in self.archive_tiers:
            top = gb_months if limit is None else min(gb_months, limit)
            if top > floor:
                cost += (top - floor) * rate
            if limit is None or gb_months <= limit:
                break
            floor = limit

        return cost

    def standard_cost(self, gb_months: float) -> float:
        """The standard storage charge for `gb_months`."""
        return gb_months * self.standard_per_gb_month

    def restore_cost(self, size_in_bytes: int) -> float:
        """The charge for restoring this many bytes from archive."""
        return size_in_bytes / BYTES_PER_GB * self.restore_per_gb

    @property
    def archive_base_per_gb_month(self) -> float:
        """The first archive tier's rate, charged for days short of the minimum."""
        return self.archive_tiers[0][1]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Prices:
        """Prices from a JSON object; fields left out keep their defaults.

        Raises ValueError naming unknown fields or impossible figures.
        """
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            message = f"unknown price fields {unknown}; known: {sorted(known)}"
            raise ValueError(message)
        values = dict(data)
        if "archive_tiers" in values:
            values["archive_tiers"] = tuple(
                (None if limit is None else float(limit), float(rate))
                for limit, rate in values["archive_tiers"]
            )

        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The prices as a JSON-ready object, the shape `from_dict` reads."""
        data = asdict(self)
        data["archive_tiers"] = [list(tier) for tier in self.archive_tiers]

        return data
