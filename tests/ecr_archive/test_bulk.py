"""Look-up, restore and wait over many images, against a scripted client."""

from __future__ import annotations

import pytest

from ecr_archive import ImageRef, ImageStatus, StorageClassUpdateNotSupportedError
from ecr_archive.bulk import look_up, restore_archived, wait_until_all_active
from tests.ecr_archive.fakes import FakeClock, FakeEcr, client_error

DIGEST = "sha256:" + "a" * 64  # the digest FakeEcr gives every image


def _refused() -> dict[str, Exception]:
    error = client_error(
        "ImageStorageClassUpdateNotSupportedException", "UpdateImageStorageClass"
    )
    return {"UpdateImageStorageClass": error}


def test_look_up_reports_missing_repository_and_image() -> None:
    """Missing repositories and images come back as lookups with a reason."""
    fake = FakeEcr(statuses={"app": [], "web": ["ACTIVE"]})
    refs = [ImageRef.parse(text) for text in ("app:v1", "nowhere:v1", "web:v1")]

    lookups = look_up(lambda _: fake.as_client(), refs)

    assert [(str(x.ref), x.status, x.missing) for x in lookups] == [
        ("app:v1", None, "image not found"),
        ("nowhere:v1", None, "repository not found"),
        ("web:v1", ImageStatus.ACTIVE, None),
    ]


def test_an_image_named_by_tag_and_digest_is_restored_once() -> None:
    """Two names for one archived image cost one UpdateImageStorageClass, by digest."""
    fake = FakeEcr(statuses={"app": ["ARCHIVED"]})
    refs = [ImageRef.parse("app:v1"), ImageRef.parse(f"app@{DIGEST}")]
    lookups = look_up(lambda _: fake.as_client(), refs)

    restored = restore_archived(lambda _: fake.as_client(), lookups)

    updates = [call for call in fake.calls if call[0] == "UpdateImageStorageClass"]
    assert updates == [
        (
            "UpdateImageStorageClass",
            {
                "repositoryName": "app",
                "imageId": {"imageDigest": DIGEST},
                "targetStorageClass": "STANDARD",
            },
        )
    ]
    assert [(x.status, x.restored) for x in restored] == [
        (ImageStatus.ACTIVATING, True),
        (ImageStatus.ACTIVATING, True),
    ]


def test_a_restore_started_by_someone_else_is_not_an_error() -> None:
    """When ECR refuses because the image is already ACTIVATING, that state is used."""
    fake = FakeEcr(statuses={"app": ["ARCHIVED", "ACTIVATING"]}, errors=_refused())
    lookups = look_up(lambda _: fake.as_client(), [ImageRef.parse("app:v1")])

    (restored,) = restore_archived(lambda _: fake.as_client(), lookups)

    assert (restored.status, restored.restored) == (ImageStatus.ACTIVATING, False)
    assert [name for name, _ in fake.calls] == [
        "DescribeImages",
        "UpdateImageStorageClass",
        "DescribeImages",
    ]


def test_a_refused_restore_of_a_still_archived_image_raises() -> None:
    """If the image is still ARCHIVED after ECR refused, the refusal propagates."""
    fake = FakeEcr(statuses={"app": ["ARCHIVED"]}, errors=_refused())
    lookups = look_up(lambda _: fake.as_client(), [ImageRef.parse("app:v1")])

    with pytest.raises(StorageClassUpdateNotSupportedError):
        restore_archived(lambda _: fake.as_client(), lookups)


def test_waiting_starts_from_the_states_already_read() -> None:
    """The first wait round reuses the lookups, so the next call comes after a sleep."""
    fake = FakeEcr(statuses={"app": ["ACTIVATING", "ACTIVE"]})
    lookups = look_up(lambda _: fake.as_client(), [ImageRef.parse("app:v1")])
    clock = FakeClock()

    (done,) = wait_until_all_active(
        lambda _: fake.as_client(),
        lookups,
        clock=clock,
        sleep=clock.sleep,
        random=lambda: 0.5,
    )

    assert done.status is ImageStatus.ACTIVE
    assert clock.sleeps == [1.0]
    assert len(fake.calls) == 2
    assert fake.calls[1][1]["imageIds"] == [{"imageDigest": DIGEST}]
