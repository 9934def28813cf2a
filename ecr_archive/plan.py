"""`ecr-archive plan`: what a lifecycle policy will do, before it does it.

The command reads a policy and a repository's images, then prints:

1. what ECR would do now (the answer GetLifecyclePolicyPreview would give),
2. which images are archived and deleted on which day over the horizon if nothing
   is pulled or pushed (`policies.project`), and
3. storage cost per 30-day month with the policy and without it.

The policy comes from `--policy FILE` (ECR's lifecycle JSON), from the repository
itself (`--current-policy`, GetLifecyclePolicy) or is built by
`policies.archive_then_expire` from `--archive-after-days`, `--expire-after-days`,
`--protect` and `--expire-untagged-after-days`. The images come from `--images FILE`
(DescribeImages output, or a list of its `imageDetails`) or are read from ECR with
`--repository` (DescribeImages with `imageStatus` ANY, every page). Nothing is changed
in AWS.

Exit codes: 0 when the plan is printed, 1 for an AWS error (reported by the CLI), 2
for a usage error: an unreadable or invalid policy, images file or prices file.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecr_archive.client import ClientFactory, add_client_options, make_client
from ecr_archive.errors import translate
from ecr_archive.images import ImageState, list_images
from policies import (
    LifecyclePolicy,
    PolicyError,
    Prices,
    Projection,
    Rule,
    archive_then_expire,
    evaluate,
    project,
    validate_policy,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecr.type_defs import GetLifecyclePolicyRequestTypeDef

__all__ = ["Plan", "add_command", "build_plan", "read_images", "run"]

logger = logging.getLogger(__name__)

OK = 0
USAGE = 2

_DATETIME_FIELDS = (
    "imagePushedAt",
    "lastRecordedPullTime",
    "lastArchivedAt",
    "lastActivatedAt",
)
_DEFAULT_ARCHIVE_AFTER_DAYS = 90
_DEFAULT_EXPIRE_AFTER_DAYS = 365


class PlanInputError(ValueError):
    """A policy, images or prices file that cannot be used; the message says why."""


def add_command(subparsers: Any) -> None:
    """Register `plan` on the `ecr-archive` subcommand parsers, with `func=run`."""
    command: argparse.ArgumentParser = subparsers.add_parser(
        "plan",
        help="show what a lifecycle policy will archive and delete, and the cost",
        description=(
            "Show what a lifecycle policy does to a repository now and over the "
            "coming days if nothing is pulled, and what storage costs per month "
            "with and without it. Changes nothing in AWS."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    policy = command.add_argument_group(
        "policy (default: archive_then_expire with the figures below)"
    )
    policy.add_argument("--policy", type=Path, metavar="FILE", help="policy JSON file")
    policy.add_argument(
        "--current-policy",
        action="store_true",
        help="use the lifecycle policy set on --repository",
    )
    policy.add_argument(
        "--archive-after-days",
        type=_positive,
        metavar="N",
        help=f"archive images not pulled for N days (default: "
        f"{_DEFAULT_ARCHIVE_AFTER_DAYS})",
    )
    policy.add_argument(
        "--expire-after-days",
        type=_positive,
        metavar="N",
        help=f"delete images N days after archiving, 90 or more (default: "
        f"{_DEFAULT_EXPIRE_AFTER_DAYS})",
    )
    policy.add_argument(
        "--protect",
        action="append",
        default=[],
        metavar="TAG",
        help="never archive or delete images with a tag matching TAG (a pattern, "
        "* allowed); repeatable",
    )
    policy.add_argument(
        "--expire-untagged-after-days",
        type=_positive,
        metavar="N",
        help="delete untagged images N days after push",
    )
    images = command.add_argument_group("images (one of)")
    source = images.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--images",
        type=Path,
        metavar="FILE",
        help="DescribeImages output as JSON, or a list of imageDetails",
    )
    source.add_argument("--repository", metavar="NAME", help="read images from ECR")
    aws = command.add_argument_group("AWS options (with --repository)")
    aws.add_argument("--registry-id", help="account id of the registry")
    add_client_options(aws)
    command.add_argument(
        "--now",
        type=_moment,
        metavar="TIME",
        help="evaluate at this ISO 8601 time (default: the current time; no zone "
        "means UTC)",
    )
    command.add_argument(
        "--horizon-days",
        type=_non_negative,
        default=365,
        metavar="N",
        help="days to project (default: 365)",
    )
    command.add_argument(
        "--prices",
        type=Path,
        metavar="FILE",
        help="JSON object replacing some of the default prices "
        "(standard_per_gb_month, archive_tiers, restore_per_gb, "
        "archive_minimum_days)",
    )
    command.add_argument(
        "--format",
        choices=("table", "text", "json"),
        default="table",
        help="table (also: text) for people, json for scripts (default: table)",
    )
    command.add_argument(
        "--limit",
        type=_non_negative,
        default=20,
        metavar="N",
        help="rows per list in the table, 0 for all (default: 20)",
    )
    command.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log every call to ECR on stderr",
    )
    command.set_defaults(func=run)


_EPILOG = """\
examples:
  ecr-archive plan --images images.json --protect 'release-*'
  ecr-archive plan --repository app --policy policy.json --format json
  ecr-archive plan --repository app --current-policy --horizon-days 730

