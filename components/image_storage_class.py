"""`ImageStorageClass`: one ECR image kept in the ARCHIVE or STANDARD storage class.

A dynamic resource: its provider, `ImageStorageClassProvider`, runs in the engine's
`python -m pulumi.dynamic` process and calls ECR through `ecr_archive`. See the
provider's module for how it converges, diffs and deletes.
"""

from __future__ import annotations

from typing import Any, Literal, Required, TypedDict

import pulumi
import pulumi.dynamic

from components._image_storage_class_inputs import INPUT_NAMES, OUTPUT_NAMES
from components._image_storage_class_provider import ImageStorageClassProvider

__all__ = [
    "ImageStorageClass",
    "ImageStorageClassArgs",
    "ImageStorageClassProvider",
]


class ImageStorageClassArgs(TypedDict, total=False):
    """Arguments of `ImageStorageClass`: which image, and which storage class."""

    repository_name: Required[pulumi.Input[str]]
    """Name of the ECR repository that holds the image."""

    storage_class: Required[pulumi.Input[str]]
    """ARCHIVE (archived, cannot be pulled) or STANDARD (pullable); any case."""

    image_tag: pulumi.Input[str]
    """Tag of the image; resolved to a digest at create and pinned there. Give
    exactly one of `image_tag` and `image_digest`."""

    image_digest: pulumi.Input[str]
    """Digest of the image, `sha256:` and 64 hex digits."""

    registry_id: pulumi.Input[str]
    """12-digit account id of the registry; defaults to the caller's account."""

    wait_for_active: pulumi.Input[bool]
    """When restoring, return only once the image can be pulled (default true)."""

    timeout_seconds: pulumi.Input[float]
    """How long to wait for a restore before failing, 1 to 43200 (default 1800)."""

    on_delete: pulumi.Input[Literal["leave", "restore"]]
    """What removing the resource does: "leave" the image as it is (default) or
    "restore" it to STANDARD."""


class ImageStorageClass(
    pulumi.dynamic.Resource, module="ecr", name="ImageStorageClass"
):
    """One ECR image kept archived or pullable, with its status as outputs.

    The image is read before anything is changed, so a deployment that finds the
    image already in the wanted class makes no change. Inputs are checked in
    preview. Removing the resource leaves the image as it is unless `on_delete` is
    "restore".
    """

    image_digest: pulumi.Output[str]
    """Digest of the managed image (a tag is resolved once, at create)."""
    image_tags: pulumi.Output[list[str]]
    """Tags pointing at the image when last read, sorted."""
    image_status: pulumi.Output[str]
    """ACTIVE, ARCHIVED or ACTIVATING, when last read or changed."""
    last_archived_at: pulumi.Output[str | None]
    """When the image was last archived, ISO 8601, UTC; None if never."""
    last_activated_at: pulumi.Output[str | None]
    """When a restore of the image last finished, ISO 8601, UTC; None if never."""
    repository_name: pulumi.Output[str]
    """Name of the repository, as given."""
    storage_class: pulumi.Output[str]
    """The wanted storage class, upper case."""

    def __init__(
        self,
        resource_name: str,
        args: ImageStorageClassArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        provider: ImageStorageClassProvider | None = None,
    ) -> None:
        """Declare the storage class of one image.

        `provider` replaces the default `ImageStorageClassProvider()`, which tests
        use to shorten the polling; programs leave it out.
        """
        props: dict[str, Any] = dict.fromkeys((*INPUT_NAMES, *OUTPUT_NAMES))
        props.update(args)
        super().__init__(
            provider or ImageStorageClassProvider(), resource_name, props, opts
        )
