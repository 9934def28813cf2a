"""`policies.evaluate` against the plain reference loop kept in the benchmark."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from benchmarks.bench_evaluate import naive_evaluate
from policies import evaluate
from tests.policies.test_evaluate import NOW, policy, rule

TAGS = ("prod-1", "prod-2", "v1.2", "v1", "beta-prod", "latest", "rel-2024.1", "x")

POLICIES = {
    "prefix pair, pattern, untagged, pull archive": policy(
        rule(1, "tagged", "imageCountMoreThan", 2, prefixes=["prod", "v1"]),
        rule(2, "tagged", "sinceImagePushed", 20, patterns=["*prod*"]),
        rule(3, "untagged", "imageCountMoreThan", 1),
        rule(4, "any", "sinceImagePulled", 30, action="transition"),
        rule(
            5,
            "tagged",
            "sinceImageTransitioned",
            90,
            patterns=["rel-*.*"],
            storage_class="archive",
        ),
        rule(6, "any", "sinceImageTransitioned", 120, storage_class="archive"),
    ),
    "count everything": policy(
        rule(1, "tagged", "sinceImagePushed", 5, patterns=["v*", "*1*"]),
        rule(2, "any", "imageCountMoreThan", 3, action="transition"),
    ),
}


def random_images(seed: int, count: int = 60) -> list[dict[str, Any]]:
    """Images with random tag sets, states and clocks, some sharing push times."""
    rng = random.Random(seed)
    images = []
    for number in range(count):
        pushed = NOW - timedelta(hours=rng.randrange(0, 24 * 300, 12))
        status = rng.choice(("ACTIVE",) * 4 + ("ARCHIVED", "ACTIVATING"))
        detail: dict[str, Any] = {
            "imageDigest": f"sha256:{seed:04d}{number:060d}",
            "imagePushedAt": pushed,
            "imageStatus": status,
        }
        tags = rng.sample(TAGS, rng.randrange(0, 3))
        if tags:
            detail["imageTags"] = tags
        if rng.random() < 0.5:
            detail["lastRecordedPullTime"] = pushed + timedelta(days=rng.randrange(40))
        if rng.random() < 0.2:
            detail["lastActivatedAt"] = pushed + timedelta(days=rng.randrange(60))
        if status != "ACTIVE":
            detail["lastArchivedAt"] = pushed + timedelta(days=rng.randrange(1, 30))
        images.append(detail)
    return images


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("name", sorted(POLICIES))
def test_evaluate_agrees_with_the_plain_reference_loop(name: str, seed: int) -> None:
    """The indexed evaluation returns exactly what the plain loop returns."""
    images = random_images(seed)

    results = evaluate(POLICIES[name], images, NOW)
    reference = naive_evaluate(POLICIES[name], images, NOW)

    def digest(item: dict[str, Any]) -> str:
        return str(item["imageDigest"])

    assert sorted(results, key=digest) == sorted(reference, key=digest)
    assert results
