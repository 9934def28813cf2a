"""`policies.evaluate` against the sentences of the ECR lifecycle documentation.

Each row of `DOCUMENTED` quotes the sentence it checks, from the ECR user guide pages
LifecyclePolicies.html ("Lifecycle policy evaluation rules"),
lifecycle_policy_parameters.html and lifecycle_policy_examples.html (the worked
examples are reproduced with their repositories and their stated results).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import policies
from benchmarks.bench_evaluate import synthetic_images
from policies import PolicyError, archive_then_expire
from policies._evaluate import evaluate

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


_NAMES: dict[str, str] = {}


def digest(name: str) -> str:
    """A well-formed digest for a test image, remembered so results can be read."""
    value = "sha256:" + hashlib.sha256(name.encode()).hexdigest()
    _NAMES[value] = name
    return value


def name_of(image_digest: str) -> str:
    """The test name of a digest made by `digest`."""
    return _NAMES[image_digest]


def ago(days: float) -> datetime:
    """The moment `days` before NOW."""
    return NOW - timedelta(days=days)


def image(
    name: str,
    tags: list[str] | None = None,
    *,
    pushed: float,
    status: str = "ACTIVE",
    pulled: float | None = None,
    archived: float | None = None,
    activated: float | None = None,
    size: int = 1 << 30,
) -> dict[str, Any]:
    """An imageDetails entry; times are in days before NOW."""
    detail: dict[str, Any] = {
        "registryId": "123456789012",
        "repositoryName": "app",
        "imageDigest": digest(name),
        "imagePushedAt": ago(pushed),
        "imageSizeInBytes": size,
        "imageStatus": status,
    }
    if tags:
        detail["imageTags"] = tags
    for key, days in (
        ("lastRecordedPullTime", pulled),
        ("lastArchivedAt", archived),
        ("lastActivatedAt", activated),
    ):
        if days is not None:
            detail[key] = ago(days)
    return detail


def rule(
    priority: int,
    tag_status: str,
    count_type: str,
    count_number: int,
    *,
    prefixes: list[str] | None = None,
    patterns: list[str] | None = None,
    storage_class: str | None = None,
    action: str = "expire",
) -> dict[str, Any]:
    """One rule in ECR's JSON form."""
    selection: dict[str, Any] = {"tagStatus": tag_status}
    if prefixes is not None:
        selection["tagPrefixList"] = prefixes
    if patterns is not None:
        selection["tagPatternList"] = patterns
    if storage_class is not None:
        selection["storageClass"] = storage_class
    selection["countType"] = count_type
    if count_type != "imageCountMoreThan":
        selection["countUnit"] = "days"
    selection["countNumber"] = count_number
    action_body: dict[str, Any] = {"type": action}
    if action == "transition":
        action_body["targetStorageClass"] = "archive"
    return {"rulePriority": priority, "selection": selection, "action": action_body}


def policy(*rules: dict[str, Any]) -> dict[str, Any]:
    """A policy document holding `rules`."""
    return {"rules": list(rules)}


def outcome(results: list[dict[str, Any]]) -> set[tuple[str, int, str]]:
    """Each acted-on image as (name, rule priority, action type)."""
    return {
        (
            name_of(item["imageDigest"]),
            item["appliedRulePriority"],
            item["action"]["type"],
        )
        for item in results
    }


@dataclass(frozen=True)
class Case:
    """A documented sentence, a repository and policy, and what ECR does to it."""

    page: str
    sentence: str
    rules: tuple[dict[str, Any], ...]
    images: tuple[dict[str, Any], ...]
    expected: frozenset[tuple[str, int, str]]


EVALUATION = "LifecyclePolicies.html"
PARAMETERS = "lifecycle_policy_parameters.html"
EXAMPLES = "lifecycle_policy_examples.html"
ARCHIVE_90_DAYS = ("transition", "sinceImagePulled")

