"""Least-privilege IAM policy documents for deploying and running ecr-archive.

Each helper returns a plain, JSON-ready policy document (`json.dumps` it, or hand it
to `aws.iam.Policy(policy=...)`):

- `deploy_policy`: what `pulumi up`, `preview`, `refresh` and `destroy` need for
  `ArchivedRepository` (repository, tags, scanning, tag mutability, lifecycle policy),
  plus the KMS grants ECR makes for KMS-encrypted repositories (a key named by its
  alias ARN is matched with `kms:ResourceAliases`), the image listing
  and deletion its purge makes before a `force_delete` repository is deleted and,
  when asked, the registry-wide pull-time update exclusions;
- `storage_class_provider_policy`: what the `ImageStorageClass` provider calls;
- `cli_policy`: what each `ecr-archive` CLI command calls, optionally with the
  permissions to `docker pull` afterwards.

Every ECR action that takes a repository is scoped to the repository ARNs given
(a trailing `*`, such as `repository/team/*`, is allowed). Actions that ECR does not
scope to a repository get `"Resource": "*"` in a statement of their own:
`ecr:GetAuthorizationToken` (a registry login) and the pull-time update exclusion
actions (registry-wide; whether IAM can scope them further is unverified).
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

POLICY_VERSION = "2012-10-17"

# Create, read, update and delete of `aws.ecr.Repository` and
# `aws.ecr.LifecyclePolicy`, as the AWS provider calls them.
REPOSITORY_DEPLOY_ACTIONS = (
    "ecr:CreateRepository",
    "ecr:DeleteLifecyclePolicy",
    "ecr:DeleteRepository",
    "ecr:DescribeRepositories",
    "ecr:GetLifecyclePolicy",
    "ecr:ListTagsForResource",
    "ecr:PutImageScanningConfiguration",
    "ecr:PutImageTagMutability",
    "ecr:PutLifecyclePolicy",
    "ecr:TagResource",
    "ecr:UntagResource",
)

# ECR checks the caller may use the key when it creates a KMS-encrypted repository,
# grants itself use of the key, and retires the grant when the repository goes.
KMS_DEPLOY_ACTIONS = ("kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant")

# What the purge of a `force_delete` repository calls before pulumi-aws deletes it:
# it lists images of every status and deletes the archived and activating ones.
PURGE_ACTIONS = ("ecr:BatchDeleteImage", "ecr:DescribeImages")

PULL_TIME_EXCLUSION_ACTIONS = (
    "ecr:DeregisterPullTimeUpdateExclusion",
    "ecr:ListPullTimeUpdateExclusions",
    "ecr:RegisterPullTimeUpdateExclusion",
)

READ_IMAGES_ACTIONS = ("ecr:DescribeImages",)
CHANGE_STORAGE_CLASS_ACTIONS = ("ecr:UpdateImageStorageClass",)
PULL_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
)
LOGIN_ACTIONS = ("ecr:GetAuthorizationToken",)

CliCommand = Literal["plan", "status", "restore", "ensure-pullable"]

# What each CLI command calls. `plan` reads the images and the deployed policy.
CLI_ACTIONS: dict[str, tuple[str, ...]] = {
    "plan": ("ecr:DescribeImages", "ecr:GetLifecyclePolicy"),
    "status": READ_IMAGES_ACTIONS,
    "restore": READ_IMAGES_ACTIONS + CHANGE_STORAGE_CLASS_ACTIONS,
    "ensure-pullable": READ_IMAGES_ACTIONS + CHANGE_STORAGE_CLASS_ACTIONS,
}

_REPOSITORY_ARN = re.compile(
    r"arn:aws[a-z-]*:ecr:([a-z0-9-]+|\*):([0-9]{12}|\*):repository/[a-z0-9._/*-]+"
)
# What separates the account from the alias name in an alias ARN.
_ALIAS_MARK = ":alias/"
_KMS_KEY_ARN = re.compile(
    r"arn:aws[a-z-]*:kms:([a-z0-9-]+|\*):([0-9]{12}|\*):(key|alias)/[\w/*-]+"
)


def repository_arn(
    repository_name: str, *, region: str, account_id: str, partition: str = "aws"
) -> str:
    """Return the ARN of a repository (`*` in the name matches several)."""
    arn = f"arn:{partition}:ecr:{region}:{account_id}:repository/{repository_name}"
    _check_arns("repository_name", [arn], _REPOSITORY_ARN)

    return arn


def deploy_policy(
    repository_arns: Iterable[str],
    *,
    kms_key_arns: Iterable[str] = (),
    pull_time_exclusions: bool = False,
    force_delete_arns: Iterable[str] = (),
) -> dict[str, Any]:
    """Return the policy for deploying `ArchivedRepository` to these repositories.

    `kms_key_arns` adds the KMS actions ECR needs for repositories encrypted with those
    keys; `force_delete_arns`, the repositories deployed with `force_delete`, adds
    listing and deleting their images, which their purge does before they are
    deleted; `pull_time_exclusions` adds managing the registry's pull-time update
    exclusions. Raises `ValueError` for an ARN that is not a repository (or key) ARN,
    and for a `force_delete_arns` entry missing from `repository_arns`.
    """
    repositories = _check_arns("repository_arns", repository_arns, _REPOSITORY_ARN)
    keys = _check_arns("kms_key_arns", kms_key_arns, _KMS_KEY_ARN, required=False)
    purged = _check_arns(
        "force_delete_arns", force_delete_arns, _REPOSITORY_ARN, required=False
    )
    strays = sorted(set(purged) - set(repositories))
    if strays:
        message = (
            f"force_delete_arns: {', '.join(strays)} not in repository_arns; list "
            "each force_delete repository in both"
        )
        raise ValueError(message)

    statements = [
        _statement("ManageRepositories", REPOSITORY_DEPLOY_ACTIONS, repositories)
    ]
    statements += _kms_statements(keys)
    if purged:
        statements.append(
            _statement("DeleteImagesOfForceDeletedRepositories", PURGE_ACTIONS, purged)
        )
    if pull_time_exclusions:
        statements.append(
            _statement(
                "ManagePullTimeUpdateExclusions", PULL_TIME_EXCLUSION_ACTIONS, ["*"]
            )
        )

    return _document(statements)


def storage_class_provider_policy(repository_arns: Iterable[str]) -> dict[str, Any]:
    """Return the policy the `ImageStorageClass` provider needs for these repositories.

    It reads images (with any status) and moves them between storage classes.
    """
    repositories = _check_arns("repository_arns", repository_arns, _REPOSITORY_ARN)

    return _document(
        [
            _statement(
                "ReadAndChangeImageStorageClass",
                READ_IMAGES_ACTIONS + CHANGE_STORAGE_CLASS_ACTIONS,
                repositories,
            )
        ]
    )


def cli_policy(
    repository_arns: Iterable[str],
    commands: Sequence[CliCommand] = ("status",),
    *,
    pull: bool = False,
) -> dict[str, Any]:
    """Return the policy for running these `ecr-archive` commands, for example in CI.

    `pull` adds what `docker pull` needs afterwards: the layer and manifest reads on
    the repositories and `ecr:GetAuthorizationToken`, which IAM cannot scope to a
    repository. Raises `ValueError` for an unknown command or a bad ARN.
    """
    repositories = _check_arns("repository_arns", repository_arns, _REPOSITORY_ARN)
    unknown = sorted(set(commands) - set(CLI_ACTIONS))
    if unknown or not commands:
        message = (
            f"commands must name one or more of {', '.join(CLI_ACTIONS)}; "
            f"got {list(commands)!r}"
        )
        raise ValueError(message)

    actions = {action for command in commands for action in CLI_ACTIONS[command]}
    statements = [_statement("RunEcrArchiveCli", actions, repositories)]
    if pull:
        statements.append(_statement("PullImages", PULL_ACTIONS, repositories))
        statements.append(_statement("GetRegistryLoginToken", LOGIN_ACTIONS, ["*"]))

    return _document(statements)


def _kms_statements(keys: Sequence[str]) -> list[dict[str, Any]]:
    """Grant the KMS deploy actions on keys named by key ARN or by alias ARN.

    IAM matches key actions against the key's ARN, never an alias ARN, so a key
    named by its alias is reached through the keys of that account and region that
    carry the alias (`kms:ResourceAliases`).
    """
    statements = []
    by_key = [key for key in keys if _ALIAS_MARK not in key]
    if by_key:
        statements.append(
            _statement("UseKmsKeysForRepositories", KMS_DEPLOY_ACTIONS, by_key)
        )

    aliases = [key.partition(_ALIAS_MARK) for key in keys if _ALIAS_MARK in key]
    if aliases:
        statement = _statement(
            "UseKmsKeysForRepositoriesByAlias",
            KMS_DEPLOY_ACTIONS,
            [f"{prefix}:key/*" for prefix, _, _ in aliases],
        )
        names = sorted({f"alias/{name}" for _, _, name in aliases})
        statement["Condition"] = {
            "ForAnyValue:StringEquals": {"kms:ResourceAliases": names}
        }
        statements.append(statement)

    return statements


def _document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": statements}


def _statement(
    sid: str, actions: Iterable[str], resources: Iterable[str]
) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": sorted(set(actions)),
        "Resource": sorted(set(resources)),
    }


def _check_arns(
    argument: str,
    arns: Iterable[str],
    pattern: re.Pattern[str],
    *,
    required: bool = True,
) -> list[str]:
    if isinstance(arns, str):
        message = f"{argument} must be a list of ARNs, not a single string"
        raise ValueError(message)

    checked = list(arns)
    if required and not checked:
        message = f"{argument} is empty: give at least one ARN to scope the policy to"
        raise ValueError(message)

    for arn in checked:
        if not isinstance(arn, str) or not pattern.fullmatch(arn):
            example = (
                "arn:aws:ecr:us-east-1:123456789012:repository/team/api"
                if pattern is _REPOSITORY_ARN
                else "arn:aws:kms:us-east-1:123456789012:key/<key-id>"
            )
            message = f"{argument}: {arn!r} is not an ARN like {example!r}"
            raise ValueError(message)

    return checked
