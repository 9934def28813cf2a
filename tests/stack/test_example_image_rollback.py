"""The image_rollback example, run under mocks with its provider really running.

The program's ImageStorageClass resources go through the provider servicer to the
local ECR endpoint, so these tests see the images archived and restored as a
deployment would leave them.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from emulator import Emulator
from tests.support.dynamic_mocks import MockedProgram, dynamic_mocks

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "image_rollback"
PROGRAM = EXAMPLE / "__main__.py"
PROJECT = "ecr-archive-image-rollback"
REPO = "shop/checkout"
RELEASES = ["v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0"]

pytestmark = pytest.mark.usefixtures("aws_env")


@pytest.fixture
def releases(ecr_emulator: Emulator) -> dict[str, str]:
    """Push the four releases and return their digests by tag."""
    digests = {tag: ecr_emulator.push_image(REPO, tag) for tag in RELEASES}
    ecr_emulator.reset_counters()

    return digests


def config(emulator: Emulator, **settings: Any) -> dict[str, Any]:
    """Return the example's stack config, pointed at the local endpoint."""
    return {
        "aws:region": "us-east-1",
        "aws:endpoints": [{"ecr": emulator.endpoint_url}],
        f"{PROJECT}:repository": REPO,
        f"{PROJECT}:releases": RELEASES,
        **{f"{PROJECT}:{key}": value for key, value in settings.items()},
    }


def deploy(emulator: Emulator, **settings: Any) -> dict[str, Any]:
    """Run the example once, as `pulumi up` would, and return its stack outputs."""
    with dynamic_mocks(config(emulator, **settings), project=PROJECT) as program:
        run(program)
        return program.stack_outputs()


def run(program: MockedProgram) -> None:
    """Run the example's program file as the Python language host does."""
    program.run(lambda: runpy.run_path(str(PROGRAM), run_name="__main__"))


def statuses(emulator: Emulator, digests: dict[str, str]) -> dict[str, str]:
    """Return each release's status as ECR reports it."""
    return {tag: str(emulator.image_status(REPO, d)) for tag, d in digests.items()}


def test_the_example_is_a_pulumi_project_with_the_program_the_tests_run() -> None:
    """Pulumi.yaml sits beside the `__main__.py` the tests run, as Pulumi expects."""
    project = (EXAMPLE / "Pulumi.yaml").read_text()

    assert f"name: {PROJECT}" in project
    assert "main:" not in project
    assert PROGRAM.is_file()


def test_old_releases_are_archived_and_the_two_newest_stay_pullable(
    ecr_emulator: Emulator, releases: dict[str, str]
) -> None:
    """The first deployment archives all but the running release and one rollback."""
    outputs = deploy(ecr_emulator)

    assert statuses(ecr_emulator, releases) == {
        "v1.0.0": "ARCHIVED",
        "v1.1.0": "ARCHIVED",
        "v1.2.0": "ACTIVE",
        "v1.3.0": "ACTIVE",
    }
    assert outputs["running_image"] == releases["v1.3.0"]
    assert outputs["rollback_image"] == releases["v1.2.0"]
    assert outputs["image_status"]["v1.0.0"] == "ARCHIVED"
    # One read per release, one write per release that changed.
    assert ecr_emulator.counters() == {
        "DescribeImages": 4,
        "UpdateImageStorageClass": 2,
    }


def test_deploying_again_changes_nothing(
    ecr_emulator: Emulator, releases: dict[str, str]
) -> None:
    """A second run reads each release once and writes nothing."""
    deploy(ecr_emulator)
    ecr_emulator.reset_counters()

    deploy(ecr_emulator)

    assert ecr_emulator.counters() == {"DescribeImages": 4}
    assert statuses(ecr_emulator, releases)["v1.1.0"] == "ARCHIVED"


def test_raising_pullable_restores_an_older_release_before_finishing(
    ecr_emulator: Emulator, ecr_client: ECRClient, releases: dict[str, str]
) -> None:
    """With pullable 3 the archived v1.1.0 is restored and ACTIVE when the run ends."""
    for tag in ("v1.0.0", "v1.1.0"):
        ecr_client.update_image_storage_class(
            repositoryName=REPO, imageId={"imageTag": tag}, targetStorageClass="ARCHIVE"
        )
    # A quick restore keeps the real backoff sleep of the provider short.
    ecr_emulator.activation_delay = 0
    ecr_emulator.reset_counters()

    outputs = deploy(ecr_emulator, pullable=3)

    assert statuses(ecr_emulator, releases) == {
        "v1.0.0": "ARCHIVED",
        "v1.1.0": "ACTIVE",
        "v1.2.0": "ACTIVE",
        "v1.3.0": "ACTIVE",
    }
    assert outputs["image_status"]["v1.1.0"] == "ACTIVE"
    assert ecr_emulator.counters()["UpdateImageStorageClass"] == 1


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"pullable": 0}, "pullable is 0"),
        ({"releases": []}, "releases is empty"),
        ({"releases": ["v1", "v1"]}, "repeats a tag"),
    ],
)
def test_bad_configuration_stops_the_program_with_a_reason(
    ecr_emulator: Emulator, settings: dict[str, Any], message: str
) -> None:
    """A release list or pullable count that makes no sense fails before any call."""
    with (
        pytest.raises(ValueError, match=message),
        dynamic_mocks(config(ecr_emulator, **settings), project=PROJECT) as program,
    ):
        run(program)

    assert ecr_emulator.counters() == {}
