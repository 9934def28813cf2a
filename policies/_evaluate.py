"""What a lifecycle policy does to a repository's images, worked out as ECR does it.

`evaluate` takes a policy, the `imageDetails` of DescribeImages and a moment, and
returns what GetLifecyclePolicyPreview would list: one entry per image acted on.

The rules it follows are the sentences of the ECR user guide pages
`LifecyclePolicies.html` ("Lifecycle policy evaluation rules"),
`lifecycle_policy_parameters.html` and `lifecycle_policy_examples.html`; the tests
in `tests/policies/test_evaluate.py` quote each sentence next to the case that
checks it. In short:

- A rule only sees the images of its storage class: `standard` rules see ACTIVE
  images, `archive` rules see ARCHIVED ones. An ACTIVATING image (a restore under
  way) is seen by no rule: it can be neither archived nor expired while it is
  locked, and it is standard again within about 20 minutes.
- Every rule is evaluated on its own first: the images it selects (storage class and
  tags) and, among them, the ones its count or age condition marks. Rules are then
  applied lowest priority number first. An image is acted on by at most one rule,
  and an image that a rule selected is out of reach of every later rule of the same
  storage class, even when that rule left it alone.
- A tagged rule selects an image when every entry of its `tagPrefixList` or
  `tagPatternList` matches at least one of the image's tags. A prefix matches the
  start of a tag; in a pattern `*` matches any run of characters, the rest literally.
- `imageCountMoreThan` keeps the newest `countNumber` of the images the rule selects
  (including those an earlier rule claimed) and marks the rest. Newest means latest
  push, or latest restore for an image that was archived and restored. Ties are
  broken by digest, so the result does not depend on the order of `images`.
- `sinceImagePushed` marks images whose push (or restore) is older than
  `countNumber` days; `sinceImagePulled` uses the last recorded pull, falling back
  to the restore time when the image was restored and not pulled since, and to the
  push time when it was never pulled; `sinceImageTransitioned` uses
  `lastArchivedAt`. "Older than" is strict: an image exactly `countNumber` days old
  is not marked.

What it cannot know from DescribeImages: which images a manifest list references
(ECR archives or expires those only after the list), and ECR's own timing ("within
24 hours"). Both are left out.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from policies._model import LifecyclePolicy
from policies._validate import validate_policy

__all__ = ["evaluate"]

DAY_MICROS = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# Tags cannot hold a newline, so an image's tags joined by newlines can be searched by
# one compiled regular expression per rule entry, anchored at line starts and ends.
_TAG_SEPARATOR = "\n"

STANDARD = "standard"
ARCHIVE = "archive"
_STORAGE_CLASS_OF_STATUS = {"ACTIVE": STANDARD, "ARCHIVED": ARCHIVE}
_API_STORAGE_CLASS = {STANDARD: "STANDARD", ARCHIVE: "ARCHIVE"}

IMAGE_COUNT_MORE_THAN = "imageCountMoreThan"
SINCE_IMAGE_PUSHED = "sinceImagePushed"
SINCE_IMAGE_PULLED = "sinceImagePulled"
SINCE_IMAGE_TRANSITIONED = "sinceImageTransitioned"
AGE_COUNT_TYPES = frozenset(
    {SINCE_IMAGE_PUSHED, SINCE_IMAGE_PULLED, SINCE_IMAGE_TRANSITIONED}
)


def micros(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime, exactly."""
    if moment.tzinfo is None:
        message = f"{moment.isoformat()} has no time zone; pass an aware datetime"
        raise ValueError(message)

    return (moment - _EPOCH) // _MICROSECOND


