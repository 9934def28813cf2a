"""The purge's IAM statement against the calls the purge really makes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components._archive_purge import purge_archived_images
from ecr_archive import iam
from emulator import Emulator

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient


def test_purge_actions_are_exactly_the_operations_a_purge_calls(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Every ECR operation the purge calls is in PURGE_ACTIONS, and nothing more."""
    ecr_emulator.push_image("web/api", "v1")
    ecr_emulator.push_image("web/api", "v2")
    ecr_client.update_image_storage_class(
        repositoryName="web/api",
        imageId={"imageTag": "v1"},
        targetStorageClass="ARCHIVE",
    )
    ecr_emulator.reset_counters()

    purge_archived_images(ecr_client, "web/api")

    called = {f"ecr:{name}" for name, count in ecr_emulator.counters().items() if count}
    assert called == set(iam.PURGE_ACTIONS)