DOCUMENTED = [
    Case(
        EVALUATION,
        "An image is expired or archived by exactly one or zero rules.",
        (
            rule(1, "tagged", "sinceImagePushed", 10, patterns=["prod*"]),
            rule(2, "any", "sinceImagePushed", 5, action="transition"),
        ),
        (image("a", ["prod-1"], pushed=20), image("b", None, pushed=20)),
        frozenset({("a", 1, "EXPIRE"), ("b", 2, "TRANSITION")}),
    ),
    Case(
        EVALUATION,
        "An image that matches the tagging requirements of a rule cannot be expired "
        "or archived by a rule with a lower priority.",
        (
            rule(1, "tagged", "imageCountMoreThan", 9999, prefixes=["release"]),
            rule(2, "any", "sinceImagePulled", 30, action="transition"),
        ),
        (
            image("kept", ["release-1.0"], pushed=400),
            image("stale", ["feature-x"], pushed=400),
        ),
        frozenset({("stale", 2, "TRANSITION")}),
    ),
    Case(
        EVALUATION,
        "All rules are evaluated at the same time, regardless of rule priority. After "
        "all rules are evaluated, they are then applied based on rule priority.",
        (
            rule(2, "any", "sinceImagePushed", 1),
            rule(1, "tagged", "sinceImagePushed", 100, patterns=["keep*"]),
        ),
        (image("young-keep", ["keep"], pushed=50), image("other", ["x"], pushed=50)),
        frozenset({("other", 2, "EXPIRE")}),
    ),
    Case(
        EXAMPLES,
        "Filtering on multiple rules, Example A: Rule 2 marks both Image A and Image "
        "B; Image A has already been seen by Rule 1 and if Image B were expired it "
        "would violate Rule 1 and thus is skipped. Result: Image A is expired.",
        (
            rule(1, "tagged", "imageCountMoreThan", 1, patterns=["prod*"]),
            rule(2, "tagged", "imageCountMoreThan", 1, patterns=["beta*"]),
        ),
        (
            image("A", ["beta-1", "prod-1"], pushed=10),
            image("B", ["beta-2", "prod-2"], pushed=9),
            image("C", ["beta-3"], pushed=8),
        ),
        frozenset({("A", 1, "EXPIRE")}),
    ),
    Case(
        EXAMPLES,
        "Filtering on multiple rules, Example B: Rule 2 would see no images because "
        "all available images were already seen by Rule 1. Result: Images A and B "
        "are expired.",
        (
            rule(1, "tagged", "imageCountMoreThan", 1, patterns=["beta*"]),
            rule(2, "tagged", "imageCountMoreThan", 1, patterns=["prod*"]),
        ),
        (
            image("A", ["beta-1", "prod-1"], pushed=10),
            image("B", ["beta-2", "prod-2"], pushed=9),
            image("C", ["beta-3"], pushed=8),
        ),
        frozenset({("A", 1, "EXPIRE"), ("B", 1, "EXPIRE")}),
    ),
    Case(
        EVALUATION,
        "Rules can never mark images that are marked by higher priority rules, but "
        "can still identify them as if they haven't been expired or archived.",
        (
            rule(1, "tagged", "imageCountMoreThan", 1, patterns=["alpha*"]),
            rule(2, "untagged", "sinceImagePushed", 1),
            rule(3, "any", "imageCountMoreThan", 1),
        ),
        (
            image("A", ["alpha-1", "beta-1"], pushed=4),
            image("B", None, pushed=3),
            image("C", ["alpha-2"], pushed=2),
            image("D", ["git hash"], pushed=1),
            image("E", None, pushed=0.9),
        ),
        frozenset({("A", 1, "EXPIRE"), ("B", 2, "EXPIRE"), ("D", 3, "EXPIRE")}),
    ),
    Case(
        EXAMPLES,
        "Filtering on all images, Example A: Rule 1 identifies all images. It should "
        "expire all images other than the newest one.",
        (rule(1, "any", "imageCountMoreThan", 1),),
        (
            image("A", ["alpha-1"], pushed=4),
            image("B", ["beta-1"], pushed=3),
            image("C", None, pushed=2),
            image("D", ["alpha-2"], pushed=1),
        ),
        frozenset({("A", 1, "EXPIRE"), ("B", 1, "EXPIRE"), ("C", 1, "EXPIRE")}),
    ),
    Case(
        EXAMPLES,
        "Filtering on image count: a policy that keeps only one untagged image and "
        "expires all others.",
        (rule(1, "untagged", "imageCountMoreThan", 1),),
        (
            image("old", None, pushed=3),
            image("older", None, pushed=4),
            image("newest", None, pushed=1),
            image("tagged", ["v1"], pushed=9),
        ),
        frozenset({("old", 1, "EXPIRE"), ("older", 1, "EXPIRE")}),
    ),
    Case(
        EXAMPLES,
        "Filtering on image age: expires images with a tag starting with prod by "
        "using a tagPatternList of prod* that are also older than 14 days.",
        (rule(1, "tagged", "sinceImagePushed", 14, patterns=["prod*"]),),
        (
            image("old-prod", ["prod"], pushed=15),
            image("new-prod", ["prod"], pushed=13),
            image("old-dev", ["dev"], pushed=15),
        ),
        frozenset({("old-prod", 1, "EXPIRE")}),
    ),
    Case(
        EXAMPLES,
        "Filtering on multiple tags in a single rule, Example A: When multiple tag "
        "patterns are specified on a single rule, images must match all listed tag "
        "patterns. Result: Image C is expired.",
        (rule(1, "tagged", "sinceImagePushed", 5, patterns=["alpha*", "beta*"]),),
        (
            image("A", ["alpha-1"], pushed=12),
            image("B", ["beta-1"], pushed=11),
            image("C", ["alpha-2", "beta-2"], pushed=10),
            image("D", ["alpha-3"], pushed=4),
            image("E", ["beta-3"], pushed=3),
            image("F", ["alpha-4", "beta-4"], pushed=2),
        ),
        frozenset({("C", 1, "EXPIRE")}),
    ),
    Case(
        EXAMPLES,
        "Filtering on multiple tags in a single rule, Example B: tags are not "
        "exclusive. Result: Images A and B are expired.",
        (rule(1, "tagged", "imageCountMoreThan", 1, patterns=["alpha*", "beta*"]),),
        (
            image("A", ["alpha-1", "beta-1", "gamma-1"], pushed=10),
            image("B", ["alpha-2", "beta-2"], pushed=9),
            image("C", ["alpha-3", "beta-3", "gamma-2"], pushed=8),
        ),
        frozenset({("A", 1, "EXPIRE"), ("B", 1, "EXPIRE")}),
    ),
    Case(
        EVALUATION,
        "An image is successfully matched if all of the tags in the tagPatternList "
        "or tagPrefixList value are matched against any of the image's tags.",
        (rule(1, "tagged", "sinceImagePushed", 1, prefixes=["prod", "v1"]),),
        (
            image("both", ["prod-a", "v1.2"], pushed=5),
            image("one-tag-both", ["prodv1"], pushed=5),
            image("prod-only", ["prod-a"], pushed=5),
            image("v1-only", ["v1"], pushed=5),
        ),
        frozenset({("both", 1, "EXPIRE")}),
    ),
    Case(
        EVALUATION,
        "When using tagPatternList, an image is successfully matched if it matches "
        "the wildcard filter. For example, if a filter of prod* is applied, it would "
        "match image-tags whose name begins with prod such as prod, prod1, or "
        "production-team1.",
        (rule(1, "tagged", "sinceImagePushed", 1, patterns=["prod*"]),),
        (
            image("prod", ["prod"], pushed=5),
            image("prod1", ["prod1"], pushed=5),
            image("production-team1", ["production-team1"], pushed=5),
            image("myprod", ["myprod"], pushed=5),
            image("Prod", ["Prod"], pushed=5),
        ),
        frozenset(
            {("prod", 1, "EXPIRE"), ("prod1", 1, "EXPIRE")}
            | {("production-team1", 1, "EXPIRE")}
        ),
    ),
    Case(
        EVALUATION,
        "Similarly, if a filter of *prod* is applied, it would match image-tags whose "
        "name contains prod such as repo-production or prod-team.",
        (rule(1, "tagged", "sinceImagePushed", 1, patterns=["*prod*"]),),
        (
            image("repo-production", ["repo-production"], pushed=5),
            image("prod-team", ["prod-team"], pushed=5),
            image("pro-d", ["pro-d"], pushed=5),
        ),
        frozenset({("repo-production", 1, "EXPIRE"), ("prod-team", 1, "EXPIRE")}),
    ),
    Case(
        PARAMETERS,
        "If your images are tagged as prod, prod1, prod2, and so on, you would use "
        "the tag prefix prod to specify all of them.",
        (rule(1, "tagged", "sinceImagePushed", 1, prefixes=["prod"]),),
        (
            image("prod", ["prod"], pushed=5),
            image("prod1", ["prod1"], pushed=5),
            image("prod2", ["prod2"], pushed=5),
            image("xprod", ["xprod"], pushed=5),
            image("literal-star", ["prod*x"], pushed=5),
        ),
        frozenset(
            {("prod", 1, "EXPIRE"), ("prod1", 1, "EXPIRE"), ("prod2", 1, "EXPIRE")}
            | {("literal-star", 1, "EXPIRE")}
        ),
    ),
    Case(
        EVALUATION,
        "With countType = imageCountMoreThan, images are sorted from youngest to "
        "oldest based on pushed_at_time and then all images greater than the "
        "specified count are expired or archived.",
        (rule(1, "any", "imageCountMoreThan", 2, action="transition"),),
        (
            image("d2", ["a"], pushed=2),
            image("d4", ["b"], pushed=4),
            image("d1", None, pushed=1),
            image("d3", ["c"], pushed=3),
        ),
        frozenset({("d3", 1, "TRANSITION"), ("d4", 1, "TRANSITION")}),
    ),
    Case(
        EVALUATION,
        "With countType = sinceImagePushed, all images whose pushed_at_time is older "
        "than the specified number of days based on countNumber are expired or "
        "archived.",
        (rule(1, "any", "sinceImagePushed", 14),),
        (
            image("15-days", None, pushed=15),
            image("exactly-14-days", None, pushed=14),
            image("13-days", None, pushed=13),
        ),
        frozenset({("15-days", 1, "EXPIRE")}),
    ),
    Case(
        EVALUATION,
        "With countType = sinceImagePulled, all images whose last_recorded_pulltime "
        "is older than the specified number of days based on countNumber are "
        "archived.",
        (rule(1, "any", "sinceImagePulled", 90, action="transition"),),
        (
            image("pulled-long-ago", ["a"], pushed=300, pulled=100),
            image("pulled-lately", ["b"], pushed=300, pulled=10),
        ),
        frozenset({("pulled-long-ago", 1, "TRANSITION")}),
    ),
    Case(
        EVALUATION,
        "If an image was never pulled, the image's pushed_at_time is used instead of "
        "the last_recorded_pulltime.",
        (rule(1, "any", "sinceImagePulled", 90, action="transition"),),
        (image("old", ["a"], pushed=100), image("new", ["b"], pushed=10)),
        frozenset({("old", 1, "TRANSITION")}),
    ),
    Case(
        EVALUATION,
        "If an image was archived and then restored at any point in the past, but "
        "never pulled since the image was restored, the image's last_activated_at is "
        "used instead of the last_recorded_pulltime.",
        (rule(1, "any", "sinceImagePulled", 90, action="transition"),),
        (
            image("restored-lately", ["a"], pushed=400, pulled=200, activated=10),
            image("restored-long-ago", ["b"], pushed=400, activated=120),
            image("pulled-after-restore", ["c"], pushed=400, activated=200, pulled=100),
            image("pulled-lately", ["d"], pushed=400, activated=200, pulled=5),
        ),
        frozenset(
            {("restored-long-ago", 1, "TRANSITION")}
            | {("pulled-after-restore", 1, "TRANSITION")}
        ),
    ),
    Case(
        EVALUATION,
        "With countType = sinceImageTransitioned, all archived images whose "
        "last_archived_at is older than the specified number of days based on "
        "countNumber are expired.",
        (
            rule(
                1,
                "any",
                "sinceImageTransitioned",
                365,
                storage_class="archive",
            ),
        ),
        (
            image("archived-400", ["a"], pushed=900, status="ARCHIVED", archived=400),
            image("archived-100", ["b"], pushed=900, status="ARCHIVED", archived=100),
            image("active", ["c"], pushed=900),
        ),
        frozenset({("archived-400", 1, "EXPIRE")}),
    ),
    Case(
        EVALUATION,
        "If an image was archived and then restored at any point in the past, the "
        "image's last_activated_at is used instead of pushed_at_time.",
        (rule(1, "any", "imageCountMoreThan", 1),),
        (
            image("restored", ["a"], pushed=300, activated=1),
            image("pushed-lately", ["b"], pushed=10),
        ),
        frozenset({("pushed-lately", 1, "EXPIRE")}),
    ),
    Case(
        PARAMETERS,
        "The rule will only select images of this storage class. If you omit this, "
        "the value of standard will be used.",
        (
            rule(1, "any", "sinceImagePulled", 90, action="transition"),
            rule(2, "any", "sinceImageTransitioned", 90, storage_class="archive"),
        ),
        (
            image("active-stale", ["a"], pushed=400),
            image("archived-stale", ["b"], pushed=400, status="ARCHIVED", archived=200),
            image("archived-young", ["c"], pushed=400, status="ARCHIVED", archived=20),
        ),
        frozenset({("active-stale", 1, "TRANSITION"), ("archived-stale", 2, "EXPIRE")}),
    ),
    Case(
        EXAMPLES,
        "Combining archive and expire rules: archives images older than 30 days and "
        "then permanently expires images that have been archived for more than 365 "
        "days.",
        (
            rule(1, "any", "sinceImagePushed", 30, action="transition"),
            rule(2, "any", "sinceImageTransitioned", 365, storage_class="archive"),
        ),
        (
            image("active-40", ["a"], pushed=40),
            image("active-20", ["b"], pushed=20),
            image("archived-400", None, pushed=900, status="ARCHIVED", archived=400),
            image("archived-100", None, pushed=900, status="ARCHIVED", archived=100),
        ),
        frozenset({("active-40", 1, "TRANSITION"), ("archived-400", 2, "EXPIRE")}),
    ),
]


