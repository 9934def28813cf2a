"""The ecr-archive stack: archived ECR repositories listed in the stack config.

Reads `ecr-archive:repositories`, `ecr-archive:defaults` and
`ecr-archive:pullTimeUpdateExclusions` (see `components._repository_config` and
`Pulumi.dev.yaml`), creates one `ArchivedRepository` per entry and the registry's
pull-time update exclusions, and exports the repository URLs and ARNs, their
lifecycle policies and the IAM policies needed to deploy and operate them.
"""

from typing import Any

import pulumi

from components._repository_config import (
    build_pull_time_exclusions,
    build_repositories,
    read_stack_config,
)
from ecr_archive import iam


def _iam_policies(
    arns: dict[str, str], kms_key_arns: list[str], exclusions: bool
) -> dict[str, Any]:
    force_delete_arns = [
        arns[entry.name]
        for entry in stack_config.repositories
        if entry.args.get("force_delete") is True
    ]
    return {
        "deploy": iam.deploy_policy(
            list(arns.values()),
            kms_key_arns=kms_key_arns,
            pull_time_exclusions=exclusions,
            force_delete_arns=force_delete_arns,
        ),
        "imageStorageClassProvider": iam.storage_class_provider_policy(
            list(arns.values())
        ),
        "ciStatus": iam.cli_policy(list(arns.values()), ["status"]),
        "ciRestore": iam.cli_policy(
            list(arns.values()), ["restore", "ensure-pullable"], pull=True
        ),
    }


stack_config = read_stack_config()
repositories = build_repositories(stack_config)
build_pull_time_exclusions(stack_config)

kms_key_arns = sorted(
    {
        key
        for entry in stack_config.repositories
        if isinstance(key := entry.args.get("kms_key_arn"), str)
    }
)
has_exclusions = bool(stack_config.pull_time_update_exclusions)

pulumi.export(
    "repositoryUrls", {name: r.repository_url for name, r in repositories.items()}
)
pulumi.export(
    "repositoryArns", {name: r.repository_arn for name, r in repositories.items()}
)
pulumi.export(
    "lifecyclePolicies",
    {name: r.lifecycle_policy for name, r in repositories.items()},
)
pulumi.export(
    "iamPolicies",
    pulumi.Output.all(
        **{name: r.repository_arn for name, r in repositories.items()}
    ).apply(lambda arns: _iam_policies(arns, kms_key_arns, has_exclusions)),
)
