"""Several services' archived repositories, encrypted with one shared KMS key.

A platform stack that owns the registry for three services: one customer-managed KMS
key (with rotation) encrypts every repository, each service tags its own, the
release images of every service are protected from archiving, and CI gets one IAM
policy to check and restore images in all of them.
"""

import json

import pulumi
import pulumi_aws as aws

from components import ArchivedRepository
from ecr_archive import iam

SERVICES = {
    "billing/api": {"team": "billing"},
    "billing/worker": {"team": "billing"},
    "search/indexer": {"team": "search"},
}

key = aws.kms.Key(
    "ecr-images",
    description="Encrypts the images of every service repository",
    enable_key_rotation=True,
    deletion_window_in_days=30,
)

repositories = {
    service: ArchivedRepository(
        service,
        {
            "kms_key_arn": key.arn,
            "archive_after_days": 60,
            "expire_after_days": 180,
            "protected_tags": ["release-*"],
            "tag_mutability_exclusions": ["latest"],
            "tags": {**owner, "service": service},
        },
    )
    for service, owner in SERVICES.items()
}

ci_policy = aws.iam.Policy(
    "ecr-archive-ci",
    description="Lets CI check and restore archived images, then pull them",
    policy=pulumi.Output.all(*(r.repository_arn for r in repositories.values())).apply(
        lambda arns: json.dumps(
            iam.cli_policy(list(arns), ["status", "ensure-pullable"], pull=True)
        )
    ),
)

pulumi.export("kmsKeyArn", key.arn)
pulumi.export(
    "repositoryUrls",
    {service: r.repository_url for service, r in repositories.items()},
)
pulumi.export("ciPolicyArn", ci_policy.arn)
