"""describe, archive and restore against a scripted client: the requests they send."""

from __future__ import annotations

import logging

import pytest

from ecr_archive import (
    ImageRef,
    ImageStatus,
    RepositoryNotFoundError,
    ThrottledError,
    archive_image,
    describe_image,
    restore_image,
)
from tests.ecr_archive.fakes import FakeEcr, client_error


def test_describe_sends_status_any_and_the_image_id() -> None:
    """DescribeImages always asks for every status, so archived images are seen."""
    fake = FakeEcr(statuses={"app": ["ARCHIVED"]})

    state = describe_image(fake.as_client(), ImageRef.parse("app:v1"))

    assert state is not None
    assert state.status is ImageStatus.ARCHIVED
    assert state.tags == ("v1", "v2")
    assert fake.calls == [
        (
            "DescribeImages",
            {
                "repositoryName": "app",
                "imageIds": [{"imageTag": "v1"}],
                "filter": {"imageStatus": "ANY"},
            },
        )
    ]


def test_describe_passes_the_registry_of_a_full_uri() -> None:
    """An image named by registry URI is looked up in that account's registry."""
    fake = FakeEcr(statuses={"app": ["ACTIVE"]})
    ref = ImageRef.parse("210987654321.dkr.ecr.eu-west-1.amazonaws.com/app:v1")

    describe_image(fake.as_client(), ref)

    assert fake.calls[0][1]["registryId"] == "210987654321"


def test_describe_returns_none_for_a_missing_image() -> None:
    """A missing image is None, not an error: callers report it as MISSING."""
    fake = FakeEcr(statuses={"app": []})

    assert describe_image(fake.as_client(), ImageRef.parse("app:v1")) is None


def test_describe_raises_for_a_missing_repository() -> None:
    """A missing repository is an error: it usually means a wrong name or region."""
    fake = FakeEcr(statuses={})

    with pytest.raises(RepositoryNotFoundError):
        describe_image(fake.as_client(), ImageRef.parse("app:v1"))


def test_describe_translates_other_errors() -> None:
    """Errors other than a missing image come out as project errors."""
    fake = FakeEcr(
        errors={"DescribeImages": client_error("ThrottlingException", "DescribeImages")}
    )

    with pytest.raises(ThrottledError):
        describe_image(fake.as_client(), ImageRef.parse("app:v1"))


@pytest.mark.parametrize(
    ("change", "target", "status"),
    [
        (archive_image, "ARCHIVE", ImageStatus.ARCHIVED),
        (restore_image, "STANDARD", ImageStatus.ACTIVATING),
    ],
)
def test_storage_class_change_is_one_call_and_one_info_line(
    change: object,
    target: str,
    status: ImageStatus,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Archive and restore send one UpdateImageStorageClass and log the change once."""
    fake = FakeEcr(statuses={"app": ["ACTIVE"]})
    ref = ImageRef.parse("app:v1")
    caplog.set_level(logging.INFO, logger="ecr_archive")

    assert callable(change)
    assert change(fake.as_client(), ref) is status
    assert fake.calls == [
        (
            "UpdateImageStorageClass",
            {
                "repositoryName": "app",
                "imageId": {"imageTag": "v1"},
                "targetStorageClass": target,
            },
        )
    ]
    infos = [r for r in caplog.records if r.levelno == logging.INFO]
    assert [r.getMessage() for r in infos] == [
        f"app:v1 storage class set to {target}, now {status}"
    ]
