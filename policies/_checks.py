"""What ECR accepts in a lifecycle policy, checked on the raw JSON shape.

These functions take the decoded JSON (mappings, lists, strings, numbers) and return
every problem they find instead of stopping at the first. They are the single source of
truth: `validate_policy` runs them on documents, and the dataclasses run them on their
own rendering when they are constructed.

Sources of the constraints, cited where they are used:

- [params] ECR user guide, "Lifecycle policy properties"
  (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html)
- [policies] ECR user guide, "Automate the cleanup of images by using lifecycle
  policies" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html)
- [archive] ECR user guide, "Archiving an image" (archive-image.html)
- [model] the ECR service model in botocore (`ecr/2015-09-21/service-2.json`)
- [lab] the hands-on lab of the archive storage class (rule combinations it tried)

Limits the sources do not state are not enforced: none of [params], [policies] or
[model] gives a maximum length of `description`, a maximum number of entries in
`tagPatternList`/`tagPrefixList`, or a maximum `countNumber` below the 32-bit integer
limit, so none is pinned here; ECR's limit on the whole text bounds them in practice.
"""

import difflib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeGuard, TypeVar

from policies._enums import ActionType, CountType, CountUnit, StorageClass, TagStatus
from policies._errors import Problem

# [model] LifecyclePolicyText: min 100, max 30720 (characters of the text as sent).
MIN_POLICY_TEXT_LENGTH = 100
MAX_POLICY_TEXT_LENGTH = 30_720

# [model] LifecyclePolicyRulePriority is an "integer" shape, which AWS models as 32
# bits. Inference: ECR reads rulePriority and countNumber into that type, so larger
# numbers cannot be stored; no page states a smaller maximum for either.
MAX_INTEGER = 2**31 - 1

# [params] "There is a maximum limit of four wildcards (*) per string."
MAX_WILDCARDS_PER_PATTERN = 4

# [archive] "You cannot configure lifecycle policies that delete images that have been
# in archive for less than 90 days."
MIN_DAYS_IN_ARCHIVE = 90

E = TypeVar("E", bound=StrEnum)

POLICY_KEYS = ("rules",)
RULE_KEYS = ("rulePriority", "description", "selection", "action")
SELECTION_KEYS = (
    "tagStatus",
    "tagPatternList",
    "tagPrefixList",
    "storageClass",
    "countType",
    "countUnit",
    "countNumber",
)
ACTION_KEYS = ("type", "targetStorageClass")
REQUIRED_RULE_KEYS = ("rulePriority", "selection", "action")
REQUIRED_SELECTION_KEYS = ("tagStatus", "countType", "countNumber")


@dataclass(frozen=True)
class CountTypeRule:
    """What one `countType` may be combined with ([params], [lab])."""

    actions: frozenset[ActionType]
    """The action types a rule with this count type may take."""

    storage_class: StorageClass
    """The only storage class a rule with this count type may select."""

    needs_unit: bool
    """Whether `countUnit` is required (True) or forbidden (False)."""

    minimum: int
    """The smallest `countNumber` ECR accepts for it."""


COUNT_TYPES: Mapping[CountType, CountTypeRule] = {
    CountType.IMAGE_COUNT_MORE_THAN: CountTypeRule(
        frozenset({ActionType.EXPIRE, ActionType.TRANSITION}),
        StorageClass.STANDARD,
        needs_unit=False,
        minimum=1,
    ),
    CountType.SINCE_IMAGE_PUSHED: CountTypeRule(
        frozenset({ActionType.EXPIRE, ActionType.TRANSITION}),
        StorageClass.STANDARD,
        needs_unit=True,
        minimum=1,
    ),
    # [lab] "sinceImagePulled + expire: rejected, transition only".
    CountType.SINCE_IMAGE_PULLED: CountTypeRule(
        frozenset({ActionType.TRANSITION}),
        StorageClass.STANDARD,
        needs_unit=True,
        minimum=1,
    ),
    # [params] storageClass is required with sinceImageTransitioned and must be archive;
    # archived images can only be expired, after at least 90 days [archive].
    CountType.SINCE_IMAGE_TRANSITIONED: CountTypeRule(
        frozenset({ActionType.EXPIRE}),
        StorageClass.ARCHIVE,
        needs_unit=True,
        minimum=MIN_DAYS_IN_ARCHIVE,
    ),
}


