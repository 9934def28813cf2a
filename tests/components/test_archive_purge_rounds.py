"""`purge_archived_images` with a scripted ECR client: rounds, races and failures.

The strict endpoint cannot change an image between the purge's listing and its
BatchDeleteImage call; this client can. Each DescribeImages listing answers from
the next entry of a script, each BatchDeleteImage call from the next set of
failures, so the tests set up exactly the race or refusal they check.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pytest

from components._archive_purge import (
    BATCH_SIZE,
    MAX_ROUNDS,
    PurgeReport,
    RepositoryArn,
    purge_archived_images,
)
from ecr_archive import AccessDeniedError, PurgeFailedError, RepositoryNotFoundError
from tests.ecr_archive.fakes import client_error

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

REPO = "team/api"
Listing = Mapping[str, str]
"""Digest to imageStatus, as one DescribeImages listing reports them."""


def digest(name: str) -> str:
    """Return a well-formed digest for a short image name."""
    return "sha256:" + name.encode().hex().ljust(64, "0")[:64]


@dataclass
class ScriptedEcr:
    """Answers listings from `listings` (the last repeats) and deletes by digest.

    `failures` holds, per BatchDeleteImage call, the failure code to report for some
    digests (the rest are deleted); `errors` maps an operation to an exception every
    call raises. Requests are kept in `deletes`.
    """

    listings: list[Listing]
    failures: list[Mapping[str, str]] = field(default_factory=list)
    errors: Mapping[str, Exception] = field(default_factory=dict)
    deletes: list[list[str]] = field(default_factory=list)
    listed: int = 0

    def as_client(self) -> ECRClient:
        """Return this fake typed as the boto3 client."""
        return cast("ECRClient", self)

    def get_paginator(self, operation: str) -> ScriptedEcr:
        """Return the DescribeImages paginator (this fake)."""
        assert operation == "describe_images"
        return self

    def paginate(self, **request: Any) -> Iterator[dict[str, Any]]:
        """Yield one listing as two pages, checking the request asks for ANY."""
        assert request["filter"] == {"imageStatus": "ANY"}
        if "DescribeImages" in self.errors:
            raise self.errors["DescribeImages"]
        listing = self.listings[min(self.listed, len(self.listings) - 1)]
        self.listed += 1
        details = [
            {
                "repositoryName": request["repositoryName"],
                "registryId": request.get("registryId", "123456789012"),
                "imageDigest": image,
                "imageStatus": status,
            }
            for image, status in listing.items()
        ]
        half = len(details) // 2
        yield {"imageDetails": details[:half]}
        yield {"imageDetails": details[half:]}

    def batch_delete_image(self, **request: Any) -> dict[str, Any]:
        """Delete the digests asked for, except those the script makes fail."""
        if "BatchDeleteImage" in self.errors:
            raise self.errors["BatchDeleteImage"]
        asked = [image_id["imageDigest"] for image_id in request["imageIds"]]
        self.deletes.append(asked)
        failing = self.failures.pop(0) if self.failures else {}

        return {
            "imageIds": [{"imageDigest": d} for d in asked if d not in failing],
            "failures": [
                {
                    "imageId": {"imageDigest": d},
                    "failureCode": code,
                    "failureReason": f"{code} from the script",
                }
                for d, code in failing.items()
            ],
        }


A, B, C = digest("a"), digest("b"), digest("c")


def test_active_images_are_listed_but_never_deleted() -> None:
    """Only ARCHIVED and ACTIVATING digests reach BatchDeleteImage."""
    ecr = ScriptedEcr(
        [{A: "ACTIVE", B: "ARCHIVED", C: "ACTIVATING"}, {A: "ACTIVE"}],
    )

    report = purge_archived_images(ecr.as_client(), REPO)

    assert ecr.deletes == [[B, C]]
    assert report == PurgeReport(deleted=(B, C), already_gone=(), rounds=2)


def test_an_image_archived_after_the_listing_is_caught_by_the_next_round() -> None:
    """An image ACTIVE when listed but archived meanwhile goes in round two."""
    ecr = ScriptedEcr(
        [{A: "ACTIVE", B: "ARCHIVED"}, {A: "ARCHIVED"}, {}],
    )

    report = purge_archived_images(ecr.as_client(), REPO)

    assert ecr.deletes == [[B], [A]]
    assert report.rounds == 3


def test_an_image_deleted_by_someone_else_counts_as_gone() -> None:
    """BatchDeleteImage's ImageNotFound is success: the image is not there."""
    ecr = ScriptedEcr([{A: "ARCHIVED", B: "ARCHIVED"}, {}], [{A: "ImageNotFound"}])

    report = purge_archived_images(ecr.as_client(), REPO)

    assert report == PurgeReport(deleted=(B,), already_gone=(A,), rounds=2)


