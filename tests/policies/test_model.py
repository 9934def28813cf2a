"""The dataclasses: they refuse what ECR would reject and render deterministically."""

import dataclasses
import json

import pytest

from policies import (
    Action,
    ActionType,
    CountType,
    CountUnit,
    LifecyclePolicy,
    PolicyError,
    Problem,
    Rule,
    Selection,
    StorageClass,
    TagStatus,
)


def _archive_rule(priority: int | None = 1) -> Rule:
    return Rule(
        priority=priority,
        description="Archive images not pulled for 30 days",
        selection=Selection(
            tag_status=TagStatus.ANY,
            count_type=CountType.SINCE_IMAGE_PULLED,
            count_unit=CountUnit.DAYS,
            count_number=30,
        ),
        action=Action.transition_to_archive(),
    )


def _prefix_rule(priority: int, prefix: str) -> Rule:
    return Rule(
        priority=priority,
        selection=Selection(
            tag_status=TagStatus.TAGGED,
            tag_prefix_list=(prefix,),
            count_type=CountType.IMAGE_COUNT_MORE_THAN,
            count_number=5,
        ),
        action=Action.expire(),
    )


def _fields(error: pytest.ExceptionInfo[PolicyError]) -> list[str]:
    return [problem.field for problem in error.value.problems]


def test_rules_render_sorted_by_priority() -> None:
    """Rules given out of order render, and compare, sorted by rulePriority."""
    given = LifecyclePolicy(
        (_archive_rule(9), _prefix_rule(2, "v"), _prefix_rule(5, "a"))
    )

    assert [rule["rulePriority"] for rule in given.to_dict()["rules"]] == [2, 5, 9]
    assert given == LifecyclePolicy(
        (_prefix_rule(2, "v"), _prefix_rule(5, "a"), _archive_rule(9))
    )


def test_rendering_keeps_the_template_key_order_and_writes_no_nulls() -> None:
    """Keys follow the AWS template order and absent fields are left out."""
    rendered = LifecyclePolicy((_archive_rule(),)).to_json()

    assert rendered == (
        '{"rules":[{"rulePriority":1,'
        '"description":"Archive images not pulled for 30 days",'
        '"selection":{"tagStatus":"any","countType":"sinceImagePulled",'
        '"countUnit":"days","countNumber":30},'
        '"action":{"type":"transition","targetStorageClass":"archive"}}]}'
    )
    assert "null" not in rendered


def test_indented_rendering_has_the_same_content() -> None:
    """to_json(indent=2) is the compact text, laid out for reading."""
    policy = LifecyclePolicy((_archive_rule(),))

    assert json.loads(policy.to_json(indent=2)) == json.loads(policy.to_json())
    assert policy.to_json(indent=2).startswith('{\n  "rules": [')


def test_json_round_trip_gives_an_equal_policy() -> None:
    """from_json(to_json()) gives back an equal policy."""
    policy = LifecyclePolicy((_prefix_rule(1, "v"), _archive_rule(2)))

    assert LifecyclePolicy.from_json(policy.to_json()) == policy


def test_non_ascii_descriptions_stay_readable() -> None:
    """Descriptions are written as UTF-8 text, not as escapes that lengthen them."""
    rule = dataclasses.replace(
        _archive_rule(), description="Archivieren nach 30 Tagen ä"
    )

    assert "ä" in LifecyclePolicy((rule,)).to_json()


def test_plain_strings_and_lists_are_accepted_as_enums_and_tuples() -> None:
    """Strings become enum members and lists become tuples on construction."""
    selection = Selection(
        tag_status="tagged",  # type: ignore[arg-type]
        tag_pattern_list=["prod*"],  # type: ignore[arg-type]
        count_type="sinceImagePushed",  # type: ignore[arg-type]
        count_unit="days",  # type: ignore[arg-type]
        count_number=3,
    )

    assert selection.tag_status is TagStatus.TAGGED
    assert selection.count_type is CountType.SINCE_IMAGE_PUSHED
    assert selection.tag_pattern_list == ("prod*",)
    assert hash(selection) == hash(dataclasses.replace(selection))


def test_a_bare_string_is_not_split_into_a_tag_list() -> None:
    """tag_pattern_list="prod*" is refused rather than read as five patterns."""
    with pytest.raises(PolicyError) as caught:
        Selection(
            tag_status=TagStatus.TAGGED,
            tag_pattern_list="prod*",  # type: ignore[arg-type]
            count_type=CountType.IMAGE_COUNT_MORE_THAN,
            count_number=3,
        )

    assert _fields(caught) == ["selection.tagPatternList"]


