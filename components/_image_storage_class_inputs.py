"""The inputs of `ImageStorageClass`: their checks, defaults and normal form.

`check_inputs` is what the provider's `check` runs, so every mistake here stops
`pulumi preview` before any call to AWS, with one failure per property that names the
property and says what to write instead. `WantedState` is the checked, normalised
form the other provider methods work from.

Values the engine does not know yet (outputs of other resources during a preview)
arrive as `pulumi.runtime.rpc.UNKNOWN`; they are passed through unchecked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from components._aws_provider import is_unknown
from ecr_archive import DEFAULT_TIMEOUT, ImageRef, InvalidImageReferenceError

__all__ = [
    "DEFAULT_ON_DELETE",
    "DEFAULT_TIMEOUT_SECONDS",
    "INPUT_NAMES",
    "MAX_TIMEOUT_SECONDS",
    "OUTPUT_NAMES",
    "OnDelete",
    "StorageClass",
    "WantedState",
    "check_inputs",
]

StorageClass = Literal["ARCHIVE", "STANDARD"]
OnDelete = Literal["leave", "restore"]

STORAGE_CLASSES: tuple[StorageClass, ...] = ("ARCHIVE", "STANDARD")
ON_DELETE_CHOICES: tuple[OnDelete, ...] = ("leave", "restore")
DEFAULT_ON_DELETE: OnDelete = "leave"
DEFAULT_TIMEOUT_SECONDS = DEFAULT_TIMEOUT
MAX_TIMEOUT_SECONDS = 12 * 3600.0
"""A restore "typically" takes up to 20 minutes; half a day is surely a mistake."""

INPUT_NAMES = (
    "repository_name",
    "image_tag",
    "image_digest",
    "storage_class",
    "registry_id",
    "wait_for_active",
    "timeout_seconds",
    "on_delete",
)

OUTPUT_NAMES = (
    "image_digest",
    "image_tags",
    "image_status",
    "last_archived_at",
    "last_activated_at",
)
"""What the provider reports; `ImageStorageClass` seeds each with None."""

# The property the SDK adds for the pickled provider.
_PROVIDER_KEY = "__provider"

# A well-formed placeholder for the parts of an ImageRef not being checked.
_PLACEHOLDER_REPOSITORY = "placeholder"
_PLACEHOLDER_TAG = "latest"


@dataclass(frozen=True)
class WantedState:
    """Checked, normalised inputs: the image and the storage class it should have."""

    repository_name: str
    """Repository that holds the image."""
    image_tag: str | None
    """Tag naming the image at create time; None when named by digest."""
    image_digest: str | None
    """Digest naming the image; None when named by tag."""
    storage_class: StorageClass
    """ARCHIVE or STANDARD."""
    registry_id: str | None
    """12-digit account id of the registry; None for the caller's own."""
    wait_for_active: bool
    """Whether a restore returns only once the image can be pulled."""
    timeout_seconds: float
    """How long to wait for an ACTIVATING image before failing."""
    on_delete: OnDelete
    """What deleting the resource does to the image: leave it, or restore it."""

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> WantedState:
        """Read checked inputs (or the outputs that repeat them) into a WantedState."""
        return cls(
            repository_name=str(props["repository_name"]),
            image_tag=props.get("image_tag"),
            image_digest=props.get("image_digest"),
            storage_class=props["storage_class"],
            registry_id=props.get("registry_id"),
            wait_for_active=bool(props.get("wait_for_active", True)),
            timeout_seconds=float(
                props.get("timeout_seconds") or DEFAULT_TIMEOUT_SECONDS
            ),
            on_delete=props.get("on_delete") or DEFAULT_ON_DELETE,
        )

    def requested_ref(self) -> ImageRef:
        """Return the image as the program named it, by tag or by digest."""
        return ImageRef(
            repository=self.repository_name,
            tag=self.image_tag,
            digest=self.image_digest,
            registry_id=self.registry_id,
        )

    def pinned_ref(self, digest: str) -> ImageRef:
        """Return the image by the digest it resolved to."""
        return ImageRef(
            repository=self.repository_name,
            digest=digest,
            registry_id=self.registry_id,
        )

    def to_props(self) -> dict[str, Any]:
        """Return the inputs as the property bag the engine stores."""
        return {
            "repository_name": self.repository_name,
            "image_tag": self.image_tag,
            "image_digest": self.image_digest,
            "storage_class": self.storage_class,
            "registry_id": self.registry_id,
            "wait_for_active": self.wait_for_active,
            "timeout_seconds": self.timeout_seconds,
            "on_delete": self.on_delete,
        }


def _ref_problem(
    repository: str = _PLACEHOLDER_REPOSITORY,
    tag: str | None = None,
    digest: str | None = None,
    registry_id: str | None = None,
) -> str | None:
    if tag is None and digest is None:
        tag = _PLACEHOLDER_TAG
    try:
        ImageRef(repository=repository, tag=tag, digest=digest, registry_id=registry_id)
    except InvalidImageReferenceError as exc:
        return exc.reason

    return None


