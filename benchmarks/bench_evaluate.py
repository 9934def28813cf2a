"""How fast `policies.evaluate` and `policies.project` are on large repositories.

Prints images per second for 100,000 synthetic images and, from the same run, the
ratio against two references kept here only for comparison:

- a plain loop over images for each rule (fnmatch on tags, datetime arithmetic per
  image, sorting datetimes), the way the rules read in the ECR user guide;
- running `evaluate` once per day for the projection, as a day-by-day simulation
  would, on a smaller repository because it is slow.

Each figure is the best of a few runs in CPU seconds of this process, the two sides
of a comparison run in alternation; the references are checked to give the same answer
as the code they are compared with.

The policy tests use `synthetic_images` for their timing checks and `naive_evaluate`
as the reference `evaluate` must agree with.
"""

from __future__ import annotations

import fnmatch
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from policies import evaluate, project

NOW = datetime(2026, 12, 1, tzinfo=UTC)
IMAGES = 100_000
PROJECTION_DAYS = 365
DAILY_REFERENCE_IMAGES = 2_000
RUNS = 5

T = TypeVar("T")
U = TypeVar("U")

POLICY: dict[str, Any] = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "Keep the 50 newest production images",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["prod-*"],
                "countType": "imageCountMoreThan",
                "countNumber": 50,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "Delete untagged images after two weeks",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 3,
            "description": "Archive images not pulled for 90 days",
            "selection": {
                "tagStatus": "any",
                "countType": "sinceImagePulled",
                "countUnit": "days",
                "countNumber": 90,
            },
            "action": {"type": "transition", "targetStorageClass": "archive"},
        },
        {
            "rulePriority": 4,
            "description": "Delete images a year after archiving",
            "selection": {
                "tagStatus": "any",
                "storageClass": "archive",
                "countType": "sinceImageTransitioned",
                "countUnit": "days",
                "countNumber": 365,
            },
            "action": {"type": "expire"},
        },
    ]
}


def synthetic_images(
    count: int, seed: int = 11, now: datetime = NOW
) -> list[dict[str, Any]]:
    """Images with a mix of tags, storage states and pull histories.

    Pushed within the 700 days before `now`; the same seed gives the same images.
    """
    rng = random.Random(seed)
    images = []
    for number in range(count):
        pushed = now - timedelta(minutes=rng.randrange(1, 60 * 24 * 700))
        status = rng.choice(("ACTIVE",) * 8 + ("ARCHIVED", "ACTIVATING"))
        detail: dict[str, Any] = {
            "imageDigest": f"sha256:{number:064x}",
            "imagePushedAt": pushed,
            "imageStatus": status,
            "imageSizeInBytes": rng.randrange(1 << 20, 1 << 30),
        }
        tags = rng.choice(([], [f"v{number}"], [f"prod-{number}", "latest"]))
        if tags:
            detail["imageTags"] = tags
        if rng.random() < 0.5:
            detail["lastRecordedPullTime"] = pushed + timedelta(days=rng.randrange(99))
        if status != "ACTIVE":
            detail["lastArchivedAt"] = pushed + timedelta(days=rng.randrange(1, 99))
        images.append(detail)
    return images


