"""The HTTP control surface under /_emulator/, through `ControlClient` and raw HTTP."""

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import ControlClient, ControlError, Emulator
from tests.emulator.conftest import REPOSITORY


@pytest.fixture
def control(ecr_emulator: Emulator) -> ControlClient:
    """A control client for the test's emulator."""
    return ControlClient(ecr_emulator.endpoint_url)


def test_health_reports_ok(control: ControlClient) -> None:
    """GET /_emulator/health answers status ok."""
    assert control.health()["status"] == "ok"


def test_clock_reads_and_advances(
    control: ControlClient, ecr_emulator: Emulator
) -> None:
    """The clock routes read the emulator time and move it forward."""
    before = control.now()

    after = control.advance(timedelta(days=2))

    assert timedelta(days=2) <= after - before < timedelta(days=2, seconds=1)
    assert timedelta() <= ecr_emulator.now() - after < timedelta(seconds=1)


def test_faults_set_list_and_clear(
    control: ControlClient, ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A fault set over HTTP hits boto3 calls, shows in the list and clears."""
    fault = control.inject_fault("DescribeRepositories", "server", times=None)
    assert fault == {
        "operation": "DescribeRepositories",
        "kind": "server",
        "remaining": None,
        "latency": 0.0,
    }
    assert control.faults() == [fault]
    with pytest.raises(ClientError):
        ecr_client.describe_repositories()

    control.clear_faults()

    assert control.faults() == []
    assert ecr_client.describe_repositories()["repositories"] == []


def test_counters_read_and_reset(control: ControlClient, ecr_client: ECRClient) -> None:
    """The counters route reports calls per operation and resets them."""
    ecr_client.describe_repositories()

    assert control.counters() == {"DescribeRepositories": 1}
    control.reset_counters()
    assert control.counters() == {}


def test_settings_change_delay_and_strictness(
    control: ControlClient, ecr_emulator: Emulator
) -> None:
    """The settings route changes the activation delay and strict delete."""
    reply = control.configure(
        activation_delay=timedelta(seconds=30), strict_delete=False
    )

    assert reply == {"activation_delay": 30.0, "strict_delete": False}
    assert ecr_emulator.activation_delay == timedelta(seconds=30)
    assert ecr_emulator.strict_delete is False


def test_push_and_reset(control: ControlClient, ecr_client: ECRClient) -> None:
    """Images pushed over the control surface are visible; reset removes them."""
    pushed_at = datetime(2025, 11, 20, tzinfo=UTC)
    digest = control.push_image(REPOSITORY, "v1", size=42, pushed_at=pushed_at)

    detail = ecr_client.describe_images(repositoryName=REPOSITORY)["imageDetails"][0]
    assert (detail["imageDigest"], detail["imageSizeInBytes"]) == (digest, 42)
    assert detail["imagePushedAt"] == pushed_at

    control.reset()
    assert ecr_client.describe_repositories()["repositories"] == []


@pytest.mark.parametrize(
    ("method", "route", "body", "status"),
    [
        ("GET", "nowhere", None, 404),
        ("POST", "clock/advance", {"seconds": "soon"}, 400),
        ("POST", "clock/advance", {"seconds": -5}, 400),
        ("POST", "faults", {"operation": "ListImages", "kind": "boom"}, 400),
        ("POST", "faults", {"kind": "throttle"}, 400),
        ("POST", "images", {"repository": "Not A Name!"}, 400),
        ("POST", "reset", [1, 2], 400),
    ],
)
def test_bad_control_requests_get_json_errors(
    ecr_emulator: Emulator,
    method: str,
    route: str,
    body: object,
    status: int,
) -> None:
    """Unknown routes answer 404 and bad input 400, each with an error message."""
    request = urllib.request.Request(
        f"{ecr_emulator.endpoint_url}/_emulator/{route}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
    )

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)

    assert caught.value.code == status
    assert json.loads(caught.value.read())["error"]


def test_control_client_raises_control_error(control: ControlClient) -> None:
    """ControlClient turns an error answer into ControlError with its message."""
    with pytest.raises(ControlError, match="times must be at least 1"):
        control.inject_fault("ListImages", "throttle", times=0)
