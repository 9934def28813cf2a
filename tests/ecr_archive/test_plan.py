"""`ecr-archive plan` on a JSON inventory file and on the local ECR endpoint."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ecr_archive.cli import Runtime, main
from ecr_archive.plan import PlanInputError, human_bytes, read_images
from policies import archive_then_expire, evaluate

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from emulator import Emulator

NOW = datetime(2026, 12, 1, tzinfo=UTC)
MIB = 1 << 20


def _digest(number: int) -> str:
    return "sha256:" + f"{number}" * 64


def _detail(
    number: int,
    tags: list[str] | None,
    *,
    pushed: str,
    status: str = "ACTIVE",
    pulled: str | None = None,
    archived: str | None = None,
    size: int = 700 * MIB,
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "registryId": "123456789012",
        "repositoryName": "app",
        "imageDigest": _digest(number),
        "imageSizeInBytes": size,
        "imagePushedAt": pushed,
        "imageStatus": status,
    }
    if tags:
        detail["imageTags"] = tags
    if pulled:
        detail["lastRecordedPullTime"] = pulled
    if archived:
        detail["lastArchivedAt"] = archived
    return detail


INVENTORY = {
    "imageDetails": [
        _detail(1, ["v1.0.0"], pushed="2025-09-01T10:00:00+00:00", pulled="2025-10-01"),
        _detail(2, ["v1.1.0"], pushed="2026-06-15T10:00:00Z", pulled="2026-11-20"),
        _detail(3, ["release-2025.1", "latest"], pushed="2025-01-10T10:00:00Z"),
        _detail(4, None, pushed="2025-07-31T22:13:20Z"),
        _detail(
            5,
            ["v0.9.0"],
            pushed="2024-05-01T10:00:00Z",
            status="ARCHIVED",
            archived="2025-03-01T00:00:00Z",
        ),
        _detail(
            6,
            ["v0.9.5"],
            pushed="2024-08-01T10:00:00Z",
            status="ARCHIVED",
            archived="2026-10-01T00:00:00Z",
        ),
    ]
}
DEFAULT_FLAGS = ["--protect", "release-*", "--expire-untagged-after-days", "30"]


@pytest.fixture
def inventory_file(tmp_path: Path) -> Path:
    """The inventory written as `aws ecr describe-images` prints it."""
    path = tmp_path / "images.json"
    path.write_text(json.dumps(INVENTORY), encoding="utf-8")
    return path


def _plan(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["plan", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json_plan(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = _plan([*argv, "--format", "json"], capsys)
    assert (code, err) == (0, "")
    document: dict[str, Any] = json.loads(out)
    return document


def test_plan_table_lists_todays_actions_the_timeline_and_the_cost(
    inventory_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table shows each image acted on now, each day with changes, each month."""
    argv = ["--images", str(inventory_file), "--now", "2026-12-01T00:00:00Z"]

    code, out, err = _plan([*argv, *DEFAULT_FLAGS, "--horizon-days", "180"], capsys)

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Plan at 2026-12-01T00:00:00+00:00 for 6 images")
    assert "Now: 3 images acted on (what a lifecycle preview shows)." in lines
    rules = lines[lines.index("Rules, applied lowest number first:") + 2 :][:5]
    assert [line.split()[0] for line in rules] == ["1", "2", "3", "4", "5"]
    assert rules[3].endswith("sinceImagePulled 90 days: transition to archive")
    rows = {
        next(word for word in line.split() if word.startswith("sha256:")): line.split()[
            :3
        ]
        for line in lines
        if "sha256:" in line
    }
    assert rows == {
        _digest(4)[:19]: ["3", "EXPIRE", "STANDARD"],
        _digest(1)[:19]: ["4", "TRANSITION", "STANDARD"],
        _digest(5)[:19]: ["5", "EXPIRE", "ARCHIVE"],
    }
    assert any(line.split()[:3] == ["80", "2027-02-19", "1"] for line in lines)
    header = next(n for n, line in enumerate(lines) if "WITH POLICY $" in line)
    months = [line.split()[0] for line in lines[header + 1 : header + 7]]
    assert months == ["1", "2", "3", "4", "5", "6"]
    total = next(line for line in lines if line.strip().startswith("total"))
    # Six 700 MiB images at $0.10 per GiB-month in either class: 4.10 GiB before,
    # 2.73 GiB after day 0's two deletions, for six months.
    assert total.split()[1:] == ["1.64", "2.46", "0.82"]


