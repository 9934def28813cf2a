"""`ArchivedImagePurge`: deletes a repository's archived images just before it goes.

ECR refused to delete a repository that still held archived images, even with
`force` (the lab saw it; AWS documents neither the refusal nor the opposite). So
`ArchivedRepository` gives each repository a purge resource that depends on it: the
engine deletes the purge first, and its `delete` removes every ARCHIVED and
ACTIVATING image with BatchDeleteImage, after which pulumi-aws's `force_delete`
removes the repository and its ACTIVE images.

The purge records the component's `force_delete` and deletes nothing unless it was
true in the last deployment. It exists whatever `force_delete` says, so that turning
`force_delete` off is an update that records `false`: were the purge present only
with `force_delete`, turning it off would remove the purge, and the engine would run
its `delete` against a repository that stays.

- `purge_archived_images` does the work on an ECR client, in rounds: list every
  image (imageStatus ANY), delete the non-ACTIVE ones by digest, 100 per call, and
  list again until none is left. A second round catches an image archived meanwhile
  and an image that could only go after the manifest list that references it.
- `ArchivePurgeProvider` is the dynamic provider. Like every `AwsProvider`, it
  keeps nothing but its test hooks in the pickle and takes the profile and ECR
  endpoint from the stack's `aws:` config in `configure()`; the region and
  registry come from the repository ARN, so a repository made through an explicit
  provider in another region is purged where it lives.
- `ArchivedImagePurge` is the resource; its inputs are the repository ARN and
  `force_delete`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

import pulumi
import pulumi.dynamic
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from components._aws_provider import AwsProvider, is_unknown
from ecr_archive import (
    ImageFailure,
    ImageState,
    ImageStatus,
    PurgeFailedError,
    RepositoryNotFoundError,
    list_images,
    translate,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecr.type_defs import (
        BatchDeleteImageRequestTypeDef,
        ImageFailureTypeDef,
    )

__all__ = [
    "BATCH_SIZE",
    "MAX_ROUNDS",
    "ArchivePurgeProvider",
    "ArchivedImagePurge",
    "ArchivedImagePurgeArgs",
    "PurgeReport",
    "RepositoryArn",
    "purge_archived_images",
]

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
"""Images per BatchDeleteImage call: ECR's maximum."""

MAX_ROUNDS = 5
"""Listings per purge before it gives up on images that keep appearing."""

# BatchDeleteImage reports an image deleted since it was listed with this code.
_GONE = "ImageNotFound"

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):ecr:(?P<region>[a-z0-9-]+):"
    r"(?P<account>[0-9]{12}):repository/(?P<name>[a-z0-9._/-]+)"
)

INPUT_NAMES = ("repository_arn", "force_delete")
OUTPUT_NAMES = ("repository_name", "registry_id", "region")


@dataclass(frozen=True)
class RepositoryArn:
    """A repository ARN split into what ECR calls need."""

    region: str
    """Region the repository lives in."""
    registry_id: str
    """12-digit account id of the registry."""
    name: str
    """Repository name."""

    @classmethod
    def parse(cls, arn: str) -> RepositoryArn:
        """Split `arn`; raise ValueError when it is not an ECR repository ARN."""
        match = _ARN.fullmatch(arn)
        if match is None:
            message = (
                f"{arn!r} is not an ECR repository ARN like "
                "'arn:aws:ecr:us-east-1:123456789012:repository/team/api'"
            )
            raise ValueError(message)

        return cls(match["region"], match["account"], match["name"])


@dataclass(frozen=True)
class PurgeReport:
    """What a purge removed."""

    deleted: tuple[str, ...]
    """Digests BatchDeleteImage deleted, in the order it reported them."""
    already_gone: tuple[str, ...]
    """Digests listed as archived or activating but deleted before the purge got to
    them (BatchDeleteImage answered `ImageNotFound`)."""
    rounds: int
    """How many times the repository was listed."""


