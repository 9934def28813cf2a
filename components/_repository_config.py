"""Stack config for the ecr-archive stack: repositories from `Pulumi.<stack>.yaml`.

Three keys, all in the `ecr-archive` namespace:

- `ecr-archive:repositories` (required): a list of objects, one per repository, each
  with a `name` and any of the settings below;
- `ecr-archive:defaults`: one object of the same settings (no `name`), applied to
  every repository; a repository's own value wins, `tags` are merged, a
  repository's own `lifecyclePolicy` or policy options replace the defaults' other
  form, and tag mutability exclusions do not follow a repository to another base
  mutability;
- `ecr-archive:pullTimeUpdateExclusions`: a list of IAM role or user ARNs whose pulls
  ECR should not record (registry-wide, see `pull_time_update_exclusions`).

Settings use Pulumi's camelCase and map one to one onto `ArchivedRepositoryArgs`.
Every problem raises `StackConfigError` naming the config key, for example
`ecr-archive:repositories[1].archiveAfterDays`.
"""

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components._repository_args import POLICY_OPTIONS, ArchivedRepositoryArgs
from components._repository_pull_time import pull_time_update_exclusions
from components.archived_repository import ArchivedRepository

NAMESPACE = "ecr-archive"
REPOSITORIES_KEY = f"{NAMESPACE}:repositories"
DEFAULTS_KEY = f"{NAMESPACE}:defaults"
EXCLUSIONS_KEY = f"{NAMESPACE}:pullTimeUpdateExclusions"

# Config name -> `ArchivedRepositoryArgs` field.
SETTINGS: dict[str, str] = {
    "repositoryName": "repository_name",
    "archiveAfterDays": "archive_after_days",
    "expireAfterDays": "expire_after_days",
    "protectedTags": "protected_tags",
    "expireUntaggedAfterDays": "expire_untagged_after_days",
    "extraRules": "extra_rules",
    "lifecyclePolicy": "lifecycle_policy",
    "imageTagMutability": "image_tag_mutability",
    "tagMutabilityExclusions": "tag_mutability_exclusions",
    "scanOnPush": "scan_on_push",
    "kmsKeyArn": "kms_key_arn",
    "forceDelete": "force_delete",
    "tags": "tags",
}
_PER_REPOSITORY_ONLY = frozenset({"name", "repositoryName"})
_POLICY_OPTIONS = frozenset(POLICY_OPTIONS)
_MUTABILITY = "image_tag_mutability"
_EXCLUSIONS = "tag_mutability_exclusions"
_DEFAULT_MUTABILITY = "IMMUTABLE"


class StackConfigError(ValueError):
    """The stack config is missing a key or holds a value the stack cannot use."""


@dataclass(frozen=True)
class RepositoryConfig:
    """One entry of `ecr-archive:repositories`, with the defaults applied."""

    key: str
    """Where it came from, for example `ecr-archive:repositories[0]`."""

    name: str
    """The resource name (and the repository name unless `repositoryName` is set)."""

    args: ArchivedRepositoryArgs
    """The component arguments."""


@dataclass(frozen=True)
class StackConfig:
    """Everything the stack reads from its config."""

    repositories: tuple[RepositoryConfig, ...]
    """The repositories, in config order."""

    pull_time_update_exclusions: tuple[str, ...]
    """IAM principal ARNs whose pulls are not recorded."""


def read_stack_config(config: pulumi.Config | None = None) -> StackConfig:
    """Read and check the stack config; raise `StackConfigError` naming the key."""
    config = config or pulumi.Config(NAMESPACE)
    try:
        repositories = config.get_object("repositories")
        defaults = config.get_object("defaults")
        exclusions = config.get_object("pullTimeUpdateExclusions")
    except pulumi.ConfigTypeError as exc:
        raise StackConfigError(f"{exc}; write the value as YAML or JSON") from exc

    return parse_stack_config(repositories, defaults, exclusions)


def parse_stack_config(
    repositories: object, defaults: object = None, exclusions: object = None
) -> StackConfig:
    """Check decoded config values (as `Config.get_object` returns them)."""
    if repositories is None:
        message = (
            f"{REPOSITORIES_KEY} is not set: add a list such as "
            f"`pulumi config set --path '{REPOSITORIES_KEY}[0].name' api`"
        )
        raise StackConfigError(message)
    if not isinstance(repositories, list) or not repositories:
        message = f"{REPOSITORIES_KEY} must be a non-empty list of objects"
        raise StackConfigError(message)

    shared = _settings(DEFAULTS_KEY, defaults or {}, allowed_names=False)
    entries = tuple(
        _repository(f"{REPOSITORIES_KEY}[{index}]", entry, shared)
        for index, entry in enumerate(repositories)
    )
    _reject_repeats(entries)

    return StackConfig(entries, _exclusions(exclusions))


