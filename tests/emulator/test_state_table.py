"""The lab's state-transition table, cell by cell, over HTTP with boto3.

Source: ecr-archive-lab.zh.md, 测试结果 / 状态转换行为 (operation by image state).
"""

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from tests.emulator.conftest import REPOSITORY, PutInState


def _move(client: ECRClient, tag: str, target: str) -> str:
    reply = client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageTag": tag},
        targetStorageClass=target,  # type: ignore[arg-type]
    )
    return reply["imageStatus"]


STATES = ("ACTIVE", "ARCHIVED", "ACTIVATING")

# (state, pull works?) — "Pull | ✅ 正常 | ❌ not found | ❌ not found"
PULL = [("ACTIVE", True), ("ARCHIVED", False), ("ACTIVATING", False)]
# (state, status after archiving, None for an error):
# "归档 | ✅ 即时 | ❌ 报错 | ❌ 报错"
ARCHIVE = [("ACTIVE", "ARCHIVED"), ("ARCHIVED", None), ("ACTIVATING", None)]
# (state, status after restoring, None for an error): "恢复 | — | ✅ 异步 | —";
# the emulator answers the "—" cells with ImageStorageClassUpdateNotSupportedException.
RESTORE = [("ACTIVE", None), ("ARCHIVED", "ACTIVATING"), ("ACTIVATING", None)]
# (state, listed by default?):
# "describe-images(默认) | ✅ 显示 | ❌ 不显示 | ❌ 不显示"
DESCRIBE_DEFAULT = [("ACTIVE", True), ("ARCHIVED", False), ("ACTIVATING", False)]


@pytest.mark.parametrize(("state", "pullable"), PULL)
def test_pull_works_only_for_active_images(
    image_in_state: PutInState, ecr_client: ECRClient, state: str, pullable: bool
) -> None:
    """BatchGetImage serves an ACTIVE image and reports others as not found."""
    image_in_state("v1", state)

    reply = ecr_client.batch_get_image(
        repositoryName=REPOSITORY, imageIds=[{"imageTag": "v1"}]
    )

    assert len(reply["images"]) == (1 if pullable else 0)
    codes = [failure["failureCode"] for failure in reply["failures"]]
    assert codes == ([] if pullable else ["ImageNotFound"])


@pytest.mark.parametrize(("state", "after"), ARCHIVE)
def test_archive_is_immediate_and_only_from_active(
    image_in_state: PutInState, ecr_client: ECRClient, state: str, after: str | None
) -> None:
    """Archiving an ACTIVE image returns ARCHIVED; other states raise an error."""
    image_in_state("v1", state)

    if after is None:
        with pytest.raises(ClientError) as caught:
            _move(ecr_client, "v1", "ARCHIVE")
        code = caught.value.response["Error"]["Code"]
        assert code == "ImageStorageClassUpdateNotSupportedException"
    else:
        assert _move(ecr_client, "v1", "ARCHIVE") == after


@pytest.mark.parametrize(("state", "after"), RESTORE)
def test_restore_is_asynchronous_and_only_from_archived(
    image_in_state: PutInState, ecr_client: ECRClient, state: str, after: str | None
) -> None:
    """Restoring an ARCHIVED image returns ACTIVATING; other states raise an error."""
    image_in_state("v1", state)

    if after is None:
        with pytest.raises(ClientError) as caught:
            _move(ecr_client, "v1", "STANDARD")
        code = caught.value.response["Error"]["Code"]
        assert code == "ImageStorageClassUpdateNotSupportedException"
    else:
        assert _move(ecr_client, "v1", "STANDARD") == after


@pytest.mark.parametrize(("state", "listed"), DESCRIBE_DEFAULT)
def test_describe_without_filter_lists_only_active_images(
    image_in_state: PutInState, ecr_client: ECRClient, state: str, listed: bool
) -> None:
    """DescribeImages without a filter shows ACTIVE images and hides the others."""
    image_in_state("v1", state)

    details = ecr_client.describe_images(repositoryName=REPOSITORY)["imageDetails"]

    assert len(details) == (1 if listed else 0)


@pytest.mark.parametrize("state", STATES)
def test_describe_with_any_filter_lists_every_state(
    image_in_state: PutInState, ecr_client: ECRClient, state: str
) -> None:
    """DescribeImages with imageStatus ANY shows the image and its status."""
    image_in_state("v1", state)

    details = ecr_client.describe_images(
        repositoryName=REPOSITORY, filter={"imageStatus": "ANY"}
    )["imageDetails"]

    assert [detail["imageStatus"] for detail in details] == [state]
