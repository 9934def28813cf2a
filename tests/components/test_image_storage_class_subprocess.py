"""ImageStorageClassProvider in `python -u -m pulumi.dynamic`, as the engine runs it.

Only a fresh provider process proves that the pickled provider imports without the
program: it is started in the project folder (the engine starts it in the program's
folder) with nothing but the environment, and driven over gRPC.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from emulator import Emulator
from tests.components.test_image_storage_class_provider import (
    REPO,
    RESTORE_POLLS,
    calls,
    make_provider,
    stack_config,
)
from tests.support.servicer import (
    ProviderCallError,
    ProviderDriver,
    SubprocessServicer,
    subprocess_servicer,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def provider_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Return the provider process's environment: dummy keys, no AWS setup."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "PULUMI_", "PYTHONPATH"))
    }
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        PULUMI_PROJECT="ecr-archive",
    )
    env.update(extra)

    return env


@pytest.fixture
def provider_process(tmp_path: Path) -> Iterator[SubprocessServicer]:
    """A provider process started in the project root."""
    with subprocess_servicer(cwd=ROOT, env=provider_env(tmp_path)) as servicer:
        yield servicer


def check(driver: ProviderDriver, **inputs: Any) -> dict[str, Any]:
    """Run `check` and return the checked inputs."""
    outcome = driver.check({}, {"repository_name": REPO, **inputs})
    assert outcome.failures == ()

    return outcome.inputs


def test_a_whole_lifecycle_runs_in_the_provider_process(
    provider_process: SubprocessServicer,
    ecr_emulator: Emulator,
) -> None:
    """Check, create, read, diff, update with a restore, and delete all work."""
    driver = ProviderDriver(provider_process, make_provider(ecr_emulator))
    driver.configure(stack_config(ecr_emulator.endpoint_url))
    digest = ecr_emulator.push_image(REPO, "v1")

    news = check(driver, image_tag="v1", storage_class="Archive", timeout_seconds=600)
    created = driver.create(news)
    read = driver.read(created.id, created.outs)
    ecr_emulator.reset_counters()
    restored = driver.update(
        created.id, read.outs, {**news, "storage_class": "STANDARD"}
    )
    diff = driver.diff(created.id, restored, {**news, "storage_class": "STANDARD"})
    driver.delete(created.id, restored)

    assert news["timeout_seconds"] == 600.0
    assert created.outs["image_status"] == "ARCHIVED"
    assert read.outs["image_digest"] == digest
    assert restored["image_status"] == "ACTIVE"
    assert diff.changes == "none"
    assert ecr_emulator.image_status(REPO, digest) == "ACTIVE"
    assert calls(ecr_emulator) == {
        "DescribeImages": 1 + RESTORE_POLLS + 1,
        "UpdateImageStorageClass": 1,
    }


def test_the_endpoint_and_region_can_come_from_the_environment(
    tmp_path: Path, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Without `aws:` config the provider uses boto3's environment variables."""
    env = provider_env(
        tmp_path,
        AWS_ENDPOINT_URL_ECR=ecr_emulator.endpoint_url,
        AWS_REGION="us-east-1",
    )
    digest = ecr_emulator.push_image(REPO, "v1")
    with subprocess_servicer(cwd=ROOT, env=env) as servicer:
        driver = ProviderDriver(servicer, make_provider(ecr_emulator))
        driver.configure({})
        created = driver.create(
            check(driver, image_digest=digest, storage_class="ARCHIVE")
        )

    assert created.outs["image_status"] == "ARCHIVED"
    assert ecr_emulator.image_status(REPO, digest) == "ARCHIVED"


def test_the_provider_process_runs_creates_concurrently(
    provider_process: SubprocessServicer, ecr_emulator: Emulator
) -> None:
    """The process's four gRPC threads share one provider; every create lands."""
    driver = ProviderDriver(provider_process, make_provider(ecr_emulator))
    driver.configure(stack_config(ecr_emulator.endpoint_url))
    tags = [f"v{number}" for number in range(8)]
    digests = [ecr_emulator.push_image(REPO, tag) for tag in tags]
    inputs = [check(driver, image_tag=tag, storage_class="ARCHIVE") for tag in tags]
    ecr_emulator.reset_counters()

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(driver.create, inputs))

    assert [outcome.outs["image_digest"] for outcome in created] == digests
    assert {ecr_emulator.image_status(REPO, digest) for digest in digests} == {
        "ARCHIVED"
    }
    assert calls(ecr_emulator) == {"DescribeImages": 8, "UpdateImageStorageClass": 8}


def test_a_failure_reaches_the_engine_with_the_provider_message(
    provider_process: SubprocessServicer, ecr_emulator: Emulator
) -> None:
    """A missing repository fails the call with the error the provider raised."""
    driver = ProviderDriver(provider_process, make_provider(ecr_emulator))
    driver.configure(stack_config(ecr_emulator.endpoint_url))

    with pytest.raises(ProviderCallError) as raised:
        driver.create(check(driver, image_tag="v1", storage_class="ARCHIVE"))

    assert raised.value.code == "UNKNOWN"
    assert "RepositoryNotFoundError" in raised.value.details
    assert f"'{REPO}'" in raised.value.details