def build_repositories(
    stack_config: StackConfig, opts: pulumi.ResourceOptions | None = None
) -> dict[str, ArchivedRepository]:
    """Create one `ArchivedRepository` per config entry, keyed by name.

    A `ValueError` (including `policies.PolicyError`) from the component is raised
    again as `StackConfigError` with the entry's config key in front.
    """
    built = {}
    for entry in stack_config.repositories:
        try:
            built[entry.name] = ArchivedRepository(entry.name, entry.args, opts)
        except ValueError as exc:
            message = f"{entry.key} ({entry.name}): {exc}"
            raise StackConfigError(message) from exc

    return built


def build_pull_time_exclusions(
    stack_config: StackConfig, opts: pulumi.ResourceOptions | None = None
) -> list[aws.ecr.PullTimeUpdateExclusion]:
    """Create the registry's pull-time update exclusions from the config.

    Raises `StackConfigError` naming `ecr-archive:pullTimeUpdateExclusions`.
    """
    try:
        return pull_time_update_exclusions(
            stack_config.pull_time_update_exclusions, opts=opts
        )
    except ValueError as exc:
        raise StackConfigError(f"{EXCLUSIONS_KEY}: {exc}") from exc


def _repository(key: str, entry: object, shared: dict[str, Any]) -> RepositoryConfig:
    if not isinstance(entry, Mapping):
        message = f"{key} must be an object with at least a 'name'"
        raise StackConfigError(message)

    name = entry.get("name")
    if not isinstance(name, str) or not name:
        message = f"{key}.name is missing: give each repository a name, such as 'api'"
        raise StackConfigError(message)

    own = _settings(key, {k: v for k, v in entry.items() if k != "name"})
    merged = {**_inherited(shared, own), **own}
    if "tags" in shared and "tags" in own:
        merged["tags"] = {**shared["tags"], **own["tags"]}

    args: ArchivedRepositoryArgs = {}
    args.update(merged)  # type: ignore[typeddict-item]  # checked by the component

    return RepositoryConfig(key, name, args)


def _inherited(shared: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Return the defaults a repository takes, given its own settings.

    A whole policy and the policy options exclude each other: a repository that
    brings its own `lifecyclePolicy` does not inherit the default options, and one
    that sets an option does not inherit a default `lifecyclePolicy`. Tag
    mutability exclusions are exceptions to one base mutability (movable tags of an
    IMMUTABLE repository, fixed tags of a MUTABLE one), so a repository that picks
    another base does not inherit them.
    """
    dropped: set[str] = set()
    if "lifecycle_policy" in own:
        dropped |= _POLICY_OPTIONS
    elif own.keys() & _POLICY_OPTIONS:
        dropped.add("lifecycle_policy")

    base = shared.get(_MUTABILITY, _DEFAULT_MUTABILITY)
    if own.get(_MUTABILITY, base) != base:
        dropped.add(_EXCLUSIONS)

    return {key: value for key, value in shared.items() if key not in dropped}


def _settings(
    key: str, values: object, *, allowed_names: bool = True
) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        message = f"{key} must be an object of settings"
        raise StackConfigError(message)

    known = set(SETTINGS) if allowed_names else set(SETTINGS) - _PER_REPOSITORY_ONLY
    converted = {}
    for setting, value in values.items():
        if setting not in known:
            raise StackConfigError(_unknown_setting(key, setting, known))
        converted[SETTINGS[setting]] = _value(f"{key}.{setting}", setting, value)

    return converted


def _value(key: str, setting: str, value: object) -> object:
    # A policy written as YAML arrives as an object; the component takes its JSON.
    if setting == "lifecyclePolicy" and isinstance(value, Mapping):
        return json.dumps(value)
    if setting == "tags" and not (
        isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values())
    ):
        message = f"{key} must map tag names to strings, for example {{team: web}}"
        raise StackConfigError(message)

    return value


def _unknown_setting(key: str, setting: str, known: set[str]) -> str:
    if setting in _PER_REPOSITORY_ONLY:
        return f"{key}.{setting} is per repository: set it in {REPOSITORIES_KEY}"

    close = difflib.get_close_matches(setting, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""

    return (
        f"{key}.{setting} is not a setting{hint}; known settings: "
        f"{', '.join(sorted(known))}"
    )


def _reject_repeats(entries: tuple[RepositoryConfig, ...]) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        repository = entry.args.get("repository_name", entry.name)
        for label, value in (("name", entry.name), ("repository", repository)):
            marker = f"{label}:{value}"
            if marker in seen:
                message = (
                    f"{entry.key} repeats the {label} {value!r} of {seen[marker]}: "
                    "give each repository its own"
                )
                raise StackConfigError(message)
            seen[marker] = entry.key


def _exclusions(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        message = (
            f"{EXCLUSIONS_KEY} must be a list of IAM role or user ARNs, such as "
            "['arn:aws:iam::123456789012:role/scanner']"
        )
        raise StackConfigError(message)

    return tuple(value)
