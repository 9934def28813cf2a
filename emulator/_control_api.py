"""The control surface: drive an emulator over HTTP from another process.

Every route lives under `/_emulator/`, takes and returns JSON, and answers errors as
`{"error": message}` with HTTP 400 (bad input) or 404 (unknown route).

    GET    /_emulator/health          {"status": "ok", "now": ...}
    GET    /_emulator/clock           {"now": ISO-8601, "frozen": bool}
    POST   /_emulator/clock/advance   {"seconds": n}        -> {"now": ...}
    GET    /_emulator/counters        {"counters": {operation: count}}
    DELETE /_emulator/counters        {"counters": {}}
    GET    /_emulator/faults          {"faults": [...]}
    POST   /_emulator/faults          {"operation", "kind", "times"?, "latency"?}
    DELETE /_emulator/faults          {"faults": []}
    GET    /_emulator/settings        {"activation_delay": seconds, "strict_delete"}
    POST   /_emulator/settings        either or both keys   -> the new settings
    POST   /_emulator/images          push_image's arguments -> {"imageDigest": ...}
    POST   /_emulator/lifecycle/run   {"actions": [...]} (policies applied now)
    POST   /_emulator/reset           {}
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moto.core.exceptions import ServiceException
from werkzeug.wrappers import Request, Response

from emulator._emulator import Emulator

CONTROL_PREFIX = "/_emulator/"

Handler = Callable[[Emulator, dict[str, Any]], dict[str, Any]]


class ControlInputError(ValueError):
    """A control request whose body cannot be acted on."""


def handle_control(emulator: Emulator, request: Request) -> Response:
    """Answer one control-surface request."""
    route = (request.method, request.path.removeprefix(CONTROL_PREFIX).strip("/"))
    handler = _ROUTES.get(route)
    if handler is None:
        return _json({"error": f"no control route {route[0]} {request.path}"}, 404)
    try:
        body = _body(request)
        return _json(handler(emulator, body), 200)
    except (ControlInputError, ValueError, TypeError, KeyError) as exc:
        return _json({"error": f"{type(exc).__name__}: {exc}"}, 400)
    except ServiceException as exc:
        return _json({"error": f"{exc.code}: {exc.message}"}, 400)


def _json(payload: dict[str, Any], status: int) -> Response:
    return Response(
        json.dumps(payload, sort_keys=True),
        status=status,
        content_type="application/json",
    )


def _body(request: Request) -> dict[str, Any]:
    raw = request.get_data(as_text=True)
    if not raw:
        return {}
    parsed = json.loads(raw)
    if not isinstance(parsed, dict):
        msg = "the request body must be a JSON object"
        raise ControlInputError(msg)

    return parsed


def _health(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    return {"status": "ok", "now": emulator.now().isoformat()}


def _clock(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    return {"now": emulator.now().isoformat(), "frozen": emulator.clock.frozen}


def _advance(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    seconds = body["seconds"]
    if not isinstance(seconds, int | float):
        msg = f"seconds must be a number, got {seconds!r}"
        raise ControlInputError(msg)

    return {"now": emulator.advance(float(seconds)).isoformat()}


def _counters(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    return {"counters": emulator.counters()}


def _reset_counters(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    emulator.reset_counters()
    return {"counters": emulator.counters()}


def _faults(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    return {"faults": [fault.to_dict() for fault in emulator.faults.pending()]}


def _add_fault(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    fault = emulator.inject_fault(
        body["operation"],
        body["kind"],
        times=body.get("times", 1),
        latency=body.get("latency"),
    )
    return {"fault": fault.to_dict()}


def _clear_faults(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    emulator.clear_faults()
    return {"faults": []}


def _settings(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "activation_delay": emulator.activation_delay.total_seconds(),
        "strict_delete": emulator.strict_delete,
    }


def _update_settings(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    if "activation_delay" in body:
        emulator.activation_delay = float(body["activation_delay"])
    if "strict_delete" in body:
        emulator.strict_delete = bool(body["strict_delete"])

    return _settings(emulator, body)


def _push(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    pushed_at = body.get("pushed_at")
    digest = emulator.push_image(
        body["repository"],
        body.get("tag"),
        size=body.get("size"),
        layer_sizes=body.get("layer_sizes"),
        content=body.get("content"),
        pushed_at=datetime.fromisoformat(pushed_at) if pushed_at else None,
        create_repository=body.get("create_repository", True),
    )
    return {"imageDigest": digest}


def _run_lifecycle(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    actions = emulator.run_lifecycle()
    for action in actions:
        action["imagePushedAt"] = action["imagePushedAt"].isoformat()
    return {"actions": actions}


def _reset(emulator: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    emulator.reset()
    return {}


_ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "health"): _health,
    ("GET", "clock"): _clock,
    ("POST", "clock/advance"): _advance,
    ("GET", "counters"): _counters,
    ("DELETE", "counters"): _reset_counters,
    ("GET", "faults"): _faults,
    ("POST", "faults"): _add_fault,
    ("DELETE", "faults"): _clear_faults,
    ("GET", "settings"): _settings,
    ("POST", "settings"): _update_settings,
    ("POST", "images"): _push,
    ("POST", "lifecycle/run"): _run_lifecycle,
    ("POST", "reset"): _reset,
}
