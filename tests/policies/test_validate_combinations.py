"""Which countType, action and storageClass combinations ECR accepts.

The table is the count type table of lifecycle_policy_parameters.html with the archive
fields, crossed with both actions and every storage class spelling (absent, standard,
archive); the lab's table of rule combinations follows as its own rows.
"""

from typing import Any

import pytest

from policies import (
    Action,
    ActionType,
    CountType,
    PolicyError,
    Rule,
    Selection,
    validate_policy,
)
from tests.policies.documents import (
    AWS_EXAMPLES,
    EXPIRE,
    TRANSITION,
    policy,
    problem_fields,
    rule,
)

ABSENT = None
STORAGE = "selection.storageClass"
ACTION = "action.type"

# (countType, action, storageClass, fields ECR would reject) — empty means accepted.
COMBINATIONS: list[tuple[str, str, str | None, set[str]]] = [
    ("imageCountMoreThan", "expire", ABSENT, set()),
    ("imageCountMoreThan", "expire", "standard", set()),
    ("imageCountMoreThan", "expire", "archive", {STORAGE}),
    ("imageCountMoreThan", "transition", ABSENT, set()),
    ("imageCountMoreThan", "transition", "standard", set()),
    ("imageCountMoreThan", "transition", "archive", {STORAGE}),
    ("sinceImagePushed", "expire", ABSENT, set()),
    ("sinceImagePushed", "expire", "standard", set()),
    ("sinceImagePushed", "expire", "archive", {STORAGE}),
    ("sinceImagePushed", "transition", ABSENT, set()),
    ("sinceImagePushed", "transition", "standard", set()),
    ("sinceImagePushed", "transition", "archive", {STORAGE}),
    ("sinceImagePulled", "expire", ABSENT, {ACTION}),
    ("sinceImagePulled", "expire", "standard", {ACTION}),
    ("sinceImagePulled", "expire", "archive", {STORAGE, ACTION}),
    ("sinceImagePulled", "transition", ABSENT, set()),
    ("sinceImagePulled", "transition", "standard", set()),
    ("sinceImagePulled", "transition", "archive", {STORAGE}),
    ("sinceImageTransitioned", "expire", ABSENT, {STORAGE}),
    ("sinceImageTransitioned", "expire", "standard", {STORAGE}),
    ("sinceImageTransitioned", "expire", "archive", set()),
    ("sinceImageTransitioned", "transition", ABSENT, {STORAGE, ACTION}),
    ("sinceImageTransitioned", "transition", "standard", {STORAGE, ACTION}),
    ("sinceImageTransitioned", "transition", "archive", {ACTION}),
]


def _combination(count_type: str, action: str, storage_class: str | None) -> Any:
    return policy(
        rule(
            1,
            storageClass=storage_class if storage_class is not None else ...,
            countType=count_type,
            countUnit="days" if count_type != "imageCountMoreThan" else ...,
            countNumber=90,
            action=TRANSITION if action == "transition" else EXPIRE,
        )
    )


def test_the_table_covers_every_combination() -> None:
    """The table has one row for each countType, action and storageClass spelling."""
    seen = {(count, action, storage) for count, action, storage, _ in COMBINATIONS}

    assert len(seen) == len(COMBINATIONS) == 4 * 2 * 3


@pytest.mark.parametrize(
    ("count_type", "action", "storage_class", "rejected"), COMBINATIONS
)
def test_combination_is_accepted_or_rejected_on_the_right_field(
    count_type: str, action: str, storage_class: str | None, rejected: set[str]
) -> None:
    """Each combination is accepted exactly when ECR accepts it, else names fields."""
    fields = problem_fields(_combination(count_type, action, storage_class))

    assert {field.removeprefix("rules[0].") for field in fields} == rejected


