"""The arguments of `ArchivedRepository` and the checks that turn them into settings.

`ArchivedRepositoryArgs` is what a program writes; `resolve_settings` checks it and
returns `RepositorySettings`, the values the component hands to its two children.
Lifecycle problems raise `policies.PolicyError` (naming rule and field); every other
problem raises `ValueError` naming the argument and what to write instead. Both are
raised while the program runs, so `pulumi preview` stops with the message before any
call to AWS.
"""

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import pulumi

from policies import LifecyclePolicy, Rule, archive_then_expire, validate_policy

# CreateRepository's limits, from the ECR service model (RepositoryName shape).
_REPOSITORY_NAME = re.compile(
    r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*"
)
_REPOSITORY_NAME_LENGTH = (2, 256)

# ImageTagMutabilityExclusionFilter(s): 1 to 5 filters, each 1 to 128 characters of
# letters, digits and `._*-`, with at most 2 wildcards.
_EXCLUSION_FILTER = re.compile(r"[0-9a-zA-Z._*-]{1,128}")
_MAX_EXCLUSION_FILTERS = 5
_MAX_EXCLUSION_WILDCARDS = 2

_KMS_KEY_ARN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+")

# The arguments that `lifecycle_policy` replaces.
POLICY_OPTIONS = (
    "archive_after_days",
    "expire_after_days",
    "protected_tags",
    "expire_untagged_after_days",
    "extra_rules",
)

TagMutability = Literal["IMMUTABLE", "MUTABLE"]


class ArchivedRepositoryArgs(TypedDict, total=False):
    """Arguments of `ArchivedRepository`; every field is optional.

    The lifecycle policy comes either from the options `archive_after_days`,
    `expire_after_days`, `protected_tags`, `expire_untagged_after_days` and
    `extra_rules` (passed to `policies.archive_then_expire`), or whole from
    `lifecycle_policy`; giving both is an error.
    """

    repository_name: str
    """Name of the ECR repository; defaults to the component's resource name."""

    archive_after_days: int
    """Days since the last recorded pull before an image moves to archive storage.

    Defaults to 90 (the default of `policies.archive_then_expire`).
    """

    expire_after_days: int
    """Days in archive storage before an archived image is deleted.

    Defaults to 365; ECR keeps archived images at least 90 days, so it must be 90 or
    more.
    """

    protected_tags: Sequence[str]
    """Tag patterns (ECR wildcards, `*`) whose images this policy never touches."""

    expire_untagged_after_days: int
    """Days after push before untagged images are deleted; unset keeps them."""

    extra_rules: Sequence[Rule | Mapping[str, Any]]
    """Further rules, placed before the two catch-all `any` rules.

    Each is a `policies.Rule` or a rule's JSON object (read with `Rule.from_dict`);
    a rule without `rulePriority` is numbered in the order given.
    """

    lifecycle_policy: LifecyclePolicy | str
    """A whole lifecycle policy (`policies.LifecyclePolicy` or its JSON text).

    Replaces the policy options above; JSON text is validated with
    `policies.validate_policy`.
    """

    image_tag_mutability: TagMutability
    """`IMMUTABLE` (default) or `MUTABLE`: whether a pushed tag can be moved."""

    tag_mutability_exclusions: Sequence[str]
    """Wildcard tag filters that are the exception to `image_tag_mutability`.

    With `IMMUTABLE` these tags stay movable (`IMMUTABLE_WITH_EXCLUSION`, for example
    `latest` or `dev-*`); with `MUTABLE` they become fixed (`MUTABLE_WITH_EXCLUSION`).
    One to five filters of letters, digits and `._*-`, at most two `*` each.
    """

    scan_on_push: bool
    """Scan each image for vulnerabilities when it is pushed; defaults to true."""

    kms_key_arn: pulumi.Input[str]
    """ARN of a KMS key to encrypt images with; unset means AES256 (ECR's own key).

    The encryption of a repository cannot change after creation: changing this
    replaces the repository.
    """

    force_delete: bool
    """Let `pulumi destroy` delete the repository with its images; defaults to false."""

    tags: Mapping[str, str]
    """AWS tags put on the repository."""


