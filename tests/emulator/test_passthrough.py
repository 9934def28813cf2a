"""Ordinary calls a Pulumi or boto3 client makes, answered by moto through the
emulator, and the operations the emulator adds beside the archive ones."""

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import Emulator
from tests.emulator.conftest import REPOSITORY

SCANNER = "arn:aws:iam::123456789012:role/scanner"


def _session_client(emulator: Emulator, service: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=emulator.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_sts_iam_and_kms_reach_moto(ecr_emulator: Emulator) -> None:
    """STS, IAM and KMS requests on the same endpoint are moto's."""
    sts = _session_client(ecr_emulator, "sts")
    iam = _session_client(ecr_emulator, "iam")
    kms = _session_client(ecr_emulator, "kms")

    account = sts.get_caller_identity()["Account"]
    role = iam.create_role(
        RoleName="puller", AssumeRolePolicyDocument=json.dumps({"Statement": []})
    )["Role"]
    key = kms.create_key()["KeyMetadata"]

    assert account == "123456789012"
    assert role["Arn"] == "arn:aws:iam::123456789012:role/puller"
    assert key["KeyState"] == "Enabled"


def test_repository_calls_of_a_pulumi_deployment_work(ecr_client: ECRClient) -> None:
    """Create, tag, configure, read and delete a repository as pulumi-aws does."""
    created = ecr_client.create_repository(
        repositoryName=REPOSITORY,
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        tags=[{"Key": "team", "Value": "platform"}],
    )["repository"]
    arn = created["repositoryArn"]

    tags = ecr_client.list_tags_for_resource(resourceArn=arn)["tags"]
    described = ecr_client.describe_repositories(repositoryNames=[REPOSITORY])
    ecr_client.put_image_scanning_configuration(
        repositoryName=REPOSITORY, imageScanningConfiguration={"scanOnPush": False}
    )
    ecr_client.delete_repository(repositoryName=REPOSITORY)

    assert tags == [{"Key": "team", "Value": "platform"}]
    assert described["repositories"][0]["imageTagMutability"] == "IMMUTABLE"
    assert ecr_client.describe_repositories()["repositories"] == []


def test_immutable_tags_refuse_a_moved_tag(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A repository with immutable tags refuses to move a tag to new content."""
    ecr_client.create_repository(
        repositoryName=REPOSITORY, imageTagMutability="IMMUTABLE"
    )
    ecr_emulator.push_image(REPOSITORY, "v1", content="first")

    with pytest.raises(Exception, match="cannot be overwritten") as caught:
        ecr_emulator.push_image(REPOSITORY, "v1", content="second")

    assert type(caught.value).__name__ == "ImageTagAlreadyExistsError"


def test_unimplemented_operation_fails_at_once(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """An operation neither moto nor the emulator implements answers 501, no retry."""
    with pytest.raises(ClientError) as caught:
        ecr_client.get_account_setting(name="BASIC_SCAN_TYPE_VERSION")

    assert caught.value.response["Error"]["Code"] == "NotImplementedException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert ecr_emulator.counters() == {"GetAccountSetting": 1}


def test_pull_time_exclusions_register_list_and_deregister(
    ecr_client: ECRClient,
) -> None:
    """Pull-time update exclusions are stored, listed and removed."""
    registered = ecr_client.register_pull_time_update_exclusion(principalArn=SCANNER)

    listed = ecr_client.list_pull_time_update_exclusions()["pullTimeUpdateExclusions"]
    ecr_client.deregister_pull_time_update_exclusion(principalArn=SCANNER)

    assert registered["principalArn"] == SCANNER
    assert listed == [SCANNER]
    assert (
        ecr_client.list_pull_time_update_exclusions()["pullTimeUpdateExclusions"] == []
    )


@pytest.mark.parametrize(
    ("register_first", "operation", "code"),
    [
        (True, "register", "ExclusionAlreadyExistsException"),
        (False, "deregister", "ExclusionNotFoundException"),
    ],
)
def test_pull_time_exclusion_errors(
    ecr_client: ECRClient, register_first: bool, operation: str, code: str
) -> None:
    """Registering twice or deregistering an unknown principal raises ECR's code."""
    if register_first:
        ecr_client.register_pull_time_update_exclusion(principalArn=SCANNER)
    call = getattr(ecr_client, f"{operation}_pull_time_update_exclusion")

    with pytest.raises(ClientError) as caught:
        call(principalArn=SCANNER)

    assert caught.value.response["Error"]["Code"] == code


def test_pulls_by_an_excluded_principal_leave_the_pull_time(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """A scanner role registered as an exclusion pulls without refreshing the time."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    iam = _session_client(ecr_emulator, "iam")
    sts = _session_client(ecr_emulator, "sts")
    role = iam.create_role(
        RoleName="scanner", AssumeRolePolicyDocument=json.dumps({"Statement": []})
    )["Role"]["Arn"]
    credentials = sts.assume_role(RoleArn=role, RoleSessionName="scan")["Credentials"]
    scanner = boto3.client(
        "ecr",
        endpoint_url=ecr_emulator.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    ecr_client.register_pull_time_update_exclusion(principalArn=role)

    def pull_time(client: ECRClient) -> object:
        pulled = client.batch_get_image(
            repositoryName=REPOSITORY, imageIds=[{"imageTag": "v1"}]
        )
        assert len(pulled["images"]) == 1
        detail = ecr_client.describe_images(repositoryName=REPOSITORY)["imageDetails"]
        return detail[0].get("lastRecordedPullTime")

    assert pull_time(scanner) is None
    assert pull_time(ecr_client) is not None
