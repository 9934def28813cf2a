"""ImageStorageClass in a program under mocks whose dynamic resources really run.

`dynamic_mocks` sends each dynamic registration through the provider servicer, so
the program's resources check their inputs, call the local endpoint and hand back
real outputs, the way `pulumi up` would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import components
from components import ImageStorageClass
from components._image_storage_class_inputs import OUTPUT_NAMES
from emulator import Emulator
from tests.components.test_image_storage_class_provider import (
    REPO,
    calls,
    make_provider,
    stack_config,
)
from tests.support.dynamic_mocks import CheckFailedError, dynamic_mocks

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

pytestmark = pytest.mark.usefixtures("aws_env")


def test_a_program_archives_and_restores_through_the_provider(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Outputs of the program's resources come from the provider and ECR."""
    old = ecr_emulator.push_image(REPO, "v1")
    current = ecr_emulator.push_image(REPO, "v2")
    ecr_client.update_image_storage_class(
        repositoryName=REPO, imageId={"imageTag": "v2"}, targetStorageClass="ARCHIVE"
    )
    provider = make_provider(ecr_emulator)

    with dynamic_mocks(stack_config(ecr_emulator.endpoint_url)) as program:
        archived, restored = program.run(
            lambda: (
                ImageStorageClass(
                    "old",
                    {
                        "repository_name": REPO,
                        "image_tag": "v1",
                        "storage_class": "ARCHIVE",
                    },
                    provider=provider,
                ),
                ImageStorageClass(
                    "current",
                    {
                        "repository_name": REPO,
                        "image_tag": "v2",
                        "storage_class": "standard",
                    },
                    provider=provider,
                ),
            )
        )
        status = {
            "old": program.resolve(archived.image_status),
            "current": program.resolve(restored.image_status),
        }
        digests = (
            program.resolve(archived.image_digest),
            program.resolve(restored.image_digest),
        )
        storage_class = program.resolve(restored.storage_class)
        created = program.mocks.created("current")

    assert status == {"old": "ARCHIVED", "current": "ACTIVE"}
    assert digests == (old, current)
    assert storage_class == "STANDARD"
    assert created.id == f"{REPO}@{current}"
    assert created.type == "pulumi-python:dynamic/ecr:ImageStorageClass"
    assert ecr_emulator.image_status(REPO, old) == "ARCHIVED"
    assert ecr_emulator.image_status(REPO, current) == "ACTIVE"


def test_bad_input_fails_the_program_before_any_ecr_call(
    ecr_emulator: Emulator,
) -> None:
    """A check failure stops the registration, as it stops `pulumi preview`."""
    ecr_emulator.push_image(REPO, "v1")
    ecr_emulator.reset_counters()

    with dynamic_mocks(stack_config(ecr_emulator.endpoint_url)) as program:
        image = ImageStorageClass(
            "bad", {"repository_name": REPO, "image_tag": "v1", "storage_class": "cold"}
        )
        with pytest.raises(CheckFailedError) as raised:
            program.resolve(image.image_status)

    assert raised.value.failures[0][0] == "storage_class"
    assert calls(ecr_emulator) == {}


def test_a_preview_checks_inputs_without_calling_ecr(
    ecr_emulator: Emulator,
) -> None:
    """In a preview only `check` runs: outputs are unknown and ECR is untouched."""
    digest = ecr_emulator.push_image(REPO, "v1")
    ecr_emulator.reset_counters()
    config = {
        "aws:region": "us-east-1",
        "aws:endpoints": [{"ecr": ecr_emulator.endpoint_url}],
    }

    with dynamic_mocks(config, preview=True) as program:
        image = program.run(
            lambda: ImageStorageClass(
                "v1",
                {
                    "repository_name": REPO,
                    "image_tag": "v1",
                    "storage_class": "ARCHIVE",
                },
            )
        )
        status = program.resolve(image.image_status)
        checked = program.mocks.created("v1")

    assert status is None
    assert checked.id is None
    assert checked.inputs["storage_class"] == "ARCHIVE"
    assert calls(ecr_emulator) == {}
    assert ecr_emulator.image_status(REPO, digest) == "ACTIVE"


def test_every_output_is_an_attribute_and_exported_from_components(
    ecr_emulator: Emulator,
) -> None:
    """Each output name is a resolved attribute, and the package exports the API."""
    digest = ecr_emulator.push_image(REPO, "v1")

    with dynamic_mocks(stack_config(ecr_emulator.endpoint_url)) as program:
        image = program.run(
            lambda: components.ImageStorageClass(
                "v1",
                {
                    "repository_name": REPO,
                    "image_digest": digest,
                    "storage_class": "ARCHIVE",
                },
                provider=make_provider(ecr_emulator),
            )
        )
        values = {name: program.resolve(getattr(image, name)) for name in OUTPUT_NAMES}

    assert values["image_digest"] == digest
    assert values["image_tags"] == ["v1"]
    assert values["image_status"] == "ARCHIVED"
    assert values["last_activated_at"] is None
    assert isinstance(values["last_archived_at"], str)
    assert {
        "ImageStorageClass",
        "ImageStorageClassArgs",
        "ImageStorageClassProvider",
    } <= set(components.__all__)
