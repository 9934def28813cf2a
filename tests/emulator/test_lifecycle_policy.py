"""PutLifecyclePolicy and GetLifecyclePolicy with the archive fields.

The table is the lab's "Lifecycle Policy 规则验证" (rule combinations and whether ECR
accepted them).
"""

import json

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY

ARCHIVE_AFTER_PULL = {
    "rulePriority": 1,
    "description": "Archive images not pulled in 90 days",
    "selection": {
        "tagStatus": "any",
        "countType": "sinceImagePulled",
        "countUnit": "days",
        "countNumber": 90,
    },
    "action": {"type": "transition", "targetStorageClass": "archive"},
}
ARCHIVE_AFTER_PUSH = {
    "rulePriority": 1,
    "description": "Archive images pushed 30 days ago",
    "selection": {
        "tagStatus": "any",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 30,
    },
    "action": {"type": "transition", "targetStorageClass": "archive"},
}
EXPIRE_AFTER_PULL = {
    "rulePriority": 1,
    "description": "Expire images not pulled in 90 days",
    "selection": {
        "tagStatus": "any",
        "countType": "sinceImagePulled",
        "countUnit": "days",
        "countNumber": 90,
    },
    "action": {"type": "expire"},
}
EXPIRE_ARCHIVED = {
    "rulePriority": 2,
    "description": "Expire archived images after 365 days",
    "selection": {
        "tagStatus": "any",
        "storageClass": "archive",
        "countType": "sinceImageTransitioned",
        "countUnit": "days",
        "countNumber": 365,
    },
    "action": {"type": "expire"},
}

# (case, rules, accepted) from the lab's rule-validation table.
LAB_RULES = [
    ("sinceImagePushed + transition", [ARCHIVE_AFTER_PUSH], True),
    ("sinceImagePulled + transition", [ARCHIVE_AFTER_PULL], True),
    ("sinceImagePulled + expire", [EXPIRE_AFTER_PULL], False),
    (
        "sinceImageTransitioned + expire + archive",
        [{**EXPIRE_ARCHIVED, "rulePriority": 1}],
        True,
    ),
    ("archive then expire", [ARCHIVE_AFTER_PULL, EXPIRE_ARCHIVED], True),
]


def _text(rules: list[dict[str, object]]) -> str:
    return json.dumps({"rules": rules}, indent=2)


@pytest.mark.parametrize(
    ("rules", "accepted"),
    [(rules, accepted) for _, rules, accepted in LAB_RULES],
    ids=[case for case, _, _ in LAB_RULES],
)
def test_put_lifecycle_policy_follows_the_lab_table(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    rules: list[dict[str, object]],
    accepted: bool,
) -> None:
    """PutLifecyclePolicy accepts and rejects the combinations the lab tried."""
    ecr_client.create_repository(repositoryName=REPOSITORY)

    if accepted:
        reply = ecr_client.put_lifecycle_policy(
            repositoryName=REPOSITORY, lifecyclePolicyText=_text(rules)
        )
        assert reply["lifecyclePolicyText"] == _text(rules)
    else:
        with pytest.raises(ClientError) as caught:
            ecr_client.put_lifecycle_policy(
                repositoryName=REPOSITORY, lifecyclePolicyText=_text(rules)
            )
        error = caught.value.response["Error"]
        assert error["Code"] == "InvalidParameterException"
        assert error["Message"].startswith(
            "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint"
        )
        assert "sinceImagePulled" in error["Message"]


def test_get_lifecycle_policy_returns_the_text_as_put(ecr_client: ECRClient) -> None:
    """GetLifecyclePolicy returns the stored text byte for byte."""
    ecr_client.create_repository(repositoryName=REPOSITORY)
    text = _text([ARCHIVE_AFTER_PULL, EXPIRE_ARCHIVED])
    ecr_client.put_lifecycle_policy(repositoryName=REPOSITORY, lifecyclePolicyText=text)

    reply = ecr_client.get_lifecycle_policy(repositoryName=REPOSITORY)

    assert reply["lifecyclePolicyText"] == text
    assert reply["repositoryName"] == REPOSITORY


def test_rejected_policy_leaves_the_stored_one(ecr_client: ECRClient) -> None:
    """A rejected PutLifecyclePolicy does not replace the policy already stored."""
    ecr_client.create_repository(repositoryName=REPOSITORY)
    text = _text([ARCHIVE_AFTER_PULL])
    ecr_client.put_lifecycle_policy(repositoryName=REPOSITORY, lifecyclePolicyText=text)

    with pytest.raises(ClientError):
        ecr_client.put_lifecycle_policy(
            repositoryName=REPOSITORY, lifecyclePolicyText=_text([EXPIRE_AFTER_PULL])
        )

    assert (
        ecr_client.get_lifecycle_policy(repositoryName=REPOSITORY)[
            "lifecyclePolicyText"
        ]
        == text
    )


def test_lifecycle_policy_on_missing_repository(ecr_client: ECRClient) -> None:
    """PutLifecyclePolicy on a missing repository raises RepositoryNotFound."""
    with pytest.raises(ClientError) as caught:
        ecr_client.put_lifecycle_policy(
            repositoryName="missing-repo",
            lifecyclePolicyText=_text([ARCHIVE_AFTER_PULL]),
        )

    assert caught.value.response["Error"]["Code"] == "RepositoryNotFoundException"


def test_missing_policy_is_reported(ecr_client: ECRClient) -> None:
    """GetLifecyclePolicy without a policy raises LifecyclePolicyNotFound."""
    ecr_client.create_repository(repositoryName=REPOSITORY)

    with pytest.raises(ClientError) as caught:
        ecr_client.get_lifecycle_policy(repositoryName=REPOSITORY)

    assert caught.value.response["Error"]["Code"] == "LifecyclePolicyNotFoundException"
