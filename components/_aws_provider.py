"""`AwsProvider`: what the project's dynamic providers share about reaching ECR.

The engine runs a dynamic provider in its `python -m pulumi.dynamic` process,
unpickled from the stack state, on four threads at once. So a provider pickles
nothing but its constructor's arguments (no credentials, no endpoint, no boto3
client), reads the AWS settings from the stack's `aws:` configuration in
`configure()`, and builds its ECR clients on first use in that process.

- `AwsSettings` is what `configure()` reads: region, profile and ECR endpoint, the
  keys pulumi-aws reads.
- `AwsProvider` is the base class of `ImageStorageClassProvider` and
  `ArchivePurgeProvider`: it holds the settings, one ECR client per region behind a
  lock (boto3 clients are thread-safe), and the pickling that leaves both out.
- `is_unknown` tells the values the engine does not know yet, which `check` and
  `diff` pass through.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.output import Unknown
from pulumi.runtime import rpc

from ecr_archive import MAX_ATTEMPTS, make_client

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

__all__ = ["AwsProvider", "AwsSettings", "is_unknown"]

# Attributes rebuilt in the provider process, never pickled into the stack state.
_PROCESS_LOCAL = frozenset({"aws", "_client_lock", "_clients"})


def is_unknown(value: object) -> bool:
    """Return True for a value the engine will only know after other resources.

    The servicer hands such values to `check` and `diff` as `pulumi.output.Unknown`;
    on the wire they are the string `rpc.UNKNOWN`.
    """
    return isinstance(value, Unknown) or (
        isinstance(value, str) and value == rpc.UNKNOWN
    )


@dataclass(frozen=True)
class AwsSettings:
    """Where the provider sends ECR calls; None means boto3's usual sources."""

    region: str | None = None
    """`aws:region`, else AWS_REGION / AWS_DEFAULT_REGION / the profile's region."""
    profile: str | None = None
    """`aws:profile`, else AWS_PROFILE / the default profile."""
    endpoint_url: str | None = None
    """The `ecr` entry of `aws:endpoints`, else AWS_ENDPOINT_URL_ECR and friends."""

    @classmethod
    def from_config(cls, get: Callable[[str], Any]) -> AwsSettings:
        """Read the settings pulumi-aws reads, from a stack config getter.

        Like pulumi-aws, AWS_REGION counts when `aws:region` is not set (botocore
        itself reads only AWS_DEFAULT_REGION). The environment is read here, in the
        provider process, never at construction, so it stays out of the state.
        """
        return cls(
            region=_text(get("aws:region")) or _text(os.environ.get("AWS_REGION")),
            profile=_text(get("aws:profile")),
            endpoint_url=_ecr_endpoint(get("aws:endpoints")),
        )


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None

    return str(value)


def _ecr_endpoint(value: Any) -> str | None:
    """Find the `ecr` URL in `aws:endpoints`, a list of maps (or its JSON text)."""
    if value is None or value == "":
        return None
    entries = json.loads(value) if isinstance(value, str) else value
    if isinstance(entries, Mapping):
        entries = [entries]
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("ecr"):
            return str(entry["ecr"])

    return None


class AwsProvider(ResourceProvider):
    """A dynamic provider that calls ECR with the stack's `aws:` settings.

    `max_attempts` bounds botocore's retries per call (default
    `ecr_archive.MAX_ATTEMPTS`). Subclasses set their constructor's arguments as
    attributes; those, and nothing else, are pickled into the stack state.
    """

    aws: AwsSettings
    _client_lock: threading.Lock
    _clients: dict[str | None, ECRClient]

    def __init__(self, *, max_attempts: int | None = None) -> None:
        super().__init__()
        self.max_attempts = max_attempts
        self.__setstate__({})

    # The engine calls configure() once, right after unpickling, before any other
    # method: the settings never reach the pickle in the stack state.
    def configure(self, req: ConfigureRequest) -> None:
        """Take region, profile and ECR endpoint from the stack's `aws:` config."""
        with self._client_lock:
            self.aws = AwsSettings.from_config(req.config.get)
            self._clients = {}
        # Logged under the subclass's module, next to the rest of its lines.
        logging.getLogger(type(self).__module__).debug("ECR settings: %s", self.aws)

    def __getstate__(self) -> dict[str, Any]:
        # Settings and clients never reach the stack state: configure() and the
        # first call rebuild them.
        return {
            key: value
            for key, value in self.__dict__.items()
            if key not in _PROCESS_LOCAL
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.aws = AwsSettings()
        self._client_lock = threading.Lock()
        self._clients = {}

    def _client(self, region: str | None = None) -> ECRClient:
        """Return the provider's ECR client for `region`, built once per region.

        None means the configured region. Building a client costs a model load,
        so each is kept for every later call in the process.
        """
        with self._client_lock:
            region = region if region is not None else self.aws.region
            if region not in self._clients:
                self._clients[region] = make_client(
                    region=region,
                    profile=self.aws.profile,
                    endpoint_url=self.aws.endpoint_url,
                    max_attempts=self.max_attempts or MAX_ATTEMPTS,
                )

            return self._clients[region]