class _Checker:
    """Collects the failures of one `check` call, one per property."""

    def __init__(self, news: Mapping[str, Any]) -> None:
        self.news = news
        self.inputs: dict[str, Any] = {}
        self.failures: list[tuple[str, str]] = []

    def fail(self, name: str, reason: str) -> None:
        self.failures.append((name, reason))

    def known(self, name: str) -> bool:
        """Copy an unknown value through and return False, else return True."""
        value = self.news.get(name)
        if is_unknown(value):
            self.inputs[name] = value
            return False

        return True

    def text(self, name: str, *, required: bool) -> str | None:
        value = self.news.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, f"{name} is required: give a string")
            return None
        if not isinstance(value, str):
            self.fail(name, f"{name} must be a string, not {type(value).__name__}")
            return None

        return value

    def repository_name(self) -> None:
        if not self.known("repository_name"):
            return
        name = self.text("repository_name", required=True)
        if name is None:
            return
        problem = _ref_problem(repository=name)
        if problem:
            self.fail("repository_name", problem)
        self.inputs["repository_name"] = name

    def registry_id(self) -> None:
        if not self.known("registry_id"):
            return
        registry = self.text("registry_id", required=False)
        if registry is not None and _ref_problem(registry_id=registry):
            self.fail(
                "registry_id",
                f"registry_id {registry!r} is not an account id: write the 12 digits "
                "of the account that owns the registry, or leave it out",
            )
        self.inputs["registry_id"] = registry

    def image(self) -> None:
        tag_known = self.known("image_tag")
        digest_known = self.known("image_digest")
        tag = self.text("image_tag", required=False) if tag_known else None
        digest = self.text("image_digest", required=False) if digest_known else None
        if tag_known:
            self.inputs["image_tag"] = tag
        if digest_known:
            self.inputs["image_digest"] = digest

        if tag_known and digest_known and (tag is None) == (digest is None):
            which = "both" if tag is not None else "neither"
            self.fail(
                "image_tag",
                f"give exactly one of image_tag or image_digest, not {which}: "
                "image_tag names the image once and is pinned to its digest; "
                "image_digest names it for good",
            )
        if tag is not None:
            problem = _ref_problem(tag=tag)
            if problem:
                self.fail("image_tag", problem)
        if digest is not None:
            problem = _ref_problem(digest=digest)
            if problem:
                self.fail("image_digest", problem)

    def storage_class(self) -> None:
        if not self.known("storage_class"):
            return
        value = self.text("storage_class", required=True)
        if value is None:
            return
        normal = value.strip().upper()
        if normal not in STORAGE_CLASSES:
            self.fail(
                "storage_class",
                f"storage_class {value!r} is not a storage class: write ARCHIVE "
                "(archived, not pullable) or STANDARD (pullable)",
            )
            return
        self.inputs["storage_class"] = normal

    def wait_for_active(self) -> None:
        if not self.known("wait_for_active"):
            return
        value = self.news.get("wait_for_active")
        if value is None:
            value = True
        if not isinstance(value, bool):
            self.fail(
                "wait_for_active",
                f"wait_for_active must be true or false, not {value!r}",
            )
            return
        self.inputs["wait_for_active"] = value

    def timeout_seconds(self) -> None:
        if not self.known("timeout_seconds"):
            return
        value = self.news.get("timeout_seconds")
        if value is None:
            value = DEFAULT_TIMEOUT_SECONDS
        number_like = isinstance(value, int | float) and not isinstance(value, bool)
        if not number_like or not math.isfinite(value):
            self.fail(
                "timeout_seconds",
                f"timeout_seconds must be a number of seconds, not {value!r}",
            )
            return
        if not 1 <= value <= MAX_TIMEOUT_SECONDS:
            self.fail(
                "timeout_seconds",
                f"timeout_seconds {value:g} is out of range: give 1 to "
                f"{MAX_TIMEOUT_SECONDS:.0f} seconds (restores typically take up to "
                "20 minutes; the default is 1800)",
            )
            return
        self.inputs["timeout_seconds"] = float(value)

    def unexpected(self) -> None:
        known = {*INPUT_NAMES, *OUTPUT_NAMES, _PROVIDER_KEY}
        for name in sorted(set(self.news) - known):
            self.fail(
                name,
                f"{name} is not an input of ImageStorageClass; the inputs are "
                + ", ".join(INPUT_NAMES),
            )

    def on_delete(self) -> None:
        if not self.known("on_delete"):
            return
        value = self.text("on_delete", required=False)
        normal = (value or DEFAULT_ON_DELETE).strip().lower()
        if normal not in ON_DELETE_CHOICES:
            self.fail(
                "on_delete",
                f"on_delete {value!r} is not an option: write leave (the image stays "
                "as it is) or restore (an archived image is restored)",
            )
            return
        self.inputs["on_delete"] = normal


def check_inputs(
    news: Mapping[str, Any],
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Validate and normalise the inputs of an `ImageStorageClass`.

    Returns the inputs to store (storage class upper case, on_delete lower case,
    defaults filled in, keys other than the inputs dropped) and a list of
    `(property, reason)` failures, empty when the inputs are good.
    """
    checker = _Checker(news)
    checker.repository_name()
    checker.registry_id()
    checker.image()
    checker.storage_class()
    checker.wait_for_active()
    checker.timeout_seconds()
    checker.on_delete()
    checker.unexpected()

    return checker.inputs, checker.failures