@dataclass
class _Sink:
    """Collects problems for one rule, stamping each with the rule's identity."""

    priority: int | None = None
    description: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.priority, self.description, path, message))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_int(value: object) -> TypeGuard[int]:
    # JSON true/false decode to bool, which Python counts as an int; ECR does not.
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(enum: type[StrEnum]) -> str:
    return ", ".join(f'"{member}"' for member in enum)


def _enum_value(enum: type[E], value: object) -> E | None:
    if not isinstance(value, str):
        return None
    try:
        return enum(value)
    except ValueError:
        return None


def _check_keys(
    sink: _Sink,
    path: str,
    document: Mapping[Any, Any],
    allowed: Sequence[str],
    *,
    required: Sequence[str] = (),
    null_checked_elsewhere: Sequence[str] = (),
) -> None:
    for key in document:
        if not isinstance(key, str):
            sink.add(path or "$", f"keys must be strings, not {key!r}")
            continue
        if key in allowed:
            if document[key] is None and key not in null_checked_elsewhere:
                fix = (
                    "it is required, so write a value"
                    if key in required
                    else "leave the key out instead of writing null"
                )
                sink.add(_join(path, key), f"{key} is null; {fix}")
            continue
        hint = difflib.get_close_matches(key, allowed, n=1)
        instead = (
            f'did you mean "{hint[0]}"?'
            if hint
            else "ECR accepts only " + ", ".join(allowed)
        )
        sink.add(_join(path, key), f'unknown key "{key}"; {instead}')


def _check_enum_field(
    sink: _Sink,
    path: str,
    document: Mapping[str, Any],
    key: str,
    enum: type[StrEnum],
    *,
    required: bool,
) -> None:
    value = document.get(key)
    if value is None:
        if required and key not in document:
            sink.add(
                _join(path, key), f"{key} is required; write one of {_choices(enum)}"
            )
        return
    if _enum_value(enum, value) is None:
        sink.add(
            _join(path, key),
            f"{key} is {_show(value)}; {_suggest(enum, value)}",
        )


def _suggest(enum: type[StrEnum], value: object) -> str:
    # The API answers in upper case (ARCHIVE, EXPIRE) while the policy JSON is written
    # in lower camel case, so a wrong case is the likeliest slip.
    guess = None
    if isinstance(value, str):
        spelled = {str(member).lower(): str(member) for member in enum}
        close = difflib.get_close_matches(value, list(spelled.values()), n=1)
        guess = spelled.get(value.lower()) or (close[0] if close else None)

    choices = f"one of {_choices(enum)}"
    if guess is None:
        return f"write {choices}"

    return f'did you mean "{guess}"? It must be {choices}'


def _show(value: object) -> str:
    # Values are shown as JSON, the language the user wrote them in.
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _identify(rule: Mapping[str, Any]) -> _Sink:
    priority = rule.get("rulePriority")
    description = rule.get("description")

    return _Sink(
        priority if _is_int(priority) and priority >= 1 else None,
        description if isinstance(description, str) else None,
    )


def selection_problems(
    selection: object,
    *,
    path: str = "selection",
    priority: int | None = None,
    description: str | None = None,
) -> list[Problem]:
    """Check a `selection` object on its own, without its rule's action."""
    sink = _Sink(priority, description)
    _check_selection(sink, path, selection)

    return sink.problems


def action_problems(
    action: object,
    *,
    path: str = "action",
    priority: int | None = None,
    description: str | None = None,
) -> list[Problem]:
    """Check an `action` object on its own, without its rule's selection."""
    sink = _Sink(priority, description)
    _check_action(sink, path, action)

    return sink.problems


