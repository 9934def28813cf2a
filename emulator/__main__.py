"""`python -m emulator`: serve a local ECR endpoint until SIGINT or SIGTERM.

The first line on stdout is the endpoint URL, so a script can read it; the process
exits 0 once it has stopped serving.
"""

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from emulator._emulator import DEFAULT_ACTIVATION_DELAY, Emulator
from emulator._server import EmulatorServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="Serve an ECR endpoint with the archive storage class on "
        "127.0.0.1.",
    )
    parser.add_argument(
        "--port", type=int, default=5000, help="port to listen on (0: any free one)"
    )
    parser.add_argument(
        "--activation-delay",
        type=float,
        default=DEFAULT_ACTIVATION_DELAY.total_seconds(),
        metavar="SECONDS",
        help="how long a restore stays ACTIVATING (default: %(default)s)",
    )
    parser.add_argument(
        "--no-strict-delete",
        dest="strict_delete",
        action="store_false",
        help="let DeleteRepository remove repositories holding archived images",
    )
    parser.add_argument("--region", default="us-east-1", help="default region")
    parser.add_argument("--verbose", action="store_true", help="log every request")

    return parser


def main(argv: list[str] | None = None) -> int:
    """Serve until a signal arrives; return the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    emulator = Emulator(
        activation_delay=args.activation_delay,
        strict_delete=args.strict_delete,
        region=args.region,
    )
    # werkzeug reports a busy port itself and exits with status 1.
    server = EmulatorServer(emulator, args.port)
    server.start()
    print(emulator.endpoint_url, flush=True)
    print("ECR emulator running; Ctrl-C or SIGTERM stops it", file=sys.stderr)
    stop.wait()
    server.stop()

    return 0


if __name__ == "__main__":
    sys.exit(main())
