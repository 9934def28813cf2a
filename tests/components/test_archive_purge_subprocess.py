"""ArchivePurgeProvider in `python -u -m pulumi.dynamic`, as `pulumi destroy` runs it.

Only a fresh provider process proves that the pickled provider imports without the
program; it is started in the project folder with nothing but the environment and
the stack config, and the repository it purges is then deleted with force against
the strict endpoint.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from components._archive_purge import ArchivePurgeProvider
from emulator import Emulator
from tests.components.test_archive_purge_provider import (
    REPO,
    arn,
    calls,
    seed,
    statuses,
)
from tests.components.test_image_storage_class_provider import stack_config
from tests.components.test_image_storage_class_subprocess import provider_env
from tests.support.servicer import ProviderDriver, subprocess_servicer

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_create_then_delete_in_the_provider_process_empties_the_archive(
    tmp_path: Path, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """The process unpickles the provider, records the purge, then purges on delete."""
    seed(ecr_emulator, ecr_client)
    with subprocess_servicer(cwd=ROOT, env=provider_env(tmp_path)) as servicer:
        driver = ProviderDriver(servicer, ArchivePurgeProvider())
        driver.configure(stack_config(ecr_emulator.endpoint_url))
        checked = driver.check({}, {"repository_arn": arn(), "force_delete": True})
        created = driver.create(checked.inputs)
        driver.delete(created.id, created.outs)

    assert calls(ecr_emulator) == {"DescribeImages": 2, "BatchDeleteImage": 1}
    assert statuses(ecr_client) == {"v1": "ACTIVE"}
    ecr_client.delete_repository(repositoryName=REPO, force=True)
