"""Injected faults and the per-operation counters, seen through boto3's retries."""

import time

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY, client_for


def _client(emulator: Emulator, attempts: int) -> ECRClient:
    return client_for(emulator.endpoint_url, attempts=attempts)


@pytest.mark.parametrize("kind", ["throttle", "server"])
def test_retried_fault_is_counted_and_then_succeeds(
    ecr_emulator: Emulator, kind: str
) -> None:
    """botocore retries one fault; the counter shows both attempts."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    client = _client(ecr_emulator, attempts=2)
    ecr_emulator.inject_fault("DescribeImages", kind, times=1)

    reply = client.describe_images(repositoryName=REPOSITORY)

    assert reply["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(reply["imageDetails"]) == 1
    assert ecr_emulator.counters() == {"DescribeImages": 2}


@pytest.mark.parametrize(
    ("kind", "code", "status"),
    [("throttle", "ThrottlingException", 400), ("server", "ServerException", 500)],
)
def test_persistent_fault_surfaces_after_the_retries(
    ecr_emulator: Emulator, kind: str, code: str, status: int
) -> None:
    """A fault on every attempt reaches the caller with its code and status."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    client = _client(ecr_emulator, attempts=2)
    ecr_emulator.inject_fault("ListImages", kind, times=None)

    with pytest.raises(ClientError) as caught:
        client.list_images(repositoryName=REPOSITORY)

    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert ecr_emulator.counters() == {"ListImages": 2}


def test_fault_hits_only_its_operation(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A fault for one operation leaves the others alone and stays queued."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    ecr_emulator.inject_fault("BatchGetImage", "throttle", times=3)

    ecr_client.describe_images(repositoryName=REPOSITORY)

    assert [fault.remaining for fault in ecr_emulator.faults.pending()] == [3]


def test_wildcard_fault_hits_any_operation(ecr_emulator: Emulator) -> None:
    """A fault for "*" applies to whichever operation comes next."""
    client = _client(ecr_emulator, attempts=1)
    ecr_emulator.inject_fault("*", "server", times=1)

    with pytest.raises(ClientError) as caught:
        client.describe_repositories()

    assert caught.value.response["Error"]["Code"] == "ServerException"
    assert ecr_emulator.faults.pending() == []


def test_latency_fault_delays_then_succeeds(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A latency fault holds the answer back for the given time."""
    ecr_client.create_repository(repositoryName=REPOSITORY)
    ecr_emulator.inject_fault("DescribeRepositories", "latency", latency=0.3)

    started = time.perf_counter()
    reply = ecr_client.describe_repositories()
    elapsed = time.perf_counter() - started

    assert len(reply["repositories"]) == 1
    assert elapsed >= 0.3


def test_clear_faults_drops_pending_faults(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """clear_faults() removes every queued fault, so the next call succeeds."""
    ecr_emulator.inject_fault("DescribeRepositories", "server", times=None)

    ecr_emulator.clear_faults()

    assert ecr_client.describe_repositories()["repositories"] == []


def test_counters_count_each_operation_and_reset(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Each request adds one to its operation; reset_counters() zeroes them."""
    ecr_client.create_repository(repositoryName=REPOSITORY)
    ecr_client.describe_images(repositoryName=REPOSITORY)
    ecr_client.describe_images(repositoryName=REPOSITORY)
    with pytest.raises(ClientError):
        ecr_client.describe_images(repositoryName="missing-repo")

    assert ecr_emulator.counters() == {"CreateRepository": 1, "DescribeImages": 3}
    ecr_emulator.reset_counters()
    assert ecr_emulator.counters() == {}


def test_push_image_is_not_counted(ecr_emulator: Emulator) -> None:
    """Seeding with push_image bypasses HTTP and leaves the counters alone."""
    ecr_emulator.push_image(REPOSITORY, "v1")

    assert ecr_emulator.counters() == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "explode"}, "explode"),
        ({"kind": "throttle", "times": 0}, "times"),
        ({"kind": "latency", "latency": -1.0}, "negative"),
    ],
)
def test_bad_fault_requests_are_refused(
    ecr_emulator: Emulator, kwargs: dict[str, object], message: str
) -> None:
    """Unknown kinds, zero times and negative latency raise ValueError."""
    with pytest.raises(ValueError, match=message):
        ecr_emulator.inject_fault("DescribeImages", **kwargs)  # type: ignore[arg-type]