def test_plan_json_matches_evaluate_and_the_projection(
    inventory_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The JSON output carries the preview results and every projected action."""
    argv = ["--images", str(inventory_file), "--now", "2026-12-01T00:00:00Z"]

    document = _json_plan([*argv, *DEFAULT_FLAGS, "--horizon-days", "180"], capsys)

    policy = archive_then_expire(
        90, 365, protected_tags=["release-*"], expire_untagged_after_days=30
    )
    expected = evaluate(policy, read_images(INVENTORY), NOW)
    assert document["policy"] == policy.to_dict()
    assert [item["imageDigest"] for item in document["previewResults"]] == [
        item["imageDigest"] for item in expected
    ]
    assert document["previewResults"][1]["imagePushedAt"] == "2025-09-01T10:00:00+00:00"
    actions = [
        (a["day"], a["imageDigest"], a["action"])
        for a in document["projection"]["actions"]
    ]
    assert actions == [
        (0, _digest(4), "EXPIRE"),
        (0, _digest(1), "TRANSITION"),
        (0, _digest(5), "EXPIRE"),
        (80, _digest(2), "TRANSITION"),
    ]
    assert len(document["projection"]["months"]) == 6
    assert document["projection"]["imagesAtStart"] == {
        "activating": 0,
        "archive": 2,
        "standard": 4,
    }


def test_plan_reads_a_policy_file(
    inventory_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--policy` replaces the default policy with the file's rules."""
    keep_two = {
        "rules": [
            {
                "rulePriority": 1,
                "description": "Keep the two newest images",
                "selection": {
                    "tagStatus": "any",
                    "countType": "imageCountMoreThan",
                    "countNumber": 2,
                },
                "action": {"type": "expire"},
            }
        ]
    }
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps(keep_two), encoding="utf-8")
    argv = ["--images", str(inventory_file), "--policy", str(policy_file)]

    document = _json_plan([*argv, "--now", "2026-12-01T00:00:00Z"], capsys)

    expired = {item["imageDigest"] for item in document["previewResults"]}
    assert expired == {_digest(3), _digest(4)}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--policy", "missing.json"], "cannot read the policy file"),
        (["--policy", "{policy}", "--protect", "x"], "shape the default policy"),
        (["--current-policy"], "--current-policy needs --repository"),
        (["--expire-after-days", "30"], "90"),
        (["--prices", "{prices}"], "unknown price fields"),
    ],
)
def test_plan_reports_unusable_input_with_exit_code_2(
    argv: list[str],
    message: str,
    inventory_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Bad policies, flags and price files are usage errors that say what is wrong."""
    policy_file = tmp_path / "policy.json"
    policy_file.write_text("{}", encoding="utf-8")
    prices_file = tmp_path / "prices.json"
    prices_file.write_text('{"gold": 1}', encoding="utf-8")
    filled = [
        part.format(policy=policy_file, prices=prices_file)
        for part in ["--images", str(inventory_file), *argv]
    ]

    code, out, err = _plan(filled, capsys)

    assert code == 2
    assert out == ""
    assert message in err


def test_plan_prices_file_changes_the_cost(
    inventory_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cheaper archive price from `--prices` lowers the cost with the policy."""
    prices_file = tmp_path / "prices.json"
    prices_file.write_text('{"archive_tiers": [[null, 0.01]]}', encoding="utf-8")
    argv = ["--images", str(inventory_file), "--now", "2026-12-01T00:00:00Z"]

    default = _json_plan([*argv, *DEFAULT_FLAGS], capsys)["projection"]
    cheap = _json_plan([*argv, *DEFAULT_FLAGS, "--prices", str(prices_file)], capsys)

    assert cheap["projection"]["cost"] < default["cost"]
    assert cheap["projection"]["prices"]["archive_tiers"] == [[None, 0.01]]


def test_read_images_accepts_pages_lists_and_epoch_seconds() -> None:
    """Pages of DescribeImages, bare lists and numeric times all read the same."""
    detail = _detail(1, ["a"], pushed="2026-01-01T00:00:00")
    epoch = {**detail, "imagePushedAt": datetime(2026, 1, 1, tzinfo=UTC).timestamp()}

    as_pages = read_images([{"imageDetails": [detail]}, {"imageDetails": [epoch]}])
    as_list = read_images([detail])

    assert as_pages[0]["imagePushedAt"] == datetime(2026, 1, 1, tzinfo=UTC)
    assert as_pages[1]["imagePushedAt"] == as_pages[0]["imagePushedAt"]
    assert as_list == as_pages[:1]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"images": []}, "expected DescribeImages output"),
        ([{"imagePushedAt": "2026-01-01"}], r"images\[0\] has no imageDigest"),
        (
            {"imageDetails": [{"imageDigest": "sha256:1", "imagePushedAt": "soon"}]},
            r"imageDetails\[0\]\.imagePushedAt is 'soon'",
        ),
    ],
)
def test_read_images_names_the_entry_it_cannot_use(
    document: object, message: str
) -> None:
    """An unusable inventory is refused with the path of the bad entry."""
    with pytest.raises(PlanInputError, match=message):
        read_images(document)


