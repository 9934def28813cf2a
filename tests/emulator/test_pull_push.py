"""Pulls (BatchGetImage, GetDownloadUrlForLayer), pushes (PutImage) and scans."""

import hashlib
import json
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY, PutInState


def _pull(client: ECRClient, image_id: dict[str, str]) -> dict[str, object]:
    reply = client.batch_get_image(repositoryName=REPOSITORY, imageIds=[image_id])  # type: ignore[list-item]
    reply.pop("ResponseMetadata")  # type: ignore[misc]

    return dict(reply)


@pytest.mark.parametrize("state", ["ARCHIVED", "ACTIVATING"])
@pytest.mark.parametrize("by", ["imageTag", "imageDigest"])
def test_pulling_an_inactive_image_looks_like_pulling_a_missing_one(
    image_in_state: PutInState, ecr_client: ECRClient, state: str, by: str
) -> None:
    """The failure for an archived image equals the one for a missing image."""
    digest = image_in_state("v1", state)
    inactive = {"imageTag": "v1"} if by == "imageTag" else {"imageDigest": digest}
    missing = (
        {"imageTag": "v9"}
        if by == "imageTag"
        else {"imageDigest": "sha256:" + "1" * 64}
    )

    archived_reply = _pull(ecr_client, inactive)
    missing_reply = _pull(ecr_client, missing)

    assert archived_reply == {
        "images": [],
        "failures": [
            {
                "imageId": inactive,
                "failureCode": "ImageNotFound",
                "failureReason": "Requested image not found",
            }
        ],
    }
    assert json.dumps(missing_reply).replace(json.dumps(missing), "ID") == json.dumps(
        archived_reply
    ).replace(json.dumps(inactive), "ID")


def test_pull_records_the_pull_time(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A successful pull sets lastRecordedPullTime to the emulator time."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    pulled_at = ecr_emulator.advance(timedelta(days=3))

    reply = _pull(ecr_client, {"imageTag": "v1"})
    detail = ecr_client.describe_images(repositoryName=REPOSITORY)["imageDetails"][0]

    assert len(reply["images"]) == 1  # type: ignore[arg-type]
    assert timedelta() <= detail["lastRecordedPullTime"] - pulled_at < timedelta(1)


def test_failed_pull_records_no_pull_time(
    image_in_state: PutInState, ecr_client: ECRClient
) -> None:
    """Pulling an archived image leaves lastRecordedPullTime unset."""
    image_in_state("v1", "ARCHIVED")

    _pull(ecr_client, {"imageTag": "v1"})
    detail = ecr_client.describe_images(
        repositoryName=REPOSITORY, filter={"imageStatus": "ANY"}
    )["imageDetails"][0]

    assert "lastRecordedPullTime" not in detail


def _layer_digest(ecr_client: ECRClient) -> str:
    image = ecr_client.batch_get_image(
        repositoryName=REPOSITORY, imageIds=[{"imageTag": "v1"}]
    )["images"][0]
    digest: str = json.loads(image["imageManifest"])["layers"][0]["digest"]

    return digest


@pytest.mark.parametrize(("state", "served"), [("ARCHIVED", False), ("ACTIVE", True)])
def test_layer_download_follows_the_image_state(
    ecr_emulator: Emulator, ecr_client: ECRClient, state: str, served: bool
) -> None:
    """A layer of an archived image is reported like a missing layer."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    layer = _layer_digest(ecr_client)
    if state == "ARCHIVED":
        ecr_client.update_image_storage_class(
            repositoryName=REPOSITORY,
            imageId={"imageTag": "v1"},
            targetStorageClass="ARCHIVE",
        )

    if served:
        reply = ecr_client.get_download_url_for_layer(
            repositoryName=REPOSITORY, layerDigest=layer
        )
        assert reply["layerDigest"] == layer
        assert reply["downloadUrl"].startswith("https://")
    else:
        with pytest.raises(ClientError) as caught:
            ecr_client.get_download_url_for_layer(
                repositoryName=REPOSITORY, layerDigest=layer
            )
        assert caught.value.response["Error"]["Code"] == "LayersNotFoundException"


@pytest.mark.parametrize("state", ["ARCHIVED", "ACTIVATING"])
def test_pushing_an_archived_image_restores_it_at_once(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    image_in_state: PutInState,
    state: str,
) -> None:
    """PutImage of an archived or activating image's manifest makes it ACTIVE."""
    digest = image_in_state("v1", state)
    manifest = ecr_client.describe_images(
        repositoryName=REPOSITORY, filter={"imageStatus": "ANY"}
    )["imageDetails"][0]
    assert manifest["imageStatus"] == state
    pushed = ecr_emulator.advance(timedelta(minutes=1))

    ecr_emulator.push_image(REPOSITORY, "v1")
    detail = ecr_client.describe_images(repositoryName=REPOSITORY)["imageDetails"][0]

    assert detail["imageDigest"] == digest
    assert detail["imageStatus"] == "ACTIVE"
    assert timedelta() <= detail["lastActivatedAt"] - pushed < timedelta(seconds=1)
    assert len(_pull(ecr_client, {"imageTag": "v1"})["images"]) == 1  # type: ignore[arg-type]


def test_put_image_over_http_restores_and_tags(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """PutImage with the manifest of an archived image and a new tag restores it."""
    digest = ecr_emulator.push_image(REPOSITORY, "v1")
    manifest = ecr_client.batch_get_image(
        repositoryName=REPOSITORY, imageIds=[{"imageTag": "v1"}]
    )["images"][0]["imageManifest"]
    ecr_client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageTag": "v1"},
        targetStorageClass="ARCHIVE",
    )

    reply = ecr_client.put_image(
        repositoryName=REPOSITORY, imageManifest=manifest, imageTag="release"
    )

    assert reply["image"]["imageId"] == {"imageDigest": digest, "imageTag": "release"}
    assert ecr_emulator.image_status(REPOSITORY, digest) == "ACTIVE"


def test_push_digest_is_the_manifest_sha256(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """The digest PutImage assigns is the SHA-256 of the manifest, as in ECR."""
    ecr_client.create_repository(repositoryName=REPOSITORY)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "x", "size": 1, "digest": "sha256:" + "2" * 64},
            "layers": [{"mediaType": "y", "size": 10, "digest": "sha256:" + "3" * 64}],
        }
    )
    expected = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()

    reply = ecr_client.put_image(
        repositoryName=REPOSITORY, imageManifest=manifest, imageTag="v1"
    )

    assert reply["image"]["imageId"]["imageDigest"] == expected


