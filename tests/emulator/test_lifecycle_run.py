"""Lifecycle previews and policies applied as the emulator clock moves."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_ecr import ECRClient

from emulator import ControlClient, Emulator, serve
from policies import archive_then_expire, evaluate
from tests.emulator.conftest import REPOSITORY, client_for
from tests.emulator.test_lifecycle_policy import (
    ARCHIVE_AFTER_PULL,
    ARCHIVE_AFTER_PUSH,
    EXPIRE_ARCHIVED,
)

START = datetime(2026, 1, 1, tzinfo=UTC)
TWO_STAGE = json.dumps({"rules": [ARCHIVE_AFTER_PULL, EXPIRE_ARCHIVED]})


def _statuses(client: ECRClient) -> dict[str, str]:
    details = client.describe_images(
        repositoryName=REPOSITORY, filter={"imageStatus": "ANY"}
    )["imageDetails"]

    return {detail["imageTags"][0]: detail["imageStatus"] for detail in details}


def _seed_inventory(ecr: Emulator, client: ECRClient) -> None:
    """Old, recent, pulled, archived and untagged images on a frozen clock."""
    ecr.push_image(REPOSITORY, "old", pushed_at=START - timedelta(days=200))
    ecr.push_image(REPOSITORY, "recent", pushed_at=START - timedelta(days=10))
    ecr.push_image(REPOSITORY, "pulled", pushed_at=START - timedelta(days=300))
    ecr.push_image(REPOSITORY, "gone", pushed_at=START - timedelta(days=900))
    ecr.push_image(REPOSITORY, pushed_at=START - timedelta(days=120))
    client.batch_get_image(repositoryName=REPOSITORY, imageIds=[{"imageTag": "pulled"}])
    client.update_image_storage_class(
        repositoryName=REPOSITORY,
        imageId={"imageTag": "gone"},
        targetStorageClass="ARCHIVE",
    )
    ecr.advance(timedelta(days=400))


@pytest.mark.parametrize(
    "policy_text",
    [
        TWO_STAGE,
        json.dumps({"rules": [ARCHIVE_AFTER_PUSH]}),
        archive_then_expire(30, 365, protected_tags=("recent",)).to_json(),
    ],
    ids=["two-stage", "after-push", "archive_then_expire"],
)
def test_endpoint_preview_agrees_with_policies_evaluate(policy_text: str) -> None:
    """GetLifecyclePolicyPreview lists what policies.evaluate says for the inventory."""
    with serve(start=START, frozen=True) as ecr:
        client = client_for(ecr.endpoint_url)
        _seed_inventory(ecr, client)
        inventory = client.describe_images(
            repositoryName=REPOSITORY, filter={"imageStatus": "ANY"}
        )["imageDetails"]
        expected = evaluate(policy_text, inventory, ecr.now())

        started = client.start_lifecycle_policy_preview(
            repositoryName=REPOSITORY, lifecyclePolicyText=policy_text
        )
        preview = client.get_lifecycle_policy_preview(repositoryName=REPOSITORY)

    assert started["status"] == "IN_PROGRESS"
    assert preview["status"] == "COMPLETE"
    assert expected
    assert _comparable(preview["previewResults"]) == _comparable(expected)
    transitions = sum(1 for item in expected if item["action"]["type"] == "TRANSITION")
    assert preview["summary"] == {
        "expiringImageTotalCount": len(expected) - transitions,
        "transitioningImageTotalCounts": [
            {"targetStorageClass": "ARCHIVE", "imageTotalCount": transitions}
        ],
    }


def _comparable(results: Any) -> list[dict[str, Any]]:
    return [
        {**result, "imageTags": list(result.get("imageTags") or [])}
        for result in results
    ]


def test_preview_uses_the_stored_policy_when_no_text_is_given(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """StartLifecyclePolicyPreview without text previews the stored policy."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    ecr_client.put_lifecycle_policy(
        repositoryName=REPOSITORY, lifecyclePolicyText=TWO_STAGE
    )

    started = ecr_client.start_lifecycle_policy_preview(repositoryName=REPOSITORY)

    assert started["lifecyclePolicyText"] == TWO_STAGE


