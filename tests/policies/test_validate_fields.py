"""Field by field: what lifecycle_policy_parameters.html allows in one rule.

Each row changes one thing in an otherwise valid rule and names the field that must be
reported, with a fragment of the message that tells the user what to write instead.
"""

from collections.abc import Callable
from typing import Any

import pytest

from policies import PolicyError, validate_policy
from tests.policies.documents import EXPIRE, TRANSITION, Document, policy, rule

Edit = Callable[[Document], None]


def _set(*path: str, value: Any) -> Edit:
    def edit(document: Document) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _drop(*path: str) -> Edit:
    def edit(document: Document) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


def _both(*edits: Edit) -> Edit:
    def edit(document: Document) -> None:
        for each in edits:
            each(document)

    return edit


SEL = "selection"

# (case, edit of the default rule, field reported, fragment of the message)
REJECTED: list[tuple[str, Edit, str, str]] = [
    # rulePriority: "Type: integer, Required: yes", unique, from 1.
    ("priority zero", _set("rulePriority", value=0), "rulePriority", "start at 1"),
    ("priority negative", _set("rulePriority", value=-3), "rulePriority", "start at 1"),
    ("priority as text", _set("rulePriority", value="1"), "rulePriority", "integer"),
    ("priority as bool", _set("rulePriority", value=True), "rulePriority", "integer"),
    ("priority as float", _set("rulePriority", value=1.0), "rulePriority", "integer"),
    (
        "priority above 32 bits",
        _set("rulePriority", value=2**31),
        "rulePriority",
        "at most",
    ),
    ("priority missing", _drop("rulePriority"), "rulePriority", "required"),
    ("priority null", _set("rulePriority", value=None), "rulePriority", "required"),
    # description: "Type: string, Required: no".
    ("description number", _set("description", value=5), "description", "string"),
    ("description null", _set("description", value=None), "description", "leave"),
    # Unknown keys, with the closest known key suggested.
    ("rule key typo", _set("priority", value=1), "priority", '"rulePriority"'),
    (
        "selection key typo",
        _set(SEL, "tagPrefix", value=["a"]),
        f"{SEL}.tagPrefix",
        "tagPrefixList",
    ),
    (
        "action key typo",
        _set("action", "target", value="archive"),
        "action.target",
        "targetStorageClass",
    ),
    ("unknown key", _set(SEL, "maxAge", value=3), f"{SEL}.maxAge", "ECR accepts only"),
    # tagStatus: "tagged, untagged, or any".
    (
        "tagStatus upper case",
        _set(SEL, "tagStatus", value="TAGGED"),
        f"{SEL}.tagStatus",
        '"tagged"',
    ),
    ("tagStatus missing", _drop(SEL, "tagStatus"), f"{SEL}.tagStatus", "required"),
    (
        "tagStatus number",
        _set(SEL, "tagStatus", value=1),
        f"{SEL}.tagStatus",
        "write one of",
    ),
    # tagged needs exactly one list, non-empty; untagged and any carry neither.
    (
        "tagged without a list",
        _drop(SEL, "tagPatternList"),
        f"{SEL}.tagPatternList",
        "tagPrefixList",
    ),
    (
        "tagged with both lists",
        _set(SEL, "tagPrefixList", value=["prod"]),
        f"{SEL}.tagPrefixList",
        "keep one",
    ),
    (
        "tagged with an empty list",
        _set(SEL, "tagPatternList", value=[]),
        f"{SEL}.tagPatternList",
        "at least one",
    ),
    (
        "pattern list as a string",
        _set(SEL, "tagPatternList", value="prod*"),
        f"{SEL}.tagPatternList",
        "list",
    ),
    (
        "pattern not a string",
        _set(SEL, "tagPatternList", value=[7]),
        f"{SEL}.tagPatternList[0]",
        "not a string",
    ),
    (
        "pattern empty",
        _set(SEL, "tagPatternList", value=["ok", ""]),
        f"{SEL}.tagPatternList[1]",
        "empty",
    ),
    (
        "untagged with patterns",
        _set(SEL, "tagStatus", value="untagged"),
        f"{SEL}.tagPatternList",
        "remove tagPatternList",
    ),
    (
        "any with patterns",
        _set(SEL, "tagStatus", value="any"),
        f"{SEL}.tagPatternList",
        'set tagStatus to "tagged"',
    ),
    (
        "untagged with prefixes",
        _both(
            _drop(SEL, "tagPatternList"),
            _set(SEL, "tagStatus", value="untagged"),
            _set(SEL, "tagPrefixList", value=["v"]),
        ),
        f"{SEL}.tagPrefixList",
        "remove tagPrefixList",
    ),
    # Wildcards: "a maximum limit of four wildcards (*) per string".
    (
        "five wildcards",
        _set(SEL, "tagPatternList", value=["test*1*2*3*4*5*6"]),
        f"{SEL}.tagPatternList[0]",
        "at most 4",
    ),
    (
        "wildcard in a prefix",
        _both(
            _drop(SEL, "tagPatternList"), _set(SEL, "tagPrefixList", value=["prod*"])
        ),
        f"{SEL}.tagPrefixList[0]",
        "tagPatternList",
    ),
    # countType and countUnit.
    (
        "countType misspelt",
        _set(SEL, "countType", value="sinceImagePull"),
        f"{SEL}.countType",
        '"sinceImagePulled"',
    ),
    ("countType missing", _drop(SEL, "countType"), f"{SEL}.countType", "required"),
    (
        "countUnit hours",
        _set(SEL, "countUnit", value="hours"),
        f"{SEL}.countUnit",
        '"days"',
    ),
    (
        "countUnit missing with since*",
        _drop(SEL, "countUnit"),
        f"{SEL}.countUnit",
        "add it",
    ),
    (
        "countUnit with a count",
        _set(SEL, "countType", value="imageCountMoreThan"),
        f"{SEL}.countUnit",
        "remove countUnit",
    ),
    # countNumber: "positive integers (0 is not an accepted value)".
    (
        "countNumber zero",
        _set(SEL, "countNumber", value=0),
        f"{SEL}.countNumber",
        "positive integer",
    ),
    (
        "countNumber negative",
        _set(SEL, "countNumber", value=-1),
        f"{SEL}.countNumber",
        "positive integer",
    ),
    (
        "countNumber as bool",
        _set(SEL, "countNumber", value=True),
        f"{SEL}.countNumber",
        "positive integer",
    ),
    (
        "countNumber as text",
        _set(SEL, "countNumber", value="14"),
        f"{SEL}.countNumber",
        "positive integer",
    ),
    (
        "countNumber above 32 bits",
        _set(SEL, "countNumber", value=2**31),
        f"{SEL}.countNumber",
        "at most 2,147,483,647",
    ),
    (
        "countNumber as float",
        _set(SEL, "countNumber", value=14.0),
        f"{SEL}.countNumber",
        "positive integer",
    ),
    (
        "countNumber missing",
        _drop(SEL, "countNumber"),
        f"{SEL}.countNumber",
        "required",
    ),
    (
        "countNumber null",
        _set(SEL, "countNumber", value=None),
        f"{SEL}.countNumber",
        "required, so write a value",
    ),
    # storageClass: "standard" or "archive".
    (
        "storageClass glacier",
        _set(SEL, "storageClass", value="glacier"),
        f"{SEL}.storageClass",
        '"archive"',
    ),
    (
        "storageClass upper case",
        _set(SEL, "storageClass", value="ARCHIVE"),
        f"{SEL}.storageClass",
        '"archive"',
    ),
    (
        "storageClass null",
        _set(SEL, "storageClass", value=None),
        f"{SEL}.storageClass",
        "leave the key out",
    ),
    (
        "transition selecting archived images, count type unknown",
        _both(
            _set(SEL, "countType", value="sinceLastUse"),
            _set(SEL, "storageClass", value="archive"),
            _set("action", value=dict(TRANSITION)),
        ),
        f"{SEL}.storageClass",
        "a transition rule selects standard images only",
    ),
    # action.type and action.targetStorageClass.
    (
        "action type in the API's upper case",
        _set("action", "type", value="EXPIRE"),
        "action.type",
        'did you mean "expire"?',
    ),
    (
        "action type delete",
        _set("action", "type", value="delete"),
        "action.type",
        '"expire"',
    ),
    ("action type missing", _set("action", value={}), "action.type", "required"),
    ("action as a string", _set("action", value="expire"), "action", "JSON object"),
    ("selection as a list", _set(SEL, value=[]), SEL, "JSON object"),
    ("selection missing", _drop(SEL), SEL, "required"),
    ("action missing", _drop("action"), "action", "required"),
    (
        "transition without target",
        _set("action", value={"type": "transition"}),
        "action.targetStorageClass",
        '"archive"',
    ),
    (
        "transition to standard",
        _set("action", value={"type": "transition", "targetStorageClass": "standard"}),
        "action.targetStorageClass",
        '"archive"',
    ),
    (
        "transition to null",
        _set("action", value={"type": "transition", "targetStorageClass": None}),
        "action.targetStorageClass",
        "null",
    ),
    (
        "expire with a target",
        _set("action", value={"type": "expire", "targetStorageClass": "archive"}),
        "action.targetStorageClass",
        "remove",
    ),
    (
        "expire with a null target",
        _set("action", value={"type": "expire", "targetStorageClass": None}),
        "action.targetStorageClass",
        "remove",
    ),
    (
        "archive expiry before 90 days",
        _both(
            _set(SEL, "storageClass", value="archive"),
            _set(SEL, "countType", value="sinceImageTransitioned"),
            _set(SEL, "countNumber", value=89),
        ),
        f"{SEL}.countNumber",
        "90 or more",
    ),
]

