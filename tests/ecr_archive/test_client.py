"""The client factory: retries, user agent, region, endpoint."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from ecr_archive import MAX_ATTEMPTS, ConfigurationError, make_client
from ecr_archive.client import add_client_options


@pytest.fixture(autouse=True)
def _dummy_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_client_uses_standard_retries_with_five_attempts() -> None:
    """Calls are retried in botocore's standard mode, five attempts in all."""
    config: Any = make_client(region="us-east-1").meta.config

    assert config.retries == {"mode": "standard", "total_max_attempts": 5}
    assert MAX_ATTEMPTS == 5


def test_client_identifies_itself_in_the_user_agent() -> None:
    """Requests carry ecr-archive in the User-Agent, which CloudTrail records."""
    config: Any = make_client(region="us-east-1").meta.config

    assert config.user_agent_extra == "ecr-archive"


@pytest.mark.parametrize(
    ("region", "endpoint_url", "expected"),
    [
        ("eu-west-1", None, "https://api.ecr.eu-west-1.amazonaws.com"),
        ("us-east-1", "http://127.0.0.1:5000", "http://127.0.0.1:5000"),
    ],
)
def test_client_endpoint_follows_region_and_override(
    region: str, endpoint_url: str | None, expected: str
) -> None:
    """The endpoint is the region's public one unless an endpoint URL is given."""
    client = make_client(region=region, endpoint_url=endpoint_url)

    assert client.meta.endpoint_url == expected
    assert client.meta.region_name == region


def test_client_reads_the_ecr_endpoint_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AWS_ENDPOINT_URL_ECR points the client at a local endpoint without a flag."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:5999")

    assert make_client(region="us-east-1").meta.endpoint_url == "http://127.0.0.1:5999"


def test_unknown_profile_is_a_configuration_error() -> None:
    """A profile that does not exist raises ConfigurationError, not a botocore error."""
    with pytest.raises(ConfigurationError, match="no-such-profile"):
        make_client(region="us-east-1", profile="no-such-profile")


def test_client_options_are_the_keywords_of_make_client() -> None:
    """`--region`, `--profile` and `--endpoint-url` parse into make_client's names."""
    parser = argparse.ArgumentParser()
    add_client_options(parser.add_argument_group("AWS options"))

    args = parser.parse_args(
        ["--region", "eu-west-1", "--profile", "ops", "--endpoint-url", "http://e"]
    )

    assert vars(args) == {
        "region": "eu-west-1",
        "profile": "ops",
        "endpoint_url": "http://e",
    }
    assert vars(parser.parse_args([])) == dict.fromkeys(vars(args))


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"AWS_REGION": "eu-central-1"}, "eu-central-1"),
        ({"AWS_DEFAULT_REGION": "ap-south-1"}, "ap-south-1"),
        (
            {"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "ap-south-1"},
            "eu-central-1",
        ),
    ],
)
def test_client_takes_the_region_from_aws_region_then_aws_default_region(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    """AWS_REGION counts as it does for the AWS CLI and pulumi-aws."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    assert make_client().meta.region_name == expected


def test_missing_region_says_how_to_set_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without any region the error names the flag and the variable to set."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")

    with pytest.raises(ConfigurationError, match="pass --region, or set AWS_REGION"):
        make_client()