@pytest.mark.parametrize(
    ("call", "code"),
    [
        ("start-without-policy", "LifecyclePolicyNotFoundException"),
        ("get-without-preview", "LifecyclePolicyPreviewNotFoundException"),
        ("start-with-bad-policy", "InvalidParameterException"),
    ],
)
def test_preview_errors(
    ecr_emulator: Emulator, ecr_client: ECRClient, call: str, code: str
) -> None:
    """Missing policy, missing preview and rejected text raise ECR's errors."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    bad = json.dumps({"rules": [dict(ARCHIVE_AFTER_PULL, action={"type": "expire"})]})
    calls: dict[str, Callable[[], object]] = {
        "start-without-policy": lambda: ecr_client.start_lifecycle_policy_preview(
            repositoryName=REPOSITORY
        ),
        "get-without-preview": lambda: ecr_client.get_lifecycle_policy_preview(
            repositoryName=REPOSITORY
        ),
        "start-with-bad-policy": lambda: ecr_client.start_lifecycle_policy_preview(
            repositoryName=REPOSITORY, lifecyclePolicyText=bad
        ),
    }

    with pytest.raises(ClientError) as caught:
        calls[call]()

    assert caught.value.response["Error"]["Code"] == code


def test_preview_results_paginate_and_filter(ecr_emulator: Emulator) -> None:
    """Preview results page with maxResults and filter on tagStatus."""
    with serve(start=START, frozen=True) as ecr:
        client = client_for(ecr.endpoint_url)
        for number in range(3):
            ecr.push_image(REPOSITORY, f"v{number}")
        ecr.push_image(REPOSITORY)
        ecr.advance(timedelta(days=40))
        client.start_lifecycle_policy_preview(
            repositoryName=REPOSITORY,
            lifecyclePolicyText=json.dumps({"rules": [ARCHIVE_AFTER_PUSH]}),
        )

        first = client.get_lifecycle_policy_preview(
            repositoryName=REPOSITORY, maxResults=3
        )
        second = client.get_lifecycle_policy_preview(
            repositoryName=REPOSITORY, maxResults=3, nextToken=first["nextToken"]
        )
        untagged = client.get_lifecycle_policy_preview(
            repositoryName=REPOSITORY, filter={"tagStatus": "UNTAGGED"}
        )

    assert len(first["previewResults"]) + len(second["previewResults"]) == 4
    assert "nextToken" not in second
    assert [item["imageTags"] for item in untagged["previewResults"]] == [[]]


def test_two_stage_lifecycle_runs_end_to_end(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """Unpulled images archive after 90 days, expire 365 days later; pulled stay."""
    ecr_emulator.push_image(REPOSITORY, "unused")
    ecr_emulator.push_image(REPOSITORY, "busy")
    ecr_client.put_lifecycle_policy(
        repositoryName=REPOSITORY, lifecyclePolicyText=TWO_STAGE
    )

    def pass_days(days: int) -> None:
        for _ in range(days // 10):
            ecr_emulator.advance(timedelta(days=10))
            ecr_client.batch_get_image(
                repositoryName=REPOSITORY, imageIds=[{"imageTag": "busy"}]
            )

    pass_days(80)
    assert _statuses(ecr_client) == {"unused": "ACTIVE", "busy": "ACTIVE"}

    pass_days(20)
    assert _statuses(ecr_client) == {"unused": "ARCHIVED", "busy": "ACTIVE"}
    archived = ecr_client.describe_images(
        repositoryName=REPOSITORY, imageIds=[{"imageTag": "unused"}]
    )["imageDetails"][0]["lastArchivedAt"]

    pass_days(350)
    assert _statuses(ecr_client) == {"unused": "ARCHIVED", "busy": "ACTIVE"}

    pass_days(10)
    assert _statuses(ecr_client) == {"busy": "ACTIVE"}
    assert timedelta(days=365) < ecr_emulator.now() - archived < timedelta(days=375)


def test_lifecycle_archives_in_one_long_advance(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """One advance of 500 days steps day by day: archived on day 91, gone by 457."""
    ecr_emulator.push_image(REPOSITORY, "v1")
    ecr_client.put_lifecycle_policy(
        repositoryName=REPOSITORY, lifecyclePolicyText=TWO_STAGE
    )

    ecr_emulator.advance(timedelta(days=500))

    assert _statuses(ecr_client) == {}


def test_lifecycle_run_over_the_control_surface(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """POST /_emulator/lifecycle/run applies policies now and lists the actions."""
    ecr_emulator.push_image(
        REPOSITORY, "v1", pushed_at=ecr_emulator.now() - timedelta(days=45)
    )
    ecr_client.put_lifecycle_policy(
        repositoryName=REPOSITORY,
        lifecyclePolicyText=json.dumps({"rules": [ARCHIVE_AFTER_PUSH]}),
    )

    actions = ControlClient(ecr_emulator.endpoint_url).run_lifecycle()

    assert [(a["imageTags"], a["action"]["type"]) for a in actions] == [
        (["v1"], "TRANSITION")
    ]
    assert _statuses(ecr_client) == {"v1": "ARCHIVED"}
