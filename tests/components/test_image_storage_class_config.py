"""Where ImageStorageClassProvider sends ECR calls: the stack's `aws:` settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from components._image_storage_class_provider import AwsSettings
from emulator import Emulator
from tests.components.test_image_storage_class_provider import (
    REPO,
    aws_env,
    make_provider,
)
from tests.support.servicer import InProcessServicer, ProviderDriver

__all__ = ["aws_env"]

URL = "http://127.0.0.1:5000"


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


def test_a_named_profile_supplies_region_and_keys(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    ecr_emulator: Emulator,
    aws_env: None,
) -> None:
    """`aws:profile` selects the profile whose region and keys sign the calls."""
    config_file = tmp_path / "config"
    config_file.write_text("[profile deploy]\nregion = us-east-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[deploy]\naws_access_key_id = profilekey\naws_secret_access_key = secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    digest = ecr_emulator.push_image(REPO, "v1")
    driver = ProviderDriver(InProcessServicer(), make_provider(ecr_emulator))
    driver.configure(
        {
            "aws:profile": "deploy",
            "aws:endpoints": json.dumps([{"ecr": ecr_emulator.endpoint_url}]),
        }
    )

    news = driver.check({}, {"repository_name": REPO, "image_digest": digest})
    created = driver.create({**news.inputs, "storage_class": "ARCHIVE"})

    assert created.outs["image_status"] == "ARCHIVED"


def test_an_unknown_profile_fails_with_a_configuration_error(
    ecr_emulator: Emulator, aws_env: None
) -> None:
    """A profile that does not exist is reported as configuration, not as ECR."""
    driver = ProviderDriver(InProcessServicer(), make_provider(ecr_emulator))
    driver.configure({"aws:profile": "missing", "aws:region": "us-east-1"})
    news = driver.check(
        {}, {"repository_name": REPO, "image_tag": "v1", "storage_class": "ARCHIVE"}
    )

    with pytest.raises(Exception, match="ConfigurationError") as raised:
        driver.create(news.inputs)

    assert "missing" in str(raised.value)
