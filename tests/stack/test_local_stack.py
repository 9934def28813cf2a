"""The `local` stack, deployed short of the CLI: `__main__.py` against the endpoint.

The stack program runs with the config of `Pulumi.local.yaml` under mocks that
make pulumi-aws's calls on the local ECR endpoint (CreateRepository,
PutLifecyclePolicy) and send the dynamic resources through the provider servicer,
so the endpoint accepts or refuses what the program really renders. Only the
endpoint URL differs from the file: each test run has its own port.
"""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML ships no stubs
from botocore.exceptions import ClientError

from components._archive_purge import ArchivePurgeProvider
from emulator import Emulator
from policies import archive_then_expire
from tests.support.dynamic_mocks import DynamicCall, MockedProgram
from tests.support.endpoint_mocks import endpoint_mocks
from tests.support.mocks import PURGE
from tests.support.servicer import (
    InProcessServicer,
    ProviderDriver,
    configure_servicer,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

pytestmark = pytest.mark.usefixtures("aws_env")

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "__main__.py"
LOCAL_STACK = ROOT / "Pulumi.local.yaml"
REPOSITORIES = ("local/api", "local/worker")


def local_config() -> dict[str, Any]:
    """Return the config of `Pulumi.local.yaml` as written."""
    document = yaml.safe_load(LOCAL_STACK.read_text())
    config: dict[str, Any] = document["config"]

    return config


def config_for(emulator: Emulator) -> dict[str, Any]:
    """Return the local stack's config with every endpoint moved to `emulator`."""
    config = local_config()
    config["aws:endpoints"] = [
        dict.fromkeys(entry, emulator.endpoint_url) for entry in config["aws:endpoints"]
    ]

    return config


def run_program(program: MockedProgram) -> None:
    """Run the stack program as the Python language host does."""
    program.run(lambda: runpy.run_path(str(PROGRAM), run_name="__main__"))


def deploy(
    emulator: Emulator, client: ECRClient
) -> tuple[dict[str, Any], list[DynamicCall]]:
    """Run `pulumi up` of the local stack; return its outputs and purge resources."""
    with endpoint_mocks(client, config_for(emulator)) as (program, _mocks):
        run_program(program)
        outputs = program.stack_outputs()
        purges = [call for call in program.mocks.calls if call.type == PURGE]

    return outputs, purges


def test_local_stack_points_every_endpoint_at_the_port_make_starts() -> None:
    """`make up-local` starts the emulator on the port the stack config names."""
    makefile = (ROOT / "Makefile").read_text()
    port = re.search(r"python -m emulator --port (\d+)", makefile)
    assert port is not None

    endpoints = local_config()["aws:endpoints"]
    urls = {url for entry in endpoints for url in entry.values()}
    assert urls == {f"http://127.0.0.1:{port[1]}"}
    assert {service for entry in endpoints for service in entry} >= {"ecr", "sts"}


def test_local_stack_creates_its_repositories_with_their_settings(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Each configured repository exists afterwards, with the settings it asked for."""
    outputs, _ = deploy(ecr_emulator, ecr_client)

    found = {
        repo["repositoryName"]: repo
        for repo in ecr_client.describe_repositories()["repositories"]
    }
    assert sorted(found) == sorted(REPOSITORIES)
    settings = {
        name: (
            repo["imageTagMutability"],
            repo["imageScanningConfiguration"]["scanOnPush"],
            repo["encryptionConfiguration"]["encryptionType"],
        )
        for name, repo in found.items()
    }
    assert settings == {
        "local/api": ("IMMUTABLE_WITH_EXCLUSION", True, "AES256"),
        "local/worker": ("MUTABLE", False, "AES256"),
    }
    assert found["local/api"]["imageTagMutabilityExclusionFilters"] == [
        {"filter": "latest", "filterType": "WILDCARD"}
    ]
    tags = ecr_client.list_tags_for_resource(
        resourceArn=found["local/worker"]["repositoryArn"]
    )["tags"]
    assert tags == [{"Key": "stack", "Value": "local"}]
    assert outputs["repositoryArns"] == {
        name: repo["repositoryArn"] for name, repo in found.items()
    }
    assert outputs["repositoryUrls"]["local/api"] == found["local/api"]["repositoryUri"]


def test_local_stack_policies_are_accepted_and_stored_by_the_endpoint(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """PutLifecyclePolicy accepts the program's policy text; ECR returns it as sent."""
    outputs, _ = deploy(ecr_emulator, ecr_client)

    expected = {
        "local/api": archive_then_expire(protected_tags=["release-*"]),
        "local/worker": archive_then_expire(30, 180, expire_untagged_after_days=7),
    }
    for name, policy in expected.items():
        stored = ecr_client.get_lifecycle_policy(repositoryName=name)
        assert json.loads(stored["lifecyclePolicyText"]) == policy.to_dict()
        assert outputs["lifecyclePolicies"][name] == policy.to_json()
    assert ecr_emulator.counters()["PutLifecyclePolicy"] == len(REPOSITORIES)


def test_local_stack_repositories_carry_a_purge_with_force_delete(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """The purge of each repository ran through the servicer with force_delete on."""
    outputs, purges = deploy(ecr_emulator, ecr_client)

    recorded = {call.outs["repository_name"]: call for call in purges}
    assert sorted(recorded) == sorted(REPOSITORIES)
    for name, call in recorded.items():
        assert call.id == outputs["repositoryArns"][name]
        assert call.outs["force_delete"] is True
        assert call.outs["region"] == "us-east-1"


def destroy(emulator: Emulator, client: ECRClient, purges: list[DynamicCall]) -> None:
    """Delete as `pulumi destroy` orders it: each purge, then its repository.

    A fresh provider process is configured from the stack config, as the engine
    starts one per run; pulumi-aws deletes a `force_delete` repository with
    `DeleteRepository(force=True)`.
    """
    servicer = InProcessServicer()
    configure_servicer(
        servicer,
        {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in config_for(emulator).items()
        },
    )
    for call in purges:
        driver = ProviderDriver(servicer, ArchivePurgeProvider())
        driver.delete(str(call.id), call.outs)
        client.delete_repository(
            repositoryName=call.outs["repository_name"], force=True
        )


def test_local_stack_destroys_cleanly_with_archived_images(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Archived and activating images do not stop the local stack's teardown."""
    _, purges = deploy(ecr_emulator, ecr_client)
    for tag in ("v1", "v2", "v3"):
        ecr_emulator.push_image("local/api", tag, create_repository=False)
    for tag in ("v1", "v2"):
        ecr_client.update_image_storage_class(
            repositoryName="local/api",
            imageId={"imageTag": tag},
            targetStorageClass="ARCHIVE",
        )
    ecr_client.update_image_storage_class(
        repositoryName="local/api",
        imageId={"imageTag": "v2"},
        targetStorageClass="STANDARD",
    )
    with pytest.raises(ClientError):
        ecr_client.delete_repository(repositoryName="local/api", force=True)

    destroy(ecr_emulator, ecr_client, purges)

    assert ecr_client.describe_repositories()["repositories"] == []


def test_endpoint_refusals_fail_the_deployment(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """An ECR error from the endpoint fails the run, as it fails `pulumi up`."""
    ecr_client.create_repository(repositoryName="local/worker")

    with pytest.raises(ClientError, match="RepositoryAlreadyExistsException"):
        deploy(ecr_emulator, ecr_client)
