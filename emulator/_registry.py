"""The emulator's registry: moto's ECR backends plus the archive state beside them.

One `Registry` belongs to one emulator. It owns a moto `ECRBackend` per (account,
region), created on first use rather than taken from moto's process-wide
`ecr_backends`, so two emulators in one process never see each other's
repositories, and a reset is a matter of dropping them. Beside each backend it keeps
an `ImageRecord` per image, keyed by (account, region, repository, digest), with
the image's storage state and timestamps. Every method here runs under the
registry's lock; the HTTP layer takes it for the whole of a request.
"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ecr.exceptions import (
    ImageAlreadyExistsException,
    ImageNotFoundException,
    InvalidParameterException,
    RepositoryNotEmptyException,
    RepositoryNotFoundException,
)
from moto.ecr.models import ECRBackend, Image, Repository

from emulator._clock import EmulatorClock
from emulator._errors import (
    ImageDigestDoesNotMatchError,
    ImageStorageClassUpdateNotSupportedError,
    ImageTagAlreadyExistsError,
    describe_image_id,
)
from emulator._manifest import image_size, sha256_digest
from emulator._state import ImageKey, ImageRecord, ImageStatus

ARCHIVE = "ARCHIVE"
STANDARD = "STANDARD"
TARGET_STORAGE_CLASSES = (STANDARD, ARCHIVE)


@dataclass(frozen=True)
class Settings:
    """The behaviour switches of one emulator."""

    activation_delay: timedelta
    """How long a restore stays ACTIVATING, on the emulator clock."""

    strict_delete: bool
    """Refuse to delete a repository that holds archived or activating images."""


class Registry:
    """ECR repositories and images with the archive storage class, for one emulator."""

    def __init__(self, clock: EmulatorClock, settings: Settings) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.settings = settings
        self._backends: dict[tuple[str, str], ECRBackend] = {}
        self._records: dict[ImageKey, ImageRecord] = {}
        self.previews: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.exclusions: dict[tuple[str, str], dict[str, datetime]] = {}

    def reset(self, settings: Settings) -> None:
        """Forget every repository, image and preview and apply `settings`."""
        with self.lock:
            self._backends.clear()
            self._records.clear()
            self.previews.clear()
            self.exclusions.clear()
            self.settings = settings

    def backend(self, account: str, region: str) -> ECRBackend:
        """Return the moto backend for (account, region), creating it on first use."""
        with self.lock:
            key = (account, region)
            if key not in self._backends:
                self._backends[key] = ECRBackend(region_name=region, account_id=account)

            return self._backends[key]

    def backends(self) -> list[ECRBackend]:
        """Return every backend created so far."""
        with self.lock:
            return list(self._backends.values())

    def repository(
        self, account: str, region: str, name: str, registry_id: str | None = None
    ) -> Repository:
        """Return a repository or raise RepositoryNotFoundException."""
        backend = self.backend(account, region)
        repo = backend.repositories.get(name)
        if repo is None or repo.registry_id != (registry_id or account):
            raise RepositoryNotFoundException(name, registry_id or account)

        return repo

    def record(self, repo: Repository, image: Image) -> ImageRecord:
        """Return the archive state of `image`, with any finished restore applied."""
        key = _key(repo, image.image_digest)
        now = self.clock.now()
        record = self._records.get(key)
        if record is None:
            manifest = _parse_manifest(image.image_manifest)
            record = ImageRecord(pushed_at=now, size_in_bytes=image_size(manifest))
            self._records[key] = record
        record.settle(now)

        return record

    def images(self, repo: Repository) -> Iterator[tuple[Image, ImageRecord]]:
        """Yield every image of `repo` in push order, whatever its status."""
        for image in list(repo.images):
            yield image, self.record(repo, image)

    def find_image(self, repo: Repository, image_id: dict[str, str]) -> Image:
        """Return the image `image_id` names, or raise ImageNotFoundException.

        With both a tag and a digest, the tag must be on the image with that digest.
        """
        tag = image_id.get("imageTag")
        digest = image_id.get("imageDigest")
        if not tag and not digest:
            msg = (
                "Invalid parameter at 'imageId' failed to satisfy constraint: "
                "'imageTag or imageDigest must be specified'"
            )
            raise InvalidParameterException(msg)
        for image in repo.images:
            if tag and tag not in image.image_tags:
                continue
            if digest and digest != image.image_digest:
                continue

            return image

        raise ImageNotFoundException(
            image_id=describe_image_id(image_id),
            repository_name=repo.name,
            registry_id=repo.registry_id,
        )

    def put_image(
        self,
        repo: Repository,
        manifest: str,
        *,
        tag: str | None = None,
        media_type: str | None = None,
        digest: str | None = None,
        pushed_at: datetime | None = None,
    ) -> Image:
        """Store an image the way ECR's PutImage does and return it.

        The digest is the SHA-256 of the manifest text. Pushing a manifest that is
        already present adds the tag to that image, and makes an archived or
        activating image ACTIVE at once; pushing it again with a tag it already has
        raises ImageAlreadyExistsException, unless it was archived. A tag held by
        another image moves to this one (ImageTagAlreadyExistsException in a
        repository with immutable tags).
        """
        parsed = _parse_manifest(manifest)
        media_type = media_type or _str_or_none(parsed.get("mediaType"))
        if not media_type:
            msg = "image manifest mediatype not provided in manifest or parameter"
            raise InvalidParameterException(msg)
        actual = sha256_digest(manifest)
        if digest and digest != actual:
            msg = (
                f"The digest '{digest}' does not match the digest of the manifest "
                f"'{actual}'"
            )
            raise ImageDigestDoesNotMatchError(msg)

        now = self.clock.now()
        existing = next((i for i in repo.images if i.image_digest == actual), None)
        if existing is not None:
            return self._push_existing(repo, existing, tag, now)

        self._take_tag(repo, tag)
        image = Image(
            repo.account_id,
            tag,  # type: ignore[arg-type]  # moto types the tag as str; ECR allows none
            manifest,
            repo.name,
            media_type,
            actual,
            repo.registry_id,
        )
        repo.images.append(image)
        self._records[_key(repo, actual)] = ImageRecord(
            pushed_at=pushed_at or now, size_in_bytes=image_size(parsed)
        )

        return image

    def update_storage_class(
        self,
        repo: Repository,
        image: Image,
        target: str,
        requested: dict[str, str] | None = None,
    ) -> ImageStatus:
        """Move `image` to the `target` storage class and return its new status.

        ACTIVE images archive at once; ARCHIVED images start a restore and report
        ACTIVATING until the activation delay has passed on the emulator clock.
        Every other move raises ImageStorageClassUpdateNotSupportedException, whose
        message names the image as `requested` (the request's imageId) did. That
        includes restoring an ACTIVE image, which the lab left untested: archiving
        an archived image is documented to fail rather than do nothing, and the
        emulator treats the reverse move the same way. Restoring an ACTIVATING
        image fails as the lab's fourth pitfall says (everything is locked).
        """
        if target not in TARGET_STORAGE_CLASSES:
            msg = (
                "Invalid parameter at 'targetStorageClass' failed to satisfy "
                "constraint: 'Member must satisfy enum value set: [STANDARD, ARCHIVE]'"
            )
            raise InvalidParameterException(msg)

        record = self.record(repo, image)
        now = self.clock.now()
        if target == ARCHIVE and record.status is ImageStatus.ACTIVE:
            record.archive(now)
            return ImageStatus.ARCHIVED
        if target == STANDARD and record.status is ImageStatus.ARCHIVED:
            record.start_restore(now, now + self.settings.activation_delay)
            return ImageStatus.ACTIVATING

        raise ImageStorageClassUpdateNotSupportedError(
            _unsupported_move(repo, requested or image.image_id, record.status, target)
        )

    def check_deletable(self, repo: Repository) -> None:
        """Refuse, in strict mode, to delete a repository holding archived images.

        This emulates what the lab observed (a repository with archived images could
        not be deleted until they were restored, even with force); AWS documents
        neither the refusal nor its error code.
        """
        if not self.settings.strict_delete:
            return
        held = [
            image.image_digest
            for image, record in self.images(repo)
            if record.status is not ImageStatus.ACTIVE
        ]
        if not held:
            return

        raise RepositoryNotEmptyArchivedError(repo, len(held))

    def prune(self, account: str, region: str) -> None:
        """Drop the records of images moto no longer holds.

        The lifecycle previews of repositories it no longer holds go too: a
        repository created again under the same name starts without one.
        """
        backend = self.backend(account, region)
        previewed = [
            key
            for key in self.previews
            if key[:2] == (account, region) and key[2] not in backend.repositories
        ]
        for repository in previewed:
            del self.previews[repository]

        live = {
            _key(repo, image.image_digest)
            for repo in backend.repositories.values()
            for image in repo.images
        }
        stale = [
            key
            for key in self._records
            if key[:2] == (account, region) and key not in live
        ]
        for key in stale:
            del self._records[key]

    def delete_image(self, repo: Repository, image: Image) -> None:
        """Remove `image` and its record from `repo`, whatever its tags."""
        repo.images.remove(image)
        self._records.pop(_key(repo, image.image_digest), None)

    def _push_existing(
        self, repo: Repository, image: Image, tag: str | None, now: datetime
    ) -> Image:
        record = self.record(repo, image)
        restoring = record.status is not ImageStatus.ACTIVE
        if restoring:
            record.activate(now)
        if tag is None or tag in image.image_tags:
            if restoring:
                return image
            raise ImageAlreadyExistsException(
                repository_name=repo.name,
                registry_id=repo.registry_id,
                digest=image.image_digest,
                image_tag=str(tag),
            )
        self._take_tag(repo, tag)
        image.update_tag(tag)

        return image

    def _take_tag(self, repo: Repository, tag: str | None) -> None:
        if tag is None:
            return
        holders = [image for image in repo.images if tag in image.image_tags]
        if holders and repo.is_tag_immutable():
            msg = (
                f"The image tag '{tag}' already exists in the '{repo.name}' "
                "repository and cannot be overwritten because the repository is "
                "immutable."
            )
            raise ImageTagAlreadyExistsError(msg)
        for holder in holders:
            holder.remove_tag(tag)
            if not holder.image_tags:
                holder.image_tag = None  # type: ignore[assignment]


class RepositoryNotEmptyArchivedError(RepositoryNotEmptyException):
    """RepositoryNotEmptyException for a repository that still holds archived images."""

    def __init__(self, repo: Repository, count: int) -> None:
        super().__init__(repo.name, repo.registry_id)
        self.message = (
            f"The repository with name '{repo.name}' in registry with id "
            f"'{repo.registry_id}' cannot be deleted because it still contains "
            f"{count} archived or activating image(s); restore them, or delete them "
            "with BatchDeleteImage, first"
        )


def _key(repo: Repository, digest: str) -> ImageKey:
    return (repo.account_id, repo.region_name, repo.name, digest)


def _parse_manifest(manifest: str) -> dict[str, Any]:
    try:
        parsed = json.loads(manifest)
    except (TypeError, json.JSONDecodeError) as exc:
        msg = (
            "Invalid parameter at 'ImageManifest' failed to satisfy constraint: "
            "'Invalid JSON syntax'"
        )
        raise InvalidParameterException(msg) from exc
    if not isinstance(parsed, dict):
        msg = (
            "Invalid parameter at 'ImageManifest' failed to satisfy constraint: "
            "'Manifest must be a JSON object'"
        )
        raise InvalidParameterException(msg)

    return parsed


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _unsupported_move(
    repo: Repository, requested: dict[str, str], status: ImageStatus, target: str
) -> str:
    image_id = describe_image_id(requested)
    where = (
        f"The image with imageId {image_id} in the repository with name "
        f"'{repo.name}' in the registry with id '{repo.registry_id}'"
    )
    if status is ImageStatus.ACTIVATING:
        return f"{where} is being restored and cannot change storage class until then"
    if target == ARCHIVE:
        return f"{where} is already archived"

    return f"{where} is already in the STANDARD storage class"


def default_account() -> str:
    """Return the account moto assigns to requests signed with unknown keys."""
    return str(DEFAULT_ACCOUNT_ID)