def purge_archived_images(
    client: ECRClient,
    repository: str,
    *,
    registry_id: str | None = None,
    max_rounds: int = MAX_ROUNDS,
) -> PurgeReport:
    """Delete every ARCHIVED and ACTIVATING image of a repository, by digest.

    Lists the repository (DescribeImages, imageStatus ANY, every page), deletes the
    images that are not ACTIVE with BatchDeleteImage in calls of `BATCH_SIZE`, and
    lists again until a listing finds none; ACTIVE images are left alone. An image
    deleted by someone else meanwhile counts as done. Raises `PurgeFailedError` when
    a round deletes nothing but leaves images behind, or when images are still
    there after `max_rounds` listings, and `RepositoryNotFoundError` (like every ECR
    error, translated by `ecr_archive`) when the repository does not exist.
    """
    deleted: list[str] = []
    gone: list[str] = []
    held: list[ImageState] = []
    for round_number in range(1, max_rounds + 1):
        held = _held_images(client, repository, registry_id)
        if not held:
            return PurgeReport(tuple(deleted), tuple(gone), round_number)

        failures: list[ImageFailure] = []
        progress = False
        for batch in _batches([image.digest for image in held], BATCH_SIZE):
            done, missing, failed = _delete_batch(
                client, repository, registry_id, batch
            )
            deleted += done
            gone += missing
            failures += failed
            progress = progress or bool(done or missing)
        if failures and not progress:
            raise PurgeFailedError(repository, failures, len(held))

    raise PurgeFailedError(repository, (), len(held))


def _held_images(
    client: ECRClient, repository: str, registry_id: str | None
) -> list[ImageState]:
    # Listed in full before anything is deleted: deleting while paging could make
    # ECR's next page skip images.
    images = list(list_images(client, repository, registry_id=registry_id))
    held = [image for image in images if image.status is not ImageStatus.ACTIVE]
    logger.debug(
        "%s holds %d images, %d archived or activating",
        repository,
        len(images),
        len(held),
    )

    return held


def _batches(digests: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(digests), size):
        yield digests[start : start + size]


def _delete_batch(
    client: ECRClient,
    repository: str,
    registry_id: str | None,
    digests: Iterable[str],
) -> tuple[list[str], list[str], list[ImageFailure]]:
    request: BatchDeleteImageRequestTypeDef = {
        "repositoryName": repository,
        "imageIds": [{"imageDigest": digest} for digest in digests],
    }
    if registry_id is not None:
        request["registryId"] = registry_id
    with translate("BatchDeleteImage"):
        response = client.batch_delete_image(**request)

    # A digest comes back once per tag it had; keep each once, in order.
    deleted = list(
        dict.fromkeys(
            image_id["imageDigest"]
            for image_id in response.get("imageIds", [])
            if "imageDigest" in image_id
        )
    )
    failures = [_failure(item) for item in response.get("failures", [])]
    gone = [failure.digest for failure in failures if failure.code == _GONE]
    failed = [failure for failure in failures if failure.code != _GONE]
    logger.info(
        "Deleted %d archived or activating images from %s (%d already gone, %d failed)",
        len(deleted),
        repository,
        len(gone),
        len(failed),
    )

    return deleted, gone, failed


def _failure(item: ImageFailureTypeDef) -> ImageFailure:
    return ImageFailure(
        digest=item.get("imageId", {}).get("imageDigest", "unknown digest"),
        code=str(item.get("failureCode", "Unknown")),
        reason=item.get("failureReason", "no reason given"),
    )


def _outputs(arn: str, force_delete: bool) -> dict[str, Any]:
    parsed = RepositoryArn.parse(arn)

    return {
        "repository_arn": arn,
        "force_delete": force_delete,
        "repository_name": parsed.name,
        "registry_id": parsed.registry_id,
        "region": parsed.region,
    }


