"""`policies.project` against a day-by-day run of `evaluate`, and its cost figures."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import Any

import pytest

from benchmarks.bench_evaluate import synthetic_images
from policies import PolicyError, archive_then_expire
from policies._evaluate import evaluate
from policies._prices import BYTES_PER_GB, Prices
from policies._projection import project
from tests.policies.test_evaluate import (
    NOW,
    digest,
    image,
    name_of,
    policy,
    rule,
)

GB = BYTES_PER_GB

POLICIES = {
    "two stage": policy(
        rule(1, "any", "sinceImagePulled", 30, action="transition"),
        rule(2, "any", "sinceImageTransitioned", 90, storage_class="archive"),
    ),
    "protected, untagged, count, two stage": policy(
        rule(1, "tagged", "imageCountMoreThan", 3, patterns=["rel*"]),
        rule(2, "untagged", "sinceImagePushed", 7),
        rule(3, "tagged", "imageCountMoreThan", 4, prefixes=["v"], action="transition"),
        rule(4, "any", "sinceImagePushed", 20, action="transition"),
        rule(
            5,
            "tagged",
            "sinceImageTransitioned",
            120,
            patterns=["v*"],
            storage_class="archive",
        ),
        rule(6, "any", "sinceImageTransitioned", 90, storage_class="archive"),
    ),
    "expire only": policy(
        rule(1, "tagged", "sinceImagePushed", 10, prefixes=["dev"]),
        rule(2, "any", "imageCountMoreThan", 5),
    ),
    "archive guard": policy(
        rule(
            1,
            "tagged",
            "sinceImageTransitioned",
            36_500,
            patterns=["rel*"],
            storage_class="archive",
        ),
        rule(2, "any", "sinceImagePulled", 15, action="transition"),
        rule(3, "any", "sinceImageTransitioned", 100, storage_class="archive"),
    ),
}


def random_repository(seed: int, count: int = 40) -> list[dict[str, Any]]:
    """Images with random tags, states and clocks around NOW."""
    rng = random.Random(seed)
    images = []
    for number in range(count):
        tags = rng.choice(
            (
                [],
                [f"v{number}"],
                [f"rel-{number}"],
                [f"dev-{number}", "x"],
                ["v", "rel"],
            )
        )
        status = rng.choice(("ACTIVE",) * 5 + ("ARCHIVED", "ACTIVATING"))
        pushed = rng.uniform(0, 200)
        images.append(
            image(
                f"img-{seed}-{number}",
                tags,
                pushed=pushed,
                status=status,
                pulled=rng.choice((None, rng.uniform(0, pushed))),
                archived=None if status == "ACTIVE" else rng.uniform(0, pushed),
                activated=rng.choice((None, None, rng.uniform(0, pushed))),
                size=rng.randrange(1, 5) * GB // 4,
            )
        )
    return images


def day_by_day(
    document: dict[str, Any], images: list[dict[str, Any]], horizon_days: int
) -> tuple[list[tuple[int, str, str, int]], list[tuple[int, int]]]:
    """The reference: evaluate every day and apply what it returns.

    Returns the actions as (day, image, action, priority) and each day's
    (standard bytes, archive bytes) after that day's actions.
    """
    state = {}
    for detail in images:
        restored = {"imageStatus": "ACTIVE", "lastActivatedAt": NOW}
        activating = detail["imageStatus"] == "ACTIVATING"
        state[detail["imageDigest"]] = {**detail, **restored} if activating else detail
    actions = []
    storage = []
    for day in range(horizon_days):
        moment = NOW + timedelta(days=day)
        for result in evaluate(document, list(state.values()), moment):
            key = result["imageDigest"]
            kind = result["action"]["type"]
            actions.append((day, name_of(key), kind, result["appliedRulePriority"]))
            if kind == "EXPIRE":
                del state[key]
            else:
                state[key] = {
                    **state[key],
                    "imageStatus": "ARCHIVED",
                    "lastArchivedAt": moment,
                }
        storage.append(
            (
                sum(
                    d["imageSizeInBytes"]
                    for d in state.values()
                    if d["imageStatus"] == "ACTIVE"
                ),
                sum(
                    d["imageSizeInBytes"]
                    for d in state.values()
                    if d["imageStatus"] == "ARCHIVED"
                ),
            )
        )
    return actions, storage


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("name", sorted(POLICIES))
def test_projection_equals_evaluating_every_day(name: str, seed: int) -> None:
    """The event-driven projection finds exactly the daily evaluation's actions."""
    images = random_repository(seed)
    horizon = 260

    expected_actions, storage = day_by_day(POLICIES[name], images, horizon)
    projection = project(POLICIES[name], images, NOW, horizon)

    actions = [
        (a.day, name_of(a.image_digest), a.action, a.rule_priority)
        for a in projection.actions
    ]
    assert sorted(actions) == sorted(expected_actions)
    for month in projection.months:
        days = storage[month.first_day : month.first_day + month.days]
        standard = sum(s for s, _ in days) / GB / 30
        archive = sum(a for _, a in days) / GB / 30
        assert month.standard_gb_months == pytest.approx(standard)
        assert month.archive_gb_months == pytest.approx(archive)
    assert projection.final_standard_bytes == storage[-1][0]
    assert projection.final_archive_bytes == storage[-1][1]


