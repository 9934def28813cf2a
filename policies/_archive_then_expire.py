"""The two-stage policy: archive images nobody pulls, delete them from archive later.

Layout of the rules `archive_then_expire` builds, lowest priority first:

1. For each protected tag pattern, two guard rules (described below).
2. If asked, one rule that expires untagged standard images some days after push.
3. The extra rules given by the caller, numbered in the order given when they carry no
   priority of their own.
4. `any` + `sinceImagePulled` → transition to archive (standard images).
5. `any` + `sinceImageTransitioned` → expire (archived images).

How protected tags work. ECR evaluates every rule and applies them in priority order;
"an image that matches the tagging requirements of a rule cannot be expired by a rule
with a lower priority" (ECR user guide, LifecyclePolicies.html). A guard rule selects
the protected tags and sits above the `any` rules, so the `any` rules can no longer act
on those images; its own count is one that cannot be reached in practice, so it never
acts either. Selection is per storage class, so each pattern gets one guard for
standard images and one for archived images:

- standard: `sinceImagePushed` > 36,500 days (100 years) → transition to archive. Age
  since push is the one count that cannot be reset or reached early (an
  `imageCountMoreThan` guard fires once enough matching images pile up). Transition is
  the action chosen because, should the guard ever fire, the image can be restored.
- archive: `sinceImageTransitioned` > 36,500 days → expire, the only combination ECR
  allows for archived images.

Limits of the mechanism:

- ECR documents the shadowing for expiry; that it holds for transition as well is an
  inference from the archive documentation describing both actions alike.
- No maximum `countNumber` is documented (lifecycle_policy_parameters.html lists none,
  nor does the service model); 36,500 is far below any integer limit, but unverified
  against the live service.
- Protection follows the tag, not the image: when `latest` moves to a new image, the
  old one loses the protection and the `any` rules apply to it from then on, with its
  old pull and archive dates.
- Patterns in one `tagPatternList` must all match (AND), so each protected pattern gets
  its own pair of rules, about 550 characters of policy text per pattern; the 30,720
  character limit caps a policy at about 50 protected patterns.
- An image archived before it was protected stays archived; the policy never restores.
- It protects against this lifecycle policy only, not against `BatchDeleteImage` or a
  manual `UpdateImageStorageClass`.
"""

from collections.abc import Iterable
from dataclasses import replace

from policies._checks import (
    MAX_INTEGER,
    MAX_WILDCARDS_PER_PATTERN,
    MIN_DAYS_IN_ARCHIVE,
)
from policies._enums import CountType, CountUnit, StorageClass, TagStatus
from policies._errors import PolicyError, Problem
from policies._model import Action, LifecyclePolicy, Rule, Selection

# A count of days no image reaches while ECR exists: 100 years. See the module docstring
# for why no larger number is used.
PROTECTION_DAYS = 36_500


def _days_problem(name: str, value: object, minimum: int) -> Problem | None:
    if not isinstance(value, int) or isinstance(value, bool):
        why = f"pass a whole number of days, {minimum} or more"
    elif value < minimum and minimum == MIN_DAYS_IN_ARCHIVE:
        why = (
            f"ECR keeps archived images at least {MIN_DAYS_IN_ARCHIVE} days before a "
            f"lifecycle rule may expire them; pass {MIN_DAYS_IN_ARCHIVE} or more"
        )
    elif value < minimum:
        why = f"pass {minimum} or more"
    elif value > MAX_INTEGER:
        why = f"pass at most {MAX_INTEGER:,}"
    else:
        return None

    return Problem(None, None, name, f"{name} is {value!r}; {why}")


def _sequence(value: object) -> tuple[object, ...] | None:
    # A lone string or Rule is a common slip for a one-element tuple; iterating a
    # string would protect each of its characters.
    if isinstance(value, str | Rule) or not isinstance(value, Iterable):
        return None

    return tuple(value)


def _patterns(protected_tags: object) -> tuple[list[str], list[Problem]]:
    given = _sequence(protected_tags)
    if given is None:
        message = (
            f"protected_tags is {protected_tags!r}; pass a tuple of tag patterns, "
            "for example ('latest', 'prod-*')"
        )
        return [], [Problem(None, None, "protected_tags", message)]

    patterns: list[str] = []
    problems: list[Problem] = []
    for index, tag in enumerate(given):
        if not isinstance(tag, str) or not tag:
            message = f"{tag!r} is not a tag pattern; pass a non-empty string"
        elif tag.count("*") > MAX_WILDCARDS_PER_PATTERN:
            message = (
                f"{tag!r} has {tag.count('*')} wildcards; ECR allows at most "
                f"{MAX_WILDCARDS_PER_PATTERN} per pattern"
            )
        elif tag in patterns:
            message = f"{tag!r} is listed twice; list each pattern once"
        else:
            patterns.append(tag)
            continue
        problems.append(Problem(None, None, f"protected_tags[{index}]", message))

    return patterns, problems


