"""pytest fixtures that start the local ECR endpoint.

One emulator is served per test session, started the first time a test asks for
it; `ecr_emulator` resets it before each test, so every test starts with no
repositories, no faults, zero counters, the default settings and a reset clock.
Modules are imported inside the fixtures so that the plugin costs nothing in test
runs that do not use it.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from emulator._emulator import Emulator

#: The access key and secret every fixture-made client signs with.
DUMMY_KEY = "test"
REGION = "us-east-1"


@pytest.fixture(scope="session")
def _ecr_emulator_session() -> Iterator["Emulator"]:
    from emulator._server import serve  # noqa: PLC0415

    with serve(region=REGION) as emulator:
        yield emulator


@pytest.fixture
def ecr_emulator(_ecr_emulator_session: "Emulator") -> "Emulator":
    """A served ECR emulator in a fresh state (reset before the test)."""
    _ecr_emulator_session.reset()

    return _ecr_emulator_session


@pytest.fixture
def ecr_client(ecr_emulator: "Emulator") -> "ECRClient":
    """A boto3 ECR client for `ecr_emulator`: dummy credentials, us-east-1."""
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    return boto3.client(
        "ecr",
        endpoint_url=ecr_emulator.endpoint_url,
        region_name=REGION,
        aws_access_key_id=DUMMY_KEY,
        aws_secret_access_key=DUMMY_KEY,
        config=Config(retries={"mode": "standard"}),
    )


@pytest.fixture
def ecr_environment(
    ecr_emulator: "Emulator", monkeypatch: pytest.MonkeyPatch
) -> "Emulator":
    """Point every boto3 client made during the test at `ecr_emulator`.

    Sets AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_STS, dummy credentials and the
    region in the environment (restored after the test), for code that builds its
    own clients.
    """
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", ecr_emulator.endpoint_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", ecr_emulator.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)

    return ecr_emulator
