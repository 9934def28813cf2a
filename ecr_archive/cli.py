"""The `ecr-archive` command line.

Commands::

    ecr-archive status IMAGE...            print ACTIVE, ARCHIVED, ACTIVATING or MISSING
    ecr-archive restore IMAGE... [--wait] [--timeout T]
    ecr-archive ensure-pullable IMAGE... [--timeout T]
    ecr-archive plan ...                   (see `ecr_archive.plan`)

IMAGE is written as people write images: `repo:tag`, `repo@sha256:<hex>`,
`team/repo:tag` or `123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:tag` (which
also sets the registry and region). status, restore and ensure-pullable take
`--region`, `--profile`, `--endpoint-url` (or `AWS_ENDPOINT_URL_ECR`), `--format
text|json` and `-v`.

Exit codes, the same for every command:

====  ==========================================================================
code  meaning
====  ==========================================================================
0     success: every image is ACTIVE (status, ensure-pullable, restore --wait), or
      every archived image's restore has started (restore)
1     an AWS error, missing credentials or an unreachable endpoint (stderr says
      what to do)
2     usage error: unknown option, invalid image reference
3     status: an image is ACTIVATING (and none is ARCHIVED or MISSING)
4     status: an image is ARCHIVED (and none is MISSING)
5     an image or its repository does not exist (MISSING)
6     restore --wait, ensure-pullable: an image was not ACTIVE before --timeout
130   interrupted (Ctrl-C)
====  ==========================================================================
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import enum
import json
import logging
import random as _random
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ecr_archive import plan
from ecr_archive.bulk import Lookup, look_up, restore_archived, wait_until_all_active
from ecr_archive.client import ClientFactory, add_client_options, make_client
from ecr_archive.errors import (
    EcrArchiveError,
    ImageNotFoundError,
    InvalidImageReferenceError,
    RepositoryNotFoundError,
    WaitTimeoutError,
)
from ecr_archive.images import ImageStatus
from ecr_archive.refs import ImageRef
from ecr_archive.waiting import DEFAULT_BACKOFF, DEFAULT_TIMEOUT, Backoff, PollRound

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

__all__ = ["ExitCode", "Runtime", "build_parser", "main"]

logger = logging.getLogger(__name__)


class ExitCode(enum.IntEnum):
    """The exit codes of every `ecr-archive` command (see the module docstring)."""

    OK = 0
    AWS_ERROR = 1
    USAGE = 2
    ACTIVATING = 3
    ARCHIVED = 4
    MISSING = 5
    TIMEOUT = 6
    INTERRUPTED = 130


EXIT_CODES_HELP = """\
exit codes:
  0  success: every image ACTIVE (status, ensure-pullable, restore --wait),
     or every archived image's restore started (restore)
  1  AWS error, missing credentials or unreachable endpoint
  2  usage error (bad option, invalid image reference)
  3  status: an image is ACTIVATING (none ARCHIVED or MISSING)
  4  status: an image is ARCHIVED (none MISSING)
  5  an image or its repository does not exist (MISSING)
  6  an image was not ACTIVE before --timeout (restore --wait, ensure-pullable)
