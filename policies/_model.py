"""Lifecycle policies as frozen dataclasses that cannot hold what ECR would reject.

`Selection`, `Action`, `Rule` and `LifecyclePolicy` mirror the policy JSON one field to
one attribute. Each checks itself when constructed (raising `PolicyError` with every
problem found), so a policy object that exists renders to a document ECR accepts.
Plain strings are accepted wherever an enum is expected and lists wherever a tuple is.

Rendering is deterministic: rules sorted by `rulePriority`, keys in the order of the
AWS policy template, absent fields left out instead of written as null.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from policies._checks import (
    action_problems,
    length_problems,
    policy_problems,
    rule_problems,
    selection_problems,
)
from policies._enums import ActionType, CountType, CountUnit, StorageClass, TagStatus
from policies._errors import PolicyError, Problem


def _coerce_enum(instance: object, name: str, enum: type[StrEnum]) -> None:
    value = getattr(instance, name)
    if isinstance(value, str) and not isinstance(value, enum):
        try:
            object.__setattr__(instance, name, enum(value))
        except ValueError:
            return


def _coerce_tuple(instance: object, name: str) -> None:
    # A bare string stays a string, so that it is reported instead of split into
    # characters.
    value = getattr(instance, name)
    if isinstance(value, list | tuple):
        object.__setattr__(instance, name, tuple(value))


def _json_value(value: object) -> object:
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _render(pairs: Iterable[tuple[str, object]]) -> dict[str, Any]:
    return {key: _json_value(value) for key, value in pairs if value is not None}


def _raise_if(problems: Sequence[Problem]) -> None:
    if problems:
        raise PolicyError(problems)


@dataclass(frozen=True, kw_only=True)
class Selection:
    """Which images a rule looks at (`selection`), and the count that triggers it."""

    tag_status: TagStatus
    """`tagStatus`: tagged, untagged or any."""

    count_type: CountType
    """`countType`: how images are counted against `count_number`."""

    count_number: int
    """`countNumber`: an image count or a number of days; a positive integer."""

    count_unit: CountUnit | None = None
    """`countUnit`: days, required with the `since*` count types, absent otherwise."""

    tag_pattern_list: tuple[str, ...] | None = None
    """`tagPatternList`: tag patterns with up to four `*` each (tagged only)."""

    tag_prefix_list: tuple[str, ...] | None = None
    """`tagPrefixList`: literal tag prefixes (tagged only)."""

    storage_class: StorageClass | None = None
    """`storageClass`: the class of images selected; ECR reads absent as standard."""

    def __post_init__(self) -> None:
        _coerce_enum(self, "tag_status", TagStatus)
        _coerce_enum(self, "count_type", CountType)
        _coerce_enum(self, "count_unit", CountUnit)
        _coerce_enum(self, "storage_class", StorageClass)
        _coerce_tuple(self, "tag_pattern_list")
        _coerce_tuple(self, "tag_prefix_list")

        _raise_if(selection_problems(self.to_dict()))

    @property
    def effective_storage_class(self) -> StorageClass:
        """The storage class ECR applies: `storage_class`, or standard when absent."""
        return self.storage_class or StorageClass.STANDARD

    def to_dict(self) -> dict[str, Any]:
        """Render as the `selection` JSON object."""
        return _render(
            [
                ("tagStatus", self.tag_status),
                ("tagPatternList", self.tag_pattern_list),
                ("tagPrefixList", self.tag_prefix_list),
                ("storageClass", self.storage_class),
                ("countType", self.count_type),
                ("countUnit", self.count_unit),
                ("countNumber", self.count_number),
            ]
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Selection":
        """Build from a `selection` JSON object; raise PolicyError if ECR would not."""
        _raise_if(selection_problems(data))

        return cls(
            tag_status=data["tagStatus"],
            count_type=data["countType"],
            count_number=data["countNumber"],
            count_unit=data.get("countUnit"),
            tag_pattern_list=data.get("tagPatternList"),
            tag_prefix_list=data.get("tagPrefixList"),
            storage_class=data.get("storageClass"),
        )


@dataclass(frozen=True, kw_only=True)
class Action:
    """What a rule does to the images it selects (`action`)."""

    type: ActionType
    """`type`: expire (delete) or transition (move to another storage class)."""

    target_storage_class: StorageClass | None = None
    """`targetStorageClass`: archive for a transition; absent for an expire."""

    def __post_init__(self) -> None:
        _coerce_enum(self, "type", ActionType)
        _coerce_enum(self, "target_storage_class", StorageClass)

        _raise_if(action_problems(self.to_dict()))

    @classmethod
    def expire(cls) -> "Action":
        """The action that deletes the selected images."""
        return cls(type=ActionType.EXPIRE)

    @classmethod
    def transition_to_archive(cls) -> "Action":
        """The action that moves the selected images to the archive storage class."""
        return cls(
            type=ActionType.TRANSITION, target_storage_class=StorageClass.ARCHIVE
        )

    def to_dict(self) -> dict[str, Any]:
        """Render as the `action` JSON object."""
        return _render(
            [("type", self.type), ("targetStorageClass", self.target_storage_class)]
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Action":
        """Build from an `action` JSON object; raise PolicyError if ECR would not."""
        _raise_if(action_problems(data))

        return cls(
            type=data["type"], target_storage_class=data.get("targetStorageClass")
        )


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One lifecycle rule: a selection, an action, a priority and a description.

    A rule may leave `priority` unset while it is being assembled (for example as an
    extra rule given to `archive_then_expire`, which numbers it); a `LifecyclePolicy`
    requires every rule to have one.
    """

    selection: Selection
    """`selection`: which images the rule looks at."""

    action: Action
    """`action`: what it does to those that meet the count."""

    priority: int | None = None
    """`rulePriority`: a unique integer from 1; rules apply lowest first."""

    description: str | None = None
    """`description`: free text shown with the rule."""

    def __post_init__(self) -> None:
        description = self.description if isinstance(self.description, str) else None
        problems = [
            Problem(self._priority, description, key, f"{key} must be {kind.__name__}")
            for key, kind, value in (
                ("selection", Selection, self.selection),
                ("action", Action, self.action),
            )
            if not isinstance(value, kind)
        ]
        _raise_if(problems)

        _raise_if(rule_problems(self.to_dict(), require_priority=False))

    @property
    def _priority(self) -> int | None:
        priority = self.priority
        return priority if isinstance(priority, int) and priority >= 1 else None

    def to_dict(self) -> dict[str, Any]:
        """Render as one entry of the policy's `rules` list."""
        return _render(
            [
                ("rulePriority", self.priority),
                ("description", self.description),
                ("selection", self.selection.to_dict()),
                ("action", self.action.to_dict()),
            ]
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Rule":
        """Build from a rule JSON object; raise PolicyError if ECR would not."""
        _raise_if(rule_problems(data, require_priority=False))

        return cls(
            selection=Selection.from_dict(data["selection"]),
            action=Action.from_dict(data["action"]),
            priority=data.get("rulePriority"),
            description=data.get("description"),
        )


def _compact(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _decode(text: str) -> tuple[object, list[Problem]]:
    problems: list[Problem] = []

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        # Inference: ECR does not document duplicate keys; parsers disagree on which
        # copy wins, so a document that has them is reported instead of guessed at.
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                problems.append(
                    Problem(
                        None,
                        None,
                        "$",
                        f'key "{key}" appears twice in one object; keep one',
                    )
                )
            result[key] = value
        return result

    try:
        document = json.loads(text, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        message = (
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}; "
            "check for a missing comma, quote or bracket there"
        )
        return None, [Problem(None, None, "$", message)]
    except RecursionError:
        message = "the JSON is nested too deeply to be a lifecycle policy"
        return None, [Problem(None, None, "$", message)]

    return document, problems


@dataclass(frozen=True)
class LifecyclePolicy:
    """A whole lifecycle policy; its rules are kept sorted by priority.

    Construction checks each rule and the rules together (unique priorities, the
    `any` rules last, one untagged rule and unique tag sets per storage class) and
    the length of the rendered text, and raises PolicyError with every problem.
    """

    rules: tuple[Rule, ...]
    """The rules, sorted by `rulePriority` once constructed."""

    def __post_init__(self) -> None:
        _coerce_tuple(self, "rules")
        if not isinstance(self.rules, tuple) or not all(
            isinstance(rule, Rule) for rule in self.rules
        ):
            message = "rules must be a sequence of Rule"
            raise PolicyError([Problem(None, None, "rules", message)])

        # The length is checked last: a policy with faulty rules has no text to send.
        document = {"rules": [rule.to_dict() for rule in self.rules]}
        _raise_if(policy_problems(document, text_length=None))
        _raise_if(length_problems(len(_compact(document))))

        ordered = sorted(self.rules, key=lambda rule: rule.priority or 0)
        object.__setattr__(self, "rules", tuple(ordered))

    def to_dict(self) -> dict[str, Any]:
        """Render as the policy JSON object, rules sorted by priority."""
        return {"rules": [rule.to_dict() for rule in self.rules]}

    def to_json(self, *, indent: int | None = None) -> str:
        """Render as policy text: compact by default, readable with `indent`.

        The compact form is the text to send: it is the shortest, and it is what the
        100 to 30,720 character limit was checked on when the policy was built.
        """
        if indent is None:
            return _compact(self.to_dict())

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "LifecyclePolicy":
        """Build from the policy JSON object; raise PolicyError with every problem."""
        _raise_if(policy_problems(data, text_length=None))

        return cls(tuple(Rule.from_dict(rule) for rule in data["rules"]))

    @classmethod
    def from_json(cls, text: str) -> "LifecyclePolicy":
        """Parse and check policy text; raise PolicyError with every problem.

        The length limit is measured on `text` itself, as ECR receives it.
        """
        document, problems = _decode(text)
        if document is not None or not problems:
            problems.extend(policy_problems(document, text_length=len(text)))
        _raise_if(problems)

        # policy_problems has reported anything but a mapping.
        return cls.from_dict(cast(Mapping[str, Any], document))