_KNOWN_ARGS = frozenset(ArchivedRepositoryArgs.__annotations__)


@dataclass(frozen=True)
class RepositorySettings:
    """Checked values for the repository and its lifecycle policy."""

    repository_name: str
    """The ECR repository name."""

    lifecycle_policy_json: str
    """The lifecycle policy text, deterministic (rules sorted by priority)."""

    image_tag_mutability: str
    """One of ECR's four mutability values."""

    mutability_exclusions: tuple[str, ...]
    """Wildcard filters for the `*_WITH_EXCLUSION` mutability values."""

    scan_on_push: bool
    """Whether images are scanned on push."""

    kms_key_arn: pulumi.Input[str] | None
    """KMS key for `KMS` encryption, or None for `AES256`."""

    force_delete: bool
    """Whether the repository may be deleted with images in it."""

    tags: dict[str, str]
    """AWS tags of the repository."""


def resolve_settings(
    resource_name: str, args: ArchivedRepositoryArgs | None
) -> RepositorySettings:
    """Check `args` and return the settings, or raise naming the argument to fix.

    Raises `policies.PolicyError` for lifecycle problems and `ValueError` for the rest.
    """
    given: Mapping[str, Any] = args or {}
    _reject_unknown(given)

    mutability, exclusions = _mutability(given)

    return RepositorySettings(
        repository_name=_repository_name(resource_name, given),
        lifecycle_policy_json=_lifecycle_policy(given).to_json(),
        image_tag_mutability=mutability,
        mutability_exclusions=exclusions,
        scan_on_push=_boolean(given, "scan_on_push", default=True),
        kms_key_arn=_kms_key_arn(given),
        force_delete=_boolean(given, "force_delete", default=False),
        tags=_tags(given),
    )


def _reject_unknown(given: Mapping[str, Any]) -> None:
    unknown = sorted(set(given) - _KNOWN_ARGS)
    if not unknown:
        return

    hints = []
    for key in unknown:
        close = difflib.get_close_matches(key, _KNOWN_ARGS, n=1)
        hints.append(f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key))
    known = ", ".join(sorted(_KNOWN_ARGS))
    message = f"unknown argument {', '.join(hints)}; known arguments: {known}"
    raise ValueError(message)


def _repository_name(resource_name: str, given: Mapping[str, Any]) -> str:
    name = given.get("repository_name", resource_name)
    source = (
        "repository_name"
        if "repository_name" in given
        else "the resource name (used as repository_name when that is unset)"
    )
    if not isinstance(name, str):
        message = f"repository_name must be a string, got {type(name).__name__}"
        raise ValueError(message)

    shortest, longest = _REPOSITORY_NAME_LENGTH
    if not shortest <= len(name) <= longest or not _REPOSITORY_NAME.fullmatch(name):
        message = (
            f"{source} {name!r} is not a valid ECR repository name: use {shortest} to "
            f"{longest} lower-case letters and digits, separated by '.', '_', '__' or "
            "'-' and grouped with '/', for example 'team/service-api'"
        )
        raise ValueError(message)

    return name


def _lifecycle_policy(given: Mapping[str, Any]) -> LifecyclePolicy:
    whole = given.get("lifecycle_policy")
    options = {key: given[key] for key in POLICY_OPTIONS if key in given}
    if whole is not None and options:
        message = (
            "lifecycle_policy replaces the policy options; remove either "
            f"lifecycle_policy or {', '.join(sorted(options))}"
        )
        raise ValueError(message)

    if isinstance(whole, LifecyclePolicy):
        return whole
    if isinstance(whole, str):
        return validate_policy(whole)
    if whole is not None:
        message = (
            "lifecycle_policy must be a policies.LifecyclePolicy or its JSON text, "
            f"got {type(whole).__name__}"
        )
        raise ValueError(message)

    # The day counts and the rules are checked by archive_then_expire, which raises
    # PolicyError naming the field; only a lone string needs catching here, since it
    # would otherwise be read as one pattern per character.
    protected = _strings(options, "protected_tags")
    extra = _extra_rules(options.get("extra_rules", ()))

    # Only the day counts given are passed, so archive_then_expire's defaults hold.
    days = {key: value for key, value in options.items() if key.endswith("_days")}

    return archive_then_expire(protected_tags=protected, extra_rules=extra, **days)


