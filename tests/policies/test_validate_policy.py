"""The policy as a whole: its JSON, its length, and how its rules fit together.

Rows come from LifecyclePolicies.html ("unique set of tag prefixes", "only one rule is
allowed to select untagged images"), lifecycle_policy_parameters.html (unique
priorities, the `any` rule last) and the ECR service model (100 to 30,720 characters).
"""

import json
from typing import Any

import pytest

from policies import LifecyclePolicy, PolicyError, validate_policy
from tests.policies.documents import (
    EXPIRE,
    LAB_ARCHIVE_THEN_EXPIRE,
    TRANSITION,
    Document,
    policy,
    problem_fields,
    rule,
)


def _any(priority: int, *, storage_class: str | None = None) -> Document:
    if storage_class == "archive":
        return rule(
            priority,
            tagStatus="any",
            tagPatternList=...,
            storageClass="archive",
            countType="sinceImageTransitioned",
            countNumber=365,
        )
    return rule(priority, tagStatus="any", tagPatternList=..., countNumber=30)


def _untagged(priority: int, **selection: Any) -> Document:
    return rule(priority, tagStatus="untagged", tagPatternList=..., **selection)


def _prefixes(priority: int, *prefixes: str, **selection: Any) -> Document:
    return rule(priority, tagPatternList=..., tagPrefixList=list(prefixes), **selection)


# (case, document, fields reported) — an empty list means ECR accepts it.
POLICIES: list[tuple[str, object, list[str]]] = [
    ("not an object", [], ["$"]),
    ("rules missing", {}, ["rules"]),
    ("rules not a list", {"rules": {}}, ["rules"]),
    ("no rules", {"rules": []}, ["rules"]),
    ("unknown top-level key", {"rules": [rule(1)], "version": 1}, ["version"]),
    ("rule not an object", {"rules": ["expire"]}, ["rules[0]"]),
    ("priorities need not be sequential", policy(rule(10), _any(20)), []),
    (
        "same priority twice",
        policy(rule(1), _prefixes(1, "v")),
        ["rules[1].rulePriority"],
    ),
    ("any rule last", policy(rule(1), _any(2)), []),
    ("any rule not last", policy(_any(1), rule(2)), ["rules[0].rulePriority"]),
    (
        "any rule not last, listed last",
        policy(rule(3), _any(2)),
        ["rules[1].rulePriority"],
    ),
    ("two any rules in one class", policy(_any(1), _any(2)), ["rules[0].rulePriority"]),
    (
        "an any rule per storage class",
        policy(_any(1), _any(2, storage_class="archive")),
        [],
    ),
    (
        "standard rule after the archive any rule",
        policy(_any(1, storage_class="archive"), rule(2), _any(3)),
        [],
    ),
    (
        "two untagged rules",
        policy(_untagged(1), _untagged(2, countNumber=5)),
        ["rules[1].selection.tagStatus"],
    ),
    (
        "untagged rule per storage class",
        policy(
            _untagged(1),
            _untagged(
                2,
                storageClass="archive",
                countType="sinceImageTransitioned",
                countNumber=90,
            ),
        ),
        [],
    ),
    (
        "same prefixes twice",
        policy(_prefixes(1, "a", "b"), _prefixes(2, "b", "a")),
        ["rules[1].selection.tagPrefixList"],
    ),
    ("overlapping prefixes", policy(_prefixes(1, "a"), _prefixes(2, "a", "b")), []),
    (
        "same prefixes in another storage class",
        policy(
            _prefixes(1, "a"),
            _prefixes(
                2,
                "a",
                storageClass="archive",
                countType="sinceImageTransitioned",
                countNumber=90,
            ),
        ),
        [],
    ),
    (
        "same patterns twice",
        policy(rule(1), rule(2, countNumber=30)),
        ["rules[1].selection.tagPatternList"],
    ),
]


@pytest.mark.parametrize(
    ("case", "document", "fields"), POLICIES, ids=[row[0] for row in POLICIES]
)
def test_policy_level_rules(case: str, document: object, fields: list[str]) -> None:
    """Each policy is accepted, or rejected with problems on exactly these fields."""
    assert problem_fields(document) == fields, case


