"""Lifecycle policies in the emulator: checking, previewing and applying them.

Validation is delegated to `policies.validate_policy` and evaluation to
`policies.evaluate`, the same code the project's policy builder uses, so the
emulator, the preview and the project can never disagree about a policy. A
rejection is translated into ECR's error: an `InvalidParameterException` whose
message names `LifecyclePolicyText` and lists every problem found.

Applying a policy acts on what `evaluate` selects over every image of the repository
(imageStatus ANY): TRANSITION archives the image, EXPIRE deletes it.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from moto.ecr.exceptions import InvalidParameterException
from moto.ecr.models import Repository

from emulator._details import image_detail
from emulator._registry import Registry
from emulator._state import ImageStatus
from policies import LifecyclePolicy, PolicyError, evaluate, validate_policy

logger = logging.getLogger(__name__)

EXPIRE = "EXPIRE"
TRANSITION = "TRANSITION"


def policy_rejection(reason: str) -> InvalidParameterException:
    """Return the error ECR answers for a lifecycle policy it rejects."""
    return InvalidParameterException(
        "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
        f"'Lifecycle policy validation failure: {reason}'"
    )


def check_policy_text(text: object) -> LifecyclePolicy:
    """Return the parsed policy for `text`, or raise InvalidParameterException.

    The text must be 100 to 30,720 characters of JSON that ECR accepts, archive
    fields included.
    """
    if not isinstance(text, str):
        raise policy_rejection("the policy text must be a string")
    try:
        return validate_policy(text)
    except PolicyError as exc:
        problems = "; ".join(str(problem) for problem in exc.problems)
        raise policy_rejection(problems) from exc


def repository_details(registry: Registry, repo: Repository) -> list[dict[str, Any]]:
    """Return DescribeImages details of every image in `repo`, whatever its status."""
    return [
        image_detail(repo, image, record) for image, record in registry.images(repo)
    ]


def preview_results(
    policy: LifecyclePolicy, registry: Registry, repo: Repository, now: datetime
) -> list[dict[str, Any]]:
    """Return GetLifecyclePolicyPreview's previewResults for `repo` at `now`."""
    return evaluate(policy, repository_details(registry, repo), now)


def preview_summary(results: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Return the preview summary: images to expire and to move to the archive."""
    actions = [result["action"]["type"] for result in results]

    return {
        "expiringImageTotalCount": actions.count(EXPIRE),
        "transitioningImageTotalCounts": [
            {
                "targetStorageClass": "ARCHIVE",
                "imageTotalCount": actions.count(TRANSITION),
            }
        ],
    }


def has_policies(registry: Registry) -> bool:
    """Tell whether any repository of the registry has a lifecycle policy."""
    return any(
        repo.lifecycle_policy
        for backend in registry.backends()
        for repo in backend.repositories.values()
    )


def apply_policies(registry: Registry) -> list[dict[str, Any]]:
    """Apply every stored lifecycle policy at the current emulator time.

    Returns what was done, as preview results with the repository name added.
    Images `evaluate` marks for transition are archived (if still ACTIVE); images
    it marks for expiry are deleted.
    """
    now = registry.clock.now()
    done: list[dict[str, Any]] = []
    for backend in registry.backends():
        for repo in list(backend.repositories.values()):
            if not repo.lifecycle_policy:
                continue
            policy = validate_policy(repo.lifecycle_policy)
            for result in preview_results(policy, registry, repo, now):
                if _act(registry, repo, result, now):
                    done.append({**result, "repositoryName": repo.name})

    return done


def _act(
    registry: Registry, repo: Repository, result: Mapping[str, Any], now: datetime
) -> bool:
    digest = result["imageDigest"]
    image = next((i for i in repo.images if i.image_digest == digest), None)
    if image is None:
        return False
    if result["action"]["type"] == EXPIRE:
        registry.delete_image(repo, image)
        logger.info(
            "lifecycle rule %s expired %s in %s",
            result["appliedRulePriority"],
            digest,
            repo.name,
        )
        return True

    record = registry.record(repo, image)
    if record.status is not ImageStatus.ACTIVE:
        return False
    record.archive(now)
    logger.info(
        "lifecycle rule %s archived %s in %s",
        result["appliedRulePriority"],
        digest,
        repo.name,
    )
    return True
