"""Which principals the pull-time exclusion operations accept.

The ECR service model allows an IAM role or user ARN of at most 200 characters;
botocore does not check the pattern, so the endpoint does.
"""

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

ACCEPTED = [
    "arn:aws:iam::123456789012:role/image-scanner",
    "arn:aws:iam::123456789012:user/ci",
    "arn:aws:iam::123456789012:role/team/path/scanner",
    "arn:aws-us-gov:iam::123456789012:role/scanner",
]
REFUSED = [
    "image-scanner",
    "arn:aws:iam::123456789012:group/devs",
    "arn:aws:iam::123456789012:root",
    "arn:aws:iam::12345:role/scanner",
    "arn:aws:sts::123456789012:assumed-role/scanner/session",
    "arn:aws:iam::123456789012:role/" + "r" * 200,
]


@pytest.mark.parametrize("arn", ACCEPTED)
def test_role_and_user_arns_are_registered(ecr_client: ECRClient, arn: str) -> None:
    """A role or user ARN, with or without a path, can be excluded."""
    reply = ecr_client.register_pull_time_update_exclusion(principalArn=arn)

    assert reply["principalArn"] == arn


@pytest.mark.parametrize("operation", ["register", "deregister"])
@pytest.mark.parametrize("arn", REFUSED)
def test_other_principals_are_invalid_parameters(
    ecr_client: ECRClient, operation: str, arn: str
) -> None:
    """Anything but a role or user ARN fails with InvalidParameterException."""
    call = getattr(ecr_client, f"{operation}_pull_time_update_exclusion")

    with pytest.raises(ClientError) as caught:
        call(principalArn=arn)

    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert "principalArn" in error["Message"]