def rule_problems(
    rule: object, *, path: str = "", require_priority: bool = True
) -> list[Problem]:
    """Check one rule: its fields, its selection, its action and how they combine.

    `require_priority=False` accepts a rule without `rulePriority`, as a rule that a
    policy builder numbers later; a policy always requires it.
    """
    if not isinstance(rule, Mapping):
        return [Problem(None, None, path or "$", "a rule must be a JSON object")]

    sink = _identify(rule)
    _check_keys(sink, path, rule, RULE_KEYS, required=REQUIRED_RULE_KEYS)
    _check_priority(sink, path, rule, required=require_priority)

    description = rule.get("description")
    if description is not None and not isinstance(description, str):
        sink.add(
            _join(path, "description"),
            f"description is {_show(description)}; write a string",
        )

    for key in ("selection", "action"):
        if key not in rule:
            sink.add(_join(path, key), f"{key} is required")
    _check_selection(sink, _join(path, "selection"), rule.get("selection"))
    _check_action(sink, _join(path, "action"), rule.get("action"))
    _check_combination(sink, path, rule)

    return sink.problems


def _check_priority(
    sink: _Sink, path: str, rule: Mapping[str, Any], *, required: bool
) -> None:
    where = _join(path, "rulePriority")
    if "rulePriority" not in rule:
        if required:
            sink.add(
                where, "rulePriority is required; give every rule a unique integer"
            )
        return

    # [params] "Type: integer"; [model] LifecyclePolicyRulePriority has min 1.
    value = rule["rulePriority"]
    if value is None:
        return
    if not _is_int(value):
        sink.add(where, f"rulePriority is {_show(value)}; write an integer such as 1")
    elif value < 1:
        sink.add(where, f"rulePriority is {value}; priorities start at 1")
    elif value > MAX_INTEGER:
        sink.add(where, f"rulePriority is {value:,}; write at most {MAX_INTEGER:,}")


def _check_selection(sink: _Sink, path: str, selection: object) -> None:
    if selection is None:
        return
    if not isinstance(selection, Mapping):
        sink.add(path, "selection must be a JSON object")
        return

    _check_keys(sink, path, selection, SELECTION_KEYS, required=REQUIRED_SELECTION_KEYS)
    _check_enum_field(sink, path, selection, "tagStatus", TagStatus, required=True)
    _check_enum_field(sink, path, selection, "countType", CountType, required=True)
    _check_enum_field(
        sink, path, selection, "storageClass", StorageClass, required=False
    )
    _check_tags(sink, path, selection)
    _check_count(sink, path, selection)
    _check_storage_class(sink, path, selection)


def _check_tags(sink: _Sink, path: str, selection: Mapping[str, Any]) -> None:
    lists = {
        key: selection[key]
        for key in ("tagPatternList", "tagPrefixList")
        if selection.get(key) is not None
    }
    for key, value in lists.items():
        _check_tag_list(sink, _join(path, key), key, value)

    status = _enum_value(TagStatus, selection.get("tagStatus"))
    if status is None:
        return

    # [params] tagged needs tagPrefixList or tagPatternList; untagged omits both; the
    # lists "may only be used if the tagStatus is tagged" [policies], and "a rule may
    # specify either tagPatternList or tagPrefixList, but not both" [policies].
    if status is not TagStatus.TAGGED:
        for key in lists:
            sink.add(
                _join(path, key),
                f'tagStatus "{status}" selects images without looking at their tags; '
                f'remove {key}, or set tagStatus to "tagged"',
            )
        return
    if not lists:
        sink.add(
            _join(path, "tagPatternList"),
            'tagStatus "tagged" needs the tags to select: add tagPatternList '
            '(for example ["prod*"]) or tagPrefixList (for example ["prod"])',
        )
    elif len(lists) == 2:
        sink.add(
            _join(path, "tagPrefixList"),
            "tagPatternList and tagPrefixList cannot be used together; keep one "
            '(a prefix "prod" is the pattern "prod*")',
        )


