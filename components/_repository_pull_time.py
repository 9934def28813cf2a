"""Pull-time update exclusions: principals whose pulls do not count as use.

ECR records an image's last pull at most once a day, and the `sinceImagePulled`
lifecycle rule archives images by that date. A scanner that pulls every image keeps
every image "fresh", so nothing is ever archived. Registering the scanner's role as a
pull-time update exclusion stops its pulls from being recorded (Amazon Inspector is
excluded by ECR already).

Exclusions belong to the registry (one account in one region), not to a repository:
up to 100 per registry. That is why they are created once per stack, next to the
repositories, rather than by `ArchivedRepository`.
"""

import re
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

# RegisterPullTimeUpdateExclusion's principalArn, from the ECR service model.
_PRINCIPAL_ARN = re.compile(
    r"arn:aws(-[a-z]+)*:iam::([0-9]{12}):(role|user)/([\w+=,.@-]+(/[\w+=,.@-]+)*)"
)
_PRINCIPAL_ARN_MAX_LENGTH = 200
MAX_EXCLUSIONS_PER_REGISTRY = 100


def pull_time_update_exclusions(
    principal_arns: Sequence[str],
    *,
    name_prefix: str = "pull-time-exclusion",
    opts: pulumi.ResourceOptions | None = None,
) -> list[aws.ecr.PullTimeUpdateExclusion]:
    """Create one `aws.ecr.PullTimeUpdateExclusion` per IAM role or user ARN.

    Each resource is named `<name_prefix>-<account>-<role|user>/<path and name>`, so
    adding or removing one principal leaves the others alone. `opts` (for example
    a provider for another region or account) applies to every exclusion. Raises
    `ValueError` for an ARN ECR would reject, a repeated ARN, or more than 100.
    """
    return [
        aws.ecr.PullTimeUpdateExclusion(
            f"{name_prefix}-{match.group(2)}-{match.group(3)}/{match.group(4)}",
            principal_arn=match.group(0),
            opts=opts,
        )
        for match in _checked(principal_arns)
    ]


def _checked(principal_arns: Sequence[str]) -> list[re.Match[str]]:
    if isinstance(principal_arns, str):
        message = "principal_arns must be a list of ARNs, not a single string"
        raise ValueError(message)

    arns = tuple(principal_arns)
    if len(arns) > MAX_EXCLUSIONS_PER_REGISTRY:
        message = (
            f"{len(arns)} pull-time update exclusions given; ECR allows at most "
            f"{MAX_EXCLUSIONS_PER_REGISTRY} per registry: exclude a shared scanner "
            "role instead of each user"
        )
        raise ValueError(message)

    matches = []
    for index, arn in enumerate(arns):
        match = _PRINCIPAL_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if match is None or len(arn) > _PRINCIPAL_ARN_MAX_LENGTH:
            message = (
                f"principal_arns[{index}] {arn!r} is not an IAM role or user ARN: "
                "write it like 'arn:aws:iam::123456789012:role/scanner' (at most "
                f"{_PRINCIPAL_ARN_MAX_LENGTH} characters; assumed-role session ARNs "
                "are not accepted, use the role's ARN)"
            )
            raise ValueError(message)
        matches.append(match)

    repeated = sorted({arn for arn in arns if arns.count(arn) > 1})
    if repeated:
        message = f"principal_arns lists {', '.join(repeated)} more than once"
        raise ValueError(message)

    return matches
