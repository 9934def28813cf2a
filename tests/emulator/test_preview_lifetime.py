"""A lifecycle policy preview lives as long as its repository."""

import json

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY

EXPIRE_OLD = {
    "rulePriority": 1,
    "description": "Expire images pushed more than a day ago",
    "selection": {
        "tagStatus": "any",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 1,
    },
    "action": {"type": "expire"},
}


def test_repository_created_again_has_no_preview(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """After DeleteRepository, the same name starts without the old preview."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    ecr_emulator.advance(2 * 86_400)
    ecr_client.start_lifecycle_policy_preview(
        repositoryName=REPOSITORY,
        lifecyclePolicyText=json.dumps({"rules": [EXPIRE_OLD]}),
    )
    ecr_client.delete_repository(repositoryName=REPOSITORY, force=True)
    ecr_client.create_repository(repositoryName=REPOSITORY)

    with pytest.raises(ClientError) as caught:
        ecr_client.get_lifecycle_policy_preview(repositoryName=REPOSITORY)

    code = caught.value.response["Error"]["Code"]
    assert code == "LifecyclePolicyPreviewNotFoundException"