@pytest.mark.parametrize("case", DOCUMENTED, ids=lambda case: case.sentence[:60])
def test_evaluate_follows_the_documented_sentence(case: Case) -> None:
    """Each documented behaviour holds for the repository its case describes."""
    results = evaluate(policy(*case.rules), list(case.images), NOW)

    assert outcome(results) == case.expected


def test_count_rule_breaks_push_time_ties_by_digest_whatever_the_input_order() -> None:
    """Images pushed at the same moment are kept or marked the same in any order."""
    images = [image(f"tie-{n}", [f"v{n}"], pushed=5) for n in range(6)]
    keep_two = policy(rule(1, "any", "imageCountMoreThan", 2))

    forward = outcome(evaluate(keep_two, images, NOW))
    backward = outcome(evaluate(keep_two, list(reversed(images)), NOW))

    assert forward == backward
    assert len(forward) == 4
    kept = {f"tie-{n}" for n in range(6)} - {name for name, _, _ in forward}
    assert kept == {name_of(d) for d in sorted(digest(k) for k in kept)[-2:]}


def test_image_without_tags_is_untagged_for_tagged_untagged_and_any_rules() -> None:
    """An image with no imageTags key (or an empty list) is selected as untagged."""
    images = [
        image("no-key", None, pushed=10),
        {**image("empty-list", None, pushed=10), "imageTags": []},
        image("tagged", ["v1"], pushed=10),
    ]
    tagged_only = policy(rule(1, "tagged", "sinceImagePushed", 1, patterns=["*"]))
    untagged_only = policy(rule(1, "untagged", "sinceImagePushed", 1))

    assert outcome(evaluate(tagged_only, images, NOW)) == {("tagged", 1, "EXPIRE")}
    assert outcome(evaluate(untagged_only, images, NOW)) == {
        ("no-key", 1, "EXPIRE"),
        ("empty-list", 1, "EXPIRE"),
    }


