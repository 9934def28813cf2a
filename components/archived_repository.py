"""`ArchivedRepository`: an ECR repository whose unpulled images go to the archive.

The component owns three children, all with `parent=self`:

- `aws.ecr.Repository` named like the component (`<name>`), with immutable tags,
  scan on push and AES256 or KMS encryption unless told otherwise;
- `aws.ecr.LifecyclePolicy` named `<name>-lifecycle`, holding the policy text built by
  `policies.archive_then_expire` (or the whole policy given);
- `ArchivedImagePurge` named `<name>-archive-purge`, which depends on the repository
  and so is deleted before it: with `force_delete` it deletes the archived and
  activating images that would keep ECR from deleting the repository, then
  pulumi-aws's `force_delete` removes the rest. It is there whatever `force_delete`
  says and records its value, so turning `force_delete` off deletes nothing.

Child URNs carry the component's type, so the repository can share the component's
name. Resource options given to the component (`provider`/`providers`, `transforms`,
`transformations`, `aliases`, `protect`) reach the children the usual Pulumi way.
"""

import pulumi
import pulumi_aws as aws

from components._archive_purge import ArchivedImagePurge
from components._repository_args import (
    ArchivedRepositoryArgs,
    RepositorySettings,
    resolve_settings,
)

TYPE_TOKEN = "ecr-archive:index:ArchivedRepository"
LIFECYCLE_SUFFIX = "-lifecycle"
PURGE_SUFFIX = "-archive-purge"


class ArchivedRepository(pulumi.ComponentResource):
    """An ECR repository plus the lifecycle policy that archives, then expires.

    Creating it creates (on `pulumi up`) the repository and puts its lifecycle
    policy. Deleting it with `force_delete` deletes every image, archived ones
    included; without it ECR refuses to delete a repository that holds images.
    Invalid arguments raise while the program runs: `policies.PolicyError` for
    lifecycle problems, `ValueError` for the rest, each naming what to fix.
    """

    repository: aws.ecr.Repository
    """The repository child, for `depends_on` or further wiring."""

    lifecycle: aws.ecr.LifecyclePolicy
    """The lifecycle policy child."""

    purge: ArchivedImagePurge
    """The child that deletes archived images before the repository, with
    `force_delete`."""

    repository_name: pulumi.Output[str]
    """Name of the repository in ECR."""

    repository_url: pulumi.Output[str]
    """Push and pull address, `<account>.dkr.ecr.<region>.amazonaws.com/<name>`."""

    repository_arn: pulumi.Output[str]
    """ARN of the repository, for IAM policies."""

    registry_id: pulumi.Output[str]
    """Account id of the registry that holds the repository."""

    lifecycle_policy: pulumi.Output[str]
    """The lifecycle policy text as ECR stores it."""

    def __init__(
        self,
        name: str,
        args: ArchivedRepositoryArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Checked before registering anything, so a bad argument leaves no
        # half-built component behind in the preview.
        settings = resolve_settings(name, args)
        super().__init__(TYPE_TOKEN, name, None, opts)

        child = pulumi.ResourceOptions(parent=self)
        self.repository = aws.ecr.Repository(
            name,
            name=settings.repository_name,
            image_tag_mutability=settings.image_tag_mutability,
            image_tag_mutability_exclusion_filters=_exclusion_filters(settings),
            image_scanning_configuration={"scan_on_push": settings.scan_on_push},
            encryption_configurations=[_encryption(settings)],
            force_delete=settings.force_delete,
            tags=settings.tags or None,
            opts=child,
        )
        self.lifecycle = aws.ecr.LifecyclePolicy(
            f"{name}{LIFECYCLE_SUFFIX}",
            repository=self.repository.name,
            policy=settings.lifecycle_policy_json,
            opts=child,
        )
        self.purge = ArchivedImagePurge(
            f"{name}{PURGE_SUFFIX}",
            {
                "repository_arn": self.repository.arn,
                "force_delete": settings.force_delete,
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.repository]),
        )

        self.repository_name = self.repository.name
        self.repository_url = self.repository.repository_url
        self.repository_arn = self.repository.arn
        self.registry_id = self.repository.registry_id
        self.lifecycle_policy = self.lifecycle.policy
        self.register_outputs(
            {
                "repository_name": self.repository_name,
                "repository_url": self.repository_url,
                "repository_arn": self.repository_arn,
                "registry_id": self.registry_id,
                "lifecycle_policy": self.lifecycle_policy,
            }
        )


def _encryption(
    settings: RepositorySettings,
) -> aws.ecr.RepositoryEncryptionConfigurationArgsDict:
    if settings.kms_key_arn is None:
        return {"encryption_type": "AES256"}

    return {"encryption_type": "KMS", "kms_key": settings.kms_key_arn}


def _exclusion_filters(
    settings: RepositorySettings,
) -> list[aws.ecr.RepositoryImageTagMutabilityExclusionFilterArgsDict] | None:
    if not settings.mutability_exclusions:
        return None

    return [
        {"filter": pattern, "filter_type": "WILDCARD"}
        for pattern in settings.mutability_exclusions
    ]