TWO_STAGE = POLICIES["two stage"]


def test_unpulled_image_is_archived_then_expired_on_the_computed_days() -> None:
    """Archive comes the day after 30 full days unpulled, expiry 90 days later."""
    images = [image("app", ["v1"], pushed=0, size=GB)]

    projection = project(TWO_STAGE, images, NOW, 180)

    assert [(a.day, a.action, a.storage_class) for a in projection.actions] == [
        (31, "TRANSITION", "STANDARD"),
        (122, "EXPIRE", "ARCHIVE"),
    ]
    assert projection.actions[0].at == NOW + timedelta(days=31)


def test_monthly_cost_follows_the_storage_held_each_day() -> None:
    """A 1 GB image costs $0.10 a month in either class at the default prices."""
    images = [image("app", ["v1"], pushed=0, size=GB)]

    months = project(TWO_STAGE, images, NOW, 180).months

    assert [month.days for month in months] == [30] * 6
    assert months[0].standard_gb_months == pytest.approx(1.0)
    assert months[1].standard_gb_months == pytest.approx(1 / 30)
    assert months[1].archive_gb_months == pytest.approx(29 / 30)
    assert months[1].cost == pytest.approx(0.10)
    assert months[4].archive_gb_months == pytest.approx(2 / 30)
    assert months[5].cost == 0
    assert all(month.cost_without_policy == pytest.approx(0.10) for month in months)


def test_cheaper_archive_price_shows_as_a_saving() -> None:
    """With archive at half price, archived days cost half."""
    images = [image("app", ["v1"], pushed=100, size=10 * GB)]
    half = Prices(archive_tiers=((None, 0.05),))

    projection = project(TWO_STAGE, images, NOW, 30, prices=half)

    assert projection.actions[0].day == 0
    assert projection.cost == pytest.approx(10 * 0.05)
    assert projection.cost_without_policy == pytest.approx(10 * 0.10)
    assert projection.restore_all_cost == pytest.approx(10 * 0.03)


def test_archive_tiers_charge_each_band_at_its_rate() -> None:
    """200 TB-months of archive: the first 150 TB at $0.10, the rest at $0.07."""
    prices = Prices()

    cost = prices.archive_cost(200 * 1024)

    assert cost == pytest.approx(150 * 1024 * 0.10 + 50 * 1024 * 0.07)


def test_deleting_before_the_archive_minimum_is_charged_the_rest() -> None:
    """An image deleted after 91 days of a 120-day minimum pays 29 more days."""
    images = [image("app", ["v1"], pushed=0, size=GB)]
    longer_minimum = Prices(archive_minimum_days=120)

    projection = project(TWO_STAGE, images, NOW, 180, prices=longer_minimum)

    charged = sum(month.early_deletion_cost for month in projection.months)
    assert charged == pytest.approx(29 / 30 * 0.10)
    assert projection.months[4].early_deletion_cost == pytest.approx(charged)


