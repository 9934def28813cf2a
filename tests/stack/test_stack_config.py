"""The stack config is checked before any resource exists, naming the key at fault."""

import json
import re
from typing import Any

import pytest

from components._repository_config import (
    StackConfigError,
    parse_stack_config,
)

API = {"name": "api"}


def test_defaults_apply_and_repositories_override_them() -> None:
    """A repository's own setting wins over `defaults`; the rest are inherited."""
    parsed = parse_stack_config(
        [API, {"name": "worker", "archiveAfterDays": 30}],
        {"archiveAfterDays": 60, "scanOnPush": False},
    )

    api, worker = parsed.repositories
    assert api.args == {"archive_after_days": 60, "scan_on_push": False}
    assert worker.args == {"archive_after_days": 30, "scan_on_push": False}
    assert (api.key, worker.key) == (
        "ecr-archive:repositories[0]",
        "ecr-archive:repositories[1]",
    )


def test_tags_are_merged_with_the_defaults() -> None:
    """Tags from `defaults` and the repository are combined; the repository wins."""
    parsed = parse_stack_config(
        [{"name": "api", "tags": {"team": "web", "tier": "1"}}],
        {"tags": {"team": "platform", "managed-by": "pulumi"}},
    )

    assert parsed.repositories[0].args["tags"] == {
        "team": "web",
        "tier": "1",
        "managed-by": "pulumi",
    }


def test_every_setting_maps_to_its_argument() -> None:
    """Each camelCase setting becomes the snake_case component argument."""
    entry = {
        "name": "api",
        "repositoryName": "shop/api",
        "archiveAfterDays": 30,
        "expireAfterDays": 120,
        "protectedTags": ["release-*"],
        "expireUntaggedAfterDays": 7,
        "extraRules": [{"rulePriority": 1}],
        "imageTagMutability": "MUTABLE",
        "tagMutabilityExclusions": ["v*"],
        "scanOnPush": False,
        "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k",
        "forceDelete": True,
        "tags": {"team": "web"},
    }

    args = parse_stack_config([entry]).repositories[0].args

    assert args == {
        "repository_name": "shop/api",
        "archive_after_days": 30,
        "expire_after_days": 120,
        "protected_tags": ["release-*"],
        "expire_untagged_after_days": 7,
        "extra_rules": [{"rulePriority": 1}],
        "image_tag_mutability": "MUTABLE",
        "tag_mutability_exclusions": ["v*"],
        "scan_on_push": False,
        "kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/k",
        "force_delete": True,
        "tags": {"team": "web"},
    }


def test_lifecycle_policy_written_as_yaml_becomes_json_text() -> None:
    """A policy given as an object is passed on as its JSON text."""
    policy = {"rules": [{"rulePriority": 1}]}

    args = parse_stack_config([{**API, "lifecyclePolicy": policy}]).repositories[0].args

    assert args["lifecycle_policy"] == json.dumps(policy)


def test_exclusions_are_read_as_a_tuple() -> None:
    """`pullTimeUpdateExclusions` is kept in order."""
    arns = ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:user/b"]

    parsed = parse_stack_config([API], None, arns)

    assert parsed.pull_time_update_exclusions == tuple(arns)


# (repositories, defaults, exclusions, words the message must contain)
BAD_CONFIG: list[tuple[Any, Any, Any, str]] = [
    (None, None, None, "ecr-archive:repositories is not set"),
    ([], None, None, "ecr-archive:repositories must be a non-empty list"),
    ({"name": "api"}, None, None, "ecr-archive:repositories must be a non-empty list"),
    (["api"], None, None, "ecr-archive:repositories[0] must be an object"),
    ([{"archiveAfterDays": 3}], None, None, "ecr-archive:repositories[0].name"),
    (
        [API, {"name": "w", "archiveAfterDay": 3}],
        None,
        None,
        "ecr-archive:repositories[1].archiveAfterDay is not a setting "
        "(did you mean 'archiveAfterDays'?)",
    ),
    ([API], {"name": "x"}, None, "ecr-archive:defaults.name is per repository"),
    ([API], ["x"], None, "ecr-archive:defaults must be an object"),
    ([API], {"tags": {"a": 1}}, None, "ecr-archive:defaults.tags must map"),
    ([API, API], None, None, "ecr-archive:repositories[1] repeats the name 'api'"),
    (
        [API, {"name": "copy", "repositoryName": "api"}],
        None,
        None,
        "ecr-archive:repositories[1] repeats the repository 'api'",
    ),
    ([API], None, "arn", "ecr-archive:pullTimeUpdateExclusions must be a list"),
]


@pytest.mark.parametrize(
    ("repositories", "defaults", "exclusions", "words"), BAD_CONFIG
)
def test_bad_config_names_the_key(
    repositories: Any, defaults: Any, exclusions: Any, words: str
) -> None:
    """Each config problem raises StackConfigError that starts from the config key."""
    with pytest.raises(StackConfigError, match=re.escape(words)):
        parse_stack_config(repositories, defaults, exclusions)


POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "any",
                "countType": "imageCountMoreThan",
                "countNumber": 10,
            },
            "action": {"type": "expire"},
        }
    ]
}


def test_own_lifecycle_policy_replaces_the_default_policy_options() -> None:
    """A repository's whole policy wins over policy options set in `defaults`."""
    parsed = parse_stack_config(
        [{"name": "api", "lifecyclePolicy": POLICY}],
        {"archiveAfterDays": 30, "protectedTags": ["prod-*"], "scanOnPush": False},
    )

    assert parsed.repositories[0].args == {
        "lifecycle_policy": json.dumps(POLICY),
        "scan_on_push": False,
    }


def test_own_policy_options_replace_the_default_lifecycle_policy() -> None:
    """A repository's policy options win over a whole policy set in `defaults`."""
    parsed = parse_stack_config(
        [API, {"name": "worker", "archiveAfterDays": 30}],
        {"lifecyclePolicy": POLICY, "forceDelete": True},
    )

    api, worker = parsed.repositories
    assert api.args == {"lifecycle_policy": json.dumps(POLICY), "force_delete": True}
    assert worker.args == {"archive_after_days": 30, "force_delete": True}


def test_default_mutability_exclusions_do_not_follow_another_base() -> None:
    """Exclusions meant as movable tags never become fixed tags of a MUTABLE repo."""
    parsed = parse_stack_config(
        [
            API,
            {"name": "worker", "imageTagMutability": "MUTABLE"},
            {"name": "jobs", "imageTagMutability": "IMMUTABLE"},
        ],
        {"tagMutabilityExclusions": ["latest"]},
    )

    api, worker, jobs = (entry.args for entry in parsed.repositories)
    assert api == {"tag_mutability_exclusions": ["latest"]}
    assert worker == {"image_tag_mutability": "MUTABLE"}
    assert jobs == {
        "image_tag_mutability": "IMMUTABLE",
        "tag_mutability_exclusions": ["latest"],
    }