def test_push_with_a_wrong_digest_is_refused(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """PutImage with an imageDigest that is not the manifest's raises an error."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    manifest = ecr_client.batch_get_image(
        repositoryName=REPOSITORY, imageIds=[{"imageTag": "v1"}]
    )["images"][0]["imageManifest"]

    with pytest.raises(ClientError) as caught:
        ecr_client.put_image(
            repositoryName=REPOSITORY,
            imageManifest=manifest,
            imageTag="v2",
            imageDigest="sha256:" + "4" * 64,
        )

    assert caught.value.response["Error"]["Code"] == "ImageDigestDoesNotMatchException"


def test_pushing_an_active_image_again_with_its_tag_is_refused(
    ecr_emulator: Emulator,
) -> None:
    """Pushing the same manifest and tag twice raises ImageAlreadyExistsException."""
    ecr_emulator.push_image(REPOSITORY, "v1")

    with pytest.raises(Exception, match="already exists") as caught:
        ecr_emulator.push_image(REPOSITORY, "v1")

    assert type(caught.value).__name__ == "ImageAlreadyExistsException"


def test_a_moved_tag_leaves_the_old_image_untagged(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Pushing new content under a tag moves the tag; the old image stays untagged."""
    old = ecr_emulator.push_image(REPOSITORY, "latest", content="build 1")
    new = ecr_emulator.push_image(REPOSITORY, "latest", content="build 2")

    details = ecr_client.describe_images(repositoryName=REPOSITORY)["imageDetails"]

    tags = {detail["imageDigest"]: detail.get("imageTags") for detail in details}
    assert tags == {old: None, new: ["latest"]}


def test_generated_manifests_are_deterministic(ecr_emulator: Emulator) -> None:
    """The same content and sizes give the same digest in different repositories."""
    first = ecr_emulator.push_image("repo-one", "v1", content="app 1.0", size=5)
    second = ecr_emulator.push_image("repo-two", "v1", content="app 1.0", size=5)
    other = ecr_emulator.push_image("repo-two", "v2", content="app 1.0", size=6)

    assert first == second
    assert other != first


@pytest.mark.parametrize(
    ("state", "code"),
    [("ARCHIVED", "ImageArchivedException"), ("ACTIVATING", "ImageArchivedException")],
)
def test_scanning_an_archived_image_raises_image_archived(
    image_in_state: PutInState, ecr_client: ECRClient, state: str, code: str
) -> None:
    """StartImageScan on an image not in standard storage raises ImageArchived."""
    image_in_state("v1", state)

    with pytest.raises(ClientError) as caught:
        ecr_client.start_image_scan(
            repositoryName=REPOSITORY, imageId={"imageTag": "v1"}
        )

    assert caught.value.response["Error"]["Code"] == code


def test_scanning_an_active_image_starts_a_scan(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """StartImageScan on an ACTIVE image is moto's scan, IN_PROGRESS."""
    ecr_emulator.push_image(REPOSITORY, "v1")

    reply = ecr_client.start_image_scan(
        repositoryName=REPOSITORY, imageId={"imageTag": "v1"}
    )

    assert reply["imageScanStatus"]["status"] == "IN_PROGRESS"


@pytest.mark.parametrize(
    ("image_id", "code"),
    [
        ({}, "MissingDigestAndTag"),
        ({"imageDigest": "sha256:zz"}, "InvalidImageDigest"),
        ({"imageTag": "absent"}, "ImageNotFound"),
    ],
)
def test_pull_failures_name_the_problem(
    ecr_emulator: Emulator, ecr_client: ECRClient, image_id: dict[str, str], code: str
) -> None:
    """BatchGetImage reports ids it cannot use with ECR's failure codes."""
    ecr_emulator.push_image(REPOSITORY, "v1")

    reply = _pull(ecr_client, image_id)

    assert reply["images"] == []
    assert [failure["failureCode"] for failure in reply["failures"]] == [code]  # type: ignore[attr-defined]
