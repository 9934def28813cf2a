"""ImageStorageClassProvider against the local ECR endpoint, through the servicer.

Every test drives the provider the way the engine does: pickled into `__provider`,
unpickled and configured by `DynamicResourceProviderServicer`, with the endpoint
and region taken from the stack's `aws:` configuration. Sleeping while an image is
ACTIVATING advances the emulator's clock, so a nine-minute restore takes
milliseconds and makes the polls a real one would.
"""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest

from components import ImageStorageClassProvider
from ecr_archive import Backoff
from emulator import Emulator
from tests.support.servicer import (
    UNKNOWN,
    CreateOutcome,
    EmulatorTime,
    InProcessServicer,
    ProviderCallError,
    ProviderDriver,
    serialized_provider,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

REPO = "team/api"
# With the full ceiling each time, polls happen 60, 180, 420 and 900 s after a
# restore starts; the emulator's restore takes 9 min 10 s, so the 4th poll sees it
# ACTIVE.
BACKOFF = Backoff(initial=60.0, multiplier=2.0, maximum=600.0)
RESTORE_POLLS = 4
OUTPUT_NAMES = {
    "image_digest",
    "image_tags",
    "image_status",
    "last_archived_at",
    "last_activated_at",
}


def stack_config(endpoint_url: str) -> dict[str, str]:
    """Return the `aws:` stack config a deployment against the endpoint would set."""
    return {
        "aws:region": "us-east-1",
        "aws:endpoints": json.dumps([{"ecr": endpoint_url}]),
        "aws:skipCredentialsValidation": "true",
    }


def make_provider(emulator: Emulator, **kwargs: Any) -> ImageStorageClassProvider:
    """Return a provider whose waits run on the emulator's clock."""
    hooks = EmulatorTime(emulator.endpoint_url).hooks()

    return ImageStorageClassProvider(backoff=BACKOFF, **hooks, **kwargs)


@pytest.fixture
def driver(ecr_emulator: Emulator, aws_env: None) -> ProviderDriver:
    """The provider behind an in-process servicer, configured for the emulator."""
    driver = ProviderDriver(InProcessServicer(), make_provider(ecr_emulator))
    driver.configure(stack_config(ecr_emulator.endpoint_url))

    return driver


def checked(driver: ProviderDriver, **inputs: Any) -> dict[str, Any]:
    """Run `check` on the inputs and return the checked inputs."""
    outcome = driver.check({}, {"repository_name": REPO, **inputs})
    assert outcome.failures == ()

    return outcome.inputs


def deploy(
    driver: ProviderDriver, **inputs: Any
) -> tuple[dict[str, Any], CreateOutcome]:
    """Check and create, as `pulumi up` does for a new resource."""
    news = checked(driver, **inputs)

    return news, driver.create(news)


def calls(emulator: Emulator) -> dict[str, int]:
    """Return the ECR calls made since the last reset, without zero counts."""
    return {name: count for name, count in emulator.counters().items() if count}


def archive(client: ECRClient, tag: str) -> None:
    """Archive an image out of band, as a lifecycle rule or a person would."""
    client.update_image_storage_class(
        repositoryName=REPO, imageId={"imageTag": tag}, targetStorageClass="ARCHIVE"
    )


def restore(client: ECRClient, tag: str) -> None:
    """Start restoring an image out of band."""
    client.update_image_storage_class(
        repositoryName=REPO, imageId={"imageTag": tag}, targetStorageClass="STANDARD"
    )


def test_create_archives_an_active_image_with_one_read_and_one_write(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """Archiving an ACTIVE image costs one DescribeImages and one update."""
    digest = ecr_emulator.push_image(REPO, "v1")
    ecr_emulator.reset_counters()

    _news, created = deploy(driver, image_tag="v1", storage_class="archive")

    assert created.id == f"{REPO}@{digest}"
    assert created.outs["image_digest"] == digest
    assert created.outs["image_tags"] == ["v1"]
    assert created.outs["image_status"] == "ARCHIVED"
    assert created.outs["last_archived_at"] is not None
    assert created.outs["storage_class"] == "ARCHIVE"
    assert ecr_emulator.image_status(REPO, digest) == "ARCHIVED"
    assert calls(ecr_emulator) == {"DescribeImages": 1, "UpdateImageStorageClass": 1}


def test_create_on_an_image_already_archived_only_reads(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """An image already in the wanted class is read once and not updated."""
    ecr_emulator.push_image(REPO, "v1")
    archive(ecr_client, "v1")
    ecr_emulator.reset_counters()

    _news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")

    assert created.outs["image_status"] == "ARCHIVED"
    assert calls(ecr_emulator) == {"DescribeImages": 1}


def test_rerunning_the_same_inputs_makes_no_change(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """A second deployment diffs empty, and an update anyway only reads."""
    ecr_emulator.push_image(REPO, "v1")
    news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")
    ecr_emulator.reset_counters()

    diff = driver.diff(created.id, created.outs, news)
    outs = driver.update(created.id, created.outs, news)

    assert diff.changes == "none"
    assert outs["image_status"] == "ARCHIVED"
    # One read for the tag in diff (has it moved?), one read in update.
    assert calls(ecr_emulator) == {"DescribeImages": 2}


def test_restore_returns_once_the_image_can_be_pulled(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """STANDARD on an archived image restores it and polls until it is ACTIVE."""
    digest = ecr_emulator.push_image(REPO, "v1")
    archive(ecr_client, "v1")
    ecr_emulator.reset_counters()

    _news, created = deploy(driver, image_digest=digest, storage_class="STANDARD")

    assert created.outs["image_status"] == "ACTIVE"
    assert created.outs["last_activated_at"] is not None
    assert ecr_emulator.image_status(REPO, digest) == "ACTIVE"
    assert calls(ecr_emulator) == {
        "DescribeImages": 1 + RESTORE_POLLS,
        "UpdateImageStorageClass": 1,
    }


def test_restore_without_waiting_returns_activating(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """With wait_for_active false a restore returns as soon as ECR accepts it."""
    ecr_emulator.push_image(REPO, "v1")
    archive(ecr_client, "v1")
    ecr_emulator.reset_counters()

    _news, created = deploy(
        driver, image_tag="v1", storage_class="STANDARD", wait_for_active=False
    )

    assert created.outs["image_status"] == "ACTIVATING"
    assert calls(ecr_emulator) == {"DescribeImages": 1, "UpdateImageStorageClass": 1}


def test_an_activating_image_is_waited_for_then_archived(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """ECR refuses to archive an ACTIVATING image, so the provider waits first."""
    digest = ecr_emulator.push_image(REPO, "v1")
    archive(ecr_client, "v1")
    restore(ecr_client, "v1")
    ecr_emulator.reset_counters()

    _news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")

    assert created.outs["image_status"] == "ARCHIVED"
    assert ecr_emulator.image_status(REPO, digest) == "ARCHIVED"
    assert calls(ecr_emulator) == {
        "DescribeImages": 1 + RESTORE_POLLS,
        "UpdateImageStorageClass": 1,
    }


def test_an_activating_image_wanted_standard_is_only_waited_for(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A restore already under way is not started again, only waited for."""
    ecr_emulator.push_image(REPO, "v1")
    archive(ecr_client, "v1")
    restore(ecr_client, "v1")
    ecr_emulator.reset_counters()

    _news, created = deploy(driver, image_tag="v1", storage_class="STANDARD")

    assert created.outs["image_status"] == "ACTIVE"
    assert calls(ecr_emulator) == {"DescribeImages": 1 + RESTORE_POLLS}


def test_a_restore_that_outlasts_the_timeout_fails_with_the_last_status(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A timeout shorter than the restore fails, saying the image is ACTIVATING."""
    ecr_emulator.push_image(REPO, "v1")
    archive(ecr_client, "v1")
    news = checked(
        driver, image_tag="v1", storage_class="STANDARD", timeout_seconds=300
    )

    with pytest.raises(ProviderCallError) as raised:
        driver.create(news)

    assert "WaitTimeoutError" in raised.value.details
    assert "last status: ACTIVATING" in raised.value.details


def test_a_missing_repository_fails_naming_the_repository(
    driver: ProviderDriver,
) -> None:
    """Create in a repository that does not exist says the repository is missing."""
    news = checked(driver, image_tag="v1", storage_class="ARCHIVE")

    with pytest.raises(ProviderCallError) as raised:
        driver.create(news)

    assert "RepositoryNotFoundError" in raised.value.details
    assert REPO in raised.value.details


def test_a_missing_image_fails_naming_the_image(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """Create with a tag the repository lacks says the image is missing."""
    ecr_emulator.push_image(REPO, "v1")
    news = checked(driver, image_tag="v9", storage_class="ARCHIVE")

    with pytest.raises(ProviderCallError) as raised:
        driver.create(news)

    assert "ImageNotFoundError" in raised.value.details
    assert "v9" in raised.value.details


def test_refresh_shows_an_out_of_band_restore_and_the_next_update_reverts_it(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Drift seen by read is an update in diff, and update archives again."""
    digest = ecr_emulator.push_image(REPO, "v1")
    news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")
    restore(ecr_client, "v1")

    read = driver.read(created.id, created.outs)
    diff = driver.diff(created.id, read.outs, news)
    outs = driver.update(created.id, read.outs, news)

    assert read.id == created.id
    assert read.outs["image_status"] == "ACTIVATING"
    assert diff.changes == "some"
    assert diff.replaces == ()
    assert outs["image_status"] == "ARCHIVED"
    assert ecr_emulator.image_status(REPO, digest) == "ARCHIVED"


def test_read_costs_one_call_and_reports_ecr_timestamps(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """Refresh reads the pinned digest once and reports ECR's own archive time."""
    ecr_emulator.push_image(REPO, "v1")
    _news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")
    ecr_emulator.reset_counters()

    read = driver.read(created.id, created.outs)

    assert read.outs["image_status"] == "ARCHIVED"
    assert read.outs["last_archived_at"].startswith(
        ecr_emulator.now().date().isoformat()
    )
    assert read.inputs is None
    assert calls(ecr_emulator) == {"DescribeImages": 1}


def test_a_deleted_image_leaves_the_stack_on_refresh(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Read of an image deleted out of band answers "gone"."""
    digest = ecr_emulator.push_image(REPO, "v1")
    _news, created = deploy(driver, image_tag="v1", storage_class="STANDARD")
    ecr_client.batch_delete_image(
        repositoryName=REPO, imageIds=[{"imageDigest": digest}]
    )

    read = driver.read(created.id, created.outs)

    assert read.id == ""
    assert read.outs == {}


def test_a_deleted_repository_leaves_the_stack_on_refresh(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Read of an image whose repository is gone answers "gone" too."""
    ecr_emulator.push_image(REPO, "v1")
    _news, created = deploy(driver, image_tag="v1", storage_class="STANDARD")
    ecr_client.delete_repository(repositoryName=REPO, force=True)

    read = driver.read(created.id, created.outs)

    assert read.id == ""


def test_a_tag_moved_to_another_image_is_a_replacement_on_image_digest(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """The pinned digest is kept; the move shows in diff instead of being followed."""
    first = ecr_emulator.push_image(REPO, "v1", content="first build")
    news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")
    second = ecr_emulator.push_image(REPO, "v1", content="second build")
    ecr_emulator.reset_counters()

    diff = driver.diff(created.id, created.outs, news)
    diff_calls = calls(ecr_emulator)
    read = driver.read(created.id, created.outs)

    assert second != first
    assert diff.changes == "some"
    assert diff.replaces == ("image_digest",)
    assert diff.delete_before_replace is False
    assert diff_calls == {"DescribeImages": 1}
    # Refresh keeps the pinned image and shows the tag has left it.
    assert read.outs["image_digest"] == first
    assert read.outs["image_tags"] == []
    assert ecr_emulator.image_status(REPO, first) == "ARCHIVED"
    assert ecr_emulator.image_status(REPO, second) == "ACTIVE"


def test_accepting_the_replacement_manages_the_image_the_tag_now_names(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """Create-before-delete: the new image is converged, the old one left as is."""
    first = ecr_emulator.push_image(REPO, "v1", content="first build")
    news, old = deploy(driver, image_tag="v1", storage_class="ARCHIVE")
    second = ecr_emulator.push_image(REPO, "v1", content="second build")

    new = driver.create(news)
    driver.delete(old.id, old.outs)

    assert new.outs["image_digest"] == second
    assert new.id != old.id
    assert ecr_emulator.image_status(REPO, second) == "ARCHIVED"
    assert ecr_emulator.image_status(REPO, first) == "ARCHIVED"


@pytest.mark.parametrize(
    ("change", "replaced", "reads"),
    [
        ({"repository_name": "team/web"}, ("repository_name",), 0),
        ({"registry_id": "210987654321"}, ("registry_id",), 0),
        ({"image_tag": "v2"}, ("image_tag",), 1),
        ({"image_tag": "v3"}, ("image_tag",), 1),
        (
            {"image_tag": None, "image_digest": "sha256:" + "b" * 64},
            ("image_digest",),
            0,
        ),
    ],
)
def test_naming_another_image_is_a_replacement(
    driver: ProviderDriver,
    ecr_emulator: Emulator,
    change: dict[str, Any],
    replaced: tuple[str, ...],
    reads: int,
) -> None:
    """Another repository, registry, or another image's tag or digest replaces."""
    ecr_emulator.push_image(REPO, "v1")
    ecr_emulator.push_image(REPO, "v2")
    news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")
    ecr_emulator.reset_counters()

    diff = driver.diff(created.id, created.outs, {**news, **change})

    assert diff.changes == "some"
    assert diff.replaces == replaced
    assert calls(ecr_emulator).get("DescribeImages", 0) == reads


def test_naming_the_same_image_differently_is_an_update(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Its digest instead of its tag, or another of its tags, keeps the resource."""
    digest = ecr_emulator.push_image(REPO, "v1")
    manifest = ecr_client.batch_get_image(
        repositoryName=REPO, imageIds=[{"imageTag": "v1"}]
    )["images"][0]["imageManifest"]
    ecr_client.put_image(repositoryName=REPO, imageManifest=manifest, imageTag="stable")
    news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")
    by_digest = {**news, "image_tag": None, "image_digest": digest}
    by_other_tag = {**news, "image_tag": "stable"}

    diffs = [
        driver.diff(created.id, created.outs, n) for n in (by_digest, by_other_tag)
    ]
    outs = driver.update(created.id, created.outs, by_digest)

    assert [(d.changes, d.replaces) for d in diffs] == [("some", ()), ("some", ())]
    assert outs["image_digest"] == digest
    assert outs.get("image_tag") is None
    assert outs["image_status"] == "ARCHIVED"


def test_an_unknown_tag_in_a_preview_is_a_replacement(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """A tag another resource will produce may name another image: replace."""
    ecr_emulator.push_image(REPO, "v1")
    news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")

    diff = driver.diff(created.id, created.outs, {**news, "image_tag": UNKNOWN})

    assert diff.changes == "some"
    assert diff.replaces == ("image_tag",)


@pytest.mark.parametrize(
    "name", ["storage_class", "wait_for_active", "timeout_seconds", "on_delete"]
)
def test_a_setting_unknown_in_a_preview_is_an_update(
    driver: ProviderDriver, ecr_emulator: Emulator, name: str
) -> None:
    """A setting another resource will produce changes the image in place."""
    ecr_emulator.push_image(REPO, "v1")
    news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")

    diff = driver.diff(created.id, created.outs, {**news, name: UNKNOWN})

    assert diff.changes == "some"
    assert diff.replaces == ()


def test_a_new_digest_replaces_a_digest_named_image(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """Changing image_digest is a replacement on image_digest."""
    digest = ecr_emulator.push_image(REPO, "v1")
    news, created = deploy(driver, image_digest=digest, storage_class="ARCHIVE")

    diff = driver.diff(
        created.id, created.outs, {**news, "image_digest": "sha256:" + "c" * 64}
    )

    assert diff.replaces == ("image_digest",)


@pytest.mark.parametrize(
    "change",
    [
        {"storage_class": "STANDARD"},
        {"wait_for_active": False},
        {"timeout_seconds": 60.0},
        {"on_delete": "restore"},
    ],
)
def test_a_settings_change_is_an_update(
    driver: ProviderDriver, ecr_emulator: Emulator, change: dict[str, Any]
) -> None:
    """Storage class and settings changes update in place."""
    digest = ecr_emulator.push_image(REPO, "v1")
    news, created = deploy(driver, image_digest=digest, storage_class="ARCHIVE")

    diff = driver.diff(created.id, created.outs, {**news, **change})

    assert diff.changes == "some"
    assert diff.replaces == ()


def test_update_to_standard_restores_and_returns_every_output(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """An update keeps the pinned digest and returns all inputs and outputs."""
    digest = ecr_emulator.push_image(REPO, "v1")
    news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")
    ecr_emulator.reset_counters()

    outs = driver.update(
        created.id, created.outs, {**news, "storage_class": "STANDARD"}
    )

    assert outs.keys() >= OUTPUT_NAMES
    assert outs["image_digest"] == digest
    assert outs["image_status"] == "ACTIVE"
    assert outs["storage_class"] == "STANDARD"
    assert outs["image_tag"] == "v1"
    assert calls(ecr_emulator) == {
        "DescribeImages": 1 + RESTORE_POLLS,
        "UpdateImageStorageClass": 1,
    }


def test_delete_leaves_the_image_as_it_is_by_default(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """Removing the resource makes no ECR call and the image stays archived."""
    digest = ecr_emulator.push_image(REPO, "v1")
    _news, created = deploy(driver, image_tag="v1", storage_class="ARCHIVE")
    ecr_emulator.reset_counters()

    driver.delete(created.id, created.outs)

    assert calls(ecr_emulator) == {}
    assert ecr_emulator.image_status(REPO, digest) == "ARCHIVED"


def test_delete_with_on_delete_restore_restores_the_image(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """on_delete "restore" brings the image back to STANDARD and waits for it."""
    digest = ecr_emulator.push_image(REPO, "v1")
    _news, created = deploy(
        driver, image_tag="v1", storage_class="ARCHIVE", on_delete="restore"
    )
    ecr_emulator.reset_counters()

    driver.delete(created.id, created.outs)

    assert ecr_emulator.image_status(REPO, digest) == "ACTIVE"
    assert calls(ecr_emulator) == {
        "DescribeImages": 1 + RESTORE_POLLS,
        "UpdateImageStorageClass": 1,
    }


def test_delete_with_restore_of_a_deleted_image_succeeds(
    driver: ProviderDriver, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Nothing to restore is not an error: the resource can still be removed."""
    digest = ecr_emulator.push_image(REPO, "v1")
    _news, created = deploy(
        driver, image_tag="v1", storage_class="STANDARD", on_delete="restore"
    )
    ecr_client.batch_delete_image(
        repositoryName=REPO, imageIds=[{"imageDigest": digest}]
    )

    driver.delete(created.id, created.outs)


@pytest.mark.parametrize(
    ("operation", "kind"),
    [
        ("DescribeImages", "throttle"),
        ("DescribeImages", "server"),
        ("UpdateImageStorageClass", "throttle"),
        ("UpdateImageStorageClass", "server"),
    ],
)
def test_a_transient_ecr_error_is_retried(
    driver: ProviderDriver, ecr_emulator: Emulator, operation: str, kind: str
) -> None:
    """One throttled or failed request is retried and the change goes through."""
    digest = ecr_emulator.push_image(REPO, "v1")
    ecr_emulator.reset_counters()
    ecr_emulator.inject_fault(operation, kind, times=1)

    deploy(driver, image_tag="v1", storage_class="ARCHIVE")

    assert ecr_emulator.image_status(REPO, digest) == "ARCHIVED"
    expected = {"DescribeImages": 1, "UpdateImageStorageClass": 1}
    expected[operation] += 1
    assert calls(ecr_emulator) == expected


@pytest.mark.parametrize(
    ("kind", "error"), [("throttle", "ThrottledError"), ("server", "ServiceError")]
)
def test_a_lasting_ecr_error_fails_with_what_to_do(
    ecr_emulator: Emulator, aws_env: None, kind: str, error: str
) -> None:
    """When every retry fails, the error names its kind, code and a next step."""
    driver = ProviderDriver(
        InProcessServicer(), make_provider(ecr_emulator, max_attempts=2)
    )
    driver.configure(stack_config(ecr_emulator.endpoint_url))
    ecr_emulator.push_image(REPO, "v1")
    news = checked(driver, image_tag="v1", storage_class="ARCHIVE")
    ecr_emulator.reset_counters()
    ecr_emulator.inject_fault("DescribeImages", kind, times=None)

    with pytest.raises(ProviderCallError) as raised:
        driver.create(news)

    assert error in raised.value.details
    assert "retry later" in raised.value.details
    assert calls(ecr_emulator) == {"DescribeImages": 2}


def test_concurrent_creates_share_one_provider_safely(
    driver: ProviderDriver, ecr_emulator: Emulator
) -> None:
    """Eight creates on four threads, as the servicer runs them, all converge."""
    tags = [f"v{number}" for number in range(8)]
    digests = {tag: ecr_emulator.push_image(REPO, tag) for tag in tags}
    inputs = {
        tag: checked(driver, image_tag=tag, storage_class="ARCHIVE") for tag in tags
    }
    ecr_emulator.reset_counters()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(tags, pool.map(driver.create, inputs.values()), strict=True))

    assert {tag: r.outs["image_digest"] for tag, r in results.items()} == digests
    assert all(
        ecr_emulator.image_status(REPO, d) == "ARCHIVED" for d in digests.values()
    )
    assert calls(ecr_emulator) == {"DescribeImages": 8, "UpdateImageStorageClass": 8}


@pytest.mark.parametrize(
    ("wanted", "status"), [("ARCHIVE", "ARCHIVED"), ("STANDARD", "ACTIVATING")]
)
def test_two_resources_racing_on_one_image_both_converge(
    driver: ProviderDriver,
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    wanted: str,
    status: str,
) -> None:
    """A change made between the provider's read and its write counts as done.

    ECR refuses to archive an archived image or restore a restoring one; when
    another resource or a person got there first, the image has converged.
    """
    digest = ecr_emulator.push_image(REPO, "v1")
    if wanted == "STANDARD":
        archive(ecr_client, "v1")
    settings = {"storage_class": wanted, "wait_for_active": False}
    inputs = [
        checked(driver, image_tag="v1", **settings),
        checked(driver, image_digest=digest, **settings),
    ]
    # Both reads are answered before either write, as when two threads overlap.
    ecr_emulator.inject_fault("DescribeImages", "latency", times=2, latency=0.5)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(driver.create, inputs))

    assert [r.outs["image_status"] for r in results] == [status, status]
    assert ecr_emulator.image_status(REPO, digest) == status


def test_the_pickled_provider_holds_no_credentials_or_endpoint(
    monkeypatch: pytest.MonkeyPatch, ecr_emulator: Emulator, aws_env: None
) -> None:
    """Secrets and endpoints set in the environment never reach the stack state."""
    secret = "wJalrXUtnFEMI-never-in-state"
    endpoint = "http://127.0.0.1:1/never-in-state"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.setenv("AWS_SESSION_TOKEN", secret + "-token")
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", endpoint)
    servicer = InProcessServicer()
    driver = ProviderDriver(servicer, ImageStorageClassProvider())
    driver.configure(stack_config(ecr_emulator.endpoint_url))
    ecr_emulator.push_image(REPO, "v1")
    deploy(driver, image_tag="v1", storage_class="STANDARD")
    # The instance the servicer unpickled and configured, pickled once more.
    configured = servicer.module._PROVIDER_CACHE[driver.provider_text]

    for text in (driver.provider_text, serialized_provider(configured)):
        pickled = base64.b64decode(text)
        assert secret.encode() not in pickled
        assert endpoint.encode() not in pickled
        assert ecr_emulator.endpoint_url.encode() not in pickled
        assert b"components._image_storage_class_provider" in pickled
