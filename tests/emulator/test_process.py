"""Starting the emulator: `python -m emulator` and the cost of serve()."""

import signal
import socket
import subprocess
import sys
import time

import pytest

from emulator import ControlClient, serve
from tests.emulator.conftest import REPOSITORY, client_for

# Starting and stopping in-process takes about 20 ms on a laptop; the bound leaves
# room for slow CI machines while still catching a server that polls slowly.
START_STOP_BOUND_SECONDS = 1.0


def test_serve_starts_and_stops_quickly() -> None:
    """serve() answers a request and shuts down within the bound."""
    started = time.perf_counter()
    with serve(port=0) as ecr:
        client_for(ecr.endpoint_url).create_repository(repositoryName=REPOSITORY)
    elapsed = time.perf_counter() - started

    assert elapsed < START_STOP_BOUND_SECONDS


def test_stopped_server_releases_its_port() -> None:
    """After the with block the port is free to bind again."""
    with serve(port=0) as ecr:
        port = int(ecr.endpoint_url.rsplit(":", 1)[1])

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None

    return process, process.stdout.readline().strip()


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_module_prints_endpoint_serves_and_stops_cleanly(
    stop_signal: signal.Signals,
) -> None:
    """python -m emulator prints its URL, serves ECR and exits 0 on a signal."""
    process, endpoint = _start("--port", "0", "--activation-delay", "0")
    try:
        assert endpoint.startswith("http://127.0.0.1:")
        client = client_for(endpoint)
        client.create_repository(repositoryName=REPOSITORY)
        ControlClient(endpoint).push_image(REPOSITORY, "v1")
        assert len(client.list_images(repositoryName=REPOSITORY)["imageIds"]) == 1
    finally:
        process.send_signal(stop_signal)
        returncode = process.wait(timeout=10)

    assert returncode == 0


@pytest.mark.slow
def test_module_reports_a_busy_port() -> None:
    """python -m emulator exits 1 with a message when the port is taken."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        process, first_line = _start("--port", str(port))
        returncode = process.wait(timeout=10)
        assert process.stderr is not None
        message = process.stderr.read()

    assert returncode == 1
    assert first_line == ""
    assert str(port) in message
    assert "in use" in message
