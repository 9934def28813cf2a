"""Serving an `Emulator` over HTTP on 127.0.0.1 from a background thread."""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from emulator._app import EmulatorApp
from emulator._clock import EmulatorClock
from emulator._emulator import DEFAULT_ACTIVATION_DELAY, Emulator

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
# serve_forever checks for shutdown this often; it bounds how long stopping takes.
_POLL_INTERVAL = 0.02


class _QuietHandler(WSGIRequestHandler):
    """werkzeug's request handler, logging request lines at DEBUG instead of INFO."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logger.debug("%s %s %s", self.command, self.path, code)


class EmulatorServer:
    """An `Emulator` served by a threaded werkzeug server in a daemon thread."""

    def __init__(self, emulator: Emulator, port: int = 0) -> None:
        self.emulator = emulator
        self._server: BaseWSGIServer = make_server(
            HOST,
            port,
            EmulatorApp(emulator),
            threaded=True,
            request_handler=_QuietHandler,
        )
        self.port = int(self._server.server_address[1])
        emulator.endpoint_url = f"http://{HOST}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"ecr-emulator-{self.port}",
            daemon=True,
        )

    def start(self) -> None:
        """Start answering requests."""
        self._thread.start()
        logger.info("ECR emulator serving at %s", self.emulator.endpoint_url)

    def stop(self) -> None:
        """Stop answering requests and release the port."""
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
        logger.info("ECR emulator at %s stopped", self.emulator.endpoint_url)


@contextmanager
def serve(
    *,
    port: int = 0,
    activation_delay: timedelta | float = DEFAULT_ACTIVATION_DELAY,
    strict_delete: bool = True,
    region: str = "us-east-1",
    start: datetime | None = None,
    frozen: bool = False,
) -> Iterator[Emulator]:
    """Serve a fresh emulator on 127.0.0.1 for the duration of a `with` block.

    `port=0` picks a free port; `ecr.endpoint_url` says which. `activation_delay`
    (a timedelta or seconds) is how long restores take on the emulator clock;
    `strict_delete=False` lets DeleteRepository remove repositories that hold
    archived images. The clock starts at `start` (default: now) and ticks with
    real time unless `frozen`.
    """
    emulator = Emulator(
        activation_delay=activation_delay,
        strict_delete=strict_delete,
        region=region,
        clock=EmulatorClock(start, frozen=frozen),
    )
    server = EmulatorServer(emulator, port)
    server.start()
    try:
        yield emulator
    finally:
        server.stop()