def test_plan_reads_every_image_from_the_local_endpoint(
    ecr_emulator: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --repository the images come from DescribeImages with imageStatus ANY."""
    now = ecr_emulator.now()
    stale = ecr_emulator.push_image("app", "v1", pushed_at=now - timedelta(days=200))
    fresh = ecr_emulator.push_image("app", "v2", pushed_at=now - timedelta(days=5))
    gone = ecr_emulator.push_image("app", "v0", pushed_at=now - timedelta(days=900))
    ecr_client.update_image_storage_class(
        repositoryName="app", imageId={"imageTag": "v0"}, targetStorageClass="ARCHIVE"
    )
    ecr_emulator.advance(timedelta(days=400))
    runtime = Runtime(client_factory=lambda **_: ecr_client)
    later = ecr_emulator.now().isoformat()

    code = main(
        ["plan", "--repository", "app", "--now", later, "--format", "json"],
        runtime=runtime,
    )

    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["images"] == 3
    assert {
        (item["imageDigest"], item["action"]["type"])
        for item in document["previewResults"]
    } == {(stale, "TRANSITION"), (fresh, "TRANSITION"), (gone, "EXPIRE")}
    assert ecr_emulator.counters()["DescribeImages"] >= 1


def test_plan_uses_the_repository_policy_with_current_policy(
    ecr_emulator: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """--current-policy evaluates the lifecycle policy set on the repository."""
    now = ecr_emulator.now()
    ecr_emulator.push_image("app", "v1", pushed_at=now - timedelta(days=40))
    ecr_emulator.push_image("app", "v2", pushed_at=now - timedelta(days=10))
    thirty_days = archive_then_expire(30, 365)
    ecr_client.put_lifecycle_policy(
        repositoryName="app", lifecyclePolicyText=thirty_days.to_json()
    )
    runtime = Runtime(client_factory=lambda **_: ecr_client)
    argv = ["plan", "--repository", "app", "--current-policy", "--format", "json"]

    code = main([*argv, "--now", now.isoformat()], runtime=runtime)

    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["policy"] == thirty_days.to_dict()
    assert [item["imageTags"] for item in document["previewResults"]] == [["v1"]]


def test_plan_says_so_when_the_repository_has_no_policy(
    ecr_emulator: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """--current-policy on a repository without a policy prints that and succeeds."""
    ecr_emulator.push_image("app", "v1")
    runtime = Runtime(client_factory=lambda **_: ecr_client)

    code = main(["plan", "--repository", "app", "--current-policy"], runtime=runtime)

    assert code == 0
    assert capsys.readouterr().out == "repository app has no lifecycle policy\n"


def test_plan_table_shortens_long_lists_to_the_limit(
    inventory_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--limit caps each list and says how many rows were left out."""
    argv = ["--images", str(inventory_file), "--now", "2026-12-01T00:00:00Z"]

    code, out, _ = _plan([*argv, *DEFAULT_FLAGS, "--limit", "1"], capsys)

    assert code == 0
    assert "  … and 2 more (--limit 0 lists all)" in out.splitlines()
    assert sum("sha256:" in line for line in out.splitlines()) == 1


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (700 * MIB, "700.0 MiB"),
        (5 << 40, "5.0 TiB"),
        (3 << 50, "3072.0 TiB"),
    ],
)
def test_sizes_are_shown_in_binary_units(count: int, shown: str) -> None:
    """Table sizes use B, KiB, MiB, GiB and TiB, the largest unit below 1024."""
    assert human_bytes(count) == shown
