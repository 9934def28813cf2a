"""ArchivePurgeProvider against the strict local ECR endpoint, through the servicer.

The endpoint runs in strict mode: like the lab's ECR, it refuses DeleteRepository,
even with force, while the repository holds ARCHIVED or ACTIVATING images. Each
test drives the provider as the engine does (pickled, configured from `aws:` stack
config, called by `DynamicResourceProviderServicer`) and then deletes the
repository with `DeleteRepository(force=True)`, the call pulumi-aws makes for a
repository with `force_delete`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError

from components._archive_purge import ArchivePurgeProvider
from emulator import Emulator
from tests.components.test_image_storage_class_provider import stack_config
from tests.support.servicer import (
    UNKNOWN,
    CreateOutcome,
    InProcessServicer,
    ProviderCallError,
    ProviderDriver,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

pytestmark = pytest.mark.usefixtures("aws_env")

REPO = "team/api"
ACCOUNT = "123456789012"
PURGE_LOGGER = "components._archive_purge"


def arn(name: str = REPO, region: str = "us-east-1") -> str:
    """Return the ARN the endpoint gives a repository."""
    return f"arn:aws:ecr:{region}:{ACCOUNT}:repository/{name}"


def make_driver(emulator: Emulator, **kwargs: Any) -> ProviderDriver:
    """Return the provider behind a fresh servicer, configured for the endpoint."""
    driver = ProviderDriver(InProcessServicer(), ArchivePurgeProvider(**kwargs))
    driver.configure(stack_config(emulator.endpoint_url))

    return driver


@pytest.fixture
def driver(ecr_emulator: Emulator) -> ProviderDriver:
    """The provider, configured for the endpoint, as `pulumi destroy` starts it."""
    return make_driver(ecr_emulator)


def deploy(driver: ProviderDriver, *, force_delete: bool, name: str = REPO) -> Any:
    """Check and create the purge, as `pulumi up` does; return the outcome."""
    checked = driver.check(
        {}, {"repository_arn": arn(name), "force_delete": force_delete}
    )
    assert checked.failures == ()

    return driver.create(checked.inputs)


def seed(emulator: Emulator, client: ECRClient, name: str = REPO) -> dict[str, str]:
    """Push v1 to v4 and leave them ACTIVE, ARCHIVED, ARCHIVED and ACTIVATING."""
    digests = {tag: emulator.push_image(name, tag) for tag in ("v1", "v2", "v3", "v4")}
    for tag in ("v2", "v3", "v4"):
        move(client, name, tag, "ARCHIVE")
    move(client, name, "v4", "STANDARD")
    emulator.reset_counters()

    return digests


def move(client: ECRClient, name: str, tag: str, target: Any) -> None:
    """Change one image's storage class out of band."""
    client.update_image_storage_class(
        repositoryName=name, imageId={"imageTag": tag}, targetStorageClass=target
    )


def statuses(client: ECRClient, name: str = REPO) -> dict[str, str]:
    """Return every image's status by its first tag, archived ones included."""
    details = client.describe_images(repositoryName=name, filter={"imageStatus": "ANY"})

    return {
        detail["imageTags"][0]: detail["imageStatus"]
        for detail in details["imageDetails"]
    }


def delete_repository(client: ECRClient, name: str = REPO, *, force: bool) -> None:
    """Delete the repository as pulumi-aws does."""
    client.delete_repository(repositoryName=name, force=force)


def error_code(raised: pytest.ExceptionInfo[ClientError]) -> str:
    """Return the AWS error code of a ClientError."""
    return str(raised.value.response.get("Error", {}).get("Code"))


def calls(emulator: Emulator) -> dict[str, int]:
    """Return the ECR calls made since the last reset, without zero counts."""
    return {name: count for name, count in emulator.counters().items() if count}


