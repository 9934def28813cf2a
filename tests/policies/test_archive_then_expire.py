"""The two-stage policy builder: its JSON, its rule layout and its arguments."""

import json
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from policies import (
    Action,
    CountType,
    CountUnit,
    LifecyclePolicy,
    PolicyError,
    Rule,
    Selection,
    StorageClass,
    TagStatus,
    archive_then_expire,
    validate_policy,
)


def _keep_five_releases(priority: int | None = None) -> Rule:
    return Rule(
        priority=priority,
        description="Delete all but the 5 newest release images",
        selection=Selection(
            tag_status=TagStatus.TAGGED,
            tag_prefix_list=("release-",),
            count_type=CountType.IMAGE_COUNT_MORE_THAN,
            count_number=5,
        ),
        action=Action.expire(),
    )


def _archive_ci_builds(priority: int | None = None) -> Rule:
    return Rule(
        priority=priority,
        description="Archive CI builds a week after push",
        selection=Selection(
            tag_status=TagStatus.TAGGED,
            tag_pattern_list=("ci-*",),
            count_type=CountType.SINCE_IMAGE_PUSHED,
            count_unit=CountUnit.DAYS,
            count_number=7,
        ),
        action=Action.transition_to_archive(),
    )


VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "custom days": {"archive_after_days": 30, "expire_after_days": 90},
    "protected tags": {"protected_tags": ("latest", "prod-*")},
    "expire untagged": {"expire_untagged_after_days": 7},
    "extra rules": {"extra_rules": (_keep_five_releases(), _archive_ci_builds())},
    "every option": {
        "archive_after_days": 60,
        "expire_after_days": 180,
        "protected_tags": ("latest",),
        "expire_untagged_after_days": 3,
        "extra_rules": (_keep_five_releases(),),
    },
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_policy_json(variant: str, snapshot: SnapshotAssertion) -> None:
    """The rendered policy for each option matches the reviewed snapshot."""
    policy = archive_then_expire(**VARIANTS[variant])

    assert policy.to_json(indent=2) == snapshot


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_generated_policy_passes_validation_as_text(variant: str) -> None:
    """What the builder renders is accepted when sent back as policy text."""
    policy = archive_then_expire(**VARIANTS[variant])

    assert validate_policy(policy.to_json()) == policy


def test_default_is_the_lab_policy() -> None:
    """The defaults give the lab's policy: archive after 90 days, expire after 365."""
    rules = archive_then_expire().to_dict()["rules"]

    assert [rule["selection"] for rule in rules] == [
        {
            "tagStatus": "any",
            "countType": "sinceImagePulled",
            "countUnit": "days",
            "countNumber": 90,
        },
        {
            "tagStatus": "any",
            "storageClass": "archive",
            "countType": "sinceImageTransitioned",
            "countUnit": "days",
            "countNumber": 365,
        },
    ]
    assert [rule["action"] for rule in rules] == [
        {"type": "transition", "targetStorageClass": "archive"},
        {"type": "expire"},
    ]


def _roles(policy: LifecyclePolicy) -> list[tuple[int | None, str]]:
    roles = []
    for rule in policy.rules:
        selection = rule.selection
        if selection.tag_status is TagStatus.ANY:
            role = f"any {selection.effective_storage_class}"
        elif selection.count_number == 36_500:
            storage_class = selection.effective_storage_class
            role = f"guard {storage_class} {selection.tag_pattern_list}"
        elif selection.tag_status is TagStatus.UNTAGGED:
            role = "untagged"
        else:
            role = rule.description or ""
        roles.append((rule.priority, role))
    return roles


def test_rules_are_laid_out_guards_untagged_extras_then_any() -> None:
    """Guards come first, then the untagged rule, the extras, and the any rules last."""
    policy = archive_then_expire(**VARIANTS["every option"])

    assert _roles(policy) == [
        (1, "guard standard ('latest',)"),
        (2, "guard archive ('latest',)"),
        (3, "untagged"),
        (4, "Delete all but the 5 newest release images"),
        (5, "any standard"),
        (6, "any archive"),
    ]


def test_extra_rules_keep_their_own_priorities_and_the_rest_fill_gaps() -> None:
    """An extra rule's own priority is kept; unnumbered rules take the free numbers."""
    policy = archive_then_expire(
        protected_tags=("latest",),
        extra_rules=(_keep_five_releases(4), _archive_ci_builds()),
    )

    assert [priority for priority, _ in _roles(policy)] == [1, 2, 3, 4, 5, 6]
    assert _roles(policy)[2:4] == [
        (3, "Archive CI builds a week after push"),
        (4, "Delete all but the 5 newest release images"),
    ]


def test_guards_select_each_pattern_in_both_storage_classes() -> None:
    """Each protected pattern gets a standard guard and an archive guard of its own."""
    guards = archive_then_expire(protected_tags=("latest", "prod-*")).rules[:4]

    assert [
        (rule.selection.tag_pattern_list, rule.selection.effective_storage_class)
        for rule in guards
    ] == [
        (("latest",), StorageClass.STANDARD),
        (("latest",), StorageClass.ARCHIVE),
        (("prod-*",), StorageClass.STANDARD),
        (("prod-*",), StorageClass.ARCHIVE),
    ]