def _check_tag_list(sink: _Sink, path: str, key: str, value: object) -> None:
    if not isinstance(value, list):
        sink.add(path, f'{key} is {_show(value)}; write a list such as ["prod"]')
        return
    if not value:
        sink.add(path, f"{key} is empty; list at least one tag {_noun(key)}")
        return

    for index, entry in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(entry, str):
            sink.add(where, f"tag {_noun(key)} {_show(entry)} is not a string")
        elif not entry:
            # Inference: no source says ECR rejects "", but an empty pattern matches no
            # tag and an empty prefix matches every tag, so it is never what is meant.
            sink.add(where, f"tag {_noun(key)} is empty; write at least one character")
        elif key == "tagPatternList" and entry.count("*") > MAX_WILDCARDS_PER_PATTERN:
            sink.add(
                where,
                f'pattern "{entry}" has {entry.count("*")} wildcards; ECR allows at '
                f"most {MAX_WILDCARDS_PER_PATTERN} per pattern",
            )
        elif key == "tagPrefixList" and "*" in entry:
            # Inference: [params] describes prefixes as literal; a tag can never contain
            # "*" (Docker tag grammar), so such a prefix could never match.
            sink.add(
                where,
                f'prefix "{entry}" contains "*", which prefixes do not expand; use '
                f'tagPatternList ["{entry}"] for a wildcard match',
            )


def _noun(key: str) -> str:
    return "pattern" if key == "tagPatternList" else "prefix"


def _check_count(sink: _Sink, path: str, selection: Mapping[str, Any]) -> None:
    count_type = _enum_value(CountType, selection.get("countType"))
    spec = COUNT_TYPES.get(count_type) if count_type is not None else None

    unit_path = _join(path, "countUnit")
    unit = selection.get("countUnit")
    if unit is not None and unit != CountUnit.DAYS:
        sink.add(unit_path, f'countUnit is {_show(unit)}; the only unit is "days"')
    # [params] countUnit goes with the sinceImage* count types only.
    if spec is not None and spec.needs_unit and "countUnit" not in selection:
        sink.add(
            unit_path, f'countType "{count_type}" needs "countUnit": "days"; add it'
        )
    if spec is not None and not spec.needs_unit and unit is not None:
        sink.add(
            unit_path,
            f'countType "{count_type}" counts images, not days; remove countUnit',
        )

    number_path = _join(path, "countNumber")
    if "countNumber" not in selection:
        sink.add(number_path, "countNumber is required; write a positive integer")
        return
    number = selection["countNumber"]
    if number is None:
        return
    # [params] countNumber: "Acceptable values are positive integers (0 is not an
    # accepted value)".
    if not _is_int(number):
        sink.add(
            number_path, f"countNumber is {_show(number)}; write a positive integer"
        )
    elif number < 1:
        sink.add(
            number_path,
            f"countNumber is {number}; write a positive integer (1 or more)",
        )
    elif number > MAX_INTEGER:
        sink.add(
            number_path, f"countNumber is {number:,}; write at most {MAX_INTEGER:,}"
        )
    elif spec is not None and number < spec.minimum:
        sink.add(
            number_path,
            f"countNumber is {number}; archived images must stay in archive at least "
            f"{MIN_DAYS_IN_ARCHIVE} days before a lifecycle rule may expire them, so "
            f"write {MIN_DAYS_IN_ARCHIVE} or more",
        )


def _check_storage_class(sink: _Sink, path: str, selection: Mapping[str, Any]) -> None:
    count_type = _enum_value(CountType, selection.get("countType"))
    if count_type is None:
        return

    given = selection.get("storageClass")
    storage_class = (
        StorageClass.STANDARD if given is None else _enum_value(StorageClass, given)
    )
    wanted = COUNT_TYPES[count_type].storage_class
    if storage_class is None or storage_class is wanted:
        return

    where = _join(path, "storageClass")
    if wanted is StorageClass.ARCHIVE:
        fix = "add" if given is None else "set"
        sink.add(
            where,
            f'countType "{count_type}" selects archived images only; '
            f'{fix} "storageClass": "archive"',
        )
    else:
        sink.add(
            where,
            f'countType "{count_type}" selects standard images only (archived images '
            'are expired with countType "sinceImageTransitioned"); remove '
            'storageClass or set it to "standard"',
        )