def test_every_problem_is_reported_at_once() -> None:
    """One call reports the faults of every rule and of the rules together."""
    document = policy(
        rule(1, description="pulled", countType="sinceImagePulled", action=EXPIRE),
        rule(1, description="dupe", tagPatternList=["a*b*c*d*e*f"]),
        rule(
            3,
            description="short",
            storageClass="archive",
            countType="sinceImageTransitioned",
            countNumber=30,
        ),
        rule(
            4,
            description="target",
            tagPatternList=["v*"],
            action={"type": "transition"},
        ),
        rule(
            5, description="typo", tagStatus="any", tagPatternList=..., countUnit="day"
        ),
    )

    with pytest.raises(PolicyError) as caught:
        validate_policy(document)

    problems = caught.value.problems
    assert [(problem.description, problem.field) for problem in problems] == [
        ("pulled", "rules[0].action.type"),
        ("dupe", "rules[1].selection.tagPatternList[0]"),
        ("short", "rules[2].selection.countNumber"),
        ("target", "rules[3].action.targetStorageClass"),
        ("typo", "rules[4].selection.countUnit"),
        ("dupe", "rules[1].rulePriority"),
    ]
    text = str(caught.value)
    assert text.startswith("6 problems in the lifecycle policy:\n")
    assert all(str(problem) in text for problem in problems)


def test_policy_error_is_a_value_error_with_one_line_per_problem() -> None:
    """PolicyError is a ValueError whose text lists each problem on its own line."""
    with pytest.raises(ValueError, match="2 problems") as caught:
        validate_policy({"rules": [rule(0, countNumber=-1)]})

    assert isinstance(caught.value, PolicyError)
    assert str(caught.value).count("\n- ") == 2


def test_invalid_json_reports_the_position() -> None:
    """Text that is not JSON is reported with the line and column of the fault."""
    text = '{"rules": [\n  {"rulePriority": 1,}\n]}'

    with pytest.raises(PolicyError) as caught:
        validate_policy(text)

    (problem,) = caught.value.problems
    assert problem.field == "$"
    assert "line 2 column" in problem.message


def test_deeply_nested_json_is_reported_not_raised() -> None:
    """Text nested past the parser's limit is a problem, not a RecursionError."""
    assert problem_fields("[" * 100_000 + "]" * 100_000) == ["$"]


def test_duplicate_keys_are_reported() -> None:
    """A key written twice in one object is reported instead of one copy winning."""
    text = json.dumps(LAB_ARCHIVE_THEN_EXPIRE).replace(
        '"rulePriority": 1,', '"rulePriority": 1, "rulePriority": 3,'
    )

    with pytest.raises(PolicyError) as caught:
        validate_policy(text)

    assert [problem.message for problem in caught.value.problems] == [
        'key "rulePriority" appears twice in one object; keep one'
    ]


def test_json_null_document_is_rejected() -> None:
    """The JSON text `null` is not a policy."""
    assert problem_fields("null") == ["$"]


def test_text_and_mapping_give_the_same_policy() -> None:
    """The policy text and its decoded object validate to the same policy."""
    assert validate_policy(json.dumps(LAB_ARCHIVE_THEN_EXPIRE)) == validate_policy(
        LAB_ARCHIVE_THEN_EXPIRE
    )


def test_neither_text_nor_mapping_is_rejected() -> None:
    """Anything but text or a mapping is refused with a problem, not a crash."""
    assert problem_fields(b'{"rules": []}') == ["$"]


def _with_description_of(length: int) -> Document:
    document = policy(rule(1, countType="sinceImagePulled", action=TRANSITION))
    document["rules"][0]["description"] = "x" * length
    return document


def _compact_length(document: Document) -> int:
    return len(json.dumps(document, separators=(",", ":")))


def test_longest_policy_text_is_accepted_and_one_more_character_is_not() -> None:
    """The rendered text may be 30,720 characters long, and no longer."""
    base = _compact_length(_with_description_of(0))
    longest = _with_description_of(30_720 - base)

    assert validate_policy(longest).to_json().__len__() == 30_720
    assert problem_fields(_with_description_of(30_720 - base + 1)) == ["$"]


def test_length_of_text_is_measured_as_sent() -> None:
    """Text is measured as ECR receives it: padding counts, as it would at ECR."""
    document = _with_description_of(30_000)
    compact = json.dumps(document, separators=(",", ":"))
    padded = json.dumps(document, indent=40)

    assert len(compact) < 30_720 < len(padded)
    assert problem_fields(compact) == []
    assert problem_fields(padded) == ["$"]


def test_text_shorter_than_100_characters_is_rejected() -> None:
    """ECR's lower bound of 100 characters applies to the text as sent."""
    with pytest.raises(PolicyError) as caught:
        validate_policy('{"rules": []}')

    assert [problem.field for problem in caught.value.problems] == ["rules", "$"]
    assert "100 to 30,720" in caught.value.problems[1].message


def test_smallest_valid_policy_is_longer_than_the_lower_bound() -> None:
    """Any valid policy renders to more than 100 characters, so none is refused."""
    smallest = LifecyclePolicy.from_dict(
        policy(
            rule(
                1,
                tagStatus="any",
                tagPatternList=...,
                countType="imageCountMoreThan",
                countUnit=...,
                countNumber=1,
            )
        )
    )

    assert len(smallest.to_json()) == 138