class ArchivePurgeProvider(AwsProvider):
    """Deletes a repository's archived images when the purge resource is deleted.

    Create, update and read call nothing: they record the repository ARN and
    `force_delete`. Delete purges (see `purge_archived_images`) only when
    `force_delete` was true; a repository that is already gone counts as purged.
    `max_attempts` bounds botocore's retries per call (default
    `ecr_archive.MAX_ATTEMPTS`); it is pickled into the stack state, so programs
    leave it out.
    """

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Require a repository ARN (or a value still unknown) and a boolean."""
        failures = []
        arn = news.get("repository_arn")
        if not is_unknown(arn):
            try:
                RepositoryArn.parse(str(arn))
            except ValueError as exc:
                failures.append(CheckFailure("repository_arn", str(exc)))
        force_delete = news.get("force_delete")
        if not is_unknown(force_delete) and not isinstance(force_delete, bool):
            failures.append(
                CheckFailure(
                    "force_delete", f"must be true or false, got {force_delete!r}"
                )
            )

        inputs = {name: news.get(name) for name in INPUT_NAMES}

        return CheckResult(inputs, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Record the repository; nothing is called in ECR."""
        arn = str(props["repository_arn"])

        return CreateResult(arn, _outputs(arn, bool(props["force_delete"])))

    def update(
        self, _id: str, _olds: dict[str, Any], news: dict[str, Any]
    ) -> UpdateResult:
        """Record the new `force_delete`; nothing is called in ECR."""
        arn = str(news["repository_arn"])

        return UpdateResult(_outputs(arn, bool(news["force_delete"])))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Report the recorded values; the repository itself is pulumi-aws's."""
        return ReadResult(id_, dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace for another repository, update for another `force_delete`.

        A renamed (or moved) repository is a replacement, deleted before its
        successor is created: the old purge empties the old repository of archived
        images before pulumi-aws deletes it. A `force_delete` change is an update,
        never a replacement, so turning it off deletes nothing.
        """
        arn = news.get("repository_arn")
        replaces = (
            ["repository_arn"]
            if is_unknown(arn) or arn != olds.get("repository_arn")
            else []
        )
        force_delete = news.get("force_delete")
        changes = is_unknown(force_delete) or force_delete != olds.get("force_delete")

        return DiffResult(
            changes=bool(replaces) or changes,
            replaces=replaces,
            delete_before_replace=True,
        )

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Delete the repository's archived and activating images if asked to.

        Does nothing unless the recorded `force_delete` is true. A repository that
        no longer exists is success: there is nothing left to hold it back.
        """
        if props.get("force_delete") is not True:
            logger.debug("force_delete is off; %s keeps its images", _id)
            return

        target = RepositoryArn.parse(str(props["repository_arn"]))
        try:
            report = purge_archived_images(
                self._client(target.region),
                target.name,
                registry_id=target.registry_id,
            )
        except RepositoryNotFoundError:
            logger.debug("%s no longer exists; nothing to purge", target.name)
            return
        logger.debug(
            "%s: %d deleted, %d already gone, %d listings",
            target.name,
            len(report.deleted),
            len(report.already_gone),
            report.rounds,
        )


class ArchivedImagePurgeArgs(TypedDict):
    """Arguments of `ArchivedImagePurge`."""

    repository_arn: pulumi.Input[str]
    """ARN of the repository to purge; its region and account are used."""

    force_delete: pulumi.Input[bool]
    """Whether deleting this resource deletes the repository's archived images."""


class ArchivedImagePurge(
    pulumi.dynamic.Resource, module="ecr", name="ArchivedImagePurge"
):
    """Deletes the archived images of one repository when it is deleted.

    Give it `depends_on=[repository]`, so the engine deletes it before the
    repository. Creating or updating it calls nothing in AWS.
    """

    repository_arn: pulumi.Output[str]
    """ARN of the repository."""
    force_delete: pulumi.Output[bool]
    """Whether deleting this resource purges the repository."""
    repository_name: pulumi.Output[str]
    """Name of the repository, from the ARN."""
    registry_id: pulumi.Output[str]
    """Account id of the registry, from the ARN."""
    region: pulumi.Output[str]
    """Region of the repository, from the ARN."""

    def __init__(
        self,
        resource_name: str,
        args: ArchivedImagePurgeArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        provider: ArchivePurgeProvider | None = None,
    ) -> None:
        """Declare the purge; `provider` is for tests, programs leave it out."""
        props: dict[str, Any] = dict.fromkeys((*INPUT_NAMES, *OUTPUT_NAMES))
        props.update(args)
        super().__init__(provider or ArchivePurgeProvider(), resource_name, props, opts)