def _extras(extra_rules: object) -> tuple[list[Rule], list[Problem]]:
    given = _sequence(extra_rules)
    if given is None:
        message = f"extra_rules is {extra_rules!r}; pass a tuple of Rule"
        return [], [Problem(None, None, "extra_rules", message)]

    rules = [rule for rule in given if isinstance(rule, Rule)]
    problems = [
        Problem(None, None, f"extra_rules[{index}]", f"{rule!r} is not a Rule")
        for index, rule in enumerate(given)
        if not isinstance(rule, Rule)
    ]
    return rules, problems


def _guard_rules(pattern: str) -> list[Rule]:
    return [
        Rule(
            description=f"Keep images tagged {pattern} out of archive",
            selection=Selection(
                tag_status=TagStatus.TAGGED,
                tag_pattern_list=(pattern,),
                count_type=CountType.SINCE_IMAGE_PUSHED,
                count_unit=CountUnit.DAYS,
                count_number=PROTECTION_DAYS,
            ),
            action=Action.transition_to_archive(),
        ),
        Rule(
            description=f"Keep archived images tagged {pattern}",
            selection=Selection(
                tag_status=TagStatus.TAGGED,
                tag_pattern_list=(pattern,),
                storage_class=StorageClass.ARCHIVE,
                count_type=CountType.SINCE_IMAGE_TRANSITIONED,
                count_unit=CountUnit.DAYS,
                count_number=PROTECTION_DAYS,
            ),
            action=Action.expire(),
        ),
    ]


def _untagged_rule(days: int) -> Rule:
    return Rule(
        description=f"Delete untagged images {days} days after push",
        selection=Selection(
            tag_status=TagStatus.UNTAGGED,
            count_type=CountType.SINCE_IMAGE_PUSHED,
            count_unit=CountUnit.DAYS,
            count_number=days,
        ),
        action=Action.expire(),
    )


def _stage_rules(archive_after_days: int, expire_after_days: int) -> list[Rule]:
    return [
        Rule(
            description=f"Archive images not pulled for {archive_after_days} days",
            selection=Selection(
                tag_status=TagStatus.ANY,
                count_type=CountType.SINCE_IMAGE_PULLED,
                count_unit=CountUnit.DAYS,
                count_number=archive_after_days,
            ),
            action=Action.transition_to_archive(),
        ),
        Rule(
            description=f"Delete images {expire_after_days} days after archiving",
            selection=Selection(
                tag_status=TagStatus.ANY,
                storage_class=StorageClass.ARCHIVE,
                count_type=CountType.SINCE_IMAGE_TRANSITIONED,
                count_unit=CountUnit.DAYS,
                count_number=expire_after_days,
            ),
            action=Action.expire(),
        ),
    ]


def _number(rules: list[Rule]) -> list[Rule]:
    taken = {rule.priority for rule in rules if rule.priority is not None}
    numbered: list[Rule] = []
    candidate = 1
    for rule in rules:
        if rule.priority is not None:
            numbered.append(rule)
            continue
        while candidate in taken:
            candidate += 1
        taken.add(candidate)
        numbered.append(replace(rule, priority=candidate))

    return numbered


def archive_then_expire(
    archive_after_days: int = 90,
    expire_after_days: int = 365,
    *,
    protected_tags: Iterable[str] = (),
    expire_untagged_after_days: int | None = None,
    extra_rules: Iterable[Rule] = (),
) -> LifecyclePolicy:
    """Build the policy that archives unpulled images and later deletes them.

    An image (in standard storage) that nobody has pulled for `archive_after_days`
    days moves to archive; ECR counts from the last recorded pull, or from the push
    for an image never pulled. An archived image is deleted `expire_after_days` days
    after it was archived (90 or more: ECR's minimum stay in archive).

    `protected_tags` are tag patterns (up to four `*` each) whose images this policy
    never archives or deletes; see the module docstring for the mechanism and its
    limits. `expire_untagged_after_days` adds a rule deleting untagged standard images
    that many days after push; it takes those images away from the archive rule, so
    untagged images are deleted, never archived. `extra_rules` are placed after those
    and before the two `any` rules; rules without a priority are numbered in order.

    Raises PolicyError naming the argument for a bad argument, and naming the rule for
    a combination ECR would reject (for example an extra rule that clashes).
    """
    problems = [
        problem
        for problem in (
            _days_problem("archive_after_days", archive_after_days, 1),
            _days_problem("expire_after_days", expire_after_days, MIN_DAYS_IN_ARCHIVE),
            None
            if expire_untagged_after_days is None
            else _days_problem(
                "expire_untagged_after_days", expire_untagged_after_days, 1
            ),
        )
        if problem is not None
    ]
    patterns, pattern_problems = _patterns(protected_tags)
    extras, extra_problems = _extras(extra_rules)
    problems += pattern_problems + extra_problems
    if problems:
        raise PolicyError(problems)

    head = [rule for pattern in patterns for rule in _guard_rules(pattern)]
    if expire_untagged_after_days is not None:
        head.append(_untagged_rule(expire_untagged_after_days))

    rules = _number(head + extras)
    last = max((rule.priority or 0 for rule in rules), default=0)
    stages = _stage_rules(archive_after_days, expire_after_days)
    rules.extend(
        replace(stage, priority=last + offset)
        for offset, stage in enumerate(stages, start=1)
    )

    return LifecyclePolicy(tuple(rules))