def test_protected_tag_rule_shields_matching_images_from_every_later_rule() -> None:
    """A keep-everything rule for `latest` leaves those images out of later rules."""
    protect = rule(1, "tagged", "imageCountMoreThan", 9999, patterns=["latest"])
    archive = rule(2, "any", "sinceImagePulled", 30, action="transition")
    images = [
        image("latest", ["latest", "v3"], pushed=400),
        image("v2", ["v2"], pushed=400),
        image("v1", ["v1"], pushed=400),
    ]

    results = evaluate(policy(protect, archive), images, NOW)

    assert outcome(results) == {("v1", 2, "TRANSITION"), ("v2", 2, "TRANSITION")}


def test_archived_images_are_seen_only_by_archive_rules() -> None:
    """Standard rules neither act on archived images nor count them."""
    images = [
        image("archived-new", ["a"], pushed=1, status="ARCHIVED", archived=1),
        image("active-old", ["b"], pushed=50),
        image("active-new", ["c"], pushed=2),
    ]
    keep_one = policy(rule(1, "any", "imageCountMoreThan", 1))

    assert outcome(evaluate(keep_one, images, NOW)) == {("active-old", 1, "EXPIRE")}


def test_standard_rule_does_not_shield_archived_images_from_archive_rules() -> None:
    """A standard `any` rule selects no archived image, so it protects none."""
    images = [image("gone", ["a"], pushed=900, status="ARCHIVED", archived=100)]
    two_stage = policy(
        rule(1, "any", "sinceImagePulled", 90, action="transition"),
        rule(2, "any", "sinceImageTransitioned", 90, storage_class="archive"),
    )

    assert outcome(evaluate(two_stage, images, NOW)) == {("gone", 2, "EXPIRE")}


