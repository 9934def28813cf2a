"""What the built policy does to images, worked out by `policies.evaluate`.

These check the mechanism the builder relies on (higher-priority tag selections keep
images away from the `any` rules), on the ECR semantics the evaluator implements.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from policies import archive_then_expire, evaluate

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _image(
    name: str,
    *tags: str,
    pushed_days_ago: int,
    pulled_days_ago: int | None = None,
    archived_days_ago: int | None = None,
) -> dict[str, Any]:
    image: dict[str, Any] = {
        "imageDigest": f"sha256:{name}",
        "imagePushedAt": NOW - timedelta(days=pushed_days_ago),
        "imageStatus": "ACTIVE" if archived_days_ago is None else "ARCHIVED",
    }
    if tags:
        image["imageTags"] = list(tags)
    if pulled_days_ago is not None:
        image["lastRecordedPullTime"] = NOW - timedelta(days=pulled_days_ago)
    if archived_days_ago is not None:
        image["lastArchivedAt"] = NOW - timedelta(days=archived_days_ago)
    return image


IMAGES = [
    _image("old-latest", "latest", pushed_days_ago=3650),
    _image("old-latest-and-version", "latest", "v1", pushed_days_ago=3650),
    _image("archived-prod", "prod-7", pushed_days_ago=3650, archived_days_ago=3000),
    _image("unpulled", "v2", pushed_days_ago=200),
    _image("pulled-lately", "v3", pushed_days_ago=200, pulled_days_ago=10),
    _image("long-archived", "v0", pushed_days_ago=900, archived_days_ago=400),
    _image("newly-archived", "v4", pushed_days_ago=400, archived_days_ago=100),
    _image("old-untagged", pushed_days_ago=400),
    _image("new-untagged", pushed_days_ago=3),
]

# (image, action on it: None, "TRANSITION" or "EXPIRE")
DEFAULT_OUTCOMES = [
    ("old-latest", "TRANSITION"),
    ("old-latest-and-version", "TRANSITION"),
    ("archived-prod", "EXPIRE"),
    ("unpulled", "TRANSITION"),
    ("pulled-lately", None),
    ("long-archived", "EXPIRE"),
    ("newly-archived", None),
    ("old-untagged", "TRANSITION"),
    ("new-untagged", None),
]

PROTECTED_OUTCOMES = [
    ("old-latest", None),
    ("old-latest-and-version", None),
    ("archived-prod", None),
    ("unpulled", "TRANSITION"),
    ("pulled-lately", None),
    ("long-archived", "EXPIRE"),
    ("newly-archived", None),
    ("old-untagged", "EXPIRE"),
    ("new-untagged", None),
]


def _name(image: dict[str, Any]) -> str:
    return str(image["imageDigest"]).removeprefix("sha256:")


def _outcomes(**arguments: Any) -> list[tuple[str, str | None]]:
    results = evaluate(archive_then_expire(**arguments), IMAGES, NOW)
    actions = {_name(result): result["action"]["type"] for result in results}

    return [(_name(image), actions.get(_name(image))) for image in IMAGES]


def test_default_policy_archives_unpulled_and_deletes_long_archived() -> None:
    """Without options every image unpulled for 90 days is archived, tags or not."""
    assert _outcomes() == DEFAULT_OUTCOMES


def test_protected_tags_and_untagged_expiry_change_only_their_images() -> None:
    """Protected images are left alone in both classes; old untagged ones go."""
    outcomes = _outcomes(
        protected_tags=("latest", "prod-*"), expire_untagged_after_days=7
    )

    assert outcomes == PROTECTED_OUTCOMES


@pytest.mark.parametrize("days_ago", [1, 365, 3650, 36_499])
def test_protection_holds_for_any_age_short_of_a_hundred_years(days_ago: int) -> None:
    """A protected image is neither archived nor deleted, however old it gets."""
    images = [
        _image("standard", "latest", pushed_days_ago=days_ago),
        _image(
            "archived", "latest", pushed_days_ago=days_ago, archived_days_ago=days_ago
        ),
    ]
    policy = archive_then_expire(1, 90, protected_tags=("latest",))

    assert evaluate(policy, images, NOW) == []


def test_untagged_images_are_deleted_not_archived() -> None:
    """With untagged expiry, an untagged image is never archived, even when unpulled."""
    images = [_image("untagged", pushed_days_ago=6)]
    policy = archive_then_expire(1, 90, expire_untagged_after_days=7)

    assert evaluate(policy, images, NOW) == []
    assert [
        result["action"]["type"]
        for result in evaluate(policy, images, NOW + timedelta(days=2))
    ] == ["EXPIRE"]