def test_guards_can_only_fire_after_a_hundred_years() -> None:
    """Guard rules count 36,500 days since push or since archiving."""
    guards = archive_then_expire(protected_tags=("latest",)).rules[:2]

    assert [
        (rule.selection.count_type, rule.selection.count_number) for rule in guards
    ] == [
        (CountType.SINCE_IMAGE_PUSHED, 36_500),
        (CountType.SINCE_IMAGE_TRANSITIONED, 36_500),
    ]


def test_standard_guard_would_only_archive_never_delete() -> None:
    """Should the standard guard ever fire, it archives (restorable), not deletes."""
    guard = archive_then_expire(protected_tags=("latest",)).rules[0]

    assert guard.action == Action.transition_to_archive()


def test_many_protected_tags_fit_until_the_length_limit() -> None:
    """Fifty protected patterns fit in one policy; the text limit is what stops more."""
    many = tuple(f"team-{index:03d}-*" for index in range(60))
    policy = archive_then_expire(protected_tags=many[:50])

    assert len(policy.rules) == 102
    assert len(policy.to_json()) <= 30_720

    with pytest.raises(PolicyError) as caught:
        archive_then_expire(protected_tags=many)
    assert [problem.field for problem in caught.value.problems] == ["$"]


ARGUMENTS: list[tuple[dict[str, Any], str, str]] = [
    ({"archive_after_days": 0}, "archive_after_days", "1 or more"),
    ({"archive_after_days": True}, "archive_after_days", "whole number"),
    ({"archive_after_days": 1.5}, "archive_after_days", "whole number"),
    ({"archive_after_days": "90"}, "archive_after_days", "whole number"),
    ({"archive_after_days": 2**31}, "archive_after_days", "at most 2,147,483,647"),
    ({"expire_after_days": 89}, "expire_after_days", "90 or more"),
    ({"expire_after_days": None}, "expire_after_days", "90 or more"),
    ({"expire_untagged_after_days": 0}, "expire_untagged_after_days", "1 or more"),
    ({"protected_tags": "latest"}, "protected_tags", "tuple"),
    ({"protected_tags": 5}, "protected_tags", "tuple"),
    ({"protected_tags": ("",)}, "protected_tags[0]", "non-empty"),
    ({"protected_tags": ("ok", 7)}, "protected_tags[1]", "non-empty"),
    ({"protected_tags": ("a*b*c*d*e*f",)}, "protected_tags[0]", "at most 4"),
    ({"protected_tags": ("latest", "latest")}, "protected_tags[1]", "twice"),
    ({"extra_rules": _keep_five_releases()}, "extra_rules", "tuple of Rule"),
    ({"extra_rules": ({"rulePriority": 1},)}, "extra_rules[0]", "not a Rule"),
]


@pytest.mark.parametrize(
    ("arguments", "field", "fragment"),
    ARGUMENTS,
    ids=[row[1] + "=" + repr(next(iter(row[0].values()))) for row in ARGUMENTS],
)
def test_bad_argument_is_named(
    arguments: dict[str, Any], field: str, fragment: str
) -> None:
    """A bad argument is reported under its own name with what to pass instead."""
    with pytest.raises(PolicyError) as caught:
        archive_then_expire(**arguments)

    (problem,) = caught.value.problems
    assert problem.field == field
    assert fragment in problem.message


def test_every_bad_argument_is_reported_at_once() -> None:
    """All argument problems come in one error."""
    with pytest.raises(PolicyError) as caught:
        archive_then_expire(0, 30, protected_tags=("",), expire_untagged_after_days=-1)

    assert [problem.field for problem in caught.value.problems] == [
        "archive_after_days",
        "expire_after_days",
        "expire_untagged_after_days",
        "protected_tags[0]",
    ]


def test_extra_rule_that_clashes_is_reported_on_the_policy() -> None:
    """An extra untagged rule next to expire_untagged_after_days is refused."""
    second_untagged = Rule(
        selection=Selection(
            tag_status=TagStatus.UNTAGGED,
            count_type=CountType.IMAGE_COUNT_MORE_THAN,
            count_number=10,
        ),
        action=Action.expire(),
    )

    with pytest.raises(PolicyError) as caught:
        archive_then_expire(
            expire_untagged_after_days=7, extra_rules=(second_untagged,)
        )

    assert [problem.field for problem in caught.value.problems] == [
        "rules[1].selection.tagStatus"
    ]


def test_extra_any_rule_is_refused_because_the_builder_adds_its_own() -> None:
    """An extra `any` standard rule would not be last, so the policy is refused."""
    any_rule = Rule(
        selection=Selection(
            tag_status=TagStatus.ANY,
            count_type=CountType.IMAGE_COUNT_MORE_THAN,
            count_number=100,
        ),
        action=Action.expire(),
    )

    with pytest.raises(PolicyError) as caught:
        archive_then_expire(extra_rules=(any_rule,))

    assert [problem.field for problem in caught.value.problems] == [
        "rules[0].rulePriority"
    ]


def test_protected_tags_accept_any_iterable() -> None:
    """A list or generator of patterns works like a tuple."""
    from_list = archive_then_expire(protected_tags=["latest"])
    from_generator = archive_then_expire(protected_tags=(tag for tag in ["latest"]))

    assert (
        from_list == from_generator == archive_then_expire(protected_tags=("latest",))
    )
    assert json.loads(from_list.to_json())["rules"][0]["selection"][
        "tagPatternList"
    ] == ["latest"]


def test_default_policy_text_as_sent(snapshot: SnapshotAssertion) -> None:
    """The compact text handed to ECR for the default policy matches the snapshot."""
    assert archive_then_expire().to_json() == snapshot