def test_activating_images_are_seen_by_no_rule() -> None:
    """A restore in progress is neither acted on nor counted by any rule."""
    # No AWS page says how lifecycle rules treat ACTIVATING images. The lab
    # (ecr-archive-lab.zh.md, "踩坑 4") finds them locked: "恢复过程中(ACTIVATING),
    # 镜像既不能 pull,也不能重新归档" (while restoring, an image can neither be
    # pulled nor archived again), and they are neither standard nor archive yet.
    images = [
        image("restoring", ["a"], pushed=900, status="ACTIVATING", archived=300),
        image("active-old", ["b"], pushed=60),
        image("active-new", ["c"], pushed=30),
    ]
    every_kind = policy(
        rule(1, "any", "imageCountMoreThan", 1),
        rule(2, "any", "sinceImageTransitioned", 90, storage_class="archive"),
    )

    assert outcome(evaluate(every_kind, images, NOW)) == {("active-old", 1, "EXPIRE")}


def test_restore_restarts_the_push_clock_of_age_rules() -> None:
    """A restored image's sinceImagePushed age counts from its restore."""
    # LifecyclePolicies.html says last_activated_at "is used instead of
    # pushed_at_time" for a restored image in the sentence on expiration order; this
    # applies it to age as well, as a restore "behaves like a new push" (facts sheet).
    images = [
        image("restored", ["a"], pushed=300, activated=5),
        image("never-archived", ["b"], pushed=300),
    ]
    thirty_days = policy(rule(1, "any", "sinceImagePushed", 30, action="transition"))

    results = evaluate(thirty_days, images, NOW)

    assert outcome(results) == {("never-archived", 1, "TRANSITION")}