def test_strict_endpoint_refuses_force_delete_while_archived_images_remain(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Without the purge, DeleteRepository(force=True) fails as the lab saw."""
    seed(ecr_emulator, ecr_client)

    with pytest.raises(ClientError) as raised:
        delete_repository(ecr_client, force=True)

    assert error_code(raised) == "RepositoryNotEmptyException"
    assert "3 archived or activating" in str(raised.value)


def test_purge_lets_force_delete_remove_the_repository(
    ecr_emulator: Emulator, ecr_client: ECRClient, driver: ProviderDriver
) -> None:
    """Deleting the purge removes archived and activating images, keeps ACTIVE ones."""
    seed(ecr_emulator, ecr_client)
    created = deploy(driver, force_delete=True)

    driver.delete(created.id, created.outs)

    # One listing, one batch, one listing that finds nothing left.
    assert calls(ecr_emulator) == {"DescribeImages": 2, "BatchDeleteImage": 1}
    assert statuses(ecr_client) == {"v1": "ACTIVE"}
    delete_repository(ecr_client, force=True)
    assert ecr_client.describe_repositories()["repositories"] == []


def test_create_and_update_call_nothing_and_record_the_repository(
    ecr_emulator: Emulator, ecr_client: ECRClient, driver: ProviderDriver
) -> None:
    """Create and update only record the ARN, its parts and `force_delete`."""
    seed(ecr_emulator, ecr_client)

    created = deploy(driver, force_delete=True)
    updated = driver.update(
        created.id, created.outs, {"repository_arn": arn(), "force_delete": False}
    )

    assert created == CreateOutcome(
        arn(),
        {
            "repository_arn": arn(),
            "force_delete": True,
            "repository_name": REPO,
            "registry_id": ACCOUNT,
            "region": "us-east-1",
        },
    )
    assert updated == {**created.outs, "force_delete": False}
    assert calls(ecr_emulator) == {}


def test_without_force_delete_nothing_is_deleted(
    ecr_emulator: Emulator, ecr_client: ECRClient, driver: ProviderDriver
) -> None:
    """With force_delete off the purge calls nothing; ECR still refuses the deletion."""
    seed(ecr_emulator, ecr_client)
    created = deploy(driver, force_delete=False)

    driver.delete(created.id, created.outs)

    assert calls(ecr_emulator) == {}
    assert statuses(ecr_client) == {
        "v1": "ACTIVE",
        "v2": "ARCHIVED",
        "v3": "ARCHIVED",
        "v4": "ACTIVATING",
    }
    with pytest.raises(ClientError) as raised:
        delete_repository(ecr_client, force=False)
    assert error_code(raised) == "RepositoryNotEmptyException"


def test_turning_force_delete_off_is_an_update_that_stops_the_purge(
    ecr_emulator: Emulator, ecr_client: ECRClient, driver: ProviderDriver
) -> None:
    """After an update to force_delete false, deleting the purge deletes nothing."""
    seed(ecr_emulator, ecr_client)
    created = deploy(driver, force_delete=True)
    news = driver.check(
        created.outs, {"repository_arn": arn(), "force_delete": False}
    ).inputs

    diff = driver.diff(created.id, created.outs, news)
    outs = driver.update(created.id, created.outs, news)
    driver.delete(created.id, outs)

    assert (diff.changes, diff.replaces) == ("some", ())
    assert calls(ecr_emulator) == {}
    assert statuses(ecr_client)["v2"] == "ARCHIVED"


def test_renamed_repository_purges_the_old_one_before_its_replacement(
    ecr_emulator: Emulator, ecr_client: ECRClient, driver: ProviderDriver
) -> None:
    """A rename replaces the purge first; the old purge empties the old repository."""
    seed(ecr_emulator, ecr_client)
    seed(ecr_emulator, ecr_client, "team/api-v2")
    old = deploy(driver, force_delete=True)
    news = driver.check(
        old.outs, {"repository_arn": arn("team/api-v2"), "force_delete": True}
    ).inputs

    diff = driver.diff(old.id, old.outs, news)
    driver.delete(old.id, old.outs)

    assert diff.replaces == ("repository_arn",)
    assert diff.delete_before_replace is True
    assert statuses(ecr_client) == {"v1": "ACTIVE"}
    assert statuses(ecr_client, "team/api-v2")["v2"] == "ARCHIVED"
    delete_repository(ecr_client, force=True)


@pytest.mark.parametrize(
    ("news", "changes", "replaces"),
    [
        ({"repository_arn": arn(), "force_delete": True}, "none", ()),
        ({"repository_arn": arn(), "force_delete": False}, "some", ()),
        ({"repository_arn": arn(), "force_delete": UNKNOWN}, "some", ()),
        (
            {"repository_arn": arn("team/web"), "force_delete": True},
            "some",
            ("repository_arn",),
        ),
        (
            {"repository_arn": arn(region="eu-west-1"), "force_delete": True},
            "some",
            ("repository_arn",),
        ),
        (
            {"repository_arn": UNKNOWN, "force_delete": True},
            "some",
            ("repository_arn",),
        ),
    ],
)
def test_diff_replaces_for_another_repository_and_updates_for_force_delete(
    driver: ProviderDriver,
    news: dict[str, Any],
    changes: str,
    replaces: tuple[str, ...],
) -> None:
    """The explicit diff: another repository replaces, force_delete updates."""
    created = deploy(driver, force_delete=True)

    diff = driver.diff(created.id, created.outs, news)

    assert (diff.changes, diff.replaces) == (changes, replaces)


@pytest.mark.parametrize(
    ("news", "field", "reason"),
    [
        (
            {"repository_arn": "team/api", "force_delete": True},
            "repository_arn",
            "is not an ECR repository ARN",
        ),
        (
            {"repository_arn": arn(), "force_delete": "yes"},
            "force_delete",
            "must be true or false",
        ),
    ],
)
def test_check_rejects_what_a_purge_cannot_use(
    driver: ProviderDriver, news: dict[str, Any], field: str, reason: str
) -> None:
    """A malformed ARN or a non-boolean force_delete fails the check, in preview."""
    outcome = driver.check({}, news)

    assert [name for name, _ in outcome.failures] == [field]
    assert reason in outcome.failures[0][1]


def test_check_passes_unknown_values_through(driver: ProviderDriver) -> None:
    """An ARN not known until the repository exists is not a failure in preview."""
    outcome = driver.check({}, {"repository_arn": UNKNOWN, "force_delete": True})

    assert outcome.failures == ()


def test_repository_already_gone_counts_as_purged(
    ecr_emulator: Emulator, driver: ProviderDriver
) -> None:
    """Deleting the purge of a repository that no longer exists succeeds."""
    created = deploy(driver, force_delete=True, name="team/gone")

    driver.delete(created.id, created.outs)

    assert calls(ecr_emulator) == {"DescribeImages": 1}


def test_a_repository_without_archived_images_needs_no_batch(
    ecr_emulator: Emulator, driver: ProviderDriver
) -> None:
    """Only ACTIVE images: one listing, no BatchDeleteImage."""
    ecr_emulator.push_image(REPO, "v1")
    ecr_emulator.reset_counters()
    created = deploy(driver, force_delete=True)

    driver.delete(created.id, created.outs)

    assert calls(ecr_emulator) == {"DescribeImages": 1}


def test_archived_images_go_in_batches_of_100_with_one_log_line_each(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    driver: ProviderDriver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """150 archived images take two BatchDeleteImage calls and two INFO lines."""
    for number in range(150):
        ecr_emulator.push_image(REPO, f"b{number}")
        move(ecr_client, REPO, f"b{number}", "ARCHIVE")
    ecr_emulator.reset_counters()
    created = deploy(driver, force_delete=True)

    with caplog.at_level(logging.INFO, logger=PURGE_LOGGER):
        driver.delete(created.id, created.outs)

    assert calls(ecr_emulator)["BatchDeleteImage"] == 2
    lines = [r.getMessage() for r in caplog.records if r.name == PURGE_LOGGER]
    assert lines == [
        f"Deleted 100 archived or activating images from {REPO} "
        "(0 already gone, 0 failed)",
        f"Deleted 50 archived or activating images from {REPO} "
        "(0 already gone, 0 failed)",
    ]
    delete_repository(ecr_client, force=True)


def test_throttled_batch_delete_is_retried_and_recovers(
    ecr_emulator: Emulator, ecr_client: ECRClient, driver: ProviderDriver
) -> None:
    """Two throttled BatchDeleteImage calls are retried; the purge still completes."""
    seed(ecr_emulator, ecr_client)
    created = deploy(driver, force_delete=True)
    ecr_emulator.inject_fault("BatchDeleteImage", "throttle", times=2)

    driver.delete(created.id, created.outs)

    assert calls(ecr_emulator)["BatchDeleteImage"] == 3
    delete_repository(ecr_client, force=True)


def test_throttling_that_outlasts_the_retries_fails_the_delete(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """When every retry is throttled the delete fails, naming the call and the fix."""
    seed(ecr_emulator, ecr_client)
    driver = make_driver(ecr_emulator, max_attempts=2)
    created = deploy(driver, force_delete=True)
    ecr_emulator.inject_fault("BatchDeleteImage", "throttle", times=2)

    with pytest.raises(ProviderCallError) as raised:
        driver.delete(created.id, created.outs)

    assert "BatchDeleteImage failed with ThrottlingException" in raised.value.details
    assert "retry later" in raised.value.details
    assert statuses(ecr_client)["v2"] == "ARCHIVED"


def test_region_and_registry_come_from_the_repository_arn(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A repository in another region than `aws:region` is purged where it lives."""
    ecr_emulator.push_image(REPO, "v1", region="eu-west-1")
    ecr_emulator.push_image(REPO, "v1")
    move(ecr_client, REPO, "v1", "ARCHIVE")
    client = boto3.client(
        "ecr",
        endpoint_url=ecr_emulator.endpoint_url,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    move(client, REPO, "v1", "ARCHIVE")
    driver = make_driver(ecr_emulator)
    checked = driver.check(
        {}, {"repository_arn": arn(region="eu-west-1"), "force_delete": True}
    )
    created = driver.create(checked.inputs)

    driver.delete(created.id, created.outs)

    assert statuses(client) == {}
    assert statuses(ecr_client) == {"v1": "ARCHIVED"}
    delete_repository(client, force=True)