def test_an_image_held_by_a_manifest_list_goes_once_the_list_has_gone() -> None:
    """A refusal in a round that made progress is retried in the next round."""
    ecr = ScriptedEcr(
        [{A: "ARCHIVED", B: "ARCHIVED"}, {A: "ARCHIVED"}, {}],
        [{A: "ImageReferencedByManifestList"}],
    )

    report = purge_archived_images(ecr.as_client(), REPO)

    assert ecr.deletes == [[A, B], [A]]
    assert report.deleted == (B, A)


def test_a_round_that_deletes_nothing_fails_with_every_reason() -> None:
    """When no image of a round can be deleted, the error lists each one's reason."""
    ecr = ScriptedEcr(
        [{A: "ARCHIVED", B: "ACTIVATING"}],
        [{A: "KmsError", B: "KmsError"}],
    )

    with pytest.raises(PurgeFailedError) as raised:
        purge_archived_images(ecr.as_client(), REPO)

    assert [(f.digest, f.code) for f in raised.value.failures] == [
        (A, "KmsError"),
        (B, "KmsError"),
    ]
    message = str(raised.value)
    assert message.startswith(f"2 archived or activating image(s) are still in {REPO}")
    assert f"{A}: KmsError (KmsError from the script)" in message
    assert "delete or restore them, then run the deletion again" in message


def test_images_that_keep_appearing_stop_the_purge_after_the_last_round() -> None:
    """A repository still holding archived images after MAX_ROUNDS listings fails."""
    ecr = ScriptedEcr([{A: "ARCHIVED"}])

    with pytest.raises(PurgeFailedError) as raised:
        purge_archived_images(ecr.as_client(), REPO)

    assert len(ecr.deletes) == MAX_ROUNDS
    assert raised.value.failures == ()
    assert "new ones kept appearing" in str(raised.value)


def test_batches_hold_at_most_100_digests() -> None:
    """250 archived images take three calls of 100, 100 and 50."""
    listing = {digest(f"img{n}"): "ARCHIVED" for n in range(250)}
    ecr = ScriptedEcr([listing, {}])

    purge_archived_images(ecr.as_client(), REPO)

    assert [len(batch) for batch in ecr.deletes] == [BATCH_SIZE, BATCH_SIZE, 50]


@pytest.mark.parametrize(
    ("operation", "code", "error"),
    [
        ("DescribeImages", "RepositoryNotFoundException", RepositoryNotFoundError),
        ("BatchDeleteImage", "AccessDeniedException", AccessDeniedError),
    ],
)
def test_aws_errors_are_translated_at_the_layer_boundary(
    operation: str, code: str, error: type[Exception]
) -> None:
    """ClientErrors become ecr_archive errors that keep the operation and code."""
    ecr = ScriptedEcr(
        [{A: "ARCHIVED"}], errors={operation: client_error(code, operation)}
    )

    with pytest.raises(error) as raised:
        purge_archived_images(ecr.as_client(), REPO)

    assert f"{operation} failed with {code}" in str(raised.value)


def test_access_denied_names_the_iam_action_to_allow() -> None:
    """A denied BatchDeleteImage says to allow ecr:BatchDeleteImage."""
    denied = client_error("AccessDeniedException", "BatchDeleteImage")
    ecr = ScriptedEcr([{A: "ARCHIVED"}], errors={"BatchDeleteImage": denied})

    with pytest.raises(AccessDeniedError) as raised:
        purge_archived_images(ecr.as_client(), REPO)

    assert "ecr:BatchDeleteImage" in raised.value.hint


@pytest.mark.parametrize(
    ("arn", "parsed"),
    [
        (
            "arn:aws:ecr:us-east-1:123456789012:repository/team/api",
            RepositoryArn("us-east-1", "123456789012", "team/api"),
        ),
        (
            "arn:aws-cn:ecr:cn-north-1:123456789012:repository/api",
            RepositoryArn("cn-north-1", "123456789012", "api"),
        ),
    ],
)
def test_repository_arns_give_region_registry_and_name(
    arn: str, parsed: RepositoryArn
) -> None:
    """The region, account and name are read from the ARN, in any partition."""
    assert RepositoryArn.parse(arn) == parsed


@pytest.mark.parametrize(
    "arn",
    [
        "team/api",
        "arn:aws:ecr:us-east-1:123456789012:repository/",
        "arn:aws:s3:::bucket",
        "arn:aws:ecr:us-east-1:1234:repository/api",
    ],
)
def test_other_text_is_not_a_repository_arn(arn: str) -> None:
    """Anything but a full repository ARN raises ValueError with an example."""
    with pytest.raises(ValueError, match="is not an ECR repository ARN"):
        RepositoryArn.parse(arn)