def test_image_without_status_is_treated_as_active() -> None:
    """DescribeImages entries from before archiving existed carry no imageStatus."""
    legacy = image("legacy", ["a"], pushed=100)
    del legacy["imageStatus"]

    results = evaluate(policy(rule(1, "any", "sinceImagePushed", 30)), [legacy], NOW)

    assert outcome(results) == {("legacy", 1, "EXPIRE")}


def test_archived_image_without_archive_time_is_never_expired() -> None:
    """Without lastArchivedAt the age since transition is unknown, so nothing acts."""
    images = [image("unknown", ["a"], pushed=900, status="ARCHIVED")]
    expire = policy(
        rule(1, "any", "sinceImageTransitioned", 90, storage_class="archive")
    )

    assert evaluate(expire, images, NOW) == []


def test_results_are_shaped_like_lifecycle_policy_preview_results() -> None:
    """Each result has the fields and upper-case enums of GetLifecyclePolicyPreview."""
    images = [
        image("stale", ["v1"], pushed=200),
        image("old-archive", None, pushed=900, status="ARCHIVED", archived=400),
        image("fresh", ["v2"], pushed=1),
    ]
    two_stage = policy(
        rule(1, "any", "sinceImagePulled", 90, action="transition"),
        rule(2, "any", "sinceImageTransitioned", 365, storage_class="archive"),
    )

    results = evaluate(two_stage, images, NOW)

    assert results == [
        {
            "imageDigest": digest("stale"),
            "imageTags": ["v1"],
            "imagePushedAt": ago(200),
            "appliedRulePriority": 1,
            "action": {"type": "TRANSITION", "targetStorageClass": "ARCHIVE"},
            "storageClass": "STANDARD",
        },
        {
            "imageDigest": digest("old-archive"),
            "imageTags": [],
            "imagePushedAt": ago(900),
            "appliedRulePriority": 2,
            "action": {"type": "EXPIRE"},
            "storageClass": "ARCHIVE",
        },
    ]