exit codes:
  0  the plan was printed
  1  AWS error, missing credentials or unreachable endpoint
  2  usage error: bad option, unreadable or invalid policy, images or prices
"""


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        message = "pass a whole number of days, 1 or more"
        raise argparse.ArgumentTypeError(message)

    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        message = f"{text!r} is not a whole number, 0 or more"
        raise argparse.ArgumentTypeError(message)

    return value


def _moment(text: str) -> datetime:
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError as exc:
        message = f"{text!r} is not an ISO 8601 time, e.g. 2026-12-01T12:00:00Z"
        raise argparse.ArgumentTypeError(message) from exc


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Plan:
    """A policy, the images it was run against, and what it does to them."""

    policy: LifecyclePolicy
    now: datetime
    images: tuple[Mapping[str, Any], ...]
    preview: list[dict[str, Any]]
    """What ECR would do at `now`, as GetLifecyclePolicyPreview results."""

    projection: Projection

    def to_dict(self) -> dict[str, Any]:
        """The plan as a JSON-ready object."""
        return {
            "command": "plan",
            "now": self.now.isoformat(),
            "policy": self.policy.to_dict(),
            "images": len(self.images),
            "imageBytes": sum(_size(image) for image in self.images),
            "previewResults": [_json_ready(item) for item in self.preview],
            "projection": self.projection.to_dict(),
        }


def build_plan(
    policy: LifecyclePolicy,
    images: Iterable[Mapping[str, Any]],
    now: datetime,
    horizon_days: int,
    prices: Prices | None = None,
) -> Plan:
    """Evaluate `policy` on `images` at `now` and project it over `horizon_days`."""
    details = tuple(images)

    return Plan(
        policy=policy,
        now=now,
        images=details,
        preview=evaluate(policy, details, now),
        projection=project(policy, details, now, horizon_days, prices=prices),
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `ecr-archive plan` for parsed arguments; return the exit code.

    AWS errors propagate as `EcrArchiveError` for the CLI to report; problems with
    the inputs are written to stderr and give exit code 2.
    """
    client = _client(args) if args.repository else None
    try:
        policy = _policy(args, client)
        images = _images(args, client)
        prices = _prices(args.prices)
    except (PlanInputError, PolicyError) as exc:
        sys.stderr.write(f"ecr-archive plan: error: {exc}\n")
        return USAGE
    if policy is None:
        sys.stdout.write(f"repository {args.repository} has no lifecycle policy\n")
        return OK

    now = args.now or datetime.now(UTC)
    plan = build_plan(policy, images, now, args.horizon_days, prices)
    if args.format == "json":
        sys.stdout.write(json.dumps(plan.to_dict(), indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(render_table(plan, limit=args.limit))

    return OK


def _policy(
    args: argparse.Namespace, client: ECRClient | None
) -> LifecyclePolicy | None:
    shaping = [
        flag
        for flag, value in (
            ("--archive-after-days", args.archive_after_days),
            ("--expire-after-days", args.expire_after_days),
            ("--protect", args.protect),
            ("--expire-untagged-after-days", args.expire_untagged_after_days),
        )
        if value
    ]
    if args.policy is not None and args.current_policy:
        message = "give --policy or --current-policy, not both"
        raise PlanInputError(message)
    if shaping and (args.policy is not None or args.current_policy):
        message = f"{', '.join(shaping)} shape the default policy; drop them or the "
        message += "policy source"
        raise PlanInputError(message)
    if args.policy is not None:
        return validate_policy(_read_text(args.policy, "policy"))
    if args.current_policy:
        if client is None:
            message = "--current-policy needs --repository"
            raise PlanInputError(message)
        return _current_policy(client, args.repository, args.registry_id)

    return archive_then_expire(
        args.archive_after_days or _DEFAULT_ARCHIVE_AFTER_DAYS,
        args.expire_after_days or _DEFAULT_EXPIRE_AFTER_DAYS,
        protected_tags=tuple(args.protect),
        expire_untagged_after_days=args.expire_untagged_after_days,
    )


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        message = f"cannot read the {what} file {path}: {exc.strerror}"
        raise PlanInputError(message) from exc


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(_read_text(path, what))
    except json.JSONDecodeError as exc:
        message = f"the {what} file {path} is not JSON: {exc}"
        raise PlanInputError(message) from exc


def _prices(path: Path | None) -> Prices | None:
    if path is None:
        return None
    data = _read_json(path, "prices")
    if not isinstance(data, Mapping):
        message = f"the prices file {path} must hold a JSON object"
        raise PlanInputError(message)
    try:
        return Prices.from_dict(data)
    except (TypeError, ValueError) as exc:
        message = f"the prices file {path}: {exc}"
        raise PlanInputError(message) from exc


def _client(args: argparse.Namespace) -> ECRClient:
    # `ecr-archive` puts its Runtime on the arguments; tests pass their own factory.
    runtime = getattr(args, "runtime", None)
    factory: ClientFactory = make_client if runtime is None else runtime.client_factory

    return factory(
        region=args.region, profile=args.profile, endpoint_url=args.endpoint_url
    )


def _current_policy(
    client: ECRClient, repository: str, registry_id: str | None
) -> LifecyclePolicy | None:
    request: GetLifecyclePolicyRequestTypeDef = {"repositoryName": repository}
    if registry_id:
        request["registryId"] = registry_id
    with translate("GetLifecyclePolicy"):
        try:
            response = client.get_lifecycle_policy(**request)
        except client.exceptions.LifecyclePolicyNotFoundException:
            return None
    logger.debug("read the lifecycle policy of %s", repository)

    return validate_policy(response["lifecyclePolicyText"])


def _images(args: argparse.Namespace, client: ECRClient | None) -> list[dict[str, Any]]:
    if client is None:
        return read_images(_read_json(args.images, "images"), source=str(args.images))

    details = [
        _detail(state)
        for state in list_images(client, args.repository, registry_id=args.registry_id)
    ]
    logger.debug("read %d images of %s", len(details), args.repository)

    return details


def _detail(state: ImageState) -> dict[str, Any]:
    """An `imageDetails` entry back from the boto3 layer's `ImageState`."""
    detail: dict[str, Any] = {
        "repositoryName": state.repository,
        "imageDigest": state.digest,
        "imageTags": list(state.tags),
        "imageStatus": str(state.status),
        "imagePushedAt": state.pushed_at,
        "imageSizeInBytes": state.size or 0,
    }
    for key, value in (
        ("lastRecordedPullTime", state.last_pulled_at),
        ("lastArchivedAt", state.last_archived_at),
        ("lastActivatedAt", state.last_activated_at),
    ):
        if value is not None:
            detail[key] = value

    return detail


def read_images(document: object, *, source: str = "images") -> list[dict[str, Any]]:
    """The `imageDetails` in a decoded JSON document, with datetimes parsed.

    `document` is a DescribeImages response (`{"imageDetails": [...]}`), a list of
    such pages, or a list of `imageDetails` items, as `aws ecr describe-images`
    prints them. Times may be ISO 8601 text (no zone means UTC) or epoch seconds.
    Raises `PlanInputError` naming the first entry that cannot be used.
    """
    if isinstance(document, Mapping) and "imageDetails" in document:
        document = [document]
    if not isinstance(document, list):
        message = f"{source}: expected DescribeImages output or a list of imageDetails"
        raise PlanInputError(message)
    details: list[dict[str, Any]] = []
    for position, item in enumerate(document):
        if not (isinstance(item, Mapping) and "imageDetails" in item):
            details.append(_parse_detail(item, f"{source}[{position}]"))
            continue
        page = item["imageDetails"]
        if not isinstance(page, list):
            message = f"{source}[{position}].imageDetails is not a list"
            raise PlanInputError(message)
        details.extend(
            _parse_detail(entry, f"{source}[{position}].imageDetails[{offset}]")
            for offset, entry in enumerate(page)
        )

    return details


def _parse_detail(entry: object, label: str) -> dict[str, Any]:
    if not isinstance(entry, Mapping):
        message = f"{label} is not an object"
        raise PlanInputError(message)
    for required in ("imageDigest", "imagePushedAt"):
        if required not in entry:
            message = f"{label} has no {required}"
            raise PlanInputError(message)
    detail = dict(entry)
    for key in _DATETIME_FIELDS:
        if detail.get(key) is not None:
            detail[key] = _parse_time(detail[key], f"{label}.{key}")

    return detail


def _parse_time(value: object, label: str) -> datetime:
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return _aware(datetime.fromisoformat(value))
        except ValueError:
            pass
    message = f"{label} is {value!r}, not an ISO 8601 time or epoch seconds"
    raise PlanInputError(message)


def _size(image: Mapping[str, Any]) -> int:
    return int(image.get("imageSizeInBytes") or 0)


def _json_ready(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in item.items()
    }


def human_bytes(count: float) -> str:
    """Bytes as people read them: 0 B, 512.0 KiB, 3.4 GiB."""
    if abs(count) < 1024:
        return f"{count:.0f} B"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        count /= 1024
        if abs(count) < 1024 or unit == "TiB":
            break

    return f"{count:.1f} {unit}"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """Lines of an aligned table; columns whose header starts with '>' align right."""
    right = [header.startswith(">") for header in headers]
    names = [header.lstrip(">") for header in headers]
    body = [list(row) for row in rows]
    widths = [
        max([len(name), *(len(row[column]) for row in body)])
        for column, name in enumerate(names)
    ]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(cells, widths, right, strict=True)
        )
        return "  " + "  ".join(padded).rstrip()

    return [line(names), *(line(row) for row in body)]


def _limited(rows: list[list[str]], limit: int) -> tuple[list[list[str]], int]:
    if limit == 0 or len(rows) <= limit:
        return rows, 0

    return rows[:limit], len(rows) - limit


def _short_digest(digest: str) -> str:
    return digest[:19]


def _tags(tags: Iterable[str]) -> str:
    shown = ",".join(tags)
    return shown if len(shown) <= 32 else shown[:31] + "…"


def render_table(plan: Plan, *, limit: int = 20) -> str:
    """The plan as aligned text tables, for people."""
    lines = [*_summary(plan), *_rules_section(plan), "", *_now_section(plan, limit), ""]
    lines += [*_timeline_section(plan, limit), "", *_cost_section(plan)]

    return "\n".join(lines) + "\n"


def _summary(plan: Plan) -> list[str]:
    counts = plan.projection.counts
    total = sum(_size(image) for image in plan.images)
    rules = len(plan.policy.rules)
    return [
        f"Plan at {plan.now.isoformat()} for {len(plan.images)} images "
        f"({human_bytes(total)}): {counts.get('standard', 0)} standard, "
        f"{counts.get('archive', 0)} archived, "
        f"{counts.get('activating', 0)} being restored; "
        f"policy of {rules} rule{'s' if rules != 1 else ''}.",
    ]


def _rule_text(rule: Rule) -> str:
    selection = rule.selection
    tags = selection.tag_pattern_list or selection.tag_prefix_list or ()
    chosen = f"{selection.tag_status} {','.join(tags)}".rstrip()
    unit = f" {selection.count_unit}" if selection.count_unit else ""
    where = selection.storage_class or "standard"
    what = f"{where} {chosen}, {selection.count_type} {selection.count_number}{unit}"
    action = str(rule.action.type)
    if rule.action.target_storage_class:
        action += f" to {rule.action.target_storage_class}"

    return f"{what}: {action}"


def _rules_section(plan: Plan) -> list[str]:
    rows = [
        [str(rule.priority), rule.description or "", _rule_text(rule)]
        for rule in plan.policy.rules
    ]

    headers = (">RULE", "DESCRIPTION", "SELECTION AND ACTION")

    return ["", "Rules, applied lowest number first:", *_table(headers, rows)]


def _now_section(plan: Plan, limit: int) -> list[str]:
    if not plan.preview:
        return ["Now: the policy acts on no image."]
    sizes = {image["imageDigest"]: _size(image) for image in plan.images}
    rows = [
        [
            str(item["appliedRulePriority"]),
            item["action"]["type"],
            item["storageClass"],
            item["imagePushedAt"].date().isoformat(),
            human_bytes(sizes.get(item["imageDigest"], 0)),
            _short_digest(item["imageDigest"]),
            _tags(item["imageTags"]),
        ]
        for item in plan.preview
    ]
    shown, hidden = _limited(rows, limit)
    headers = (">RULE", "ACTION", "FROM", "PUSHED", ">SIZE", "DIGEST", "TAGS")
    lines = [f"Now: {len(rows)} images acted on (what a lifecycle preview shows)."]
    lines += _table(headers, shown)
    if hidden:
        lines.append(f"  … and {hidden} more (--limit 0 lists all)")

    return lines


def _timeline_section(plan: Plan, limit: int) -> list[str]:
    projection = plan.projection
    title = (
        f"Next {projection.horizon_days} days, if nothing is pulled or pushed "
        "(day 0 is now):"
    )
    days: dict[int, list[int]] = {}
    for action in projection.actions:
        counts = days.setdefault(action.day, [0, 0, 0, 0])
        slot = 0 if action.action == "TRANSITION" else 2
        counts[slot] += 1
        counts[slot + 1] += action.size_in_bytes
    if not days:
        return [title, "  nothing is archived or deleted."]
    rows = [
        [
            str(day),
            (plan.now.date() + timedelta(days=day)).isoformat(),
            str(archived),
            human_bytes(archived_bytes),
            str(deleted),
            human_bytes(deleted_bytes),
        ]
        for day, (archived, archived_bytes, deleted, deleted_bytes) in sorted(
            days.items()
        )
    ]
    shown, hidden = _limited(rows, limit)
    headers = (">DAY", "DATE", ">ARCHIVED", ">SIZE", ">DELETED", ">SIZE")
    lines = [title, *_table(headers, shown)]
    if hidden:
        lines.append(f"  … and {hidden} more days with changes (--limit 0 lists all)")

    return lines


def _cost_section(plan: Plan) -> list[str]:
    projection = plan.projection
    prices = projection.prices
    rows = [
        [
            str(month.month),
            str(month.days),
            f"{month.standard_gb_months:,.2f}",
            f"{month.archive_gb_months:,.2f}",
            f"{month.cost:,.2f}",
            f"{month.cost_without_policy:,.2f}",
            f"{month.saving:,.2f}",
        ]
        for month in projection.months
    ]
    total = projection.cost
    without = projection.cost_without_policy
    rows.append(
        [
            "total",
            "",
            "",
            "",
            f"{total:,.2f}",
            f"{without:,.2f}",
            f"{without - total:,.2f}",
        ]
    )
    headers = (
        ">MONTH",
        ">DAYS",
        ">STANDARD GB-MO",
        ">ARCHIVE GB-MO",
        ">WITH POLICY $",
        ">WITHOUT $",
        ">SAVING $",
    )
    tiers = ", then ".join(
        f"${rate:.3f} up to {limit:,.0f} GB-mo" if limit is not None else f"${rate:.3f}"
        for limit, rate in prices.archive_tiers
    )
    return [
        "Storage cost per 30-day month (USD; GB = 2^30 bytes):",
        *_table(headers, rows),
        f"Prices: standard ${prices.standard_per_gb_month:.3f}/GB-month; archive "
        f"{tiers} per GB-month; restore ${prices.restore_per_gb:.3f}/GB; "
        f"{prices.archive_minimum_days}-day archive minimum.",
        "Restoring every image still archived at the end would cost "
        f"${projection.restore_all_cost:,.2f}.",
    ]
