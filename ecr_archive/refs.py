"""`ImageRef`: an ECR image named the way people write it.

Accepted forms (a reference without tag or digest means the tag `latest`, as in
Docker)::

    repo:tag
    repo@sha256:<64 hex>
    repo:tag@sha256:<64 hex>                                (the digest decides)
    team/app/api:tag
    123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:tag   (gives registry id, region)

The registry host is read case-insensitively and may carry ECR's port, `:443`.

The repository name follows ECR's pattern (lower case, 2 to 256 characters, path parts
separated by `/`), the tag the OCI characters (a letter, digit or `_`, then letters,
digits, `_`, `.` and `-`) up to ECR's 300 characters (Docker itself stops at 128),
the digest `sha256:` and 64 lower-case hex digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecr_archive.errors import InvalidImageReferenceError

if TYPE_CHECKING:
    from mypy_boto3_ecr.type_defs import ImageIdentifierTypeDef

__all__ = ["DEFAULT_TAG", "ImageRef"]

DEFAULT_TAG = "latest"

_COMPONENT = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_REPOSITORY_LENGTH = (2, 256)
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,299}")
_DIGEST = re.compile(r"sha256:[a-f0-9]{64}")
_REGISTRY_ID = re.compile(r"[0-9]{12}")
_ECR_HOST = re.compile(
    r"(?P<account>[0-9]{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)"
    r"\.amazonaws\.com(?:\.cn)?"
    r"|(?P<ds_account>[0-9]{12})\.dkr-ecr(?:-fips)?\.(?P<ds_region>[a-z0-9-]+)\.on\.aws"
)
# ECR serves the registry on HTTPS only, so 443 is the one port a host may name.
_HTTPS_PORT = ":443"
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]+")


@dataclass(frozen=True)
class ImageRef:
    """One image in an ECR repository, by tag, by digest or by both.

    Construct it with `ImageRef.parse(text)` or directly; both validate and raise
    `InvalidImageReferenceError` (a ValueError) for names ECR would reject.
    """

    repository: str
    """Repository name, e.g. `team/api`."""
    tag: str | None = None
    """Image tag; None when the image is named by digest only."""
    digest: str | None = None
    """Manifest digest `sha256:<64 hex>`; None when named by tag only."""
    registry_id: str | None = None
    """12-digit account id of the registry; None means the caller's own."""
    region: str | None = None
    """Region named by a registry URI; None means the client's region."""
    host: str | None = None
    """Registry host the reference was written with, kept for display."""

    def __post_init__(self) -> None:
        text = self._format()
        problem = self._problem()
        if problem:
            raise InvalidImageReferenceError(text, problem)

    @classmethod
    def parse(cls, text: str) -> ImageRef:
        """Parse `repo:tag`, `repo@sha256:…` or a full ECR image URI."""
        stripped = text.strip()
        if not stripped:
            raise InvalidImageReferenceError(text, "the reference is empty")

        host, registry_id, region, rest = _split_registry(text, stripped)
        rest, digest = _split_digest(rest)
        repository, tag = _split_tag(rest)
        if tag is None and digest is None:
            tag = DEFAULT_TAG

        return cls(
            repository=repository,
            tag=tag,
            digest=digest,
            registry_id=registry_id,
            region=region,
            host=host,
        )

    def image_id(self) -> ImageIdentifierTypeDef:
        """Return the `imageId` ECR requests take for this image.

        The digest when there is one, else the tag. ECR answers "not found" for a
        tag and digest that no longer name the same image, where Docker pulls
        `repo:tag@digest` by its digest and ignores the tag.
        """
        if self.digest is not None:
            return {"imageDigest": self.digest}
        if self.tag is None:
            return {}

        return {"imageTag": self.tag}

    def __str__(self) -> str:
        return self._format()

    def _format(self) -> str:
        text = f"{self.host}/{self.repository}" if self.host else self.repository
        if self.tag is not None:
            text += f":{self.tag}"
        if self.digest is not None:
            text += f"@{self.digest}"

        return text

    def _problem(self) -> str | None:
        return self._name_problem() or self._id_problem() or self._registry_problem()

    def _name_problem(self) -> str | None:
        low, high = _REPOSITORY_LENGTH
        if not low <= len(self.repository) <= high:
            return f"a repository name has {low} to {high} characters"
        if not _REPOSITORY.fullmatch(self.repository):
            return _repository_problem(self.repository)

        return None

    def _id_problem(self) -> str | None:
        if self.tag is None and self.digest is None:
            return "name a tag (repo:tag) or a digest (repo@sha256:...)"
        if self.tag is not None and not _TAG.fullmatch(self.tag):
            return (
                f"tag {self.tag!r} is not valid: up to 300 letters, digits, '_', "
                "'.' and '-', not starting with '.' or '-'"
            )
        if self.digest is not None and not _DIGEST.fullmatch(self.digest):
            return (
                f"digest {self.digest!r} is not valid: write sha256: and "
                "64 lower-case hex digits"
            )

        return None

    def _registry_problem(self) -> str | None:
        if self.registry_id is not None and not _REGISTRY_ID.fullmatch(
            self.registry_id
        ):
            return f"registry id {self.registry_id!r} is not a 12-digit account id"
        if self.region is not None and not _REGION.fullmatch(self.region):
            return f"region {self.region!r} is not an AWS region name"

        return None


def _repository_problem(repository: str) -> str:
    if repository != repository.lower():
        return (
            f"repository {repository!r} has upper-case letters; "
            "ECR names are lower case"
        )

    return (
        f"repository {repository!r} is not valid: lower-case letters and digits, "
        "parts joined by '.', '_', '__' or '-' and separated by '/'"
    )


def _split_registry(
    text: str, stripped: str
) -> tuple[str | None, str | None, str | None, str]:
    first, slash, rest = stripped.partition("/")
    looks_like_host = bool(slash) and (
        "." in first or ":" in first or first == "localhost"
    )
    if not looks_like_host:
        return None, None, None, stripped

    # Host names are case-insensitive, and Docker accepts an explicit port.
    match = _ECR_HOST.fullmatch(first.lower().removesuffix(_HTTPS_PORT))
    if match is None:
        raise InvalidImageReferenceError(
            text,
            f"{first!r} is not an ECR registry; write "
            "<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>",
        )
    account = match.group("account") or match.group("ds_account")
    region = match.group("region") or match.group("ds_region")

    return first, account, region, rest


def _split_digest(rest: str) -> tuple[str, str | None]:
    name, at, digest = rest.partition("@")
    if not at:
        return rest, None

    return name, digest


def _split_tag(rest: str) -> tuple[str, str | None]:
    head, slash, last = rest.rpartition("/")
    name, colon, tag = last.partition(":")
    repository = f"{head}{slash}{name}"
    if not colon:
        return repository, None

    return repository, tag
