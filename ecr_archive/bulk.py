"""Look up, restore and wait for many images at once, across repositories and regions.

The CLI's commands are built from three steps, each with the fewest ECR calls:

- `look_up`: one DescribeImages per image named;
- `restore_archived`: one UpdateImageStorageClass per distinct ARCHIVED image (a tag
  and a digest naming the same image are restored once);
- `wait_until_all_active`: all restores are waited for together, each poll round
  describing only the images still ACTIVATING.

Images may live in different regions; `ClientFor` returns the client for an image.
"""

from __future__ import annotations

import dataclasses
import logging
import random as _random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecr_archive.errors import (
    RepositoryNotFoundError,
    StorageClassUpdateNotSupportedError,
)
from ecr_archive.images import (
    ImageState,
    ImageStatus,
    describe_image,
    get_image,
    restore_image,
)
from ecr_archive.refs import ImageRef
from ecr_archive.waiting import (
    DEFAULT_BACKOFF,
    DEFAULT_TIMEOUT,
    Backoff,
    Progress,
    wait_all_active,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

__all__ = [
    "ClientFor",
    "Lookup",
    "look_up",
    "restore_archived",
    "wait_until_all_active",
]

logger = logging.getLogger(__name__)

ClientFor = Callable[[ImageRef], "ECRClient"]

REPOSITORY_MISSING = "repository not found"
IMAGE_MISSING = "image not found"


@dataclass(frozen=True)
class Lookup:
    """One image as named by the user, and what ECR says about it."""

    ref: ImageRef
    """The image as named."""
    state: ImageState | None
    """Its state; None when it or its repository does not exist."""
    missing: str | None = None
    """Why the image is missing: "repository not found" or "image not found"."""
    restored: bool = False
    """True when this run started a restore of the image."""

    @property
    def status(self) -> ImageStatus | None:
        """The image's status, None when missing."""
        return None if self.state is None else self.state.status

    @property
    def key(self) -> tuple[str | None, str | None, str, str] | None:
        """What identifies the image itself: region, registry, repository, digest."""
        if self.state is None:
            return None

        return (
            self.ref.region,
            self.ref.registry_id,
            self.state.repository,
            self.state.digest,
        )

    def exact_ref(self) -> ImageRef:
        """A reference to exactly this image (by digest), in the named registry."""
        if self.state is None:
            return self.ref

        return dataclasses.replace(self.ref, tag=None, digest=self.state.digest)


def look_up(client_for: ClientFor, refs: Iterable[ImageRef]) -> list[Lookup]:
    """Describe each image once; missing images and repositories are not errors.

    One DescribeImages call per distinct reference. Other AWS errors propagate.
    """
    found = []
    for ref in dict.fromkeys(refs):
        try:
            state = describe_image(client_for(ref), ref)
        except RepositoryNotFoundError:
            found.append(Lookup(ref, None, REPOSITORY_MISSING))
            continue
        missing = IMAGE_MISSING if state is None else None
        found.append(Lookup(ref, state, missing))

    return found


def restore_archived(client_for: ClientFor, lookups: Sequence[Lookup]) -> list[Lookup]:
    """Start restoring every ARCHIVED image once; return the lookups updated.

    One UpdateImageStorageClass call per distinct archived image (by digest), so an
    image named twice is restored once. Images in any other state are left alone.
    When ECR refuses a restore because someone else restored the image since it was
    read, the image is read again and counts as ACTIVATING or ACTIVE, not an error.
    """
    started: dict[Any, Lookup] = {}
    updated = []
    for lookup in lookups:
        if lookup.state is None or lookup.state.status is not ImageStatus.ARCHIVED:
            updated.append(lookup)
            continue
        if lookup.key not in started:
            started[lookup.key] = _restore(client_for, lookup)
        after = started[lookup.key]
        updated.append(
            dataclasses.replace(lookup, state=after.state, restored=after.restored)
        )

    return updated


def _restore(client_for: ClientFor, lookup: Lookup) -> Lookup:
    exact = lookup.exact_ref()
    client = client_for(exact)
    try:
        status = restore_image(client, exact)
    except StorageClassUpdateNotSupportedError:
        now = get_image(client, exact)
        if now.status is ImageStatus.ARCHIVED:
            raise
        logger.info("%s was restored by someone else; it is %s", exact, now.status)
        return dataclasses.replace(lookup, state=now)

    state = dataclasses.replace(lookup.state, status=status) if lookup.state else None

    return dataclasses.replace(lookup, state=state, restored=True)


def wait_until_all_active(
    client_for: ClientFor,
    lookups: Sequence[Lookup],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    backoff: Backoff = DEFAULT_BACKOFF,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    random: Callable[[], float] = _random.random,
    on_poll: Progress | None = None,
) -> list[Lookup]:
    """Wait until every image found is ACTIVE; return the lookups updated.

    Each distinct image not yet ACTIVE is polled by digest, all of them in the same
    rounds; the states already known count as the first round, so no call is spent
    re-reading what was just read. The keyword arguments are those of
    `wait_all_active`. Raises `WaitTimeoutError`.
    """
    exact: dict[Any, ImageRef] = {}
    known: dict[ImageRef, ImageState] = {}
    for lookup in lookups:
        if lookup.state is None or lookup.key in exact:
            continue
        exact[lookup.key] = lookup.exact_ref()
        known[exact[lookup.key]] = lookup.state

    def describe(ref: ImageRef) -> ImageState:
        return get_image(client_for(ref), ref)

    final = wait_all_active(
        describe,
        list(known),
        timeout=timeout,
        backoff=backoff,
        clock=clock,
        sleep=sleep,
        random=random,
        on_poll=on_poll,
        known=known,
    )

    return [
        lookup
        if lookup.state is None
        else dataclasses.replace(lookup, state=final[exact[lookup.key]])
        for lookup in lookups
    ]