def test_restore_in_progress_counts_as_finished_at_the_start() -> None:
    """An ACTIVATING image is standard from day 0 with its restore as its last use."""
    images = [
        image("restoring", ["v1"], pushed=400, status="ACTIVATING", archived=200),
    ]

    projection = project(TWO_STAGE, images, NOW, 60)

    assert projection.counts == {"standard": 0, "archive": 0, "activating": 1}
    assert [(a.day, a.action) for a in projection.actions] == [(31, "TRANSITION")]


def test_nothing_happens_without_matching_rules() -> None:
    """Images no rule selects stay where they are and cost the same either way."""
    only_dev = policy(rule(1, "tagged", "sinceImagePushed", 1, prefixes=["dev"]))
    images = [image("prod", ["prod"], pushed=400, size=GB)]

    projection = project(only_dev, images, NOW, 90)

    assert projection.actions == ()
    assert projection.cost == pytest.approx(projection.cost_without_policy)


def test_projection_serialises_to_stable_json() -> None:
    """The JSON form has the actions and months, and is the same every time."""
    images = [image("app", ["v1"], pushed=0, size=GB)]

    first = project(TWO_STAGE, images, NOW, 60).to_dict()
    second = project(TWO_STAGE, images, NOW, 60).to_dict()

    assert first == second
    assert first["actions"][0] == {
        "day": 31,
        "at": (NOW + timedelta(days=31)).isoformat(),
        "imageDigest": digest("app"),
        "imageTags": ["v1"],
        "action": "TRANSITION",
        "appliedRulePriority": 1,
        "storageClass": "STANDARD",
        "imageSizeInBytes": GB,
    }
    assert [month["month"] for month in first["months"]] == [1, 2]


def test_prices_read_from_json_keep_unnamed_defaults() -> None:
    """A price file names only the figures it changes."""
    prices = Prices.from_dict(
        {"standard_per_gb_month": 0.12, "archive_tiers": [[None, 0.02]]}
    )

    assert prices.standard_per_gb_month == 0.12
    assert prices.archive_tiers == ((None, 0.02),)
    assert prices.restore_per_gb == Prices().restore_per_gb
    assert Prices.from_dict(prices.to_dict()) == prices


@pytest.mark.parametrize(
    "bad",
    [
        {"standard_per_gb_month": -1},
        {"restore_per_gb": -0.01},
        {"archive_tiers": [[100, 0.1], [None, -0.07]]},
        {"archive_tiers": [[100, 0.1]]},
        {"archive_tiers": [[100, 0.1], [50, 0.05], [None, 0.01]]},
        {"archive_minimum_days": -3},
        {"storage": 1},
    ],
)
def test_impossible_prices_are_refused(bad: dict[str, Any]) -> None:
    """Negative figures, tiers without an open last band and unknown names fail."""
    with pytest.raises(ValueError, match=r"negative|tier|unknown"):
        Prices.from_dict(bad)


def test_negative_horizon_is_refused() -> None:
    """A projection looks forward, never back."""
    with pytest.raises(ValueError, match="horizon_days"):
        project(TWO_STAGE, [], NOW, -1)


def test_projection_checks_the_policy() -> None:
    """A policy ECR would reject is refused before anything is projected."""
    refused = policy(rule(1, "any", "sinceImagePulled", 90, action="expire"))

    with pytest.raises(PolicyError):
        project(refused, [], NOW, 30)


def test_hundred_thousand_images_project_a_year_quickly() -> None:
    """A year of the default two-stage policy over 100,000 images stays fast."""
    images = synthetic_images(100_000, seed=7, now=NOW)
    two_stage = archive_then_expire(90, 365, protected_tags=["latest"])

    # CPU time, so that other work on a shared machine does not count.
    started = time.process_time()
    projection = project(two_stage, images, NOW, 365)
    elapsed = time.process_time() - started

    assert len(projection.actions) > 10_000
    assert elapsed < 3.0
