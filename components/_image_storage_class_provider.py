"""`ImageStorageClassProvider`: the dynamic provider behind `ImageStorageClass`.

The engine runs it in the `python -m pulumi.dynamic` process, unpickled from the
stack state, on four threads at once. Like every `AwsProvider`, it pickles nothing
but its test hooks, reads the AWS settings from the stack configuration in
`configure()`, and builds its one ECR client, for the configured region, on first
use in that process.

Every change is converged: the image is read first (one DescribeImages with
imageStatus ANY) and UpdateImageStorageClass runs only when the status differs from
the one wanted, so re-running a deployment never hits ECR's "already archived"
error. All ECR calls go through `ecr_archive`.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from components._aws_provider import AwsProvider, is_unknown
from components._image_storage_class_inputs import WantedState, check_inputs
from ecr_archive import (
    DEFAULT_BACKOFF,
    Backoff,
    ImageNotFoundError,
    ImageRef,
    ImageState,
    ImageStatus,
    RepositoryNotFoundError,
    StorageClassUpdateNotSupportedError,
    archive_image,
    describe_image,
    get_image,
    restore_image,
    wait_all_active,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

__all__ = ["ImageStorageClassProvider"]

logger = logging.getLogger(__name__)

# Inputs whose change means another image: the resource is replaced.
_LOCATION = ("repository_name", "registry_id")
# How the program names the image: another image replaces, the same one updates.
_NAMING = ("image_tag", "image_digest")
# Inputs that only change what the provider does: the resource is updated.
_SETTINGS = ("storage_class", "wait_for_active", "timeout_seconds", "on_delete")


def _differs(olds: Mapping[str, Any], news: Mapping[str, Any], name: str) -> bool:
    value = news.get(name)
    if name == "image_digest" and news.get("image_tag") is not None:
        # Named by tag: the stored image_digest is the pinned output, not an input.
        return False

    return is_unknown(value) or value != olds.get(name)


def _iso(instant: datetime | None) -> str | None:
    if instant is None:
        return None

    return instant.astimezone(UTC).isoformat()


def _outputs(state: ImageState) -> dict[str, Any]:
    return {
        "image_digest": state.digest,
        "image_tags": list(state.tags),
        "image_status": str(state.status),
        "last_archived_at": _iso(state.last_archived_at),
        "last_activated_at": _iso(state.last_activated_at),
    }


def _resource_id(wanted: WantedState, digest: str) -> str:
    # ':' never appears in a repository name, so the id reads back unambiguously.
    prefix = f"{wanted.registry_id}:" if wanted.registry_id else ""

    return f"{prefix}{wanted.repository_name}@{digest}"


def _settled(storage_class: str, wait_for_active: bool, status: str | None) -> bool:
    """Whether an image in `status` already is in `storage_class`, as wanted."""
    if storage_class == "ARCHIVE":
        return status == ImageStatus.ARCHIVED
    if status == ImageStatus.ACTIVE:
        return True

    return status == ImageStatus.ACTIVATING and not wait_for_active


class ImageStorageClassProvider(AwsProvider):
    """Keeps one ECR image in the ARCHIVE or STANDARD storage class.

    `backoff`, `clock`, `sleep` and `random` shape the polling while an image is
    ACTIVATING (defaults: `ecr_archive.DEFAULT_BACKOFF`, `time.monotonic`,
    `time.sleep`, `random.random`), `now` stamps `last_archived_at` after an
    archive, and `max_attempts` bounds botocore's retries per call (default
    `ecr_archive.MAX_ATTEMPTS`). They are pickled with the provider into the stack
    state, so pass only importable functions or small picklable objects; programs
    leave them out.
    """

    def __init__(
        self,
        *,
        backoff: Backoff | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        random: Callable[[], float] | None = None,
        now: Callable[[], datetime] | None = None,
        max_attempts: int | None = None,
    ) -> None:
        super().__init__(max_attempts=max_attempts)
        self.backoff = backoff
        self.clock = clock
        self.sleep = sleep
        self.random = random
        self.now = now

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Reject bad inputs before anything runs, so a preview shows them."""
        inputs, failures = check_inputs(news)

        return CheckResult(
            inputs, [CheckFailure(name, reason) for name, reason in failures]
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Resolve the image, pin its digest and bring it to the wanted class."""
        wanted = WantedState.from_props(props)
        client = self._client()
        state = self._converge(
            client, wanted, get_image(client, wanted.requested_ref())
        )

        return CreateResult(
            _resource_id(wanted, state.digest), {**wanted.to_props(), **_outputs(state)}
        )

    def update(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> UpdateResult:
        """Bring the pinned image to the wanted class; return every output."""
        wanted = WantedState.from_props(news)
        client = self._client()
        digest = str(olds["image_digest"])
        state = get_image(client, wanted.pinned_ref(digest))
        state = self._converge(client, wanted, state)

        return UpdateResult({**wanted.to_props(), **_outputs(state)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Report the image as ECR sees it now; a deleted image leaves the stack.

        A missing repository counts as a deleted image too: both mean there is
        nothing left to manage.
        """
        wanted = WantedState.from_props(props)
        digest = props.get("image_digest")
        ref = wanted.pinned_ref(digest) if digest else wanted.requested_ref()
        try:
            state = describe_image(self._client(), ref)
        except RepositoryNotFoundError:
            state = None
        if state is None:
            logger.debug("%s no longer exists", ref)
            return ReadResult(None, {})

        return ReadResult(id_, {**wanted.to_props(), **_outputs(state)})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Leave the image as it is, or restore it when on_delete is "restore"."""
        wanted = WantedState.from_props(props)
        if wanted.on_delete != "restore":
            return

        client = self._client()
        ref = wanted.pinned_ref(str(props["image_digest"]))
        try:
            state = describe_image(client, ref)
        except RepositoryNotFoundError:
            state = None
        if state is None:
            logger.debug("%s no longer exists; nothing to restore", ref)
            return
        self._converge(client, replace(wanted, storage_class="STANDARD"), state)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Say what a deployment would do, explicitly.

        The resource is one image: repository, registry and pinned digest. Another
        repository or registry, or a tag or digest that names another image, is a
        replacement. A tag still named but now pointing at another digest is a
        replacement on `image_digest`: the move shows in the preview and is never
        followed silently. Naming the same image differently (its digest instead
        of its tag, another of its tags), a storage-class or settings change, and
        drift seen by the last refresh (`image_status` not the wanted one) are
        updates. Resolving a tag costs one DescribeImages; nothing else calls ECR.
        """
        replaces = [name for name in _LOCATION if _differs(olds, news, name)]
        if not replaces:
            replaces = self._other_image(olds, news)

        changes = [name for name in _SETTINGS if _differs(olds, news, name)]
        changes += [name for name in _NAMING if _differs(olds, news, name)]
        # Only the values this needs are read: in a preview any other input may
        # still be unknown.
        storage_class = news.get("storage_class")
        wait_for_active = news.get("wait_for_active", True)
        known = not (is_unknown(storage_class) or is_unknown(wait_for_active))
        if known and not _settled(
            str(storage_class), bool(wait_for_active), olds.get("image_status")
        ):
            changes.append("image_status")

        return DiffResult(
            changes=bool(changes or replaces),
            replaces=replaces,
            delete_before_replace=False,
        )

    def _other_image(self, olds: Mapping[str, Any], news: dict[str, Any]) -> list[str]:
        """Return the property that makes `news` name another image, if any."""
        tag, digest = news.get("image_tag"), news.get("image_digest")
        if is_unknown(tag) or is_unknown(digest):
            return ["image_tag" if is_unknown(tag) else "image_digest"]
        pinned = olds.get("image_digest")
        if digest is not None:
            return [] if digest == pinned else ["image_digest"]

        # Built from the naming inputs alone: in a preview the others may be unknown.
        ref = ImageRef(
            repository=str(news["repository_name"]),
            tag=tag,
            registry_id=news.get("registry_id"),
        )
        try:
            state = describe_image(self._client(), ref)
        except RepositoryNotFoundError:
            state = None
        if state is not None and state.digest == pinned:
            return []
        logger.debug(
            "%s points at %s, not at the pinned %s",
            ref,
            state.digest if state else "no image",
            pinned,
        )

        return ["image_digest" if tag == olds.get("image_tag") else "image_tag"]

    def _converge(
        self, client: ECRClient, wanted: WantedState, state: ImageState
    ) -> ImageState:
        """Bring the image from `state` to `wanted`, calling ECR only when needed.

        An ACTIVATING image is waited for before it is archived (ECR refuses to
        archive it), and waited for when STANDARD is wanted with wait_for_active.
        A change ECR refuses because someone made it since the read counts as done.
        """
        ref = wanted.pinned_ref(state.digest)
        if wanted.storage_class == "ARCHIVE":
            if state.status is ImageStatus.ARCHIVED:
                return state
            if state.status is ImageStatus.ACTIVATING:
                state = self._wait(client, wanted, state)
            try:
                status = archive_image(client, ref)
            except StorageClassUpdateNotSupportedError as refused:
                return _changed_meanwhile(client, ref, {ImageStatus.ARCHIVED}, refused)

            # UpdateImageStorageClass does not say when; the next read will.
            return replace(state, status=status, last_archived_at=self._now())

        if state.status is ImageStatus.ARCHIVED:
            try:
                state = replace(state, status=restore_image(client, ref))
            except StorageClassUpdateNotSupportedError as refused:
                done = {ImageStatus.ACTIVATING, ImageStatus.ACTIVE}
                state = _changed_meanwhile(client, ref, done, refused)
        if state.status is ImageStatus.ACTIVATING and wanted.wait_for_active:
            state = self._wait(client, wanted, state)

        return state

    def _wait(
        self, client: ECRClient, wanted: WantedState, known: ImageState
    ) -> ImageState:
        """Poll until the image is ACTIVE; the state just seen counts as poll one."""
        ref = wanted.pinned_ref(known.digest)
        first = _FirstThenDescribe(known, client)
        states = wait_all_active(
            first,
            [ref],
            timeout=wanted.timeout_seconds,
            backoff=self.backoff or DEFAULT_BACKOFF,
            clock=self.clock or time.monotonic,
            sleep=self.sleep or time.sleep,
            random=self.random or random.random,
        )

        return states[ref]

    def _now(self) -> datetime:
        return self.now() if self.now is not None else datetime.now(UTC)


def _changed_meanwhile(
    client: ECRClient,
    ref: ImageRef,
    done: set[ImageStatus],
    refused: StorageClassUpdateNotSupportedError,
) -> ImageState:
    """Read an image whose change ECR refused; return it if it got there anyway.

    ECR refuses to archive an archived image or restore a restoring one. When
    another resource, a lifecycle rule or a person made the change between the
    provider's read and its write, the image is where it should be; otherwise the
    refusal is raised again.
    """
    state = get_image(client, ref)
    if state.status not in done:
        raise refused

    logger.debug("%s was changed meanwhile; it is %s", ref, state.status)

    return state


class _FirstThenDescribe:
    """Answers the first poll with a state already read, then asks ECR."""

    def __init__(self, known: ImageState, client: ECRClient) -> None:
        self.known: ImageState | None = known
        self.client = client

    def __call__(self, ref: ImageRef) -> ImageState:
        if self.known is not None:
            known, self.known = self.known, None
            return known
        try:
            return get_image(self.client, ref)
        except ImageNotFoundError:
            logger.debug("%s disappeared while being restored", ref)
            raise