def _tag_regex(entry: str, *, prefix: bool) -> re.Pattern[str]:
    if prefix:
        return re.compile("^" + re.escape(entry), re.MULTILINE)

    body = "[^\n]*".join(re.escape(part) for part in entry.split("*"))
    return re.compile("^" + body + "$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One rule of a policy, with its tag entries compiled to regular expressions."""

    priority: int
    storage_class: str
    tag_status: str
    tag_regexes: tuple[re.Pattern[str], ...]
    count_type: str
    count_number: int
    action_type: str

    def selects(self, joined_tags: str) -> bool:
        """Whether the rule's tag selection takes an image with these joined tags."""
        if self.tag_status == "any":
            return True
        if self.tag_status == "untagged":
            return not joined_tags

        return bool(joined_tags) and all(
            regex.search(joined_tags) for regex in self.tag_regexes
        )


def _compile_rule(rule: Mapping[str, Any]) -> CompiledRule:
    selection = rule["selection"]
    prefixes = selection.get("tagPrefixList") or ()
    patterns = selection.get("tagPatternList") or ()
    regexes = tuple(_tag_regex(entry, prefix=True) for entry in prefixes) + tuple(
        _tag_regex(entry, prefix=False) for entry in patterns
    )
    return CompiledRule(
        priority=int(rule["rulePriority"]),
        storage_class=str(selection.get("storageClass", STANDARD)),
        tag_status=str(selection["tagStatus"]),
        tag_regexes=regexes,
        count_type=str(selection["countType"]),
        count_number=int(selection["countNumber"]),
        action_type=str(rule["action"]["type"]),
    )


PolicyInput = LifecyclePolicy | Mapping[str, Any] | str


def policy_document(policy: PolicyInput) -> dict[str, Any]:
    """The JSON dict form of a policy, checked as PutLifecyclePolicy would check it.

    Raises `PolicyError` listing every problem of a mapping or text that ECR would
    reject.
    """
    if isinstance(policy, LifecyclePolicy):
        return policy.to_dict()

    return validate_policy(policy).to_dict()


def compile_policy(policy: PolicyInput) -> tuple[CompiledRule, ...]:
    """The rules of a policy, compiled and sorted by priority."""
    rules = [_compile_rule(rule) for rule in policy_document(policy)["rules"]]

    return tuple(sorted(rules, key=lambda rule: rule.priority))


class Inventory:
    """The images, read once into parallel lists that rules can scan quickly.

    Clocks are microseconds since the epoch, read only when a rule needs them and
    only for the images of the storage class that rule sees.
    """

    def __init__(self, images: Iterable[Mapping[str, Any]]) -> None:
        self.images: list[Mapping[str, Any]] = list(images)
        self.digests: list[str] = [image["imageDigest"] for image in self.images]
        join = _TAG_SEPARATOR.join
        self.joined_tags: list[str] = [
            join(image.get("imageTags") or ()) for image in self.images
        ]
        statuses = [image.get("imageStatus", "ACTIVE") for image in self.images]
        self.members: dict[str | None, list[int]] = {
            storage_class: [
                index for index, found in enumerate(statuses) if found == status
            ]
            for status, storage_class in _STORAGE_CLASS_OF_STATUS.items()
        }
        self.members[None] = [
            index
            for index, found in enumerate(statuses)
            if found not in _STORAGE_CLASS_OF_STATUS
        ]
        self._push: list[int] | None = None
        self._pull: list[int] | None = None
        self._archived: list[int | None] | None = None

    def __len__(self) -> int:
        return len(self.images)

    def push_clock(self) -> list[int]:
        """When each image was pushed, or restored if it ever was."""
        if self._push is None:
            with _aware_datetimes():
                self._push = [
                    ((image.get("lastActivatedAt") or image["imagePushedAt"]) - _EPOCH)
                    // _MICROSECOND
                    for image in self.images
                ]

        return self._push

    def pull_clock(self) -> list[int]:
        """The moment `sinceImagePulled` measures each standard image from."""
        if self._pull is None:
            self._pull = [0] * len(self.images)
            with _aware_datetimes():
                for index in self.members[STANDARD]:
                    self._pull[index] = _pull_clock(self.images[index])

        return self._pull

    def archived_clock(self) -> list[int | None]:
        """When each archived image was archived, None if DescribeImages did not say."""
        if self._archived is None:
            self._archived = [None] * len(self.images)
            with _aware_datetimes():
                for index in self.members[ARCHIVE]:
                    at = self.images[index].get("lastArchivedAt")
                    if at is not None:
                        self._archived[index] = (at - _EPOCH) // _MICROSECOND

        return self._archived


@contextlib.contextmanager
def _aware_datetimes() -> Iterator[None]:
    try:
        yield
    except TypeError as exc:
        message = f"image datetimes must be timezone-aware ({exc})"
        raise ValueError(message) from exc


def _pull_clock(image: Mapping[str, Any]) -> int:
    pulled = image.get("lastRecordedPullTime")
    activated = image.get("lastActivatedAt")
    if activated is not None and (pulled is None or pulled < activated):
        moment = activated
    elif pulled is not None:
        moment = pulled
    else:
        moment = image["imagePushedAt"]

    return int((moment - _EPOCH) // _MICROSECOND)


def marked(
    rule: CompiledRule, selected: Sequence[int], inventory: Inventory, now: int
) -> list[int]:
    """The selected images that the rule's count or age condition marks at `now`."""
    if rule.count_type == IMAGE_COUNT_MORE_THAN:
        if len(selected) <= rule.count_number:
            return []
        newest_first = sort_oldest_first(selected, inventory)
        newest_first.reverse()
        return newest_first[rule.count_number :]

    cutoff = now - rule.count_number * DAY_MICROS
    if rule.count_type == SINCE_IMAGE_PUSHED:
        push = inventory.push_clock()
        return [index for index in selected if push[index] < cutoff]
    if rule.count_type == SINCE_IMAGE_PULLED:
        pull = inventory.pull_clock()
        return [index for index in selected if pull[index] < cutoff]
    if rule.count_type == SINCE_IMAGE_TRANSITIONED:
        archived = inventory.archived_clock()
        return [
            index
            for index in selected
            if (at := archived[index]) is not None and at < cutoff
        ]

    message = f"rule {rule.priority}: unknown countType {rule.count_type!r}"
    raise ValueError(message)


def selected_by(rule: CompiledRule, inventory: Inventory) -> list[int]:
    """The images of the rule's storage class that its tag selection takes."""
    members = inventory.members.get(rule.storage_class, [])
    if rule.tag_status == "any":
        return members
    joined = inventory.joined_tags
    if rule.tag_status == "untagged":
        return [index for index in members if not joined[index]]

    if len(rule.tag_regexes) == 1:
        search = rule.tag_regexes[0].search
        return [index for index in members if joined[index] and search(joined[index])]

    return [index for index in members if rule.selects(joined[index])]


def sort_oldest_first(indices: Iterable[int], inventory: Inventory) -> list[int]:
    """Images by push (or restore) time, oldest first, ties broken by digest."""
    # Two stable sorts on plain keys are much faster than one sort on tuples.
    ordered = sorted(indices, key=inventory.digests.__getitem__)
    ordered.sort(key=inventory.push_clock().__getitem__)

    return ordered


def apply_rules(
    rules: Sequence[CompiledRule], inventory: Inventory, now: int
) -> list[tuple[CompiledRule, list[int]]]:
    """Each rule with the images it acts on, in priority order.

    An image is acted on by the first rule that marks it, provided no earlier rule
    of its storage class selected it.
    """
    claimed = bytearray(len(inventory))
    acted: list[tuple[CompiledRule, list[int]]] = []
    for rule in rules:
        selected = selected_by(rule, inventory)
        victims = marked(rule, selected, inventory, now)
        acted.append((rule, [index for index in victims if not claimed[index]]))
        for index in selected:
            claimed[index] = 1

    return acted


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector off for the block, then restore it."""
    # Building a result for each of 100,000 images makes the cyclic collector rescan
    # every image dict several times over; nothing made here forms a cycle.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def evaluate(
    policy: PolicyInput, images: Iterable[Mapping[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """What ECR's lifecycle evaluation would do to `images` at `now`.

    `policy` is a `LifecyclePolicy`, its JSON dict form or JSON text; `images` are
    DescribeImages `imageDetails` read with `imageStatus=ANY` (datetimes
    timezone-aware). The result has one item per image acted on, shaped like a
    GetLifecyclePolicyPreview `previewResults` entry, sorted by rule priority, then
    oldest first, then digest. Raises `PolicyError` for a policy ECR would reject
    and ValueError for a datetime without a time zone.
    """
    rules = compile_policy(policy)
    with collector_paused():
        inventory = Inventory(images)
        results: list[dict[str, Any]] = []
        for rule, indices in apply_rules(rules, inventory, micros(now)):
            ordered = sort_oldest_first(indices, inventory)
            results.extend(
                _preview_results(rule, [inventory.images[i] for i in ordered])
            )

    return results


def _preview_results(
    rule: CompiledRule, images: list[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """GetLifecyclePolicyPreview entries for the images one rule acts on."""
    # Dict literals inside one comprehension: this runs once per image acted on.
    priority = rule.priority
    storage_class = _API_STORAGE_CLASS[rule.storage_class]
    if rule.action_type == "transition":
        return [
            {
                "imageDigest": image["imageDigest"],
                "imageTags": list(image.get("imageTags") or ()),
                "imagePushedAt": image["imagePushedAt"],
                "appliedRulePriority": priority,
                "action": {"type": "TRANSITION", "targetStorageClass": "ARCHIVE"},
                "storageClass": storage_class,
            }
            for image in images
        ]

    return [
        {
            "imageDigest": image["imageDigest"],
            "imageTags": list(image.get("imageTags") or ()),
            "imagePushedAt": image["imagePushedAt"],
            "appliedRulePriority": priority,
            "action": {"type": "EXPIRE"},
            "storageClass": storage_class,
        }
        for image in images
    ]
