"""ArchivedRepository rejects bad arguments before registering anything."""

import re
from typing import Any

import pytest

from components import ArchivedRepository
from policies import PolicyError, archive_then_expire
from tests.support.mocks import PulumiHarness

# (arguments, words the message must contain)
POLICY_PROBLEMS: list[tuple[dict[str, Any], str]] = [
    ({"expire_after_days": 30}, "expire_after_days"),
    ({"archive_after_days": 0}, "archive_after_days"),
    ({"archive_after_days": "ninety"}, "archive_after_days"),
    ({"protected_tags": ["a*b*c*d*e*"]}, "protected_tags[0]"),
    ({"lifecycle_policy": '{"rules": []}'}, "rules"),
    ({"lifecycle_policy": "not json"}, "JSON"),
    ({"extra_rules": [{"rulePriority": 1}]}, "selection"),
]

# (resource name, arguments, words the message must contain)
ARGUMENT_PROBLEMS: list[tuple[str, dict[str, Any], str]] = [
    ("api", {"archive_after_day": 30}, "did you mean 'archive_after_days'"),
    ("api", {"repository_name": "Team/API"}, "repository_name 'Team/API'"),
    ("API", {}, "the resource name"),
    ("a", {}, "2 to 256"),
    (
        "api",
        {"lifecycle_policy": archive_then_expire(), "archive_after_days": 30},
        "remove either lifecycle_policy or archive_after_days",
    ),
    ("api", {"lifecycle_policy": {"rules": []}}, "lifecycle_policy must be"),
    ("api", {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION"}, "tag_mutability"),
    ("api", {"tag_mutability_exclusions": list("abcdef")}, "at most 5"),
    ("api", {"tag_mutability_exclusions": ["a*b*c*"]}, "at most 2 '*'"),
    ("api", {"tag_mutability_exclusions": ["dev/x"]}, "exclusions[0]"),
    ("api", {"tag_mutability_exclusions": ["x", "x"]}, "twice"),
    ("api", {"kms_key_arn": "alias/ecr"}, "kms_key_arn 'alias/ecr'"),
    ("api", {"scan_on_push": "yes"}, "scan_on_push must be true or false"),
    ("api", {"force_delete": 1}, "force_delete must be true or false"),
    ("api", {"tags": {"team": 1}}, "tags must map strings to strings"),
    ("api", {"protected_tags": "release-*"}, "protected_tags must be a list"),
    ("api", {"extra_rules": ["expire pr-*"]}, "extra_rules[0]"),
]


@pytest.mark.parametrize(("args", "words"), POLICY_PROBLEMS)
def test_policy_problems_raise_policy_error_naming_the_field(
    harness: PulumiHarness, args: dict[str, Any], words: str
) -> None:
    """A policy ECR would reject raises PolicyError, which names the field."""
    with pytest.raises(PolicyError, match=re.escape(words)):
        ArchivedRepository("api", args)  # type: ignore[arg-type]
    assert harness.registrations() == []


@pytest.mark.parametrize(("name", "args", "words"), ARGUMENT_PROBLEMS)
def test_bad_arguments_raise_value_error_naming_the_argument(
    harness: PulumiHarness, name: str, args: dict[str, Any], words: str
) -> None:
    """Any other bad argument raises ValueError saying what to write instead."""
    with pytest.raises(ValueError, match=re.escape(words)) as raised:
        ArchivedRepository(name, args)  # type: ignore[arg-type]
    assert not isinstance(raised.value, PolicyError)
    assert harness.registrations() == []
