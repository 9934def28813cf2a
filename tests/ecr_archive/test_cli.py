"""`ecr-archive` commands against the local ECR endpoint: output, exit codes, calls."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ecr_archive import ImageRef, archive_image, make_client, restore_image
from ecr_archive.cli import ExitCode, Runtime, main
from tests.ecr_archive.conftest import EmulatorTime
from tests.ecr_archive.fakes import FakeEcr, client_error

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from emulator import Emulator

RESTORE_DELAY = 550.0
ACCOUNT = "123456789012"
URI = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"


@pytest.fixture
def ecr(ecr_environment: Emulator) -> Emulator:
    """The emulator, with the environment pointing boto3 at it, restores 550 s long."""
    ecr_environment.activation_delay = RESTORE_DELAY

    return ecr_environment


def _runtime(
    emulator: Emulator, time: EmulatorTime | None = None, **overrides: Any
) -> Runtime:
    time = time or EmulatorTime(emulator)
    settings: dict[str, Any] = {
        "clock": time.clock,
        "sleep": time.sleep,
        "random": random.Random(7).random,
    }
    settings.update(overrides)

    return Runtime(**settings)


def _seed(emulator: Emulator, client: ECRClient, images: dict[str, str]) -> None:
    """Push each `repo:tag` and bring it to the status given."""
    for text, status in images.items():
        repository, _, tag = text.partition(":")
        emulator.push_image(repository, tag)
        ref = ImageRef.parse(text)
        if status in {"ARCHIVED", "ACTIVATING"}:
            archive_image(client, ref)
        if status == "ACTIVATING":
            restore_image(client, ref)
    emulator.reset_counters()


# (images and their statuses, images asked about, exit code, lines printed)
STATUS_TABLE = [
    ({"app:v1": "ACTIVE"}, ["app:v1"], ExitCode.OK, ["ACTIVE  app:v1"]),
    (
        {"app:v1": "ACTIVE", "app:v2": "ACTIVATING"},
        ["app:v1", "app:v2"],
        ExitCode.ACTIVATING,
        ["ACTIVE      app:v1", "ACTIVATING  app:v2"],
    ),
    (
        {"app:v1": "ARCHIVED", "app:v2": "ACTIVATING"},
        ["app:v1", "app:v2"],
        ExitCode.ARCHIVED,
        ["ARCHIVED    app:v1", "ACTIVATING  app:v2"],
    ),
    (
        {"app:v1": "ARCHIVED"},
        ["app:v1", "app:v9"],
        ExitCode.MISSING,
        ["ARCHIVED  app:v1", "MISSING   app:v9  (image not found)"],
    ),
    (
        {"app:v1": "ACTIVE"},
        ["nowhere:v1", "app:v1"],
        ExitCode.MISSING,
        ["MISSING  nowhere:v1  (repository not found)", "ACTIVE   app:v1"],
    ),
]


@pytest.mark.parametrize("case", STATUS_TABLE)
def test_status_prints_each_image_and_exits_with_the_worst(
    ecr: Emulator,
    ecr_client: ECRClient,
    capsys: pytest.CaptureFixture[str],
    case: tuple[dict[str, str], list[str], int, list[str]],
) -> None:
    """status prints one line per image; the exit code is the worst status seen."""
    images, asked, code, lines = case
    _seed(ecr, ecr_client, images)

    assert main(["status", *asked], runtime=_runtime(ecr)) == code

    assert capsys.readouterr().out.splitlines() == lines
    assert ecr.counters() == {"DescribeImages": len(asked)}


def test_status_of_a_mixed_list_reads_each_image_once(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """Repositories, tags, digests and registry URIs mix in one call, one read each."""
    digest = ecr.push_image("team/api", "v7")
    _seed(ecr, ecr_client, {"web:v1": "ARCHIVED", "worker:v2": "ACTIVATING"})
    asked = [f"team/api@{digest}", f"{URI}/web:v1", "worker:v2", "team/api:v7"]

    code = main(["status", "--format", "json", *asked], runtime=_runtime(ecr))

    document = json.loads(capsys.readouterr().out)
    assert code == ExitCode.ARCHIVED
    assert document["exitCode"] == ExitCode.ARCHIVED
    assert [(i["image"], i["status"]) for i in document["images"]] == [
        (f"team/api@{digest}", "ACTIVE"),
        (f"{URI}/web:v1", "ARCHIVED"),
        ("worker:v2", "ACTIVATING"),
        ("team/api:v7", "ACTIVE"),
    ]
    assert document["images"][1]["registryId"] == ACCOUNT
    assert document["images"][1]["region"] == "us-east-1"
    assert document["images"][0]["tags"] == ["v7"]
    archived = document["images"][1]
    assert archived["lastArchivedAt"].endswith("+00:00")
    pushed, archived_at = (
        datetime.fromisoformat(archived[key]) for key in ("pushedAt", "lastArchivedAt")
    )
    assert pushed <= archived_at
    assert archived["lastActivatedAt"] is None
    assert archived["sizeInBytes"] == 1024 * 1024
    assert ecr.counters() == {"DescribeImages": 4}


def test_status_of_a_pinned_reference_follows_the_digest_not_a_moved_tag(
    ecr: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """`repo:tag@digest` names the digest, as for Docker, even once the tag moved."""
    pinned = ecr.push_image("app", "v1", content="first build")
    ecr.push_image("app", "v1", content="second build")

    code = main(["status", f"app:v1@{pinned}"], runtime=_runtime(ecr))

    assert code == ExitCode.OK
    assert capsys.readouterr().out.splitlines() == [f"ACTIVE  app:v1@{pinned}"]


def test_status_json_names_missing_images(
    ecr: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """In JSON a missing image has status MISSING, no digest, and the reason."""
    code = main(["status", "--format", "json", "gone:v1"], runtime=_runtime(ecr))

    assert code == ExitCode.MISSING
    assert json.loads(capsys.readouterr().out) == {
        "command": "status",
        "exitCode": 5,
        "images": [
            {
                "digest": None,
                "image": "gone:v1",
                "lastActivatedAt": None,
                "lastArchivedAt": None,
                "lastPulledAt": None,
                "missing": "repository not found",
                "pushedAt": None,
                "region": None,
                "registryId": None,
                "repository": "gone",
                "restoreStarted": False,
                "sizeInBytes": None,
                "status": "MISSING",
                "tags": [],
            }
        ],
    }


def test_restore_issues_one_update_per_archived_image(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """restore reads each image once and updates only the archived ones, once each."""
    _seed(
        ecr,
        ecr_client,
        {"app:v1": "ARCHIVED", "app:v2": "ACTIVE", "web:v1": "ARCHIVED"},
    )
    same_image = f"app@{_digest(ecr_client, 'app:v1')}"
    ecr.reset_counters()

    code = main(
        ["restore", "app:v1", "app:v2", "web:v1", same_image], runtime=_runtime(ecr)
    )

    assert code == ExitCode.OK
    assert capsys.readouterr().out.splitlines() == [
        "ACTIVATING  app:v1  (restore started)",
        "ACTIVE      app:v2",
        "ACTIVATING  web:v1  (restore started)",
        f"ACTIVATING  {same_image}  (restore started)",
    ]
    assert ecr.counters() == {"DescribeImages": 4, "UpdateImageStorageClass": 2}


def test_restore_still_restores_the_others_when_one_is_missing(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing image fails restore with 5, after the archived ones were restored."""
    _seed(ecr, ecr_client, {"app:v1": "ARCHIVED"})

    code = main(["restore", "app:v1", "app:v404"], runtime=_runtime(ecr))

    assert code == ExitCode.MISSING
    assert capsys.readouterr().out.splitlines() == [
        "ACTIVATING  app:v1  (restore started)",
        "MISSING     app:v404  (image not found)",
    ]
    assert ecr.counters() == {"DescribeImages": 2, "UpdateImageStorageClass": 1}


