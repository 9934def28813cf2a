"""Every example program runs under Pulumi mocks, so none can rot unnoticed."""

import runpy
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.support.mocks import (
    ACCOUNT_ID,
    EXCLUSION,
    LIFECYCLE,
    REPOSITORY,
    PulumiHarness,
    pulumi_mocks,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# image_rollback drives a dynamic provider and has its own test module.
OWN_TESTS = {"image_rollback"}


def _examples() -> list[str]:
    return sorted(
        program.parent.name
        for program in EXAMPLES.glob("*/__main__.py")
        if program.parent.name not in OWN_TESTS
    )


def _run(harness: PulumiHarness, example: str) -> None:
    program = EXAMPLES / example / "__main__.py"
    harness.run(lambda: runpy.run_path(str(program), run_name="__main__"))


def test_the_examples_are_found() -> None:
    """Both composition examples are discovered, so the runs below cover them."""
    assert {"second_region", "shared_kms"} <= set(_examples())


@pytest.mark.parametrize("example", _examples())
def test_example_builds_its_graph(example: str, snapshot: SnapshotAssertion) -> None:
    """The example registers the same resources, parents and providers as before."""
    assert (EXAMPLES / example / "Pulumi.yaml").is_file()

    with pulumi_mocks(project=f"ecr-archive-{example}") as harness:
        _run(harness, example)
        graph = [
            (r.type, r.name, r.parent, r.provider) for r in harness.registrations()
        ]

    assert graph == snapshot


def test_shared_kms_encrypts_every_repository_with_the_one_key() -> None:
    """Each service's repository uses the stack's single KMS key."""
    with pulumi_mocks() as harness:
        _run(harness, "shared_kms")
        keys = harness.of_type("aws:kms/key:Key")
        repositories = harness.of_type(REPOSITORY)
        outputs = harness.stack_outputs()

    assert [key.name for key in keys] == ["ecr-images"]
    assert {
        r.name: r.inputs["encryptionConfigurations"][0]["kmsKey"] for r in repositories
    } == dict.fromkeys(
        ["billing/api", "billing/worker", "search/indexer"], outputs["kmsKeyArn"]
    )
    assert outputs["repositoryUrls"]["search/indexer"] == (
        f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/search/indexer"
    )


def test_second_region_copies_go_through_the_explicit_provider() -> None:
    """Copies land in eu-west-1 under the same names, protected; primaries do not."""
    with pulumi_mocks() as harness:
        _run(harness, "second_region")
        repositories = harness.of_type(REPOSITORY)
        policies = harness.of_type(LIFECYCLE)
        exclusions = harness.of_type(EXCLUSION)
        outputs = harness.stack_outputs()

    by_provider = {
        (r.name, r.provider, r.protect, r.inputs["name"]) for r in repositories
    }
    assert by_provider == {
        ("shop/frontend", None, False, "shop/frontend"),
        ("shop/checkout", None, False, "shop/checkout"),
        ("shop/frontend-eu-west-1", "second-region", True, "shop/frontend"),
        ("shop/checkout-eu-west-1", "second-region", True, "shop/checkout"),
    }
    assert sorted(p.provider or "" for p in policies) == [
        "",
        "",
        "second-region",
        "second-region",
    ]
    assert sorted(e.provider or "" for e in exclusions) == ["", "second-region"]
    assert outputs["secondRegionUrls"]["shop/checkout"] == (
        f"{ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/shop/checkout"
    )