@pytest.mark.parametrize(
    ("count_type", "action", "storage_class", "rejected"), COMBINATIONS
)
def test_builders_agree_with_the_document_checks(
    count_type: str, action: str, storage_class: str | None, rejected: set[str]
) -> None:
    """Building the same rule from dataclasses succeeds or fails like the document."""
    document = _combination(count_type, action, storage_class)["rules"][0]

    def build() -> Rule:
        return Rule(
            priority=1,
            selection=Selection.from_dict(document["selection"]),
            action=Action.from_dict(document["action"]),
        )

    if not rejected:
        assert build().to_dict() == document
        return
    with pytest.raises(PolicyError) as caught:
        build()
    assert {problem.field for problem in caught.value.problems} <= rejected


# The lab's table "Lifecycle Policy 规则验证" (rule combinations it tried on ECR).
LAB_ROWS = [
    ("sinceImagePushed + transition", "sinceImagePushed", "transition", None, True),
    ("sinceImagePulled + transition", "sinceImagePulled", "transition", None, True),
    ("sinceImagePulled + expire", "sinceImagePulled", "expire", None, False),
    (
        "sinceImageTransitioned + expire + archive",
        "sinceImageTransitioned",
        "expire",
        "archive",
        True,
    ),
]


@pytest.mark.parametrize(
    ("row", "count_type", "action", "storage_class", "accepted"), LAB_ROWS
)
def test_lab_rule_combinations(
    row: str,
    count_type: str,
    action: str,
    storage_class: str | None,
    accepted: bool,
) -> None:
    """Each rule combination the lab tried gets the verdict ECR gave it."""
    fields = problem_fields(_combination(count_type, action, storage_class))

    assert (fields == []) is accepted, row


def test_lab_sinceimagepulled_expire_names_the_action_and_the_fix() -> None:
    """The lab's rejected row says the rule can only transition, and how to write it."""
    with pytest.raises(PolicyError) as caught:
        validate_policy(_combination("sinceImagePulled", "expire", None))

    (problem,) = caught.value.problems
    assert problem.field == "rules[0].action.type"
    assert '"type": "transition"' in problem.message


@pytest.mark.parametrize("name", sorted(AWS_EXAMPLES))
def test_aws_example_policies_are_accepted(name: str) -> None:
    """Every example policy from the AWS user guide and the lab is accepted."""
    assert problem_fields(AWS_EXAMPLES[name]) == []


@pytest.mark.parametrize("name", sorted(AWS_EXAMPLES))
def test_aws_example_policies_round_trip(name: str) -> None:
    """An accepted example renders back to the same JSON object."""
    document = AWS_EXAMPLES[name]

    assert validate_policy(document).to_dict() == document


@pytest.mark.parametrize(
    ("count_type", "minimum"),
    [
        (CountType.IMAGE_COUNT_MORE_THAN, 1),
        (CountType.SINCE_IMAGE_PUSHED, 1),
        (CountType.SINCE_IMAGE_PULLED, 1),
        (CountType.SINCE_IMAGE_TRANSITIONED, 90),
    ],
)
def test_smallest_count_number_per_count_type(
    count_type: CountType, minimum: int
) -> None:
    """countNumber starts at 1, and at 90 days for expiring archived images."""
    allowed = next(iter(_allowed_actions(count_type)))

    def fields(number: int) -> list[str]:
        document = _combination(count_type, allowed, _storage_for(count_type))
        document["rules"][0]["selection"]["countNumber"] = number
        return problem_fields(document)

    assert fields(minimum) == []
    assert fields(minimum - 1) == ["rules[0].selection.countNumber"]


def _allowed_actions(count_type: CountType) -> set[str]:
    if count_type is CountType.SINCE_IMAGE_PULLED:
        return {ActionType.TRANSITION}
    if count_type is CountType.SINCE_IMAGE_TRANSITIONED:
        return {ActionType.EXPIRE}
    return {ActionType.EXPIRE, ActionType.TRANSITION}


def _storage_for(count_type: CountType) -> str | None:
    return "archive" if count_type is CountType.SINCE_IMAGE_TRANSITIONED else None
