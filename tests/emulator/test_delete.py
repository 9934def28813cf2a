"""Deleting repositories and images that are archived.

The lab's clean-up section reports that a repository holding archived images could
not be deleted until they were restored; the emulator reproduces that in strict mode
with RepositoryNotEmptyException (an emulation of the lab's observation: AWS
documents neither the refusal nor its code).
"""

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY, PutInState


def _delete(client: ECRClient, *, force: bool) -> str | None:
    """Delete the lab repository and return the error code, or None on success."""
    try:
        client.delete_repository(repositoryName=REPOSITORY, force=force)
    except ClientError as exc:
        return exc.response["Error"]["Code"]

    return None


# (strict, image state, force) -> error code or None — the lab's clean-up plus moto's
# ordinary rule that only force deletes a repository with images.
DELETE_TABLE = [
    (True, "ARCHIVED", True, "RepositoryNotEmptyException"),
    (True, "ACTIVATING", True, "RepositoryNotEmptyException"),
    (True, "ARCHIVED", False, "RepositoryNotEmptyException"),
    (True, "ACTIVE", True, None),
    (True, "ACTIVE", False, "RepositoryNotEmptyException"),
    (False, "ARCHIVED", True, None),
    (False, "ACTIVATING", True, None),
]


@pytest.mark.parametrize("case", DELETE_TABLE)
def test_delete_repository_by_strictness_state_and_force(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    image_in_state: PutInState,
    case: tuple[bool, str, bool, str | None],
) -> None:
    """DeleteRepository refuses archived images in strict mode, even with force."""
    strict, state, force, code = case
    ecr_emulator.strict_delete = strict
    image_in_state("v1", state)

    assert _delete(ecr_client, force=force) == code


def test_refusal_message_says_what_to_do(
    ecr_client: ECRClient, image_in_state: PutInState
) -> None:
    """The refusal names the archived images and the way out."""
    image_in_state("v1", "ARCHIVED")

    with pytest.raises(ClientError) as caught:
        ecr_client.delete_repository(repositoryName=REPOSITORY, force=True)

    message = caught.value.response["Error"]["Message"]
    assert "archived" in message
    assert "BatchDeleteImage" in message


def test_restored_repository_can_be_deleted(
    ecr_emulator: Emulator, ecr_client: ECRClient, image_in_state: PutInState
) -> None:
    """Once the restore completes, force deletes the repository (the lab's way)."""
    image_in_state("v1", "ACTIVATING")
    ecr_emulator.advance(timedelta(minutes=20))

    assert _delete(ecr_client, force=True) is None
    assert ecr_client.describe_repositories()["repositories"] == []


def test_batch_delete_removes_archived_images(
    ecr_client: ECRClient, image_in_state: PutInState
) -> None:
    """BatchDeleteImage deletes archived images; the empty repository then goes."""
    digest = image_in_state("v1", "ARCHIVED")

    reply = ecr_client.batch_delete_image(
        repositoryName=REPOSITORY, imageIds=[{"imageDigest": digest}]
    )

    assert [image_id["imageDigest"] for image_id in reply["imageIds"]] == [digest]
    assert reply["failures"] == []
    listed = ecr_client.list_images(
        repositoryName=REPOSITORY, filter={"imageStatus": "ANY"}
    )
    assert listed["imageIds"] == []
    assert _delete(ecr_client, force=False) is None


def test_a_recreated_repository_starts_with_fresh_image_state(
    ecr_emulator: Emulator, ecr_client: ECRClient, image_in_state: PutInState
) -> None:
    """An image pushed again after its repository was deleted is ACTIVE."""
    ecr_emulator.strict_delete = False
    digest = image_in_state("v1", "ARCHIVED")
    ecr_client.delete_repository(repositoryName=REPOSITORY, force=True)

    again = ecr_emulator.push_image(REPOSITORY, "v1")

    assert again == digest
    assert ecr_emulator.image_status(REPOSITORY, digest) == "ACTIVE"


# (image ids to delete) -> (tags left on the two-tag image, deleted ids, failure codes)
BATCH_DELETE = [
    ([{"imageTag": "a"}], ["b"], [{"imageTag": "a"}], []),
    (
        [{"imageTag": "a"}, {"imageTag": "b"}],
        None,
        [{"imageTag": "a"}, {"imageTag": "b"}],
        [],
    ),
    ([{"imageDigest": "DIGEST"}], None, [{"imageTag": "a"}, {"imageTag": "b"}], []),
    ([{"imageTag": "zzz"}], ["a", "b"], [], ["ImageNotFound"]),
    ([{}], ["a", "b"], [], ["MissingDigestAndTag"]),
    ([{"imageDigest": "sha256:not-hex"}], ["a", "b"], [], ["InvalidImageDigest"]),
]


@pytest.mark.parametrize("case", BATCH_DELETE)
def test_batch_delete_image_removes_tags_then_images(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    case: tuple[
        list[dict[str, str]], list[str] | None, list[dict[str, str]], list[str]
    ],
) -> None:
    """A tag id removes one tag, a digest id the image; misses are failures."""
    image_ids, tags_left, deleted, failures = case
    digest = ecr_emulator.push_image(REPOSITORY, "a")
    ecr_emulator.push_image(REPOSITORY, "b", content=f"{REPOSITORY}:a")
    ids = [
        {key: digest if value == "DIGEST" else value for key, value in image_id.items()}
        for image_id in image_ids
    ]

    reply = ecr_client.batch_delete_image(repositoryName=REPOSITORY, imageIds=ids)  # type: ignore[arg-type]

    remaining = ecr_client.describe_images(
        repositoryName=REPOSITORY, filter={"imageStatus": "ANY"}
    )["imageDetails"]
    assert [detail.get("imageTags") for detail in remaining] == (
        [tags_left] if tags_left else []
    )
    assert reply["imageIds"] == [{"imageDigest": digest, **item} for item in deleted]
    assert [failure["failureCode"] for failure in reply["failures"]] == failures


def test_batch_delete_of_an_untagged_image_lists_its_digest(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Deleting an untagged image by digest reports the digest alone."""
    digest = ecr_emulator.push_image(REPOSITORY)

    reply = ecr_client.batch_delete_image(
        repositoryName=REPOSITORY, imageIds=[{"imageDigest": digest}]
    )

    assert reply["imageIds"] == [{"imageDigest": digest}]
