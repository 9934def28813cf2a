"""The boto3 layer against the local ECR endpoint over HTTP, path by path."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ecr_archive import (
    Backoff,
    ImageRef,
    ImageStatus,
    RepositoryNotFoundError,
    ServiceError,
    StorageClassUpdateNotSupportedError,
    ThrottledError,
    WaitTimeoutError,
    archive_image,
    describe_image,
    list_images,
    make_client,
    restore_image,
    wait_until_active,
)
from tests.ecr_archive.conftest import EmulatorTime, fixed

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from emulator import Emulator

RESTORE_DELAY = 550.0  # the lab's 9 min 10 s


def _archived(emulator: Emulator, client: ECRClient, text: str) -> ImageRef:
    repository, _, tag = text.partition(":")
    emulator.push_image(repository, tag)
    ref = ImageRef.parse(text)
    archive_image(client, ref)

    return ref


def test_missing_repository_raises_with_request_id(ecr_client: ECRClient) -> None:
    """DescribeImages on a missing repository raises, keeping AWS's request id."""
    with pytest.raises(RepositoryNotFoundError) as caught:
        describe_image(ecr_client, ImageRef.parse("nowhere:v1"))

    assert caught.value.operation == "DescribeImages"
    assert caught.value.request_id
    assert caught.value.http_status == 400


def test_missing_image_is_none(ecr_emulator: Emulator, ecr_client: ECRClient) -> None:
    """A tag that does not exist in an existing repository reads as None."""
    ecr_emulator.push_image("app", "v1")

    assert describe_image(ecr_client, ImageRef.parse("app:v2")) is None