def _check_action(sink: _Sink, path: str, action: object) -> None:
    if action is None:
        return
    if not isinstance(action, Mapping):
        sink.add(path, "action must be a JSON object")
        return

    _check_keys(
        sink,
        path,
        action,
        ACTION_KEYS,
        required=("type",),
        null_checked_elsewhere=("targetStorageClass",),
    )
    _check_enum_field(sink, path, action, "type", ActionType, required=True)

    action_type = _enum_value(ActionType, action.get("type"))
    where = _join(path, "targetStorageClass")
    target = action.get("targetStorageClass")
    if action_type is ActionType.TRANSITION and "targetStorageClass" not in action:
        sink.add(where, 'a transition needs "targetStorageClass": "archive"; add it')
    elif action_type is ActionType.EXPIRE and "targetStorageClass" in action:
        # ECR rejects an explicit null here as well, so the message is the same.
        sink.add(where, "an expire action has no targetStorageClass; remove the key")
    elif "targetStorageClass" in action and target != StorageClass.ARCHIVE:
        sink.add(
            where,
            f'targetStorageClass is {_show(target)}; the only target is "archive"',
        )


def _check_combination(sink: _Sink, path: str, rule: Mapping[str, Any]) -> None:
    selection = rule.get("selection")
    action = rule.get("action")
    if not isinstance(selection, Mapping) or not isinstance(action, Mapping):
        return

    count_type = _enum_value(CountType, selection.get("countType"))
    action_type = _enum_value(ActionType, action.get("type"))
    if action_type is None:
        return

    where = _join(path, "action.type")
    if count_type is not None and action_type not in COUNT_TYPES[count_type].actions:
        if count_type is CountType.SINCE_IMAGE_PULLED:
            sink.add(
                where,
                'countType "sinceImagePulled" can only move images to archive: write '
                '{"type": "transition", "targetStorageClass": "archive"}, or use '
                'countType "sinceImagePushed" to expire',
            )
        else:
            sink.add(
                where,
                'countType "sinceImageTransitioned" selects archived images, which '
                'can only be expired: write {"type": "expire"}',
            )
        return

    # [params] transition moves standard images to archive; with a valid count type this
    # is already reported on storageClass, so only the unknown count type is left.
    storage_class = _enum_value(StorageClass, selection.get("storageClass"))
    if (
        count_type is None
        and action_type is ActionType.TRANSITION
        and storage_class is StorageClass.ARCHIVE
    ):
        sink.add(
            _join(path, "selection.storageClass"),
            "a transition rule selects standard images only; remove storageClass "
            'or set it to "standard"',
        )


def policy_problems(document: object, *, text_length: int | None) -> list[Problem]:
    """Check a whole policy document: every rule, the rules together, and its length.

    `text_length` is the length in characters of the text ECR receives, or None when
    there is no text to measure yet.
    """
    if not isinstance(document, Mapping):
        return [
            Problem(None, None, "$", 'a policy must be a JSON object {"rules": [...]}')
        ]

    sink = _Sink()
    _check_keys(sink, "", document, POLICY_KEYS, required=POLICY_KEYS)
    problems = sink.problems

    rules = document.get("rules")
    if "rules" not in document:
        problems.append(Problem(None, None, "rules", "rules is required; add a list"))
    elif rules is not None and not isinstance(rules, list):
        problems.append(
            Problem(None, None, "rules", f"rules is {_show(rules)}; write a list")
        )
    elif rules is not None and not rules:
        problems.append(Problem(None, None, "rules", "rules is empty; add a rule"))

    if isinstance(rules, list):
        for index, rule in enumerate(rules):
            problems.extend(rule_problems(rule, path=f"rules[{index}]"))
        problems.extend(_rules_together(rules))

    if text_length is not None:
        problems.extend(length_problems(text_length))

    return problems


def length_problems(text_length: int) -> list[Problem]:
    """Check the length in characters of the policy text ECR would receive."""
    if MIN_POLICY_TEXT_LENGTH <= text_length <= MAX_POLICY_TEXT_LENGTH:
        return []

    message = (
        f"the policy text is {text_length:,} characters; ECR accepts "
        f"{MIN_POLICY_TEXT_LENGTH} to {MAX_POLICY_TEXT_LENGTH:,}"
    )
    return [Problem(None, None, "$", message)]


_Report = Callable[["_Placed", str, str], None]
"""Records a problem on a placed rule: the rule, the key under it, the message."""


@dataclass(frozen=True)
class _Placed:
    """A rule's position and the facts the cross-rule checks need."""

    index: int
    priority: int | None
    description: str | None
    storage_class: StorageClass | None
    tag_status: TagStatus | None
    tags: tuple[str, frozenset[str]] | None


