"""The four pitfalls the lab lists (踩坑记录), each reproduced over HTTP."""

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY, PutInState


def _inventory(client: ECRClient, operation: str, status: str | None) -> list[str]:
    kwargs = {"filter": {"imageStatus": status}} if status else {}
    if operation == "describe_images":
        details = client.describe_images(repositoryName=REPOSITORY, **kwargs)  # type: ignore[arg-type]
        return [detail["imageDigest"] for detail in details["imageDetails"]]
    ids = client.list_images(repositoryName=REPOSITORY, **kwargs)["imageIds"]  # type: ignore[arg-type]

    return [image_id["imageDigest"] for image_id in ids]


@pytest.mark.parametrize("operation", ["describe_images", "list_images"])
def test_pitfall_1_inventory_without_any_misses_archived_images(
    image_in_state: PutInState, ecr_client: ECRClient, operation: str
) -> None:
    """踩坑 1: without imageStatus ANY an archived image looks deleted."""
    kept = image_in_state("v1", "ACTIVE")
    archived = image_in_state("v2", "ARCHIVED")

    assert _inventory(ecr_client, operation, None) == [kept]
    assert _inventory(ecr_client, operation, "ANY") == [kept, archived]


def test_pitfall_2_archived_and_missing_pull_alike_but_describe_tells(
    image_in_state: PutInState, ecr_client: ECRClient
) -> None:
    """踩坑 2: the pull error is the same; DescribeImages with ANY tells them apart."""
    image_in_state("v1", "ARCHIVED")
    pulls = {
        tag: ecr_client.batch_get_image(
            repositoryName=REPOSITORY, imageIds=[{"imageTag": tag}]
        )["failures"][0]
        for tag in ("v1", "never-pushed")
    }

    assert pulls["v1"]["failureCode"] == pulls["never-pushed"]["failureCode"]
    assert pulls["v1"]["failureReason"] == pulls["never-pushed"]["failureReason"]
    status = ecr_client.describe_images(
        repositoryName=REPOSITORY,
        imageIds=[{"imageTag": "v1"}],
        filter={"imageStatus": "ANY"},
    )["imageDetails"][0]["imageStatus"]
    assert status == "ARCHIVED"
    with pytest.raises(ClientError) as caught:
        ecr_client.describe_images(
            repositoryName=REPOSITORY,
            imageIds=[{"imageTag": "never-pushed"}],
            filter={"imageStatus": "ANY"},
        )
    assert caught.value.response["Error"]["Code"] == "ImageNotFoundException"


def test_pitfall_3_archiving_twice_is_not_idempotent(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """踩坑 3: a second archive raises ImageStorageClassUpdateNotSupported."""
    ecr_emulator.push_image(REPOSITORY, "v1")

    def archive() -> None:
        ecr_client.update_image_storage_class(
            repositoryName=REPOSITORY,
            imageId={"imageTag": "v1"},
            targetStorageClass="ARCHIVE",
        )

    archive()

    with pytest.raises(ClientError) as caught:
        archive()

    error = caught.value.response["Error"]
    assert error["Code"] == "ImageStorageClassUpdateNotSupportedException"
    assert "v1" in error["Message"]


@pytest.mark.parametrize("attempt", ["pull", "archive", "restore"])
def test_pitfall_4_activating_locks_everything_until_active(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    image_in_state: PutInState,
    attempt: str,
) -> None:
    """踩坑 4: while ACTIVATING nothing works; once ACTIVE, pull and archive do."""
    image_in_state("v1", "ACTIVATING")

    def run() -> bool:
        if attempt == "pull":
            reply = ecr_client.batch_get_image(
                repositoryName=REPOSITORY, imageIds=[{"imageTag": "v1"}]
            )
            return bool(reply["images"])
        target = "ARCHIVE" if attempt == "archive" else "STANDARD"
        try:
            ecr_client.update_image_storage_class(
                repositoryName=REPOSITORY,
                imageId={"imageTag": "v1"},
                targetStorageClass=target,  # type: ignore[arg-type]
            )
        except ClientError:
            return False
        return True

    assert run() is False
    ecr_emulator.advance(timedelta(minutes=20))
    assert run() is (attempt != "restore")
