"""Request values the ECR service model constrains and botocore does not check.

botocore validates the lower bound of a list or a number but not its upper bound,
nor enum values, so these limits reach the endpoint: DescribeImages, BatchGetImage,
BatchDeleteImage and GetLifecyclePolicyPreview name at most 100 imageIds;
GetLifecyclePolicyPreview pages at most 100 results (`maxResults` 1 to 100) and
takes `filter.tagStatus` TAGGED, UNTAGGED or ANY.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient
from mypy_boto3_ecr.type_defs import ImageIdentifierTypeDef

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY

ARCHIVE_AFTER_PUSH = {
    "rulePriority": 1,
    "description": "Archive every image pushed more than a day ago",
    "selection": {
        "tagStatus": "any",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 1,
    },
    "action": {"type": "transition", "targetStorageClass": "archive"},
}

Call = Callable[[ECRClient, list[ImageIdentifierTypeDef]], Any]

CALLS: dict[str, Call] = {
    "DescribeImages": lambda client, ids: client.describe_images(
        repositoryName=REPOSITORY, imageIds=ids
    ),
    "BatchGetImage": lambda client, ids: client.batch_get_image(
        repositoryName=REPOSITORY, imageIds=ids
    ),
    "BatchDeleteImage": lambda client, ids: client.batch_delete_image(
        repositoryName=REPOSITORY, imageIds=ids
    ),
    "GetLifecyclePolicyPreview": lambda client, ids: (
        client.get_lifecycle_policy_preview(repositoryName=REPOSITORY, imageIds=ids)
    ),
}


def _tags(count: int) -> list[ImageIdentifierTypeDef]:
    return [{"imageTag": f"v{number}"} for number in range(count)]


@pytest.fixture
def full_repository(ecr_emulator: Emulator, ecr_client: ECRClient) -> ECRClient:
    """A repository of 101 images, two days old, with a lifecycle preview taken."""
    for number in range(101):
        ecr_emulator.push_image(REPOSITORY, f"v{number}")
    ecr_emulator.advance(172_800)
    ecr_client.start_lifecycle_policy_preview(
        repositoryName=REPOSITORY,
        lifecyclePolicyText=json.dumps({"rules": [ARCHIVE_AFTER_PUSH]}),
    )

    return ecr_client


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_more_than_one_hundred_image_ids_are_rejected(
    full_repository: ECRClient, operation: str
) -> None:
    """A request naming 101 imageIds fails with InvalidParameterException."""
    with pytest.raises(ClientError) as caught:
        CALLS[operation](full_repository, _tags(101))

    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert "imageIds" in error["Message"]


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_one_hundred_image_ids_are_accepted(
    full_repository: ECRClient, operation: str
) -> None:
    """A request naming exactly 100 imageIds is served."""
    reply = CALLS[operation](full_repository, _tags(100))

    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_preview_pages_hold_at_most_one_hundred_results(
    full_repository: ECRClient,
) -> None:
    """GetLifecyclePolicyPreview takes maxResults up to 100 and refuses 101."""
    page = full_repository.get_lifecycle_policy_preview(
        repositoryName=REPOSITORY, maxResults=100
    )
    with pytest.raises(ClientError) as caught:
        full_repository.get_lifecycle_policy_preview(
            repositoryName=REPOSITORY, maxResults=101
        )

    assert len(page["previewResults"]) == 100
    assert "nextToken" in page
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert "maxResults" in error["Message"]


def test_preview_refuses_max_results_with_image_ids(
    full_repository: ECRClient,
) -> None:
    """GetLifecyclePolicyPreview, like DescribeImages, refuses both together."""
    with pytest.raises(ClientError) as caught:
        full_repository.get_lifecycle_policy_preview(
            repositoryName=REPOSITORY, imageIds=_tags(1), maxResults=5
        )

    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


@pytest.mark.parametrize("tag_status", ["tagged", "UNKNOWN"])
def test_preview_refuses_a_tag_status_ecr_does_not_know(
    full_repository: ECRClient, tag_status: str
) -> None:
    """filter.tagStatus outside TAGGED, UNTAGGED, ANY is refused, not misread."""
    with pytest.raises(ClientError) as caught:
        full_repository.get_lifecycle_policy_preview(
            repositoryName=REPOSITORY,
            filter={"tagStatus": tag_status},  # type: ignore[typeddict-item]
        )

    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert "filter.tagStatus" in error["Message"]
