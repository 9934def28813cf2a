"""pull_time_update_exclusions: one registry resource per principal, checked first."""

import re

import pulumi
import pulumi_aws as aws
import pytest

from components import pull_time_update_exclusions
from tests.support.mocks import EXCLUSION, PulumiHarness

SCANNER = "arn:aws:iam::123456789012:role/image-scanner"


def test_each_principal_gets_a_resource_named_after_it(harness: PulumiHarness) -> None:
    """Names carry account, kind and path, so one entry can change alone."""
    arns = [
        SCANNER,
        "arn:aws:iam::210987654321:role/security/trivy",
        "arn:aws-us-gov:iam::123456789012:user/snyk",
    ]
    harness.run(lambda: pull_time_update_exclusions(arns))

    assert [(r.name, r.inputs["principalArn"]) for r in harness.of_type(EXCLUSION)] == [
        ("pull-time-exclusion-123456789012-role/image-scanner", SCANNER),
        ("pull-time-exclusion-123456789012-user/snyk", arns[2]),
        ("pull-time-exclusion-210987654321-role/security/trivy", arns[1]),
    ]


def test_options_reach_every_exclusion(harness: PulumiHarness) -> None:
    """A provider for another region is used by each exclusion."""
    eu = harness.run(lambda: aws.Provider("eu", region="eu-west-1"))
    harness.run(
        lambda: pull_time_update_exclusions(
            [SCANNER], name_prefix="eu", opts=pulumi.ResourceOptions(provider=eu)
        )
    )

    [exclusion] = harness.of_type(EXCLUSION)
    assert (exclusion.name, exclusion.provider) == (
        "eu-123456789012-role/image-scanner",
        "eu",
    )


def test_no_principals_create_nothing(harness: PulumiHarness) -> None:
    """An empty list is valid and registers no resource."""
    assert harness.run(lambda: pull_time_update_exclusions([])) == []
    assert harness.of_type(EXCLUSION) == []


# (principal ARNs, words the message must contain); patterns from the ECR API
# reference for RegisterPullTimeUpdateExclusion.
BAD_PRINCIPALS: list[tuple[object, str]] = [
    (SCANNER, "not a single string"),
    (["scanner"], "principal_arns[0] 'scanner'"),
    (["arn:aws:iam::123456789012:group/devs"], "role or user ARN"),
    (["arn:aws:sts::123456789012:assumed-role/scanner/session"], "assumed-role"),
    ([f"arn:aws:iam::123456789012:role/{'r' * 180}"], "at most 200 characters"),
    ([SCANNER, SCANNER], "more than once"),
    (
        [f"arn:aws:iam::123456789012:role/r{n}" for n in range(101)],
        "at most 100 per registry",
    ),
]


@pytest.mark.parametrize(("arns", "words"), BAD_PRINCIPALS)
def test_bad_principals_raise_before_registering(
    harness: PulumiHarness, arns: object, words: str
) -> None:
    """An ARN ECR would reject raises ValueError and nothing is registered."""
    with pytest.raises(ValueError, match=re.escape(words)):
        pull_time_update_exclusions(arns)  # type: ignore[arg-type]
    assert harness.registrations() == []
