"""DescribeImages and ListImages: the imageStatus filter, fields and pagination."""

from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY, PutInState

# filter.imageStatus -> the tags it returns, for one image in each state.
FILTERS = [
    (None, ["active"]),
    ("ACTIVE", ["active"]),
    ("ARCHIVED", ["archived"]),
    ("ACTIVATING", ["activating"]),
    ("ANY", ["active", "archived", "activating"]),
]


@pytest.fixture
def one_of_each(image_in_state: PutInState) -> None:
    """Push one image per state, tagged with the state's name in lower case."""
    for state in ("ACTIVE", "ARCHIVED", "ACTIVATING"):
        image_in_state(state.lower(), state)


@pytest.mark.usefixtures("one_of_each")
@pytest.mark.parametrize(("status", "tags"), FILTERS)
def test_describe_images_honours_the_status_filter(
    ecr_client: ECRClient, status: str | None, tags: list[str]
) -> None:
    """DescribeImages returns the images whose status the filter names."""
    kwargs = {"filter": {"imageStatus": status}} if status else {}

    details = ecr_client.describe_images(repositoryName=REPOSITORY, **kwargs)  # type: ignore[arg-type]

    assert [detail["imageTags"][0] for detail in details["imageDetails"]] == tags
    assert {detail["imageStatus"] for detail in details["imageDetails"]} == {
        tag.upper() for tag in tags
    }


@pytest.mark.usefixtures("one_of_each")
@pytest.mark.parametrize(("status", "tags"), FILTERS)
def test_list_images_honours_the_status_filter(
    ecr_client: ECRClient, status: str | None, tags: list[str]
) -> None:
    """ListImages returns the ids of the images whose status the filter names."""
    kwargs = {"filter": {"imageStatus": status}} if status else {}

    ids = ecr_client.list_images(repositoryName=REPOSITORY, **kwargs)["imageIds"]  # type: ignore[arg-type]

    assert [image_id["imageTag"] for image_id in ids] == tags


@pytest.mark.usefixtures("one_of_each")
def test_explicit_image_ids_bypass_the_default_filter(ecr_client: ECRClient) -> None:
    """Images asked for by id are described whatever their status (as the lab polls)."""
    details = ecr_client.describe_images(
        repositoryName=REPOSITORY,
        imageIds=[{"imageTag": "archived"}, {"imageTag": "activating"}],
    )["imageDetails"]

    assert sorted(detail["imageStatus"] for detail in details) == [
        "ACTIVATING",
        "ARCHIVED",
    ]


@pytest.mark.usefixtures("one_of_each")
def test_explicit_image_ids_with_a_filter_are_narrowed(ecr_client: ECRClient) -> None:
    """An explicit imageStatus filter still applies to images asked for by id."""
    details = ecr_client.describe_images(
        repositoryName=REPOSITORY,
        imageIds=[{"imageTag": "archived"}, {"imageTag": "active"}],
        filter={"imageStatus": "ACTIVE"},
    )["imageDetails"]

    assert [detail["imageTags"] for detail in details] == [["active"]]


