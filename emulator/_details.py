"""ImageDetail dicts, as DescribeImages returns them, built from moto's images."""

import json
from typing import Any

from moto.ecr.models import Image, Repository

from emulator._state import ImageRecord


def parsed_manifest(image: Image) -> dict[str, Any]:
    """Return the image's manifest as a dict (empty when it is not a JSON object)."""
    parsed = json.loads(image.image_manifest)

    return parsed if isinstance(parsed, dict) else {}


def image_detail(repo: Repository, image: Image, record: ImageRecord) -> dict[str, Any]:
    """Return the DescribeImages `imageDetails` entry for `image` (datetimes aware).

    Keys ECR leaves out when they have no value (imageTags of an untagged image, the
    pull, archive and activation times) are left out here too.
    """
    detail: dict[str, Any] = {
        "registryId": repo.registry_id,
        "repositoryName": repo.name,
        "imageDigest": image.image_digest,
        "imageSizeInBytes": record.size_in_bytes,
        "imagePushedAt": record.pushed_at,
        "imageManifestMediaType": image.image_manifest_media_type,
        "imageStatus": record.status.value,
    }
    if image.image_tags:
        detail["imageTags"] = list(image.image_tags)
    config = parsed_manifest(image).get("config")
    if isinstance(config, dict) and isinstance(config.get("mediaType"), str):
        detail["artifactMediaType"] = config["mediaType"]
    optional = {
        "lastRecordedPullTime": record.last_pulled_at,
        "lastArchivedAt": record.last_archived_at,
        "lastActivatedAt": record.last_activated_at,
    }
    detail.update({key: value for key, value in optional.items() if value})

    return detail
