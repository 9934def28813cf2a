"""The names `emulator` and its pytest plugin offer."""

import emulator
from emulator import pytest_plugin


def test_public_names_are_pinned() -> None:
    """emulator.__all__ lists exactly the supported public names."""
    assert sorted(emulator.__all__) == sorted(
        [
            "ANY_OPERATION",
            "DEFAULT_ACTIVATION_DELAY",
            "ControlClient",
            "ControlError",
            "Emulator",
            "EmulatorClock",
            "EmulatorServer",
            "Fault",
            "FaultKind",
            "ImageStatus",
            "serve",
        ]
    )
    assert all(hasattr(emulator, name) for name in emulator.__all__)


def test_plugin_defines_the_documented_fixtures() -> None:
    """The pytest plugin provides ecr_emulator, ecr_client and ecr_environment."""
    for name in ("ecr_emulator", "ecr_client", "ecr_environment"):
        assert callable(getattr(pytest_plugin, name))


def test_environment_fixture_points_boto3_at_the_emulator(
    ecr_environment: emulator.Emulator,
) -> None:
    """A client made without arguments inside ecr_environment reaches the emulator."""
    import boto3  # noqa: PLC0415

    ecr_environment.push_image("env-repo", "v1")

    names = [
        repo["repositoryName"]
        for repo in boto3.client("ecr").describe_repositories()["repositories"]
    ]

    assert names == ["env-repo"]