def _mutability(given: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    base = given.get("image_tag_mutability", "IMMUTABLE")
    if base not in ("IMMUTABLE", "MUTABLE"):
        message = (
            f"image_tag_mutability must be 'IMMUTABLE' or 'MUTABLE', got {base!r}; "
            "to exempt some tags, keep the base value and list them in "
            "tag_mutability_exclusions"
        )
        raise ValueError(message)

    exclusions = _strings(given, "tag_mutability_exclusions")
    if not exclusions:
        return base, ()

    if len(exclusions) > _MAX_EXCLUSION_FILTERS:
        message = (
            f"tag_mutability_exclusions has {len(exclusions)} filters; ECR allows at "
            f"most {_MAX_EXCLUSION_FILTERS}: merge them with '*' wildcards"
        )
        raise ValueError(message)
    for index, pattern in enumerate(exclusions):
        if (
            not _EXCLUSION_FILTER.fullmatch(pattern)
            or pattern.count("*") > _MAX_EXCLUSION_WILDCARDS
        ):
            message = (
                f"tag_mutability_exclusions[{index}] {pattern!r} is not a valid "
                "filter: use 1 to 128 letters, digits and '._-', with at most "
                f"{_MAX_EXCLUSION_WILDCARDS} '*', for example 'dev-*'"
            )
            raise ValueError(message)
    if len(set(exclusions)) != len(exclusions):
        message = "tag_mutability_exclusions lists a filter twice; remove the repeat"
        raise ValueError(message)

    return f"{base}_WITH_EXCLUSION", exclusions


def _kms_key_arn(given: Mapping[str, Any]) -> pulumi.Input[str] | None:
    key = given.get("kms_key_arn")
    if key is None or not isinstance(key, str):
        # An Output (a key made in the same program) is checked by ECR itself.
        return key

    if not _KMS_KEY_ARN.fullmatch(key):
        message = (
            f"kms_key_arn {key!r} is not a KMS key ARN: write the full ARN, for "
            "example 'arn:aws:kms:us-east-1:123456789012:key/<key-id>', or leave it "
            "unset for AES256"
        )
        raise ValueError(message)

    return key


def _tags(given: Mapping[str, Any]) -> dict[str, str]:
    tags = given.get("tags", {})
    if not isinstance(tags, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in tags.items()
    ):
        message = "tags must map strings to strings, for example {'team': 'platform'}"
        raise ValueError(message)

    return dict(tags)


def _boolean(given: Mapping[str, Any], key: str, *, default: bool) -> bool:
    value = given.get(key, default)
    if not isinstance(value, bool):
        message = f"{key} must be true or false, got {value!r}"
        raise ValueError(message)

    return value


def _strings(given: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = given.get(key, ())
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or not all(isinstance(item, str) for item in value)
    ):
        message = f"{key} must be a list of strings, for example ['release-']"
        raise ValueError(message)

    return tuple(value)


def _extra_rules(value: object) -> tuple[Rule, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        message = "extra_rules must be a list of policies.Rule or rule objects"
        raise ValueError(message)

    rules = []
    for index, given in enumerate(value):
        rule = Rule.from_dict(given) if isinstance(given, Mapping) else given
        if not isinstance(rule, Rule):
            message = (
                f"extra_rules[{index}] must be a policies.Rule or a rule object, got "
                f"{type(rule).__name__}"
            )
            raise ValueError(message)
        rules.append(rule)

    return tuple(rules)