130  interrupted
"""

IMAGE_HELP = (
    "repo:tag, repo@sha256:<hex>, team/repo:tag or "
    "<account>.dkr.ecr.<region>.amazonaws.com/repo:tag"
)

MISSING = "MISSING"


@dataclass(frozen=True)
class Runtime:
    """What the commands take from the outside world; tests pass their own."""

    client_factory: ClientFactory = make_client
    """Builds the ECR client for a region."""
    clock: Callable[[], float] = time.monotonic
    """Seconds on a monotonic clock, for timeouts and progress."""
    sleep: Callable[[float], None] = time.sleep
    """Waits between polls."""
    random: Callable[[], float] = _random.random
    """Uniform draws in [0, 1) for backoff jitter."""
    backoff: Backoff = DEFAULT_BACKOFF
    """Spacing of polls while waiting for restores."""


@dataclass
class _Clients:
    """One client per region, built on first use."""

    runtime: Runtime
    args: argparse.Namespace
    built: dict[str | None, ECRClient] = field(default_factory=dict)

    def __call__(self, ref: ImageRef) -> ECRClient:
        region = ref.region or self.args.region
        if region not in self.built:
            self.built[region] = self.runtime.client_factory(
                region=region,
                profile=self.args.profile,
                endpoint_url=self.args.endpoint_url,
            )

        return self.built[region]


def main(argv: Sequence[str] | None = None, *, runtime: Runtime | None = None) -> int:
    """Run `ecr-archive` with `argv` (default: the process arguments); return the code.

    `runtime` replaces the client factory, clock, sleep and random draws.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        # argparse exits 0 after --help and 2 on a usage error.
        if exc.code is None:
            return ExitCode.OK
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE

    args.runtime = runtime or Runtime()
    with _logging_to_stderr(getattr(args, "verbose", 0)):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        code: int = args.func(args)
    except WaitTimeoutError as exc:
        _error(str(exc))
        return ExitCode.TIMEOUT
    except EcrArchiveError as exc:
        _error(str(exc))
        if getattr(args, "format", "text") == "json":
            _print_json({"command": args.command, "error": _error_record(exc)})
        return ExitCode.AWS_ERROR
    except KeyboardInterrupt:
        _error("interrupted")
        return ExitCode.INTERRUPTED

    return code


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of `ecr-archive` with every command registered."""
    parser = argparse.ArgumentParser(
        prog="ecr-archive",
        description="See and restore archived Amazon ECR images.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common_options()
    _add_status(subparsers, common)
    _add_restore(subparsers, common)
    _add_ensure_pullable(subparsers, common)
    # `plan` lives in its own module; it registers its parser and `func` itself.
    plan.add_command(subparsers)

    return parser


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    add_client_options(common.add_argument_group("AWS options"))
    common.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output on stdout (default: text); progress goes to stderr",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log each change made in AWS (-v) or every call (-vv) on stderr",
    )
    common.add_argument("images", nargs="+", metavar="IMAGE", type=_image_argument)

    return common


def _image_argument(text: str) -> ImageRef:
    try:
        return ImageRef.parse(text)
    except InvalidImageReferenceError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _duration(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if match is None:
        message = f"{text!r} is not a duration: write seconds (90) or 90s, 20m, 1h"
        raise argparse.ArgumentTypeError(message)
    number, unit = match.groups()

    return float(number) * {"": 1, "s": 1, "m": 60, "h": 3600}[unit]


def _add_command(
    subparsers: Any,
    name: str,
    common: argparse.ArgumentParser,
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = subparsers.add_parser(
        name,
        parents=[common],
        help=summary,
        description=description,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

    return command


def _add_timeout(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--timeout",
        type=_duration,
        default=DEFAULT_TIMEOUT,
        help=(
            "how long to wait for restores: seconds, or 90s, 20m, 1h "
            f"(default: {DEFAULT_TIMEOUT / 60:.0f}m; AWS says typically up to 20m)"
        ),
    )


def _add_status(subparsers: Any, common: argparse.ArgumentParser) -> None:
    command = _add_command(
        subparsers,
        "status",
        common,
        "print ACTIVE, ARCHIVED, ACTIVATING or MISSING for each image",
        "Print ACTIVE, ARCHIVED, ACTIVATING or MISSING for each image, with one "
        "DescribeImages call per image. Changes nothing in AWS.",
    )
    command.set_defaults(func=_status)


def _add_restore(subparsers: Any, common: argparse.ArgumentParser) -> None:
    command = _add_command(
        subparsers,
        "restore",
        common,
        "start restoring the archived images; --wait waits until they are ACTIVE",
        "Start restoring every ARCHIVED image (one UpdateImageStorageClass each), "
        "then, with --wait, wait for all of them together until they are ACTIVE. "
        "Images already ACTIVE or ACTIVATING are left alone. Missing images are "
        "reported (exit 5); the others are still restored.",
    )
    command.add_argument(
        "--wait", action="store_true", help="wait until every image is ACTIVE"
    )
    _add_timeout(command)
    command.set_defaults(func=_restore)


def _add_ensure_pullable(subparsers: Any, common: argparse.ArgumentParser) -> None:
    command = _add_command(
        subparsers,
        "ensure-pullable",
        common,
        "restore and wait until every image can be pulled",
        "Make every image pullable: restore the ARCHIVED ones, wait for those "
        "ACTIVATING with progress on stderr, and succeed once all are ACTIVE. If "
        "any image is missing, nothing is restored (exit 5).",
    )
    _add_timeout(command)
    command.set_defaults(func=_ensure_pullable)


def _status(args: argparse.Namespace) -> int:
    clients = _Clients(args.runtime, args)
    lookups = look_up(clients, args.images)
    code = _status_code(lookups)
    _report(args, lookups, code)

    return code


def _restore(args: argparse.Namespace) -> int:
    clients = _Clients(args.runtime, args)
    lookups = restore_archived(clients, look_up(clients, args.images))
    if args.wait:
        return _wait_and_report(args, clients, lookups)

    code = ExitCode.MISSING if _missing(lookups) else ExitCode.OK
    _report(args, lookups, code)

    return code


def _ensure_pullable(args: argparse.Namespace) -> int:
    clients = _Clients(args.runtime, args)
    lookups = look_up(clients, args.images)
    if _missing(lookups):
        _error("nothing restored: some images do not exist")
        _report(args, lookups, ExitCode.MISSING)
        return ExitCode.MISSING

    return _wait_and_report(args, clients, restore_archived(clients, lookups))


def _wait_and_report(
    args: argparse.Namespace, clients: _Clients, lookups: list[Lookup]
) -> int:
    runtime: Runtime = args.runtime
    progress = _Progress(lookups, prefix=args.command)
    try:
        waited = wait_until_all_active(
            clients,
            lookups,
            timeout=args.timeout,
            backoff=runtime.backoff,
            clock=runtime.clock,
            sleep=runtime.sleep,
            random=runtime.random,
            on_poll=progress,
        )
    except WaitTimeoutError as exc:
        _error(str(exc))
        code = ExitCode.TIMEOUT
        _report(args, progress.latest(lookups), code)
        return code
    except (ImageNotFoundError, RepositoryNotFoundError) as exc:
        _error(f"an image was deleted while being waited for: {exc}")
        _report(args, _looked_up_again(clients, lookups), ExitCode.MISSING)
        return ExitCode.MISSING

    code = ExitCode.MISSING if _missing(waited) else ExitCode.OK
    _report(args, waited, code)

    return code


def _looked_up_again(clients: _Clients, lookups: list[Lookup]) -> list[Lookup]:
    """Read every image once more, keeping which restores this run started."""
    again = look_up(clients, [lookup.ref for lookup in lookups])

    return [
        dataclasses.replace(now, restored=before.restored)
        for now, before in zip(again, lookups, strict=True)
    ]


PROGRESS_EVERY = 30.0
"""Seconds between progress lines while nothing changes."""


@dataclass
class _Progress:
    """Prints progress on stderr: a line when a status changes or every 30 s."""

    lookups: list[Lookup]
    prefix: str
    seen: dict[ImageRef, ImageStatus] = field(default_factory=dict)
    names: dict[ImageRef, list[str]] = field(default_factory=dict)
    last: PollRound | None = None
    printed_at: float | None = None

    def __post_init__(self) -> None:
        for lookup in self.lookups:
            if lookup.state is not None:
                self.names.setdefault(lookup.exact_ref(), []).append(str(lookup.ref))

    def __call__(self, poll: PollRound) -> None:
        self.last = poll
        changed = False
        for ref, state in poll.states.items():
            before = self.seen.get(ref)
            self.seen[ref] = state.status
            changed = changed or state.status != before
            if state.pullable and before not in (None, ImageStatus.ACTIVE):
                names = ", ".join(self.names.get(ref, [str(ref)]))
                _note(f"{self.prefix}: {names} ACTIVE after {_clock(poll.elapsed)}")

        total = len(poll.states)
        pending = poll.pending
        if not pending:
            _note(f"{self.prefix}: all {total} images ACTIVE ({_clock(poll.elapsed)})")
            return
        quiet_for = poll.elapsed - (self.printed_at or 0.0)
        if not changed and quiet_for < PROGRESS_EVERY:
            return
        self.printed_at = poll.elapsed
        statuses = sorted({str(poll.states[ref].status) for ref in pending})
        line = (
            f"{self.prefix}: {total - len(pending)} of {total} images ACTIVE, "
            f"waiting for {len(pending)} ({', '.join(statuses)}); "
            f"{_clock(poll.elapsed)} elapsed"
        )
        if poll.next_delay is not None:
            line += f", next check in {_clock(poll.next_delay)}"
        _note(line)

    def latest(self, lookups: list[Lookup]) -> list[Lookup]:
        """The lookups with the states seen in the last poll round."""
        if self.last is None:
            return lookups
        states = self.last.states

        return [
            lookup
            if lookup.state is None or lookup.exact_ref() not in states
            else Lookup(
                lookup.ref,
                states[lookup.exact_ref()],
                lookup.missing,
                lookup.restored,
            )
            for lookup in lookups
        ]


def _status_code(lookups: Sequence[Lookup]) -> int:
    statuses = {lookup.status for lookup in lookups}
    if None in statuses:
        return ExitCode.MISSING
    if ImageStatus.ARCHIVED in statuses:
        return ExitCode.ARCHIVED
    if ImageStatus.ACTIVATING in statuses:
        return ExitCode.ACTIVATING

    return ExitCode.OK


def _missing(lookups: Sequence[Lookup]) -> bool:
    return any(lookup.state is None for lookup in lookups)


def _report(args: argparse.Namespace, lookups: Sequence[Lookup], code: int) -> None:
    if args.format == "json":
        records = [_record(lookup) for lookup in lookups]
        _print_json({"command": args.command, "exitCode": code, "images": records})
        return

    width = max(len(str(lookup.status or MISSING)) for lookup in lookups)
    for lookup in lookups:
        status = str(lookup.status or MISSING)
        notes = [note for note in (lookup.missing, _restored(lookup)) if note]
        suffix = f"  ({'; '.join(notes)})" if notes else ""
        print(f"{status:<{width}}  {lookup.ref}{suffix}")


def _restored(lookup: Lookup) -> str | None:
    return "restore started" if lookup.restored else None


def _record(lookup: Lookup) -> dict[str, Any]:
    state = lookup.state
    record: dict[str, Any] = {
        "image": str(lookup.ref),
        "repository": lookup.ref.repository,
        "registryId": state.registry_id if state else lookup.ref.registry_id,
        "region": lookup.ref.region,
        "status": str(lookup.status or MISSING),
        "missing": lookup.missing,
        "restoreStarted": lookup.restored,
        "digest": None,
        "tags": [],
        "sizeInBytes": None,
        "pushedAt": None,
        "lastPulledAt": None,
        "lastArchivedAt": None,
        "lastActivatedAt": None,
    }
    if state is None:
        return record

    record.update(
        digest=state.digest,
        tags=list(state.tags),
        sizeInBytes=state.size,
        pushedAt=_iso(state.pushed_at),
        lastPulledAt=_iso(state.last_pulled_at),
        lastArchivedAt=_iso(state.last_archived_at),
        lastActivatedAt=_iso(state.last_activated_at),
    )

    return record


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _error_record(exc: EcrArchiveError) -> dict[str, Any]:
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "code": getattr(exc, "code", None),
        "operation": getattr(exc, "operation", None),
        "requestId": getattr(exc, "request_id", None),
        "hint": getattr(exc, "hint", None),
    }


def _print_json(document: dict[str, Any]) -> None:
    print(json.dumps(document, indent=2, sort_keys=True))


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _error(text: str) -> None:
    print(f"ecr-archive: error: {text}", file=sys.stderr, flush=True)


def _clock(seconds: float) -> str:
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)

    return f"{minutes}m{rest:02d}s" if minutes else f"{rest}s"


@contextlib.contextmanager
def _logging_to_stderr(verbosity: int) -> Iterator[None]:
    """Send the package's log records to stderr while a command runs."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    package = logging.getLogger("ecr_archive")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    previous = package.level
    package.addHandler(handler)
    package.setLevel(min(level, previous) if previous else level)
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(previous)


if __name__ == "__main__":
    raise SystemExit(main())
