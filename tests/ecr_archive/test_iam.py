"""The IAM policy documents: pinned actions, scoped resources, JSON-ready."""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from ecr_archive import iam

API = "arn:aws:ecr:us-east-1:123456789012:repository/web/api"
WORKER = "arn:aws:ecr:us-east-1:123456789012:repository/web/worker"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _statements(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in document["Statement"]}


def test_deploy_policy_pins_the_repository_actions() -> None:
    """Deploying the component needs exactly these ECR actions, on its repositories."""
    document = iam.deploy_policy([WORKER, API])

    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ManageRepositories",
                "Effect": "Allow",
                "Action": [
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
                ],
                "Resource": [API, WORKER],
            }
        ],
    }


def test_deploy_policy_adds_kms_grants_scoped_to_the_keys() -> None:
    """KMS-encrypted repositories need the grant actions, on those keys only."""
    statements = _statements(iam.deploy_policy([API], kms_key_arns=[KEY]))

    assert statements["UseKmsKeysForRepositories"] == {
        "Sid": "UseKmsKeysForRepositories",
        "Effect": "Allow",
        "Action": ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"],
        "Resource": [KEY],
    }


def test_deploy_policy_adds_registry_wide_exclusion_actions_on_request() -> None:
    """Managing pull-time exclusions is registry-wide, so its resource is `*`."""
    without = _statements(iam.deploy_policy([API]))
    statements = _statements(iam.deploy_policy([API], pull_time_exclusions=True))

    assert "ManagePullTimeUpdateExclusions" not in without
    assert statements["ManagePullTimeUpdateExclusions"]["Action"] == [
        "ecr:DeregisterPullTimeUpdateExclusion",
        "ecr:ListPullTimeUpdateExclusions",
        "ecr:RegisterPullTimeUpdateExclusion",
    ]
    assert statements["ManagePullTimeUpdateExclusions"]["Resource"] == ["*"]


def test_deploy_policy_lets_the_purge_delete_images_of_force_delete_repositories() -> (
    None
):
    """Only the force_delete repositories get DescribeImages and BatchDeleteImage."""
    without = _statements(iam.deploy_policy([API, WORKER]))
    statements = _statements(
        iam.deploy_policy([API, WORKER], force_delete_arns=[WORKER])
    )

    assert "DeleteImagesOfForceDeletedRepositories" not in without
    assert statements["DeleteImagesOfForceDeletedRepositories"] == {
        "Sid": "DeleteImagesOfForceDeletedRepositories",
        "Effect": "Allow",
        "Action": ["ecr:BatchDeleteImage", "ecr:DescribeImages"],
        "Resource": [WORKER],
    }
    assert statements["ManageRepositories"] == without["ManageRepositories"]


def test_storage_class_provider_policy_reads_and_moves_images() -> None:
    """The ImageStorageClass provider describes images and changes storage class."""
    statements = _statements(iam.storage_class_provider_policy([API]))

    assert statements == {
        "ReadAndChangeImageStorageClass": {
            "Sid": "ReadAndChangeImageStorageClass",
            "Effect": "Allow",
            "Action": ["ecr:DescribeImages", "ecr:UpdateImageStorageClass"],
            "Resource": [API],
        }
    }


# (commands, actions on the repositories), from what each CLI command calls.
CLI_TABLE: list[tuple[list[iam.CliCommand], list[str]]] = [
    (["status"], ["ecr:DescribeImages"]),
    (["plan"], ["ecr:DescribeImages", "ecr:GetLifecyclePolicy"]),
    (["restore"], ["ecr:DescribeImages", "ecr:UpdateImageStorageClass"]),
    (["ensure-pullable"], ["ecr:DescribeImages", "ecr:UpdateImageStorageClass"]),
    (
        ["status", "restore"],
        ["ecr:DescribeImages", "ecr:UpdateImageStorageClass"],
    ),
]


