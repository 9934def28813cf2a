"""UpdateImageStorageClass: identifiers, errors and the restore delay."""

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY


def _error_code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return caught.value.response["Error"]["Code"]


def test_archive_by_digest_echoes_the_digest(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Archiving by digest answers with that digest, the repository and ARCHIVED."""
    digest = ecr_emulator.push_image(REPOSITORY, "v1")

    reply = ecr_client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageDigest": digest},
        targetStorageClass="ARCHIVE",
    )

    assert reply["imageId"] == {"imageDigest": digest}
    assert reply["repositoryName"] == REPOSITORY
    assert reply["registryId"] == "123456789012"
    assert reply["imageStatus"] == "ARCHIVED"


def test_archive_by_tag_echoes_tag_and_digest(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Archiving by tag answers with the tag and the image's digest."""
    digest = ecr_emulator.push_image(REPOSITORY, "v1")

    reply = ecr_client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageTag": "v1"},
        targetStorageClass="ARCHIVE",
    )

    assert reply["imageId"] == {"imageDigest": digest, "imageTag": "v1"}


@pytest.mark.parametrize(
    "case",
    [
        ("missing-repo", {"imageTag": "v1"}, "ARCHIVE", "RepositoryNotFoundException"),
        (REPOSITORY, {"imageTag": "nope"}, "ARCHIVE", "ImageNotFoundException"),
        (
            REPOSITORY,
            {"imageDigest": "sha256:" + "0" * 64},
            "STANDARD",
            "ImageNotFoundException",
        ),
        (REPOSITORY, {"imageTag": "v1"}, "GLACIER", "InvalidParameterException"),
        (REPOSITORY, {"imageTag": "v1"}, "archive", "InvalidParameterException"),
        (REPOSITORY, {}, "ARCHIVE", "InvalidParameterException"),
    ],
)
def test_update_errors_use_ecr_error_codes(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    case: tuple[str, dict[str, str], str, str],
) -> None:
    """Missing repository, missing image and bad arguments raise ECR's codes."""
    repository, image_id, target, code = case
    ecr_emulator.push_image(REPOSITORY, "v1")

    with pytest.raises(ClientError) as caught:
        ecr_client.update_image_storage_class(
            repositoryName=repository,
            imageId=image_id,  # type: ignore[arg-type]
            targetStorageClass=target,  # type: ignore[arg-type]
        )

    assert _error_code(caught) == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_tag_and_digest_of_different_images_is_not_found(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A tag and a digest that name two different images match no image."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    other = ecr_emulator.push_image(REPOSITORY, "v2")

    with pytest.raises(ClientError) as caught:
        ecr_client.update_image_storage_class(
            repositoryName=REPOSITORY,
            imageId={"imageTag": "v1", "imageDigest": other},
            targetStorageClass="ARCHIVE",
        )

    assert _error_code(caught) == "ImageNotFoundException"


def test_restore_completes_after_the_activation_delay(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A restore reads ACTIVATING until the delay passes on the emulator clock."""
    ecr_emulator.activation_delay = timedelta(minutes=9, seconds=10)
    digest = ecr_emulator.push_image(REPOSITORY, "v1")
    ecr_client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageDigest": digest},
        targetStorageClass="ARCHIVE",
    )
    started = ecr_emulator.now()
    ecr_client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageDigest": digest},
        targetStorageClass="STANDARD",
    )

    ecr_emulator.advance(timedelta(minutes=9))
    assert ecr_emulator.image_status(REPOSITORY, digest) == "ACTIVATING"

    ecr_emulator.advance(timedelta(seconds=15))
    detail = ecr_client.describe_images(
        repositoryName=REPOSITORY, imageIds=[{"imageDigest": digest}]
    )["imageDetails"][0]
    assert detail["imageStatus"] == "ACTIVE"
    completed = detail["lastActivatedAt"] - started
    assert (
        timedelta(minutes=9, seconds=10) <= completed < timedelta(minutes=9, seconds=11)
    )


def test_zero_activation_delay_restores_by_the_next_read(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """With no activation delay the restore answers ACTIVATING and reads ACTIVE."""
    ecr_emulator.activation_delay = 0
    digest = ecr_emulator.push_image(REPOSITORY, "v1")
    ecr_client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageTag": "v1"},
        targetStorageClass="ARCHIVE",
    )

    reply = ecr_client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageTag": "v1"},
        targetStorageClass="STANDARD",
    )

    assert reply["imageStatus"] == "ACTIVATING"
    assert ecr_emulator.image_status(REPOSITORY, digest) == "ACTIVE"


def test_archive_records_last_archived_at_from_the_clock(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """lastArchivedAt is the emulator time of the archive call."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    archived_at = ecr_emulator.advance(timedelta(days=30))
    ecr_client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageTag": "v1"},
        targetStorageClass="ARCHIVE",
    )

    detail = ecr_client.describe_images(
        repositoryName=REPOSITORY, filter={"imageStatus": "ARCHIVED"}
    )["imageDetails"][0]

    assert timedelta() <= detail["lastArchivedAt"] - archived_at < timedelta(seconds=1)
    assert "lastActivatedAt" not in detail


def test_negative_activation_delay_is_refused(ecr_emulator: Emulator) -> None:
    """An activation delay below zero raises ValueError and changes nothing."""
    before = ecr_emulator.activation_delay

    with pytest.raises(ValueError, match="negative"):
        ecr_emulator.activation_delay = -1

    assert ecr_emulator.activation_delay == before
