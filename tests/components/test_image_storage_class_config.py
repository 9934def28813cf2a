"""Where ImageStorageClassProvider sends ECR calls: the stack's `aws:` settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator import Emulator
from tests.components.test_image_storage_class_provider import REPO, make_provider
from tests.support.servicer import InProcessServicer, ProviderDriver


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