def test_results_are_ordered_by_priority_then_oldest_first() -> None:
    """Results list rule 1's images before rule 2's, each oldest push first."""
    images = [
        image("u-new", None, pushed=20),
        image("t-new", ["x"], pushed=40),
        image("u-old", None, pushed=30),
        image("t-old", ["y"], pushed=50),
    ]
    two_rules = policy(
        rule(1, "untagged", "sinceImagePushed", 10),
        rule(2, "any", "sinceImagePushed", 10, action="transition"),
    )

    names = [name_of(item["imageDigest"]) for item in evaluate(two_rules, images, NOW)]

    assert names == ["u-old", "u-new", "t-old", "t-new"]


def test_policy_may_be_given_as_json_text() -> None:
    """JSON text gives the same result as the dict it encodes."""
    document = policy(rule(1, "any", "sinceImagePushed", 30))
    images = [image("old", ["a"], pushed=31)]

    assert evaluate(json.dumps(document), images, NOW) == evaluate(
        document, images, NOW
    )


def test_naive_now_is_rejected() -> None:
    """A `now` without a time zone cannot be compared with ECR's times."""
    with pytest.raises(ValueError, match="time zone"):
        evaluate(
            policy(rule(1, "any", "sinceImagePushed", 1)), [], datetime(2026, 1, 1)
        )


def test_naive_image_datetime_is_rejected() -> None:
    """An image time without a time zone is reported, not silently misread."""
    naive = image("naive", ["a"], pushed=3)
    naive["imagePushedAt"] = naive["imagePushedAt"].replace(tzinfo=None)

    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(policy(rule(1, "any", "sinceImagePushed", 1)), [naive], NOW)


def test_hundred_thousand_images_evaluate_in_under_a_second() -> None:
    """A four-rule policy over 100,000 images takes well below a second."""
    images = synthetic_images(100_000, seed=7, now=NOW)
    four_rules = policy(
        rule(1, "tagged", "imageCountMoreThan", 50, patterns=["prod*"]),
        rule(2, "untagged", "sinceImagePushed", 14),
        rule(3, "any", "sinceImagePulled", 90, action="transition"),
        rule(4, "any", "sinceImageTransitioned", 365, storage_class="archive"),
    )

    # CPU time, so that other work on a shared machine does not count.
    started = time.process_time()
    results = evaluate(four_rules, images, NOW)
    elapsed = time.process_time() - started

    assert len(results) > 10_000
    assert elapsed < 1.0


def test_policy_model_is_accepted_and_protected_tags_hold() -> None:
    """`archive_then_expire` with a protected tag archives only unprotected images."""
    two_stage = archive_then_expire(90, 365, protected_tags=["release-*"])
    archive_rule, expire_rule = (rule.priority for rule in two_stage.rules[-2:])
    images = [
        image("release", ["release-1"], pushed=400),
        image("feature", ["feature-1"], pushed=400),
        image("old-archive", None, pushed=900, status="ARCHIVED", archived=400),
        image("old-rel", ["release-0"], pushed=900, status="ARCHIVED", archived=400),
    ]

    results = evaluate(two_stage, images, NOW)

    assert outcome(results) == {
        ("feature", archive_rule, "TRANSITION"),
        ("old-archive", expire_rule, "EXPIRE"),
    }


def test_policy_that_ecr_would_reject_raises_policy_error() -> None:
    """An expire rule on sinceImagePulled is refused before anything is evaluated."""
    refused = policy(rule(1, "any", "sinceImagePulled", 90, action="expire"))

    with pytest.raises(PolicyError):
        evaluate(refused, [image("a", ["a"], pushed=100)], NOW)


def test_public_names_are_exported_from_the_package() -> None:
    """The evaluation and projection names are importable from `policies`."""
    exported = {"evaluate", "project", "Prices", "Projection", "ProjectedAction"}

    assert exported | {"MonthCost"} <= set(policies.__all__)
    assert all(hasattr(policies, name) for name in policies.__all__)
