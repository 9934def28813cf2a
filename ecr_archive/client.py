"""Build the boto3 ECR client every part of ecr_archive uses.

Retries use botocore's "standard" mode: throttling errors, HTTP 5xx and
`ServerException` are retried with exponential backoff and full jitter (up to 20 s
between attempts), `MAX_ATTEMPTS` attempts in all (the first and 4 retries), so a few
throttled or failed calls do not fail a run.

`ClientFactory` is the shape of `make_client` that the command line calls, so tests
can pass their own; `add_client_options` gives a command the options that feed it.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Protocol

import boto3
from botocore.config import Config

from ecr_archive.errors import translate

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

__all__ = [
    "MAX_ATTEMPTS",
    "USER_AGENT_EXTRA",
    "ClientFactory",
    "add_client_options",
    "make_client",
]

MAX_ATTEMPTS = 5
"""Attempts per ECR call, the first included (botocore's own default is 3)."""

USER_AGENT_EXTRA = "ecr-archive"


def make_client(
    *,
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> ECRClient:
    """Return an ECR client with standard retries and the ecr-archive user agent.

    `region` defaults to AWS_REGION, then to boto3's usual sources
    (AWS_DEFAULT_REGION, the profile); `profile` to boto3's; `endpoint_url` to
    `AWS_ENDPOINT_URL_ECR` or `AWS_ENDPOINT_URL` when set, then to the public
    endpoint. Raises `ConfigurationError` for an
    unknown profile or a missing region.
    """
    config = Config(
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        user_agent_extra=USER_AGENT_EXTRA,
    )
    # botocore reads AWS_DEFAULT_REGION only; the other SDKs, the AWS CLI v2 and
    # pulumi-aws also read AWS_REGION.
    region = region or os.environ.get("AWS_REGION") or None
    with translate("CreateClient"):
        session = boto3.session.Session(profile_name=profile, region_name=region)
        client: ECRClient = session.client(
            "ecr", endpoint_url=endpoint_url, config=config
        )

    return client


class ClientFactory(Protocol):
    """Builds an ECR client, like `make_client`."""

    def __call__(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> ECRClient: ...


def add_client_options(group: argparse._ArgumentGroup) -> None:
    """Add `--region`, `--profile` and `--endpoint-url` to a command's options."""
    group.add_argument("--region", help="AWS region (default: from the AWS config)")
    group.add_argument("--profile", help="AWS profile (default: from the AWS config)")
    group.add_argument(
        "--endpoint-url",
        help="ECR endpoint, e.g. a local emulator (default: $AWS_ENDPOINT_URL_ECR)",
    )
