"""The stack program `__main__.py`, run under Pulumi mocks with stack config."""

import runpy
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML ships no stubs
from syrupy.assertion import SnapshotAssertion

from components._repository_config import StackConfigError
from policies import PolicyError, archive_then_expire
from tests.support.mocks import ACCOUNT_ID, PulumiHarness, pulumi_mocks

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "__main__.py"
URL = f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com"
SCANNER = "arn:aws:iam::123456789012:role/image-scanner"


def _dev_config() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    config: dict[str, Any] = document["config"]

    return config


def _run(harness: PulumiHarness) -> None:
    harness.run(lambda: runpy.run_path(str(PROGRAM), run_name="__main__"))


def test_dev_stack_config_builds_every_repository(
    snapshot: SnapshotAssertion,
) -> None:
    """The example `Pulumi.dev.yaml` yields its repositories and one exclusion."""
    with pulumi_mocks(_dev_config()) as harness:
        _run(harness)
        outputs = harness.stack_outputs()
        nodes = [(r.type, r.name, r.parent) for r in harness.registrations()]

    assert outputs["repositoryUrls"] == {
        "web/api": f"{URL}/web/api",
        "web/worker": f"{URL}/web/worker",
        "data/etl": f"{URL}/data/etl",
    }
    assert outputs["lifecyclePolicies"]["web/worker"] == (
        archive_then_expire(
            30, 365, protected_tags=["release-*"], expire_untagged_after_days=7
        ).to_json()
    )
    assert nodes == snapshot


def test_stack_exports_iam_policies_scoped_to_its_repositories() -> None:
    """The exported IAM documents name the stack's repositories and KMS key."""
    with pulumi_mocks(_dev_config()) as harness:
        _run(harness)
        policies = harness.stack_outputs()["iamPolicies"]

    arns = sorted(
        f"arn:aws:ecr:us-east-1:{ACCOUNT_ID}:repository/{name}"
        for name in ("web/api", "web/worker", "data/etl")
    )
    deploy = {s["Sid"]: s for s in policies["deploy"]["Statement"]}
    assert deploy["ManageRepositories"]["Resource"] == arns
    assert deploy["UseKmsKeysForRepositories"]["Resource"] == [
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    ]
    assert "ManagePullTimeUpdateExclusions" in deploy
    assert set(policies) == {
        "deploy",
        "imageStorageClassProvider",
        "ciStatus",
        "ciRestore",
    }


def test_deploy_policy_lets_force_delete_repositories_purge_their_images() -> None:
    """Only repositories deployed with forceDelete get the purge's image actions."""
    config = _dev_config()
    config["ecr-archive:repositories"][1]["forceDelete"] = True
    with pulumi_mocks(config) as harness:
        _run(harness)
        policies = harness.stack_outputs()["iamPolicies"]

    deploy = {s["Sid"]: s for s in policies["deploy"]["Statement"]}
    purge = deploy["DeleteImagesOfForceDeletedRepositories"]
    assert purge["Resource"] == [
        f"arn:aws:ecr:us-east-1:{ACCOUNT_ID}:repository/web/worker"
    ]
    assert "ecr:BatchDeleteImage" in purge["Action"]


def test_deploy_policy_has_no_purge_statement_without_force_delete() -> None:
    """With forceDelete off everywhere, the deploy policy cannot delete images."""
    with pulumi_mocks(_dev_config()) as harness:
        _run(harness)
        policies = harness.stack_outputs()["iamPolicies"]

    sids = {s["Sid"] for s in policies["deploy"]["Statement"]}
    assert "DeleteImagesOfForceDeletedRepositories" not in sids


def test_exclusions_from_config_become_registry_resources() -> None:
    """Each excluded principal becomes one top-level PullTimeUpdateExclusion."""
    with pulumi_mocks(_dev_config()) as harness:
        _run(harness)
        exclusions = harness.of_type(
            "aws:ecr/pullTimeUpdateExclusion:PullTimeUpdateExclusion"
        )

    assert [(e.inputs["principalArn"], e.parent) for e in exclusions] == [
        (SCANNER, "pulumi:pulumi:Stack::ecr-archive-dev")
    ]


@pytest.mark.parametrize("preview", [True, False])
def test_component_error_is_reported_with_the_config_key(preview: bool) -> None:
    """A policy problem in one entry names its config key and field, preview or not."""
    config = {
        "ecr-archive:repositories": [
            {"name": "api"},
            {"name": "worker", "expireAfterDays": 30},
        ]
    }
    with (
        pulumi_mocks(config, preview=preview) as harness,
        pytest.raises(StackConfigError) as raised,
    ):
        _run(harness)

    message = str(raised.value)
    assert message.startswith("ecr-archive:repositories[1] (worker): ")
    assert "expire_after_days" in message
    assert isinstance(raised.value.__cause__, PolicyError)


def test_missing_repositories_stop_the_program() -> None:
    """Without `ecr-archive:repositories` the program stops and says how to add it."""
    with pulumi_mocks({}) as harness, pytest.raises(StackConfigError) as raised:
        _run(harness)

    assert "ecr-archive:repositories is not set" in str(raised.value)


def test_config_that_is_not_json_names_the_key() -> None:
    """A value that is not an object or list is reported with its key."""
    config = {"ecr-archive:repositories": "api, worker"}
    with pulumi_mocks(config) as harness, pytest.raises(StackConfigError) as raised:
        _run(harness)

    assert "ecr-archive:repositories" in str(raised.value)


def test_bad_exclusion_arn_names_the_key() -> None:
    """An exclusion that is not a role or user ARN names the exclusions key."""
    config = {
        "ecr-archive:repositories": [{"name": "api"}],
        "ecr-archive:pullTimeUpdateExclusions": ["scanner"],
    }
    with pulumi_mocks(config) as harness, pytest.raises(StackConfigError) as raised:
        _run(harness)

    assert str(raised.value).startswith("ecr-archive:pullTimeUpdateExclusions: ")
