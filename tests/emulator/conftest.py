"""Helpers shared by the emulator's tests: putting an image into a given state."""

from collections.abc import Callable

import boto3
import pytest
from botocore.config import Config
from mypy_boto3_ecr import ECRClient

from emulator import Emulator

REPOSITORY = "lab-repo"

PutInState = Callable[[str, str], str]


def client_for(endpoint_url: str, *, attempts: int = 3) -> ECRClient:
    """Return a boto3 ECR client for `endpoint_url` making at most `attempts` tries."""
    return boto3.client(
        "ecr",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
    )


@pytest.fixture
def image_in_state(ecr_emulator: Emulator, ecr_client: ECRClient) -> PutInState:
    """Return a function that pushes `tag` and moves it to ACTIVE/ARCHIVED/ACTIVATING.

    The function returns the image's digest; moves go through the HTTP API.
    """

    def put(tag: str, state: str) -> str:
        digest = ecr_emulator.push_image(REPOSITORY, tag)
        if state in ("ARCHIVED", "ACTIVATING"):
            ecr_client.update_image_storage_class(
                repositoryName=REPOSITORY,
                imageId={"imageTag": tag},
                targetStorageClass="ARCHIVE",
            )
        if state == "ACTIVATING":
            ecr_client.update_image_storage_class(
                repositoryName=REPOSITORY,
                imageId={"imageTag": tag},
                targetStorageClass="STANDARD",
            )
        assert ecr_emulator.image_status(REPOSITORY, digest) == state

        return digest

    return put