def naive_evaluate(
    policy: Mapping[str, Any], images: Sequence[Mapping[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """The evaluation rules written as plainly as possible: the reference.

    It returns the same preview results as `evaluate`, unsorted.
    """
    claimed: set[str] = set()
    acted: list[dict[str, Any]] = []
    for rule in sorted(policy["rules"], key=lambda rule: rule["rulePriority"]):
        selection = rule["selection"]
        selected = [image for image in images if _naive_selects(selection, image)]
        for image in _naive_marked(selection, selected, now):
            if image["imageDigest"] not in claimed:
                acted.append(_naive_result(rule, image))
        claimed.update(image["imageDigest"] for image in selected)
    return acted


def _naive_result(rule: Mapping[str, Any], image: Mapping[str, Any]) -> dict[str, Any]:
    action = {"type": rule["action"]["type"].upper()}
    if action["type"] == "TRANSITION":
        action["targetStorageClass"] = "ARCHIVE"
    storage_class = rule["selection"].get("storageClass", "standard").upper()
    return {
        "imageDigest": image["imageDigest"],
        "imageTags": list(image.get("imageTags") or []),
        "imagePushedAt": image["imagePushedAt"],
        "appliedRulePriority": rule["rulePriority"],
        "action": action,
        "storageClass": storage_class,
    }


def _naive_selects(selection: Mapping[str, Any], image: Mapping[str, Any]) -> bool:
    wanted = {"standard": "ACTIVE", "archive": "ARCHIVED"}
    status = image.get("imageStatus", "ACTIVE")
    if status != wanted[selection.get("storageClass", "standard")]:
        return False
    tags = image.get("imageTags") or []
    if selection["tagStatus"] == "any":
        return True
    if selection["tagStatus"] == "untagged":
        return not tags
    if not tags:
        return False
    prefixes = selection.get("tagPrefixList", [])
    patterns = selection.get("tagPatternList", [])
    return all(any(tag.startswith(p) for tag in tags) for p in prefixes) and all(
        any(fnmatch.fnmatchcase(tag, p) for tag in tags) for p in patterns
    )


def _naive_marked(
    selection: Mapping[str, Any],
    selected: list[Mapping[str, Any]],
    now: datetime,
) -> list[Mapping[str, Any]]:
    def pushed(image: Mapping[str, Any]) -> tuple[datetime, str]:
        moment = image.get("lastActivatedAt") or image["imagePushedAt"]
        return moment, image["imageDigest"]

    count_type = selection["countType"]
    if count_type == "imageCountMoreThan":
        newest_first = sorted(selected, key=pushed, reverse=True)
        return newest_first[selection["countNumber"] :]
    cutoff = now - timedelta(days=selection["countNumber"])
    if count_type == "sinceImagePushed":
        return [image for image in selected if pushed(image)[0] < cutoff]
    if count_type == "sinceImagePulled":
        return [image for image in selected if _naive_pull(image) < cutoff]
    return [
        image
        for image in selected
        if image.get("lastArchivedAt") is not None and image["lastArchivedAt"] < cutoff
    ]


def _naive_pull(image: Mapping[str, Any]) -> datetime:
    pulled: datetime | None = image.get("lastRecordedPullTime")
    activated: datetime | None = image.get("lastActivatedAt")
    pushed: datetime = image["imagePushedAt"]
    if activated is not None and (pulled is None or pulled < activated):
        return activated
    return pulled if pulled is not None else pushed


def _cpu_seconds(action: Callable[[], T]) -> tuple[float, T]:
    # CPU time of this process: other work on a shared machine does not count.
    started = time.process_time()
    result = action()
    return time.process_time() - started, result


def _best(action: Callable[[], T]) -> tuple[float, T]:
    timings = []
    for _ in range(RUNS):
        seconds, result = _cpu_seconds(action)
        timings.append(seconds)
    return min(timings), result


def _best_of_pair(
    first: Callable[[], T], second: Callable[[], U]
) -> tuple[float, T, float, U]:
    """Best times of two actions run in alternation, so load drifts hit both."""
    first_times, second_times = [], []
    for _ in range(RUNS):
        seconds, first_result = _cpu_seconds(first)
        first_times.append(seconds)
        seconds, second_result = _cpu_seconds(second)
        second_times.append(seconds)
    return min(first_times), first_result, min(second_times), second_result


def _day_by_day(images: list[dict[str, Any]], days: int) -> int:
    state = {image["imageDigest"]: image for image in images}
    for image in images:
        if image["imageStatus"] == "ACTIVATING":
            restored = {"imageStatus": "ACTIVE", "lastActivatedAt": NOW}
            state[image["imageDigest"]] = {**image, **restored}
    acted = 0
    for day in range(days):
        moment = NOW + timedelta(days=day)
        for result in evaluate(POLICY, list(state.values()), moment):
            acted += 1
            key = result["imageDigest"]
            if result["action"]["type"] == "EXPIRE":
                del state[key]
            else:
                archived = {"imageStatus": "ARCHIVED", "lastArchivedAt": moment}
                state[key] = {**state[key], **archived}
    return acted


def main() -> None:
    """Print evaluation and projection throughput, and the ratios to the references."""
    images = synthetic_images(IMAGES)

    fast, results, slow, reference = _best_of_pair(
        lambda: evaluate(POLICY, images, NOW),
        lambda: naive_evaluate(POLICY, images, NOW),
    )

    def key(item: dict[str, Any]) -> str:
        return str(item["imageDigest"])

    if sorted(results, key=key) != sorted(reference, key=key):
        message = "the naive reference and evaluate disagree"
        raise RuntimeError(message)
    rules = len(POLICY["rules"])
    print(f"evaluate, {IMAGES:,} images, {rules} rules, best of {RUNS}, CPU seconds:")
    print(f"  evaluate      {fast:6.3f} s  {IMAGES / fast:>10,.0f} images/s")
    print(f"  naive loop    {slow:6.3f} s  {IMAGES / slow:>10,.0f} images/s")
    acted = f"{len(results):,} images acted on"
    print(f"  ratio         {slow / fast:6.1f}x faster ({acted})")

    projected, projection = _best(lambda: project(POLICY, images, NOW, PROJECTION_DAYS))
    actions = len(projection.actions)
    days = f"{PROJECTION_DAYS} days"
    print(f"project, {IMAGES:,} images, {days}, best of {RUNS}, CPU seconds:")
    print(
        f"  project       {projected:6.3f} s  {IMAGES / projected:>10,.0f} images/s"
        f" ({actions:,} actions)"
    )

    small = synthetic_images(DAILY_REFERENCE_IMAGES, seed=12)
    quick, small_projection = _best(
        lambda: project(POLICY, small, NOW, PROJECTION_DAYS)
    )
    daily, daily_actions = _cpu_seconds(lambda: _day_by_day(small, PROJECTION_DAYS))
    if daily_actions != len(small_projection.actions):
        message = "the day-by-day reference and project disagree"
        raise RuntimeError(message)
    print(f"project vs evaluate every day, {DAILY_REFERENCE_IMAGES:,} images:")
    print(f"  project       {quick:6.3f} s")
    print(f"  every day     {daily:6.3f} s")
    print(f"  ratio         {daily / quick:6.1f}x faster")


if __name__ == "__main__":
    main()
