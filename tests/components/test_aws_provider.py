"""`AwsProvider` and `AwsSettings`: the stack's `aws:` settings, clients, pickling."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown
from pulumi.runtime import rpc

from components._aws_provider import AwsProvider, AwsSettings, is_unknown

URL = "http://127.0.0.1:5000"


class HookedProvider(AwsProvider):
    """A provider with one constructor argument of its own, as the real ones have."""

    def __init__(self, *, hook: str = "", max_attempts: int | None = None) -> None:
        super().__init__(max_attempts=max_attempts)
        self.hook = hook


def configured(config: dict[str, Any], **kwargs: Any) -> HookedProvider:
    """Return a provider configured with `config` as the engine would send it."""
    provider = HookedProvider(**kwargs)
    provider.configure(ConfigureRequest(Config(config, "ecr-archive")))

    return provider


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, AwsSettings()),
        ({"aws:region": "eu-west-1"}, AwsSettings(region="eu-west-1")),
        ({"aws:profile": "ops"}, AwsSettings(profile="ops")),
        # The engine sends object values as JSON text.
        ({"aws:endpoints": json.dumps([{"ecr": URL}])}, AwsSettings(endpoint_url=URL)),
        (
            {"aws:endpoints": [{"s3": "http://s3"}, {"ecr": URL}]},
            AwsSettings(endpoint_url=URL),
        ),
        ({"aws:endpoints": json.dumps([{"s3": "http://s3"}])}, AwsSettings()),
        ({"aws:endpoints": {"ecr": URL}}, AwsSettings(endpoint_url=URL)),
        ({"aws:region": "", "aws:endpoints": ""}, AwsSettings()),
        ({"aws:skipCredentialsValidation": "true"}, AwsSettings()),
    ],
)
def test_settings_are_read_from_the_aws_namespace(
    monkeypatch: pytest.MonkeyPatch, config: dict[str, Any], expected: AwsSettings
) -> None:
    """Region, profile and the `ecr` endpoint come from the keys pulumi-aws reads."""
    monkeypatch.delenv("AWS_REGION", raising=False)

    assert AwsSettings.from_config(config.get) == expected


def test_aws_region_in_the_environment_counts_like_pulumi_aws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without `aws:region`, AWS_REGION is used; the config wins when both exist."""
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    empty: dict[str, str] = {}

    assert AwsSettings.from_config(empty.get).region == "ap-south-1"
    assert (
        AwsSettings.from_config({"aws:region": "eu-west-1"}.get).region == "eu-west-1"
    )


def test_pickling_keeps_constructor_arguments_and_drops_settings_and_clients(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only what the constructor set reaches the stack state; the rest is rebuilt."""
    monkeypatch.delenv("AWS_REGION", raising=False)
    provider = configured(
        {"aws:region": "eu-west-1", "aws:endpoints": json.dumps([{"ecr": URL}])},
        hook="kept",
        max_attempts=2,
    )
    provider._client()

    assert provider.__getstate__() == {"hook": "kept", "max_attempts": 2}
    assert URL.encode() not in pickle.dumps(provider)
    copy = pickle.loads(pickle.dumps(provider))
    assert (copy.hook, copy.max_attempts) == ("kept", 2)
    assert copy.aws == AwsSettings()
    assert copy._clients == {}


def test_one_client_per_region_the_configured_one_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Clients are built once per region; no region means `aws:region`."""
    monkeypatch.delenv("AWS_REGION", raising=False)
    provider = configured(
        {"aws:region": "eu-west-1", "aws:endpoints": json.dumps([{"ecr": URL}])}
    )

    default = provider._client()
    other = provider._client("us-east-2")

    assert provider._client("eu-west-1") is default
    assert provider._client("us-east-2") is other
    assert default.meta.region_name == "eu-west-1"
    assert other.meta.region_name == "us-east-2"
    assert default.meta.endpoint_url == URL


def test_configure_drops_the_clients_built_for_older_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A second configure() sends the next call to the new endpoint."""
    monkeypatch.delenv("AWS_REGION", raising=False)
    provider = configured({"aws:region": "eu-west-1"})
    before = provider._client()

    provider.configure(
        ConfigureRequest(
            Config(
                {"aws:region": "eu-west-1", "aws:endpoints": {"ecr": URL}},
                "ecr-archive",
            )
        )
    )

    assert provider._client() is not before
    assert provider._client().meta.endpoint_url == URL


@pytest.mark.parametrize(
    ("value", "unknown"),
    [
        # pulumi declares no types for this constructor.
        (Unknown(), True),  # type: ignore[no-untyped-call]
        (rpc.UNKNOWN, True),
        ("team/api", False),
        (None, False),
        (True, False),
    ],
)
def test_unknown_values_are_told_apart(value: object, unknown: bool) -> None:
    """Both forms of a value the engine does not know yet count as unknown."""
    assert is_unknown(value) is unknown