def test_describe_by_digest_and_by_tag_agree(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """The same image read by tag and by digest gives the same state."""
    digest = ecr_emulator.push_image("team/app", "v1", size=3_400_000)

    by_tag = describe_image(ecr_client, ImageRef.parse("team/app:v1"))
    by_digest = describe_image(ecr_client, ImageRef.parse(f"team/app@{digest}"))

    assert by_tag == by_digest
    assert by_tag is not None
    assert (by_tag.digest, by_tag.tags, by_tag.size) == (digest, ("v1",), 3_400_000)
    assert by_tag.status is ImageStatus.ACTIVE


def test_archive_is_immediate_and_visible_with_status_any(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Archiving returns ARCHIVED and DescribeImages (ANY) shows the image archived."""
    ref = _archived(ecr_emulator, ecr_client, "app:v1")

    state = describe_image(ecr_client, ref)

    assert state is not None
    assert state.status is ImageStatus.ARCHIVED
    assert state.last_archived_at is not None
    assert not state.pullable


@pytest.mark.parametrize("restore_first", [False, True])
def test_archiving_twice_is_refused(
    ecr_emulator: Emulator, ecr_client: ECRClient, restore_first: bool
) -> None:
    """Archiving an ARCHIVED or ACTIVATING image raises the not-supported error."""
    ref = _archived(ecr_emulator, ecr_client, "app:v1")
    if restore_first:
        restore_image(ecr_client, ref)

    with pytest.raises(StorageClassUpdateNotSupportedError) as caught:
        archive_image(ecr_client, ref)

    assert caught.value.operation == "UpdateImageStorageClass"
    assert "DescribeImages" in caught.value.hint


def test_restore_then_wait_on_the_emulator_clock(
    ecr_emulator: Emulator, ecr_client: ECRClient, emulator_time: EmulatorTime
) -> None:
    """A restore returns ACTIVATING and the waiter sees ACTIVE once the delay passed."""
    ecr_emulator.activation_delay = RESTORE_DELAY
    ref = _archived(ecr_emulator, ecr_client, "app:v1")
    start = emulator_time.clock()

    assert restore_image(ecr_client, ref) is ImageStatus.ACTIVATING
    ecr_emulator.reset_counters()
    state = wait_until_active(
        ecr_client,
        ref,
        clock=emulator_time.clock,
        sleep=emulator_time.sleep,
        random=fixed(1.0),
    )

    waited = emulator_time.clock() - start
    assert state.status is ImageStatus.ACTIVE
    assert state.last_activated_at is not None
    assert RESTORE_DELAY <= waited < RESTORE_DELAY + 30.0
    # Sleeps of 2, 4, 8, 16 s, then 18 of 30 s reach 570 s: 23 polls in all.
    assert ecr_emulator.counters() == {"DescribeImages": 23}


def test_wait_times_out_with_the_last_status(
    ecr_emulator: Emulator, ecr_client: ECRClient, emulator_time: EmulatorTime
) -> None:
    """A restore longer than the timeout ends in WaitTimeoutError at the deadline."""
    ecr_emulator.activation_delay = RESTORE_DELAY
    ref = _archived(ecr_emulator, ecr_client, "app:v1")
    restore_image(ecr_client, ref)

    with pytest.raises(WaitTimeoutError) as caught:
        wait_until_active(
            ecr_client,
            ref,
            timeout=120.0,
            clock=emulator_time.clock,
            sleep=emulator_time.sleep,
        )

    assert caught.value.last_status == "ACTIVATING"
    assert caught.value.elapsed == pytest.approx(120.0, abs=1.0)
    assert sum(emulator_time.sleeps) == pytest.approx(120.0, abs=1.0)


def test_waiting_backs_off_between_polls(
    ecr_emulator: Emulator, ecr_client: ECRClient, emulator_time: EmulatorTime
) -> None:
    """Poll gaps grow from the initial bound to the maximum and stay there."""
    ecr_emulator.activation_delay = 100.0
    ref = _archived(ecr_emulator, ecr_client, "app:v1")
    restore_image(ecr_client, ref)

    wait_until_active(
        ecr_client,
        ref,
        backoff=Backoff(initial=1.0, multiplier=3.0, maximum=40.0),
        clock=emulator_time.clock,
        sleep=emulator_time.sleep,
        random=fixed(1.0),
    )

    assert emulator_time.sleeps == [1.0, 3.0, 9.0, 27.0, 40.0, 40.0]


def test_throttling_is_retried_by_standard_retries(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Two throttled DescribeImages calls are retried and the third succeeds."""
    ecr_emulator.push_image("app", "v1")
    ecr_emulator.inject_fault("DescribeImages", "throttle", times=2)

    state = describe_image(ecr_client, ImageRef.parse("app:v1"))

    assert state is not None
    assert ecr_emulator.counters() == {"DescribeImages": 3}


def test_throttling_beyond_the_attempts_raises_throttled(
    ecr_environment: Emulator,
) -> None:
    """When every attempt is throttled the caller gets ThrottledError with a hint."""
    ecr_environment.push_image("app", "v1")
    ecr_environment.inject_fault("DescribeImages", "throttle", times=None)
    client = _client(ecr_environment, max_attempts=2)

    with pytest.raises(ThrottledError) as caught:
        describe_image(client, ImageRef.parse("app:v1"))

    assert caught.value.code == "ThrottlingException"
    assert "DescribeImages" in caught.value.hint
    assert ecr_environment.counters() == {"DescribeImages": 2}


def test_server_errors_are_retried(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A ServerException (HTTP 500) on restore is retried and the restore happens."""
    ref = _archived(ecr_emulator, ecr_client, "app:v1")
    ecr_emulator.reset_counters()
    ecr_emulator.inject_fault("UpdateImageStorageClass", "server", times=1)

    assert restore_image(ecr_client, ref) is ImageStatus.ACTIVATING
    assert ecr_emulator.counters() == {"UpdateImageStorageClass": 2}


def test_server_errors_beyond_the_attempts_raise_service_error(
    ecr_environment: Emulator,
) -> None:
    """Persistent 500s end in ServiceError carrying the HTTP status."""
    ecr_environment.push_image("app", "v1")
    ecr_environment.inject_fault("DescribeImages", "server", times=None)
    client = _client(ecr_environment, max_attempts=2)

    with pytest.raises(ServiceError) as caught:
        describe_image(client, ImageRef.parse("app:v1"))

    assert (caught.value.code, caught.value.http_status) == ("ServerException", 500)


def test_list_images_pages_through_every_status(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Listing returns ACTIVE, ARCHIVED and ACTIVATING images, one call per page."""
    for tag in ("v1", "v2", "v3", "v4", "v5"):
        ecr_emulator.push_image("app", tag)
    archive_image(ecr_client, ImageRef.parse("app:v1"))
    archive_image(ecr_client, ImageRef.parse("app:v2"))
    restore_image(ecr_client, ImageRef.parse("app:v2"))
    ecr_emulator.reset_counters()

    images = list(list_images(ecr_client, "app", page_size=2))

    statuses = {state.tags[0]: state.status for state in images}
    assert statuses == {
        "v1": ImageStatus.ARCHIVED,
        "v2": ImageStatus.ACTIVATING,
        "v3": ImageStatus.ACTIVE,
        "v4": ImageStatus.ACTIVE,
        "v5": ImageStatus.ACTIVE,
    }
    assert ecr_emulator.counters() == {"DescribeImages": 3}


def test_list_images_of_a_missing_repository_raises(ecr_client: ECRClient) -> None:
    """Listing a repository that does not exist raises RepositoryNotFoundError."""
    with pytest.raises(RepositoryNotFoundError):
        list(list_images(ecr_client, "nowhere"))


def _client(emulator: Emulator, *, max_attempts: int) -> ECRClient:
    # ecr_environment has set dummy credentials and the endpoint in the environment.
    return make_client(region="us-east-1", max_attempts=max_attempts)
