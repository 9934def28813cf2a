"""What a lifecycle policy will do over the coming days, and what storage will cost.

`project` answers: if nobody pulls or pushes anything, on which day is each image
archived or deleted, and what does the repository cost per month with the policy
and without it?

The model is ECR evaluating the policy once a day: day 0 is `now`, day d is `now`
plus d days, and what a day's evaluation decides has happened before that day's
storage is counted. A restore under way (ACTIVATING) is taken as finished before the
first evaluation, as a restore that ended at `now`.

It gives exactly what calling `evaluate` every day and applying its results would
give, without evaluating every image every day. Between two days only time moves, so:

- every image is governed by one rule per storage class, the first whose storage
  class and tags select it (later rules cannot act on it);
- an age rule acts on the first day its clock is old enough, which is arithmetic;
- a count rule acts on day 0 or never: with no new pushes the images a count rule
  selects only ever leave, so no image's rank among them grows past the count later;
- an image archived on day d carries `lastArchivedAt` = day d from then on.

The tests hold this to a day-by-day run of `evaluate` on random repositories.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from policies._evaluate import (
    AGE_COUNT_TYPES,
    ARCHIVE,
    DAY_MICROS,
    SINCE_IMAGE_PULLED,
    SINCE_IMAGE_PUSHED,
    STANDARD,
    CompiledRule,
    Inventory,
    PolicyInput,
    apply_rules,
    collector_paused,
    compile_policy,
    micros,
    selected_by,
    sort_oldest_first,
)
from policies._prices import BYTES_PER_GB, DAYS_PER_MONTH, Prices

__all__ = ["MonthCost", "ProjectedAction", "Projection", "project"]

_API_STORAGE_CLASS = {STANDARD: "STANDARD", ARCHIVE: "ARCHIVE"}


class ProjectedAction(NamedTuple):
    """One image archived or deleted on one day of the projection.

    A named tuple rather than a dataclass: a projection can hold a hundred thousand
    of them, and tuples are several times quicker to build.
    """

    day: int
    """Days after the start; 0 is what ECR would do now."""

    at: datetime
    """The evaluation the action comes from: start plus `day` days."""

    image_digest: str
    image_tags: tuple[str, ...]
    action: str
    """"TRANSITION" (to archive) or "EXPIRE" (delete)."""

    rule_priority: int
    storage_class: str
    """"STANDARD" or "ARCHIVE": where the image was when the rule acted."""

    size_in_bytes: int

    def to_dict(self) -> dict[str, Any]:
        """The action as a JSON-ready object."""
        return {
            "day": self.day,
            "at": self.at.isoformat(),
            "imageDigest": self.image_digest,
            "imageTags": list(self.image_tags),
            "action": self.action,
            "appliedRulePriority": self.rule_priority,
            "storageClass": self.storage_class,
            "imageSizeInBytes": self.size_in_bytes,
        }


@dataclass(frozen=True)
class MonthCost:
    """Storage held and paid for in one 30-day month of the projection."""

    month: int
    """1 for days 0 to 29, 2 for days 30 to 59, and so on."""

    first_day: int
    days: int
    """30, or fewer for a last month cut short by the horizon."""

    standard_gb_months: float
    archive_gb_months: float
    early_deletion_cost: float
    """Archive minimum charged for images deleted before their minimum stay."""

    cost: float
    """With the policy: standard, archive and early-deletion charges."""

    standard_gb_months_without_policy: float
    archive_gb_months_without_policy: float
    cost_without_policy: float

    @property
    def saving(self) -> float:
        """How much less the month costs with the policy."""
        return self.cost_without_policy - self.cost

    def to_dict(self) -> dict[str, Any]:
        """The month as a JSON-ready object."""
        return {
            "month": self.month,
            "firstDay": self.first_day,
            "days": self.days,
            "standardGbMonths": round(self.standard_gb_months, 6),
            "archiveGbMonths": round(self.archive_gb_months, 6),
            "earlyDeletionCost": round(self.early_deletion_cost, 6),
            "cost": round(self.cost, 6),
            "standardGbMonthsWithoutPolicy": round(
                self.standard_gb_months_without_policy, 6
            ),
            "archiveGbMonthsWithoutPolicy": round(
                self.archive_gb_months_without_policy, 6
            ),
            "costWithoutPolicy": round(self.cost_without_policy, 6),
            "saving": round(self.saving, 6),
        }


@dataclass(frozen=True)
class Projection:
    """The projection of a policy over a repository, day by day and month by month."""

    start: datetime
    horizon_days: int
    prices: Prices
    actions: tuple[ProjectedAction, ...]
    """Ordered by day, rule priority, then oldest push first, then digest."""

    months: tuple[MonthCost, ...]
    final_standard_bytes: int
    """Bytes in standard storage after the last day."""

    final_archive_bytes: int
    """Bytes in archive storage after the last day."""

    counts: dict[str, int] = field(default_factory=dict)
    """Images at the start: "standard", "archive", "activating"."""

    @property
    def cost(self) -> float:
        """Total storage cost over the horizon with the policy."""
        return sum(month.cost for month in self.months)

    @property
    def cost_without_policy(self) -> float:
        """Total storage cost over the horizon if nothing is archived or deleted."""
        return sum(month.cost_without_policy for month in self.months)

    @property
    def restore_all_cost(self) -> float:
        """What restoring every image archived at the end would cost."""
        return self.prices.restore_cost(self.final_archive_bytes)

    def to_dict(self) -> dict[str, Any]:
        """The projection as a JSON-ready object with stable keys."""
        return {
            "start": self.start.isoformat(),
            "horizonDays": self.horizon_days,
            "prices": self.prices.to_dict(),
            "imagesAtStart": dict(sorted(self.counts.items())),
            "actions": [action.to_dict() for action in self.actions],
            "months": [month.to_dict() for month in self.months],
            "finalStandardBytes": self.final_standard_bytes,
            "finalArchiveBytes": self.final_archive_bytes,
            "cost": round(self.cost, 6),
            "costWithoutPolicy": round(self.cost_without_policy, 6),
            "saving": round(self.cost_without_policy - self.cost, 6),
            "restoreAllCost": round(self.restore_all_cost, 6),
        }


def first_day(clock: int, now: int, count_number: int) -> int:
    """The first day d >= 0 on which `clock` is more than `count_number` days old."""
    return max(0, (clock - now + count_number * DAY_MICROS) // DAY_MICROS + 1)


def _restores_finished(
    images: Iterable[Mapping[str, Any]], now: datetime
) -> tuple[list[Mapping[str, Any]], int]:
    finished: list[Mapping[str, Any]] = []
    activating = 0
    for image in images:
        if image.get("imageStatus") != "ACTIVATING":
            finished.append(image)
            continue
        activating += 1
        finished.append({**image, "imageStatus": "ACTIVE", "lastActivatedAt": now})

    return finished, activating


def _check_rules(rules: Iterable[CompiledRule]) -> None:
    for rule in rules:
        if rule.storage_class == ARCHIVE and rule.count_type not in AGE_COUNT_TYPES:
            message = (
                f"rule {rule.priority}: the projection handles archive rules that "
                f"count days, not {rule.count_type}"
            )
            raise ValueError(message)


class _Timeline:
    """Actions found so far, and the bytes and charges they move, day by day."""

    def __init__(
        self, inventory: Inventory, now: int, horizon_days: int, prices: Prices
    ) -> None:
        self.inventory = inventory
        self.now = now
        self.horizon_days = horizon_days
        self.sizes = [
            int(image.get("imageSizeInBytes") or 0) for image in inventory.images
        ]
        self.entries: list[tuple[int, CompiledRule, int]] = []
        self.standard_delta = [0] * (horizon_days + 1)
        self.archive_delta = [0] * (horizon_days + 1)
        self.early_deletion = [0.0] * (horizon_days + 1)
        self.archived_on: dict[int, int] = {}
        """Images this projection archives, with the moment it does."""
        self._minimum_stay = prices.archive_minimum_days * DAY_MICROS
        self._early_rate = prices.archive_base_per_gb_month / (
            DAY_MICROS * DAYS_PER_MONTH * BYTES_PER_GB
        )

    def add(
        self, day: int, rule: CompiledRule, index: int, archived_at: int | None = None
    ) -> None:
        """Record the rule acting on the image that day, if inside the horizon.

        `archived_at` is when an archived image entered archive, for the charge of
        deleting it before the minimum stay.
        """
        if day >= self.horizon_days:
            return
        self.entries.append((day, rule, index))
        size = self.sizes[index]
        moment = self.now + day * DAY_MICROS
        if rule.storage_class == ARCHIVE:
            self.archive_delta[day] -= size
            due = moment if archived_at is None else archived_at + self._minimum_stay
            if (short := due - moment) > 0:
                self.early_deletion[day] += short * size * self._early_rate
            return
        self.standard_delta[day] -= size
        if rule.action_type == "transition":
            self.archive_delta[day] += size
            self.archived_on[index] = moment

    def add_when_old(self, clock: int, rule: CompiledRule, index: int) -> None:
        """Record the age rule acting on the first day `clock` is old enough."""
        day = first_day(clock, self.now, rule.count_number)
        archived_at = clock if rule.storage_class == ARCHIVE else None
        self.add(day, rule, index, archived_at)

    def actions(self, start: datetime) -> tuple[ProjectedAction, ...]:
        """The actions in order: day, rule priority, oldest push first, digest."""
        inventory = self.inventory
        rank = [0] * len(inventory)
        everyone = range(len(inventory))
        for position, index in enumerate(sort_oldest_first(everyone, inventory)):
            rank[index] = position
        span = len(inventory) + 1
        priorities = sorted({rule.priority for _, rule, _ in self.entries})
        order = {priority: position for position, priority in enumerate(priorities)}
        per_day = len(order) * span
        # One integer per entry sorts much faster than tuples of three.
        self.entries.sort(
            key=lambda entry: (
                entry[0] * per_day + order[entry[1].priority] * span + rank[entry[2]]
            )
        )
        moments = [start + timedelta(days=day) for day in range(self.horizon_days)]
        images = inventory.images
        return tuple(
            ProjectedAction(
                day,
                moments[day],
                inventory.digests[index],
                tuple(images[index].get("imageTags") or ()),
                "TRANSITION" if rule.action_type == "transition" else "EXPIRE",
                rule.priority,
                _API_STORAGE_CLASS[rule.storage_class],
                self.sizes[index],
            )
            for day, rule, index in self.entries
        )


def project(
    policy: PolicyInput,
    images: Iterable[Mapping[str, Any]],
    now: datetime,
    horizon_days: int = 365,
    *,
    prices: Prices | None = None,
) -> Projection:
    """Project the policy over `horizon_days` days from `now`, nothing being pulled.

    `policy` and `images` are as for `evaluate`. Raises `PolicyError` for a policy
    ECR would reject, ValueError for a negative horizon or a naive datetime.
    """
    if horizon_days < 0:
        message = f"horizon_days is {horizon_days}; pass 0 or more"
        raise ValueError(message)
    prices = prices or Prices()
    rules = compile_policy(policy)
    _check_rules(rules)

    with collector_paused():
        finished, activating = _restores_finished(images, now)
        inventory = Inventory(finished)
        timeline = _Timeline(inventory, micros(now), horizon_days, prices)
        _project_actions(rules, timeline)
        actions = timeline.actions(now)
        months, final_standard, final_archive = _months(timeline, prices)

    counts = {
        "standard": len(inventory.members[STANDARD]) - activating,
        "archive": len(inventory.members[ARCHIVE]),
        "activating": activating,
    }
    return Projection(
        start=now,
        horizon_days=horizon_days,
        prices=prices,
        actions=actions,
        months=months,
        final_standard_bytes=final_standard,
        final_archive_bytes=final_archive,
        counts=counts,
    )


def _governing(
    rules: Iterable[CompiledRule], inventory: Inventory
) -> dict[int, CompiledRule]:
    governing: dict[int, CompiledRule] = {}
    for rule in rules:
        for index in selected_by(rule, inventory):
            governing.setdefault(index, rule)

    return governing


def _project_actions(rules: tuple[CompiledRule, ...], timeline: _Timeline) -> None:
    inventory, now = timeline.inventory, timeline.now
    archived_clock = inventory.archived_clock()
    acted_now: set[int] = set()
    for rule, indices in apply_rules(rules, inventory, now):
        acted_now.update(indices)
        for index in indices:
            timeline.add(0, rule, index, archived_clock[index])

    standard_rules = [rule for rule in rules if rule.storage_class == STANDARD]
    for index, rule in _governing(standard_rules, inventory).items():
        if index not in acted_now and rule.count_type in AGE_COUNT_TYPES:
            timeline.add_when_old(_age_clock(rule, inventory)[index], rule, index)

    archive_rules = [rule for rule in rules if rule.storage_class == ARCHIVE]
    for index, rule in _governing(archive_rules, inventory).items():
        at = archived_clock[index]
        if index not in acted_now and at is not None:
            timeline.add_when_old(at, rule, index)

    # Images archived by the projection meet the archive rules on the following
    # days; which rule governs them depends on their tags alone.
    joined = inventory.joined_tags
    for index, at in list(timeline.archived_on.items()):
        for rule in archive_rules:
            if rule.selects(joined[index]):
                timeline.add_when_old(at, rule, index)
                break


def _age_clock(rule: CompiledRule, inventory: Inventory) -> list[int]:
    if rule.count_type == SINCE_IMAGE_PUSHED:
        return inventory.push_clock()
    if rule.count_type == SINCE_IMAGE_PULLED:
        return inventory.pull_clock()

    message = f"rule {rule.priority}: {rule.count_type} is not a standard age rule"
    raise ValueError(message)


def _months(
    timeline: _Timeline, prices: Prices
) -> tuple[tuple[MonthCost, ...], int, int]:
    inventory = timeline.inventory
    standard_start = sum(timeline.sizes[i] for i in inventory.members[STANDARD])
    archive_start = sum(timeline.sizes[i] for i in inventory.members[ARCHIVE])
    standard, archive = standard_start, archive_start
    months: list[MonthCost] = []
    per_gb_month = 1 / (BYTES_PER_GB * DAYS_PER_MONTH)
    for first in range(0, timeline.horizon_days, DAYS_PER_MONTH):
        last = min(first + DAYS_PER_MONTH, timeline.horizon_days)
        standard_bytes_days = archive_bytes_days = 0
        for day in range(first, last):
            standard += timeline.standard_delta[day]
            archive += timeline.archive_delta[day]
            standard_bytes_days += standard
            archive_bytes_days += archive
        early_cost = sum(timeline.early_deletion[first:last])
        days = last - first
        standard_gbm = standard_bytes_days * per_gb_month
        archive_gbm = archive_bytes_days * per_gb_month
        standard_without = standard_start * days * per_gb_month
        archive_without = archive_start * days * per_gb_month
        months.append(
            MonthCost(
                month=first // DAYS_PER_MONTH + 1,
                first_day=first,
                days=days,
                standard_gb_months=standard_gbm,
                archive_gb_months=archive_gbm,
                early_deletion_cost=early_cost,
                cost=prices.standard_cost(standard_gbm)
                + prices.archive_cost(archive_gbm)
                + early_cost,
                standard_gb_months_without_policy=standard_without,
                archive_gb_months_without_policy=archive_without,
                cost_without_policy=prices.standard_cost(standard_without)
                + prices.archive_cost(archive_without),
            )
        )

    return tuple(months), standard, archive