@pytest.mark.parametrize(("commands", "actions"), CLI_TABLE)
def test_cli_policy_grants_what_each_command_calls(
    commands: list[iam.CliCommand], actions: list[str]
) -> None:
    """`status` only reads; `restore` and `ensure-pullable` also change the class."""
    statements = _statements(iam.cli_policy([API], commands))

    assert list(statements) == ["RunEcrArchiveCli"]
    assert statements["RunEcrArchiveCli"]["Action"] == actions
    assert statements["RunEcrArchiveCli"]["Resource"] == [API]


def test_cli_policy_with_pull_adds_login_unscoped_and_layers_scoped() -> None:
    """Pulling needs a login token, which IAM cannot scope, and scoped layer reads."""
    statements = _statements(iam.cli_policy([API], ["ensure-pullable"], pull=True))

    assert statements["PullImages"]["Action"] == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
    ]
    assert statements["PullImages"]["Resource"] == [API]
    assert statements["GetRegistryLoginToken"]["Action"] == [
        "ecr:GetAuthorizationToken"
    ]
    assert statements["GetRegistryLoginToken"]["Resource"] == ["*"]


def test_only_registry_wide_actions_use_a_wildcard_resource() -> None:
    """Every statement on `*` holds only actions that ECR cannot scope."""
    documents = [
        iam.deploy_policy(
            [API],
            kms_key_arns=[KEY],
            pull_time_exclusions=True,
            force_delete_arns=[API],
        ),
        iam.storage_class_provider_policy([API]),
        iam.cli_policy(
            [API], ["plan", "status", "restore", "ensure-pullable"], pull=True
        ),
    ]
    unscoped = set(iam.LOGIN_ACTIONS) | set(iam.PULL_TIME_EXCLUSION_ACTIONS)

    for document in documents:
        for statement in _statements(document).values():
            if "*" in statement["Resource"]:
                assert set(statement["Action"]) <= unscoped
        assert json.loads(json.dumps(document)) == document


def test_repository_arn_builds_a_scopable_arn() -> None:
    """Names, including a trailing wildcard, become repository ARNs."""
    assert iam.repository_arn(
        "team/*", region="eu-west-1", account_id="123456789012"
    ) == ("arn:aws:ecr:eu-west-1:123456789012:repository/team/*")


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: iam.deploy_policy([]), "repository_arns is empty"),
        (lambda: iam.deploy_policy(API), "not a single string"),
        (lambda: iam.deploy_policy(["web/api"]), "'web/api' is not an ARN"),
        (lambda: iam.deploy_policy([API], kms_key_arns=["alias/x"]), "kms_key_arns"),
        (
            lambda: iam.deploy_policy([API], force_delete_arns=["web/api"]),
            "force_delete_arns: 'web/api' is not an ARN",
        ),
        (
            lambda: iam.deploy_policy([API], force_delete_arns=[WORKER]),
            f"force_delete_arns: {WORKER} not in repository_arns",
        ),
        (lambda: iam.cli_policy([API], ["delete"]), "commands must name"),  # type: ignore[list-item]  # an unknown command on purpose
        (lambda: iam.cli_policy([API], []), "commands must name"),
    ],
)
def test_bad_input_raises_value_error(call: Callable[[], object], words: str) -> None:
    """A missing or malformed ARN or an unknown command raises ValueError."""
    with pytest.raises(ValueError, match=re.escape(words)):
        call()


def test_deploy_policy_reaches_a_key_named_by_alias_through_its_alias() -> None:
    """IAM never matches key actions on an alias ARN: kms:ResourceAliases does it."""
    alias = "arn:aws:kms:eu-west-1:123456789012:alias/team/ecr"

    statements = _statements(iam.deploy_policy([API], kms_key_arns=[alias, KEY]))

    assert statements["UseKmsKeysForRepositories"]["Resource"] == [KEY]
    assert statements["UseKmsKeysForRepositoriesByAlias"] == {
        "Sid": "UseKmsKeysForRepositoriesByAlias",
        "Effect": "Allow",
        "Action": ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"],
        "Resource": ["arn:aws:kms:eu-west-1:123456789012:key/*"],
        "Condition": {
            "ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/team/ecr"]}
        },
    }