ACCEPTED: list[tuple[str, Edit]] = [
    (
        "four wildcards",
        _set(SEL, "tagPatternList", value=["*test*1*2*3", "test*1*2*3*"]),
    ),
    (
        "prefix list",
        _both(_drop(SEL, "tagPatternList"), _set(SEL, "tagPrefixList", value=["prod"])),
    ),
    ("no description", lambda document: None),
    ("unicode description", _set("description", value="Lösche alte Images")),
    ("explicit standard class", _set(SEL, "storageClass", value="standard")),
    ("largest priority", _set("rulePriority", value=2**31 - 1)),
    ("large countNumber", _set(SEL, "countNumber", value=36_500)),
    ("largest countNumber", _set(SEL, "countNumber", value=2**31 - 1)),
    (
        "untagged",
        _both(_drop(SEL, "tagPatternList"), _set(SEL, "tagStatus", value="untagged")),
    ),
    ("transition", _set("action", value=dict(TRANSITION))),
    (
        "archive expiry at 90 days",
        _both(
            _set(SEL, "storageClass", value="archive"),
            _set(SEL, "countType", value="sinceImageTransitioned"),
            _set(SEL, "countNumber", value=90),
        ),
    ),
]


def _edited(edit: Edit) -> Document:
    document = rule(1, description="Expire old prod images", action=dict(EXPIRE))
    edit(document)

    return policy(document)