def _place(index: int, rule: object) -> _Placed | None:
    if not isinstance(rule, Mapping):
        return None
    selection = rule.get("selection")
    if not isinstance(selection, Mapping):
        selection = {}

    identity = _identify(rule)
    storage = selection.get("storageClass")
    tags = None
    for key in ("tagPrefixList", "tagPatternList"):
        value = selection.get(key)
        if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
            tags = (key, frozenset(value))

    return _Placed(
        index=index,
        priority=identity.priority,
        description=identity.description,
        storage_class=(
            StorageClass.STANDARD
            if storage is None
            else _enum_value(StorageClass, storage)
        ),
        tag_status=_enum_value(TagStatus, selection.get("tagStatus")),
        tags=tags,
    )


def _rules_together(rules: list[Any]) -> list[Problem]:
    placed = [
        where for index, rule in enumerate(rules) if (where := _place(index, rule))
    ]
    problems: list[Problem] = []

    def add(rule: _Placed, key: str, message: str) -> None:
        where = f"rules[{rule.index}].{key}"
        problems.append(Problem(rule.priority, rule.description, where, message))

    _unique_priorities(placed, add)
    for storage_class in StorageClass:
        same_class = [
            rule
            for rule in placed
            if rule.storage_class is storage_class and rule.priority is not None
        ]
        _any_is_last(same_class, storage_class, add)
        _one_untagged(same_class, storage_class, add)
        _unique_tag_sets(same_class, storage_class, add)

    return problems


def _unique_priorities(rules: list[_Placed], add: _Report) -> None:
    # [params] "you must give them each a unique value for rulePriority".
    seen: dict[int, _Placed] = {}
    for rule in rules:
        if rule.priority is None:
            continue
        first = seen.setdefault(rule.priority, rule)
        if first is not rule:
            add(
                rule,
                "rulePriority",
                f"rulePriority {rule.priority} is also used by rules[{first.index}]; "
                "give every rule its own priority",
            )


def _any_is_last(
    rules: list[_Placed], storage_class: StorageClass, add: _Report
) -> None:
    # [params] "A rule with a tagStatus value of any must have the highest value for
    # rulePriority and be evaluated last." Inference: this holds per storage class, as
    # AWS's own archive example has an "any" rule for each class.
    for rule in rules:
        if rule.tag_status is not TagStatus.ANY or rule.priority is None:
            continue
        later = [
            other
            for other in rules
            if other.priority is not None and other.priority > rule.priority
        ]
        if later:
            last = max(later, key=lambda other: other.priority or 0)
            add(
                rule,
                "rulePriority",
                f'a tagStatus "any" rule must come last among the {storage_class} '
                f"rules, but rules[{last.index}] has priority {last.priority}; give "
                f"this rule a priority above {last.priority}",
            )


def _one_untagged(
    rules: list[_Placed], storage_class: StorageClass, add: _Report
) -> None:
    # [policies] "Only one rule is allowed to select untagged images." Inference: per
    # storage class, like the "any" rule.
    untagged = [rule for rule in rules if rule.tag_status is TagStatus.UNTAGGED]
    for rule in untagged[1:]:
        add(
            rule,
            "selection.tagStatus",
            f"only one rule may select untagged {storage_class} images, and "
            f"rules[{untagged[0].index}] already does; merge the two rules",
        )


def _unique_tag_sets(
    rules: list[_Placed], storage_class: StorageClass, add: _Report
) -> None:
    # [policies] "The set of rules must contain a unique set of tag prefixes."
    # Inference: the same holds for pattern lists, because a second rule with the same
    # patterns could never select anything the first one has not already claimed.
    seen: dict[tuple[str, frozenset[str]], _Placed] = {}
    for rule in rules:
        if rule.tag_status is not TagStatus.TAGGED or rule.tags is None:
            continue
        first = seen.setdefault(rule.tags, rule)
        if first is not rule:
            key = rule.tags[0]
            add(
                rule,
                f"selection.{key}",
                f"rules[{first.index}] already selects {storage_class} images with "
                f"the same {key}; each rule needs a different set of tags",
            )