def test_restore_wait_waits_for_all_restores_together(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """restore --wait starts every restore, then polls them in shared rounds."""
    images = {"app:v1": "ARCHIVED", "app:v2": "ARCHIVED", "web:v1": "ACTIVATING"}
    _seed(ecr, ecr_client, images)
    start = ecr.now()
    time = EmulatorTime(ecr)

    code = main(["restore", "--wait", *images], runtime=_runtime(ecr, time))

    output = capsys.readouterr()
    waited = (ecr.now() - start).total_seconds()
    assert code == ExitCode.OK
    assert output.out.splitlines() == [
        "ACTIVE  app:v1  (restore started)",
        "ACTIVE  app:v2  (restore started)",
        "ACTIVE  web:v1",
    ]
    assert "restore: all 3 images ACTIVE" in output.err
    assert RESTORE_DELAY <= waited < RESTORE_DELAY + 30.0
    counts = ecr.counters()
    assert counts["UpdateImageStorageClass"] == 2
    # One read per image, then after each sleep one read per image still pending.
    assert 3 + len(time.sleeps) <= counts["DescribeImages"] <= 3 + 3 * len(time.sleeps)
    # Full jitter under a 30 s bound: about one round per 15 s once it is reached.
    assert len(time.sleeps) <= RESTORE_DELAY / 15 * 1.5


def test_restore_wait_times_out_with_code_6(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """restore --wait past --timeout exits 6 and prints the last status of each."""
    _seed(ecr, ecr_client, {"app:v1": "ARCHIVED", "app:v2": "ACTIVE"})

    code = main(
        ["restore", "--wait", "--timeout", "2m", "app:v1", "app:v2"],
        runtime=_runtime(ecr),
    )

    output = capsys.readouterr()
    assert code == ExitCode.TIMEOUT
    assert output.out.splitlines() == [
        "ACTIVATING  app:v1  (restore started)",
        "ACTIVE      app:v2",
    ]
    assert "was not ACTIVE after 120 s" in output.err


def test_ensure_pullable_restores_waits_and_shows_progress(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """ensure-pullable restores the archived, waits for all, and reports on stderr."""
    images = {"app:v1": "ACTIVE", "app:v2": "ARCHIVED", "web:v3": "ACTIVATING"}
    _seed(ecr, ecr_client, images)
    time = EmulatorTime(ecr)

    code = main(["ensure-pullable", *images], runtime=_runtime(ecr, time))

    output = capsys.readouterr()
    assert code == ExitCode.OK
    assert output.out.splitlines() == [
        "ACTIVE  app:v1",
        "ACTIVE  app:v2  (restore started)",
        "ACTIVE  web:v3",
    ]
    progress = output.err.splitlines()
    assert progress[0].startswith(
        "ensure-pullable: 1 of 3 images ACTIVE, waiting for 2 (ACTIVATING); 0s elapsed"
    )
    assert any("app:v2 ACTIVE after 9m" in line for line in progress)
    assert progress[-1].startswith("ensure-pullable: all 3 images ACTIVE (9m")
    # Three reads, one restore, then per sleep one read of each image not ACTIVE.
    counts = ecr.counters()
    assert counts["UpdateImageStorageClass"] == 1
    assert 3 + len(time.sleeps) <= counts["DescribeImages"] <= 3 + 2 * len(time.sleeps)
    # A line when a status changes, else at the first poll 30 s after the last line.
    assert RESTORE_DELAY / 60 <= len(progress) <= RESTORE_DELAY / 30 + 4


def test_ensure_pullable_changes_nothing_when_an_image_is_missing(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing image fails ensure-pullable before any restore is started."""
    _seed(ecr, ecr_client, {"app:v1": "ARCHIVED"})

    code = main(["ensure-pullable", "app:v1", "app:v2"], runtime=_runtime(ecr))

    output = capsys.readouterr()
    assert code == ExitCode.MISSING
    assert "nothing restored" in output.err
    assert output.out.splitlines() == [
        "ARCHIVED  app:v1",
        "MISSING   app:v2  (image not found)",
    ]
    assert ecr.counters() == {"DescribeImages": 2}


def test_ensure_pullable_of_active_images_makes_one_call_each(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """When every image is ACTIVE, ensure-pullable reads each once and is done."""
    _seed(ecr, ecr_client, {"app:v1": "ACTIVE", "web:v1": "ACTIVE"})

    code = main(["ensure-pullable", "app:v1", "web:v1"], runtime=_runtime(ecr))

    assert code == ExitCode.OK
    assert "all 2 images ACTIVE (0s)" in capsys.readouterr().err
    assert ecr.counters() == {"DescribeImages": 2}


def test_ensure_pullable_times_out_with_code_6(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """A restore slower than --timeout makes ensure-pullable exit 6."""
    _seed(ecr, ecr_client, {"app:v1": "ARCHIVED"})

    code = main(
        ["ensure-pullable", "--timeout", "300", "--format", "json", "app:v1"],
        runtime=_runtime(ecr),
    )

    document = json.loads(capsys.readouterr().out)
    assert code == ExitCode.TIMEOUT
    assert document["exitCode"] == ExitCode.TIMEOUT
    assert document["images"][0]["status"] == "ACTIVATING"


def test_an_image_deleted_while_waited_for_is_missing_with_code_5(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """An image deleted during the wait is MISSING (exit 5), not an AWS error."""
    _seed(ecr, ecr_client, {"app:v1": "ARCHIVED", "app:v2": "ARCHIVED"})
    time = EmulatorTime(ecr)

    def sleep(seconds: float) -> None:
        ecr_client.batch_delete_image(
            repositoryName="app", imageIds=[{"imageTag": "v2"}]
        )
        time.sleep(seconds)

    code = main(
        ["ensure-pullable", "app:v1", "app:v2"], runtime=_runtime(ecr, sleep=sleep)
    )

    output = capsys.readouterr()
    assert code == ExitCode.MISSING
    assert output.out.splitlines() == [
        "ACTIVATING  app:v1  (restore started)",
        "MISSING     app:v2  (image not found; restore started)",
    ]
    assert "deleted while" in output.err


def test_throttled_calls_are_retried_and_the_command_succeeds(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """Throttling on some calls is absorbed by standard retries."""
    _seed(ecr, ecr_client, {"app:v1": "ACTIVE", "app:v2": "ACTIVE"})
    ecr.inject_fault("DescribeImages", "throttle", times=2)

    code = main(["status", "app:v1", "app:v2"], runtime=_runtime(ecr))

    assert code == ExitCode.OK
    assert capsys.readouterr().out.count("ACTIVE") == 2
    assert ecr.counters() == {"DescribeImages": 4}


@pytest.mark.parametrize(
    ("kind", "code_word"),
    [("throttle", "ThrottlingException"), ("server", "ServerException")],
)
def test_persistent_faults_exit_1_with_the_aws_error(
    ecr: Emulator,
    ecr_client: ECRClient,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    code_word: str,
) -> None:
    """When retries run out, the command exits 1 and stderr names the AWS error."""
    _seed(ecr, ecr_client, {"app:v1": "ARCHIVED"})
    ecr.inject_fault("UpdateImageStorageClass", kind, times=None)
    runtime = _runtime(ecr, client_factory=_client_factory(max_attempts=2))

    code = main(["restore", "app:v1"], runtime=runtime)

    assert code == ExitCode.AWS_ERROR
    assert code_word in capsys.readouterr().err
    assert ecr.counters() == {"DescribeImages": 1, "UpdateImageStorageClass": 2}


def test_access_denied_names_the_missing_iam_action(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """AccessDenied exits 1; stderr and the JSON error name the IAM action to grant."""
    denied = client_error("AccessDeniedException", "DescribeImages")
    fake = FakeEcr(statuses={"app": ["ACTIVE"]}, errors={"DescribeImages": denied})
    runtime = Runtime(client_factory=lambda **_: fake.as_client())

    code = main(["status", "--format", "json", "app:v1"], runtime=runtime)

    output = capsys.readouterr()
    assert code == ExitCode.AWS_ERROR
    assert "ecr:DescribeImages" in output.err
    error = json.loads(output.out)["error"]
    assert (error["type"], error["code"]) == (
        "AccessDeniedError",
        denied.response["Error"]["Code"],
    )
    assert "ecr:DescribeImages" in error["hint"]


def test_access_denied_on_restore_names_update_image_storage_class(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A caller allowed to read but not to restore is told which action it lacks."""
    denied = client_error("AccessDeniedException", "UpdateImageStorageClass")
    fake = FakeEcr(
        statuses={"app": ["ARCHIVED"]}, errors={"UpdateImageStorageClass": denied}
    )
    runtime = Runtime(client_factory=lambda **_: fake.as_client())

    assert main(["ensure-pullable", "app:v1"], runtime=runtime) == ExitCode.AWS_ERROR
    assert "ecr:UpdateImageStorageClass" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["status", "App:v1"], "lower case"),
        (["status"], "required"),
        (["status", "--format", "yaml", "app:v1"], "invalid choice"),
        (["restore", "--timeout", "soon", "app:v1"], "not a duration"),
        (["status", "docker.io/library/alpine:3"], "not an ECR registry"),
        (["unarchive", "app:v1"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_without_calling_aws(
    ecr: Emulator, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    """Bad options and invalid image references exit 2 before any ECR call."""
    assert main(argv, runtime=_runtime(ecr)) == ExitCode.USAGE
    assert words in capsys.readouterr().err
    assert ecr.counters() == {}


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """The top-level help names the four commands, plan included."""
    assert main(["--help"]) == ExitCode.OK

    out = capsys.readouterr().out
    for command in ("status", "restore", "ensure-pullable", "plan"):
        assert f"\n    {command}" in out


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """--help documents the exit code table and exits 0."""
    assert main(["status", "--help"]) == ExitCode.OK

    out = capsys.readouterr().out
    assert "exit codes:" in out
    for code in range(7):
        assert f"\n  {code}  " in out


def test_endpoint_url_flag_reaches_the_client(
    ecr_emulator: Emulator,
    ecr_client: ECRClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--endpoint-url and --region point the commands at the given endpoint."""
    monkeypatch.delenv("AWS_ENDPOINT_URL_ECR", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    _seed(ecr_emulator, ecr_client, {"app:v1": "ARCHIVED"})
    argv = ["status", "--endpoint-url", ecr_emulator.endpoint_url]

    code = main(
        [*argv, "--region", "us-east-1", "app:v1"], runtime=_runtime(ecr_emulator)
    )

    assert code == ExitCode.ARCHIVED
    assert capsys.readouterr().out == "ARCHIVED  app:v1\n"


def _client_factory(*, max_attempts: int) -> Any:
    def build(**kwargs: Any) -> ECRClient:
        return make_client(max_attempts=max_attempts, **kwargs)

    return build


def _digest(client: ECRClient, text: str) -> str:
    from ecr_archive import get_image  # noqa: PLC0415

    return get_image(client, ImageRef.parse(text)).digest


def test_images_in_other_regions_get_their_own_client(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A registry URI's region wins over --region; one client is built per region."""
    fake = FakeEcr(statuses={"app": ["ACTIVE"], "web": ["ACTIVE"]})
    built: list[str | None] = []

    def factory(**kwargs: Any) -> ECRClient:
        built.append(kwargs["region"])
        return fake.as_client()

    other = "210987654321.dkr.ecr.eu-west-1.amazonaws.com/web:v1"
    argv = ["status", "--region", "us-east-1", "app:v1", other, "app:v2"]

    assert main(argv, runtime=Runtime(client_factory=factory)) == ExitCode.OK
    assert built == ["us-east-1", "eu-west-1"]
    assert fake.calls[1][1]["registryId"] == "210987654321"
    assert capsys.readouterr().out.count("ACTIVE") == 3


@pytest.mark.slow
def test_installed_entry_point_runs_against_the_endpoint(
    ecr_emulator: Emulator, ecr_client: ECRClient
) -> None:
    """The `ecr-archive` script reads AWS_ENDPOINT_URL_ECR and exits with the table."""
    _seed(ecr_emulator, ecr_client, {"app:v1": "ARCHIVED"})
    script = Path(sys.executable).parent / "ecr-archive"
    checkout = Path(__file__).resolve().parents[2]
    environment = {
        **os.environ,
        # Import this checkout's packages, as pytest's pythonpath does in-process.
        "PYTHONPATH": str(checkout),
        "AWS_ENDPOINT_URL_ECR": ecr_emulator.endpoint_url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }

    result = subprocess.run(
        [str(script), "status", "app:v1", "app:v2"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == ExitCode.MISSING
    assert result.stdout.splitlines() == [
        "ARCHIVED  app:v1",
        "MISSING   app:v2  (image not found)",
    ]
    assert ecr_emulator.counters() == {"DescribeImages": 2}


def test_verbose_logs_one_info_line_per_change(
    ecr: Emulator, ecr_client: ECRClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """With -v, each restore started is logged once on stderr; reads are not."""
    _seed(ecr, ecr_client, {"app:v1": "ARCHIVED", "app:v2": "ACTIVE"})

    assert main(["restore", "-v", "app:v1", "app:v2"], runtime=_runtime(ecr)) == 0

    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("INFO ecr_archive.images: app@sha256:")
    assert lines[0].endswith("storage class set to STANDARD, now ACTIVATING")


def test_unreachable_endpoint_exits_1_with_advice(
    ecr_environment: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A closed port is reported as an unreachable endpoint, not a traceback."""
    runtime = Runtime(client_factory=_client_factory(max_attempts=1))
    argv = ["status", "--endpoint-url", "http://127.0.0.1:9", "app:v1"]

    assert main(argv, runtime=runtime) == ExitCode.AWS_ERROR
    assert "Check --endpoint-url" in capsys.readouterr().err