def test_selection_that_ecr_would_reject_cannot_be_built() -> None:
    """A Selection checks itself and reports every fault in it."""
    with pytest.raises(PolicyError) as caught:
        Selection(
            tag_status=TagStatus.UNTAGGED,
            tag_prefix_list=("v",),
            count_type=CountType.IMAGE_COUNT_MORE_THAN,
            count_unit=CountUnit.DAYS,
            count_number=0,
        )

    assert _fields(caught) == [
        "selection.tagPrefixList",
        "selection.countUnit",
        "selection.countNumber",
    ]


def test_unknown_enum_value_is_reported_not_raised_as_a_bare_value_error() -> None:
    """An unknown string for an enum field is reported as a problem on that field."""
    with pytest.raises(PolicyError) as caught:
        Action(type="delete")  # type: ignore[arg-type]

    assert _fields(caught) == ["action.type"]


@pytest.mark.parametrize(
    ("action", "field"),
    [
        (
            {"type": ActionType.EXPIRE, "target_storage_class": StorageClass.ARCHIVE},
            "action.targetStorageClass",
        ),
        ({"type": ActionType.TRANSITION}, "action.targetStorageClass"),
        (
            {"type": ActionType.TRANSITION, "target_storage_class": "standard"},
            "action.targetStorageClass",
        ),
    ],
)
def test_action_that_ecr_would_reject_cannot_be_built(
    action: dict[str, object], field: str
) -> None:
    """An Action checks targetStorageClass against its type."""
    with pytest.raises(PolicyError) as caught:
        Action(**action)  # type: ignore[arg-type]

    assert _fields(caught) == [field]


def test_rule_checks_the_count_type_against_the_action() -> None:
    """A sinceImagePulled rule that expires cannot be built."""
    with pytest.raises(PolicyError) as caught:
        dataclasses.replace(_archive_rule(), action=Action.expire())

    assert _fields(caught) == ["action.type"]
    assert caught.value.problems[0].priority == 1


def test_rule_requires_its_parts_to_be_dataclasses() -> None:
    """A Rule given a plain dict as its selection says what it needs."""
    with pytest.raises(PolicyError) as caught:
        Rule(selection={"tagStatus": "any"}, action=Action.expire())  # type: ignore[arg-type]

    assert [str(problem) for problem in caught.value.problems] == [
        "selection: selection must be Selection"
    ]


def test_rule_without_priority_is_a_draft_that_a_policy_refuses() -> None:
    """A rule may lack a priority, but a policy holding it cannot be built."""
    draft = _archive_rule(priority=None)

    with pytest.raises(PolicyError) as caught:
        LifecyclePolicy((draft,))

    assert _fields(caught) == ["rules[0].rulePriority"]
    assert "rulePriority" not in draft.to_dict()


def test_policy_that_ecr_would_reject_cannot_be_built() -> None:
    """Rules that clash cannot form a policy, so they can never be rendered."""
    with pytest.raises(PolicyError) as caught:
        LifecyclePolicy((_prefix_rule(1, "v"), _prefix_rule(1, "v")))

    assert _fields(caught) == [
        "rules[1].rulePriority",
        "rules[1].selection.tagPrefixList",
    ]


def test_policy_needs_a_rule() -> None:
    """An empty policy cannot be built."""
    with pytest.raises(PolicyError) as caught:
        LifecyclePolicy(())

    assert _fields(caught) == ["rules"]


def test_policy_refuses_things_that_are_not_rules() -> None:
    """A policy built from dicts instead of Rule objects is refused."""
    with pytest.raises(PolicyError) as caught:
        LifecyclePolicy(({"rulePriority": 1},))  # type: ignore[arg-type]

    assert _fields(caught) == ["rules"]


def test_policy_too_long_to_send_cannot_be_built() -> None:
    """A policy whose text would exceed 30,720 characters cannot be built."""
    long_rule = dataclasses.replace(_archive_rule(), description="x" * 30_720)

    with pytest.raises(PolicyError) as caught:
        LifecyclePolicy((long_rule,))

    assert _fields(caught) == ["$"]


def test_dataclasses_are_frozen() -> None:
    """A built policy cannot be changed into one that was never checked."""
    policy = LifecyclePolicy((_archive_rule(),))

    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.rules[0].selection.count_number = 0  # type: ignore[misc]


def test_effective_storage_class_defaults_to_standard() -> None:
    """An absent storageClass means standard, as ECR reads it."""
    assert _archive_rule().selection.effective_storage_class is StorageClass.STANDARD


def test_problem_text_names_rule_field_and_message() -> None:
    """A Problem reads as rule, field, then what to do."""
    problem = Problem(2, "Expire", "rules[1].action.type", "write expire")

    assert str(problem) == "rule 2 ('Expire'), rules[1].action.type: write expire"
    assert str(Problem(None, None, "$", "not JSON")) == "$: not JSON"