@pytest.mark.parametrize(
    ("case", "edit", "field", "fragment"), REJECTED, ids=[row[0] for row in REJECTED]
)
def test_rejected_rule_names_the_field_and_the_fix(
    case: str, edit: Edit, field: str, fragment: str
) -> None:
    """A rule with one fault is rejected with a problem on that field saying the fix."""
    with pytest.raises(PolicyError) as caught:
        validate_policy(_edited(edit))

    found = {problem.field: problem.message for problem in caught.value.problems}
    assert f"rules[0].{field}" in found, case
    assert fragment in found[f"rules[0].{field}"], case


@pytest.mark.parametrize(("case", "edit"), ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_accepted_rule(case: str, edit: Edit) -> None:
    """A rule within every documented limit is accepted and round-trips."""
    document = _edited(edit)

    assert validate_policy(document).to_dict() == document, case


def test_problem_names_the_rule_by_priority_and_description() -> None:
    """Each problem carries the rulePriority and description of its rule."""
    document = policy(rule(7, description="Expire old prod images", countNumber=0))

    with pytest.raises(PolicyError) as caught:
        validate_policy(document)

    (problem,) = caught.value.problems
    assert (problem.priority, problem.description) == (7, "Expire old prod images")
    assert str(problem).startswith("rule 7 ('Expire old prod images'), rules[0]")


def test_problem_without_a_usable_priority_leaves_it_out() -> None:
    """A rule whose priority is itself wrong is named by its path alone."""
    document = policy(rule(0))

    with pytest.raises(PolicyError) as caught:
        validate_policy(document)

    (problem,) = caught.value.problems
    assert problem.priority is None
    assert str(problem).startswith("rules[0].rulePriority: ")


def test_one_fault_per_rule_in_one_policy_are_all_reported() -> None:
    """A policy holding every faulty rule above reports each fault on its own rule."""
    rules = []
    for index, (_, edit, _, _) in enumerate(REJECTED):
        document = rule(
            index + 1,
            description=f"case {index}",
            tagPatternList=[f"team{index}-*"],
            action=dict(EXPIRE),
        )
        edit(document)
        rules.append(document)

    with pytest.raises(PolicyError) as caught:
        validate_policy({"rules": rules})

    reported = {problem.field for problem in caught.value.problems}
    expected = {
        f"rules[{index}].{field}" for index, (_, _, field, _) in enumerate(REJECTED)
    }
    assert expected <= reported
