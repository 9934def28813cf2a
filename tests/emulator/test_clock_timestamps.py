"""Timestamps moto would take from the wall clock are read from the emulator clock.

The emulator clock is the one time source: a test that starts it in 2030, or
advances it by a year, sees repositories created and lifecycle policies deleted at
emulator time, in order with the images' push, pull and archive times.
"""

import json
from datetime import UTC, datetime, timedelta

from emulator import serve
from tests.emulator.conftest import REPOSITORY, client_for

START = datetime(2030, 1, 1, tzinfo=UTC)

ARCHIVE_UNPULLED = {
    "rulePriority": 1,
    "description": "Archive images not pulled in 90 days",
    "selection": {
        "tagStatus": "any",
        "countType": "sinceImagePulled",
        "countUnit": "days",
        "countNumber": 90,
    },
    "action": {"type": "transition", "targetStorageClass": "archive"},
}


def test_created_repository_carries_emulator_time() -> None:
    """CreateRepository and DescribeRepositories report createdAt on the clock."""
    with serve(start=START, frozen=True) as ecr:
        client = client_for(ecr.endpoint_url)
        created = client.create_repository(repositoryName=REPOSITORY)
        listed = client.describe_repositories(repositoryNames=[REPOSITORY])

    assert created["repository"]["createdAt"] == START
    assert listed["repositories"][0]["createdAt"] == START


def test_seeded_repository_carries_emulator_time() -> None:
    """A repository push_image creates reports the clock's time as createdAt."""
    with serve(start=START, frozen=True) as ecr:
        ecr.advance(timedelta(days=3))
        ecr.push_image(REPOSITORY, "v1")
        listed = client_for(ecr.endpoint_url).describe_repositories(
            repositoryNames=[REPOSITORY]
        )

    assert listed["repositories"][0]["createdAt"] == START + timedelta(days=3)


def test_deleted_lifecycle_policy_reports_emulator_time() -> None:
    """DeleteLifecyclePolicy reports lastEvaluatedAt on the emulator clock."""
    with serve(start=START, frozen=True) as ecr:
        client = client_for(ecr.endpoint_url)
        ecr.push_image(REPOSITORY, "v1")
        client.put_lifecycle_policy(
            repositoryName=REPOSITORY,
            lifecyclePolicyText=json.dumps({"rules": [ARCHIVE_UNPULLED]}),
        )
        ecr.advance(timedelta(days=1))
        deleted = client.delete_lifecycle_policy(repositoryName=REPOSITORY)

    assert deleted["lastEvaluatedAt"] == START + timedelta(days=1)
