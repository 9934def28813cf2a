"""Read, archive and restore ECR images, one ECR call per function.

Every read sends `filter={"imageStatus": "ANY"}`: without it ECR answers for ACTIVE
images only and an archived image looks deleted. Archiving returns with the image
ARCHIVED; restoring returns with it ACTIVATING, and only polling DescribeImages tells
when it is ACTIVE (see `ecr_archive.waiting`).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ecr_archive.errors import ImageNotFoundError, translate
from ecr_archive.refs import ImageRef

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecr.literals import TargetStorageClassType
    from mypy_boto3_ecr.type_defs import (
        DescribeImagesRequestPaginateTypeDef,
        DescribeImagesRequestTypeDef,
        ImageDetailTypeDef,
        UpdateImageStorageClassRequestTypeDef,
    )

__all__ = [
    "ImageFailure",
    "ImageState",
    "ImageStatus",
    "archive_image",
    "describe_image",
    "get_image",
    "list_images",
    "restore_image",
]

logger = logging.getLogger(__name__)


class ImageStatus(enum.StrEnum):
    """The `imageStatus` ECR reports for an image."""

    ACTIVE = "ACTIVE"
    """Standard storage; the image can be pulled."""
    ARCHIVED = "ARCHIVED"
    """Archive storage; pulls fail with "not found" until it is restored."""
    ACTIVATING = "ACTIVATING"
    """Being restored; pulls fail until it is ACTIVE (typically up to 20 minutes)."""


@dataclass(frozen=True)
class ImageState:
    """What DescribeImages says about one image."""

    repository: str
    """Repository name."""
    registry_id: str | None
    """12-digit account id of the registry."""
    digest: str
    """Manifest digest, `sha256:…`."""
    tags: tuple[str, ...]
    """Tags pointing at the image, sorted; empty for an untagged image."""
    status: ImageStatus
    """ACTIVE, ARCHIVED or ACTIVATING."""
    pushed_at: datetime | None
    """When the image was pushed."""
    last_pulled_at: datetime | None
    """`lastRecordedPullTime`: refreshed at most daily, None if never pulled."""
    last_archived_at: datetime | None
    """When the image was last archived."""
    last_activated_at: datetime | None
    """When a restore of the image last finished."""
    size: int | None
    """Compressed size in bytes."""

    @property
    def pullable(self) -> bool:
        """True when the image can be pulled now."""
        return self.status is ImageStatus.ACTIVE

    def ref(self) -> ImageRef:
        """Return a reference to exactly this image, by digest."""
        return ImageRef(
            repository=self.repository, digest=self.digest, registry_id=self.registry_id
        )

    @classmethod
    def from_detail(cls, detail: ImageDetailTypeDef) -> ImageState:
        """Build the state from one `imageDetails` item of DescribeImages."""
        return cls(
            repository=detail["repositoryName"],
            registry_id=detail.get("registryId"),
            digest=detail["imageDigest"],
            tags=tuple(sorted(detail.get("imageTags", ()))),
            # An endpoint that predates the archive storage class sends no
            # imageStatus; every image it knows is in standard storage.
            status=ImageStatus(detail.get("imageStatus", ImageStatus.ACTIVE)),
            pushed_at=detail.get("imagePushedAt"),
            last_pulled_at=detail.get("lastRecordedPullTime"),
            last_archived_at=detail.get("lastArchivedAt"),
            last_activated_at=detail.get("lastActivatedAt"),
            size=detail.get("imageSizeInBytes"),
        )


@dataclass(frozen=True)
class ImageFailure:
    """One image BatchDeleteImage did not delete."""

    digest: str
    """The image's digest."""
    code: str
    """ECR's failure code, for example `ImageReferencedByManifestList`."""
    reason: str
    """ECR's explanation."""


def get_image(client: ECRClient, ref: ImageRef) -> ImageState:
    """Describe one image by tag or digest, whatever its status.

    One DescribeImages call. Raises `ImageNotFoundError` when no such image exists,
    `RepositoryNotFoundError` when the repository does not.
    """
    request: DescribeImagesRequestTypeDef = {
        "repositoryName": ref.repository,
        "imageIds": [ref.image_id()],
        "filter": {"imageStatus": "ANY"},
    }
    if ref.registry_id is not None:
        request["registryId"] = ref.registry_id
    with translate("DescribeImages"):
        response = client.describe_images(**request)
    details = response.get("imageDetails", [])
    if not details:
        raise ImageNotFoundError(
            code="ImageNotFoundException",
            message=f"DescribeImages returned no image for {ref}",
            operation="DescribeImages",
            request_id=response.get("ResponseMetadata", {}).get("RequestId"),
        )
    state = ImageState.from_detail(details[0])
    logger.debug("%s is %s (%s)", ref, state.status, state.digest)

    return state


def describe_image(client: ECRClient, ref: ImageRef) -> ImageState | None:
    """Describe one image by tag or digest, or return None when it does not exist.

    One DescribeImages call with `imageStatus` ANY. A missing repository still
    raises `RepositoryNotFoundError`: it usually means a wrong name, region or
    account rather than a deleted image.
    """
    try:
        return get_image(client, ref)
    except ImageNotFoundError:
        logger.debug("%s does not exist", ref)
        return None


def _update_storage_class(
    client: ECRClient, ref: ImageRef, target: TargetStorageClassType
) -> ImageStatus:
    request: UpdateImageStorageClassRequestTypeDef = {
        "repositoryName": ref.repository,
        "imageId": ref.image_id(),
        "targetStorageClass": target,
    }
    if ref.registry_id is not None:
        request["registryId"] = ref.registry_id
    with translate("UpdateImageStorageClass"):
        response = client.update_image_storage_class(**request)
    status = ImageStatus(response["imageStatus"])
    logger.info("%s storage class set to %s, now %s", ref, target, status)

    return status


def archive_image(client: ECRClient, ref: ImageRef) -> ImageStatus:
    """Move an ACTIVE image to archive storage; return its new status (ARCHIVED).

    One UpdateImageStorageClass call. Archiving an image that is already ARCHIVED or
    ACTIVATING raises `StorageClassUpdateNotSupportedError`: ECR does not treat it as
    a no-op, so read the status first when that can happen.
    """
    return _update_storage_class(client, ref, "ARCHIVE")


def restore_image(client: ECRClient, ref: ImageRef) -> ImageStatus:
    """Start restoring an ARCHIVED image; return its new status (ACTIVATING).

    One UpdateImageStorageClass call; the restore finishes asynchronously (see
    `wait_until_active`). Raises `StorageClassUpdateNotSupportedError` when ECR
    refuses the change for the image's status.
    """
    return _update_storage_class(client, ref, "STANDARD")


def list_images(
    client: ECRClient,
    repository: str,
    *,
    registry_id: str | None = None,
    page_size: int = 1000,
) -> Iterator[ImageState]:
    """Yield every image of a repository, ACTIVE, ARCHIVED and ACTIVATING alike.

    Pages through DescribeImages with `imageStatus` ANY, one call per page of
    `page_size` images (ECR's maximum, 1000, by default). Raises
    `RepositoryNotFoundError` for a missing repository.
    """
    request: DescribeImagesRequestPaginateTypeDef = {
        "repositoryName": repository,
        "filter": {"imageStatus": "ANY"},
        "PaginationConfig": {"PageSize": page_size},
    }
    if registry_id is not None:
        request["registryId"] = registry_id
    pages = client.get_paginator("describe_images").paginate(**request)
    with translate("DescribeImages"):
        for page in pages:
            for detail in page.get("imageDetails", []):
                yield ImageState.from_detail(detail)