def test_describe_missing_image_id_is_not_found(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """An explicit imageId that matches nothing raises ImageNotFoundException."""
    ecr_emulator.push_image(REPOSITORY, "v1")

    with pytest.raises(ClientError) as caught:
        ecr_client.describe_images(
            repositoryName=REPOSITORY, imageIds=[{"imageTag": "v2"}]
        )

    assert caught.value.response["Error"]["Code"] == "ImageNotFoundException"


def test_image_detail_reports_size_push_time_and_media_types(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """imageSizeInBytes sums the layers; imagePushedAt takes the override."""
    pushed_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    digest = ecr_emulator.push_image(
        REPOSITORY, "v1", layer_sizes=[1000, 2400000], pushed_at=pushed_at
    )

    detail = ecr_client.describe_images(repositoryName=REPOSITORY)["imageDetails"][0]

    assert detail["imageDigest"] == digest
    assert detail["imageTags"] == ["v1"]
    assert detail["imageSizeInBytes"] == 2401000
    assert detail["imagePushedAt"] == pushed_at
    assert detail["imageStatus"] == "ACTIVE"
    assert detail["imageManifestMediaType"] == (
        "application/vnd.docker.distribution.manifest.v2+json"
    )
    assert set(detail) >= {"registryId", "repositoryName", "artifactMediaType"}


def test_push_time_defaults_to_the_emulator_clock(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Without an override imagePushedAt is the emulator time of the push."""
    moment = ecr_emulator.advance(timedelta(days=400))
    ecr_emulator.push_image(REPOSITORY, "v1")

    detail = ecr_client.describe_images(repositoryName=REPOSITORY)["imageDetails"][0]

    assert timedelta() <= detail["imagePushedAt"] - moment < timedelta(seconds=1)


@pytest.mark.parametrize(
    ("tag_status", "expected"),
    [("TAGGED", ["tagged"]), ("UNTAGGED", [None]), ("ANY", ["tagged", None])],
)
def test_tag_status_filter_combines_with_image_status(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    tag_status: str,
    expected: list[str | None],
) -> None:
    """filter.tagStatus selects tagged or untagged images, as ECR does."""
    ecr_emulator.push_image(REPOSITORY, "tagged")
    ecr_emulator.push_image(REPOSITORY)

    ids = ecr_client.list_images(
        repositoryName=REPOSITORY,
        filter={"tagStatus": tag_status, "imageStatus": "ANY"},  # type: ignore[typeddict-item]
    )["imageIds"]

    assert [image_id.get("imageTag") for image_id in ids] == expected


@pytest.mark.parametrize("operation", ["describe_images", "list_images"])
def test_pagination_walks_every_image_once(
    ecr_emulator: Emulator, ecr_client: ECRClient, operation: str
) -> None:
    """maxResults pages with nextToken cover all images, none twice."""
    digests = [ecr_emulator.push_image(REPOSITORY, f"v{n}") for n in range(7)]

    seen: list[str] = []
    pages = 0
    kwargs: dict[str, object] = {"repositoryName": REPOSITORY, "maxResults": 3}
    while True:
        reply = getattr(ecr_client, operation)(**kwargs)
        items = reply.get("imageDetails") or reply.get("imageIds")
        seen.extend(item["imageDigest"] for item in items)
        pages += 1
        if "nextToken" not in reply:
            break
        kwargs["nextToken"] = reply["nextToken"]

    assert seen == digests
    assert pages == 3


def test_paginator_sees_archived_images_with_any(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """boto3's DescribeImages paginator with imageStatus ANY finds archived images."""
    for number in range(5):
        ecr_emulator.push_image(REPOSITORY, f"v{number}")
        ecr_client.update_image_storage_class(
            repositoryName=REPOSITORY,
            imageId={"imageTag": f"v{number}"},
            targetStorageClass="ARCHIVE",
        )
    paginator = ecr_client.get_paginator("describe_images")

    pages = paginator.paginate(
        repositoryName=REPOSITORY,
        filter={"imageStatus": "ANY"},
        PaginationConfig={"PageSize": 2},
    )

    assert [len(page["imageDetails"]) for page in pages] == [2, 2, 1]


def test_default_page_is_one_hundred_images(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Without maxResults a page holds 100 images and a nextToken follows."""
    for number in range(101):
        ecr_emulator.push_image(REPOSITORY, f"v{number}", size=1)

    reply = ecr_client.list_images(repositoryName=REPOSITORY)

    assert len(reply["imageIds"]) == 100
    assert "nextToken" in reply


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"nextToken": "not-a-token"}, "nextToken"),
        ({"maxResults": 1001}, "maxResults"),
        ({"filter": {"imageStatus": "FROZEN"}}, "filter.imageStatus"),
    ],
)
def test_bad_list_arguments_are_invalid_parameters(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    kwargs: dict[str, object],
    field: str,
) -> None:
    """A foreign token, an oversized page or an unknown status is rejected."""
    ecr_emulator.push_image(REPOSITORY, "v1")

    with pytest.raises(ClientError) as caught:
        ecr_client.describe_images(repositoryName=REPOSITORY, **kwargs)  # type: ignore[arg-type]

    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    assert field in caught.value.response["Error"]["Message"]


def test_max_results_with_image_ids_is_rejected(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """maxResults cannot be combined with imageIds, as ECR documents."""
    ecr_emulator.push_image(REPOSITORY, "v1")

    with pytest.raises(ClientError) as caught:
        ecr_client.describe_images(
            repositoryName=REPOSITORY, imageIds=[{"imageTag": "v1"}], maxResults=5
        )

    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


def test_missing_repository_is_reported_by_both_reads(ecr_client: ECRClient) -> None:
    """DescribeImages and ListImages on a missing repository raise its error."""
    for call in (ecr_client.describe_images, ecr_client.list_images):
        with pytest.raises(ClientError) as caught:
            call(repositoryName="missing-repo")
        code = caught.value.response["Error"]["Code"]
        assert code == "RepositoryNotFoundException"
