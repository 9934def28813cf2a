"""Pulumi mocks that run dynamic providers for real, through the SDK's servicer.

The SDK's mocks never call a dynamic provider: they hand back whatever
`new_resource` returns. `DynamicMocks` sends every `pulumi-python:dynamic*`
registration through `DynamicResourceProviderServicer` instead (check, then create;
check only in a preview), with the provider the program pickled into `__provider`.
So a program built under mocks runs its dynamic resources' code, and a failing
check or create fails the registration as it would fail a deployment. Other
resources go to a fallback `Mocks` (default: outputs equal inputs).

`dynamic_mocks()` installs them for one test with a fresh event loop and resets the
runtime settings and config afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.settings import reset_options
from pulumi.runtime.stack import wait_for_rpcs

from tests.support.mocks import MockedRun, config_text
from tests.support.servicer import (
    PROVIDER_KEY,
    InProcessServicer,
    ProviderDriver,
    Transport,
    configure_servicer,
)

DYNAMIC_PREFIX = "pulumi-python:dynamic"
PROJECT = "ecr-archive"
STACK = "test"

T = TypeVar("T")


class CheckFailedError(Exception):
    """A dynamic resource's `check` returned failures; the engine would stop."""

    def __init__(self, name: str, failures: tuple[tuple[str, str], ...]) -> None:
        lines = "; ".join(f"{prop}: {reason}" for prop, reason in failures)
        super().__init__(f"{name}: {lines}")
        self.name = name
        self.failures = failures


@dataclass(frozen=True)
class DynamicCall:
    """One dynamic resource as the servicer created it (or checked it, in preview)."""

    type: str
    name: str
    inputs: dict[str, Any]
    """The checked inputs, without `__provider`."""
    id: str | None
    """The id `create` returned; None in a preview."""
    outs: dict[str, Any]
    """The outputs `create` returned; the checked inputs in a preview."""


class _EchoMocks(pulumi.runtime.Mocks):
    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[Any, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


class DynamicMocks(pulumi.runtime.Mocks):
    """Mocks whose dynamic resources run through a provider servicer."""

    def __init__(
        self,
        transport: Transport,
        *,
        preview: bool = False,
        fallback: pulumi.runtime.Mocks | None = None,
        project: str = PROJECT,
        stack: str = STACK,
    ) -> None:
        self.transport = transport
        self.preview = preview
        self.project = project
        self.stack = stack
        self.fallback = fallback or _EchoMocks()
        self.calls: list[DynamicCall] = []
        self._lock = threading.Lock()

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[Any, Any]]:
        """Run a dynamic resource's check and create; pass the rest on."""
        if not args.typ.startswith(DYNAMIC_PREFIX):
            return self.fallback.new_resource(args)

        inputs = dict(args.inputs)
        provider_text = rpc.unwrap_rpc_secret(inputs.pop(PROVIDER_KEY))
        urn = f"urn:pulumi:{self.stack}::{self.project}::{args.typ}::{args.name}"
        driver = ProviderDriver(self.transport, str(provider_text), urn=urn)
        checked = driver.check({}, inputs)
        if checked.failures:
            raise CheckFailedError(args.name, checked.failures)

        if self.preview:
            call = DynamicCall(args.typ, args.name, checked.inputs, None, {})
            self._record(call)
            return None, dict(checked.inputs)

        created = driver.create(checked.inputs)
        self._record(
            DynamicCall(args.typ, args.name, checked.inputs, created.id, created.outs)
        )

        return created.id, dict(created.outs)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """Pass invokes to the fallback mocks."""
        return self.fallback.call(args)

    def _record(self, call: DynamicCall) -> None:
        with self._lock:
            self.calls.append(call)

    def created(self, name: str) -> DynamicCall:
        """Return the one dynamic resource registered as `name`."""
        with self._lock:
            found = [call for call in self.calls if call.name == name]
        if len(found) != 1:
            raise LookupError(f"{len(found)} dynamic resources named {name!r}")

        return found[0]


class MockedProgram(MockedRun):
    """What a test holds while `dynamic_mocks()` is installed."""

    def __init__(self, loop: asyncio.AbstractEventLoop, mocks: DynamicMocks) -> None:
        super().__init__(loop)
        self.mocks = mocks


def _quiet_check_failures(
    loop: asyncio.AbstractEventLoop, context: dict[str, Any]
) -> None:
    # A failed check fails every output of the resource; the test awaits one, and
    # asyncio would log each of the others as "never retrieved".
    if isinstance(context.get("exception"), CheckFailedError):
        return
    loop.default_exception_handler(context)


@contextmanager
def dynamic_mocks(
    config: Mapping[str, Any] | None = None,
    *,
    transport: Transport | None = None,
    preview: bool = False,
    fallback: pulumi.runtime.Mocks | None = None,
    project: str = PROJECT,
    stack: str = STACK,
) -> Iterator[MockedProgram]:
    """Install `DynamicMocks` and the stack `config` for one test.

    `config` (`"aws:region"` to value; objects are stored as JSON text, as the CLI
    stores them) goes both to the program and to the servicer's `Configure`.
    `transport` defaults to a fresh `InProcessServicer`. Everything is reset on
    exit, even when the test fails.
    """
    texts = {key: config_text(value) for key, value in (config or {}).items()}
    servicer = transport or InProcessServicer()
    configure_servicer(servicer, texts)
    mocks = DynamicMocks(
        servicer, preview=preview, fallback=fallback, project=project, stack=stack
    )

    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_quiet_check_failures)
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_all_config(texts, [])
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview)
    try:
        yield MockedProgram(loop, mocks)
    except BaseException:
        # The program stopped half way: let the registrations it started finish,
        # so they fail here rather than as warnings about coroutines never awaited.
        with contextlib.suppress(Exception):
            loop.run_until_complete(wait_for_rpcs())
        raise
    finally:
        reset_options()
        pulumi.runtime.set_all_config({}, [])
        asyncio.set_event_loop(None)
        loop.close()
