"""The emulator's WSGI application: ECR requests, the control surface, the rest.

Requests are routed three ways. Paths under `/_emulator/` are the control surface
(`_control_api`). Requests whose X-Amz-Target names the ECR API are counted, meet
any injected fault, then run through `ArchiveEcrResponse` under the registry lock.
Everything else (STS, IAM, KMS, ... as a Pulumi or boto3 client sends them) goes to
moto's own server application unchanged, created on first use.
"""

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.request import Request
from werkzeug.wrappers import Response

from emulator._control_api import CONTROL_PREFIX, handle_control
from emulator._emulator import Emulator
from emulator._faults import Fault, FaultKind
from emulator._responses import ArchiveEcrResponse

logger = logging.getLogger(__name__)

ECR_TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921."
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class ServerRequest(Request):
    """A moto request that came through a real HTTP server (the server sets Date)."""

    from_wsgi_server = True


def error_response(code: str, message: str, status: int) -> Response:
    """Return an error in ECR's JSON shape, which botocore turns into ClientError."""
    body = json.dumps({"__type": code, "message": message})

    return Response(
        body,
        status=status,
        headers={
            "Content-Type": JSON_CONTENT_TYPE,
            "x-amzn-RequestId": str(uuid.uuid4()),
        },
    )


class EmulatorApp:
    """Route requests to the control surface, the archive-aware ECR API, or moto."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._moto_app: WsgiApp | None = None

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            response = handle_control(self.emulator, ServerRequest(environ))
            return response(environ, start_response)

        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith(ECR_TARGET_PREFIX):
            operation = target.removeprefix(ECR_TARGET_PREFIX)
            return self._ecr(operation, environ)(environ, start_response)

        return self._moto()(environ, start_response)

    def _ecr(self, operation: str, environ: dict[str, Any]) -> Response:
        self.emulator.calls.record(operation)
        fault = self.emulator.faults.take(operation)
        if fault is not None:
            faulted = _apply_fault(fault)
            if faulted is not None:
                logger.debug("%s answered by an injected %s", operation, fault.kind)
                return faulted

        request = ServerRequest(environ)
        with self.emulator.registry.lock:
            try:
                status, headers, body = ArchiveEcrResponse(
                    self.emulator.registry
                )._dispatch(request)
            except NotImplementedError:
                # 501 is not retried by botocore: the caller learns at once.
                return error_response(
                    "NotImplementedException",
                    f"The ECR emulator does not implement {operation}",
                    501,
                )
            except Exception:
                # The boundary to the client: whatever broke, answer as ECR does
                # for an internal error instead of dropping the connection.
                logger.exception("ECR %s failed inside the emulator", operation)
                return error_response(
                    "ServerException", f"{operation} failed in the emulator", 500
                )
        logger.debug("ECR %s -> %s", operation, status)
        headers = {key: str(value) for key, value in headers.items()}
        headers.pop("status", None)

        return Response(body, status=int(status), headers=headers)

    def _moto(self) -> WsgiApp:
        if self._moto_app is None:
            from moto.moto_server.werkzeug_app import (  # noqa: PLC0415
                DomainDispatcherApplication,
                create_backend_app,
            )

            self._moto_app = DomainDispatcherApplication(create_backend_app)

        return self._moto_app


def _apply_fault(fault: Fault) -> Response | None:
    if fault.latency:
        time.sleep(fault.latency.total_seconds())
    if fault.kind is FaultKind.THROTTLE:
        return error_response("ThrottlingException", "Rate exceeded", 400)
    if fault.kind is FaultKind.SERVER:
        return error_response(
            "ServerException", "The emulator injected an internal error", 500
        )

    return None
