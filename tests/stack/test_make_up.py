"""`make up` for the local stack: the emulator runs around `pulumi up`, then stops.

The Pulumi CLI cannot run here, so a stand-in `pulumi` on PATH records how it was
called and, for `up`, checks that the endpoint the local stack targets answers.
"""

import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = 5000

FAKE_PULUMI = """#!/usr/bin/env bash
echo "$@" >> "{log}"
case "$1" in
  up)
    echo "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID" >> "{log}"
    "{python}" - <<'PY' || exit 3
import boto3
client = boto3.client("ecr", endpoint_url="http://127.0.0.1:{port}",
                      region_name="us-east-1")
client.create_repository(repositoryName="make-up/check")
PY
    exit {up_status}
    ;;
esac
exit 0
"""


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _make_up(tmp_path: Path, up_status: int) -> tuple[int, list[str]]:
    log = tmp_path / "pulumi.log"
    fake = tmp_path / "bin" / "pulumi"
    fake.parent.mkdir()
    fake.write_text(
        FAKE_PULUMI.format(
            log=log,
            python=ROOT / ".venv" / "bin" / "python",
            port=PORT,
            up_status=up_status,
        )
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}"}
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_ECR"):
        env.pop(name, None)

    # STAMP= skips the install step: the test runs inside the installed venv.
    result = subprocess.run(
        ["make", "--no-print-directory", "up", "STAMP="],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    return result.returncode, log.read_text().splitlines()


@pytest.fixture
def free_port() -> None:
    if _port_open(PORT):
        pytest.fail(f"port {PORT} is taken; `make up` needs it for the emulator")


@pytest.mark.slow
@pytest.mark.usefixtures("free_port")
def test_make_up_deploys_the_local_stack_to_a_running_emulator(
    tmp_path: Path,
) -> None:
    """`pulumi up --stack local` runs while the emulator answers on port 5000."""
    status, calls = _make_up(tmp_path, up_status=0)

    assert status == 0
    assert "stack select --create local" in calls
    assert "up --stack local --yes --refresh" in calls
    assert "AWS_ACCESS_KEY_ID=test" in calls
    assert not _port_open(PORT)
    assert not (ROOT / ".emulator.pid").exists()


@pytest.mark.slow
@pytest.mark.usefixtures("free_port")
def test_make_up_stops_the_emulator_when_pulumi_fails(tmp_path: Path) -> None:
    """A failed `pulumi up` fails `make up` and still stops the emulator."""
    status, calls = _make_up(tmp_path, up_status=1)

    assert status != 0
    assert "up --stack local --yes --refresh" in calls
    assert not _port_open(PORT)
