"""Drive a dynamic provider through the Pulumi SDK's own provider servicer.

The engine never calls a dynamic provider's methods directly: it starts
`python -u -m pulumi.dynamic`, whose `DynamicResourceProviderServicer` receives gRPC
requests, unpickles the provider from the `__provider` property and calls it. This
module runs that same servicer code, so a test exercises the pickling, the
`configure()` call, the property (de)serialization and the thread pool exactly as a
deployment would.

- `ProviderDriver` speaks in plain dicts: it builds the protobuf requests, adds the
  serialized provider to every property bag and decodes the responses.
- `InProcessServicer` loads `pulumi/dynamic/__main__.py` without the `main()` call at
  its end (that call starts a server at import time) into a fresh module, so each
  instance has its own provider cache, and runs every call in a copied context so
  the servicer's settings reset cannot reach the caller's runtime settings.
- `SubprocessServicer` starts the real provider process and talks to it over gRPC;
  it is the only proof that the provider imports in a fresh interpreter.

Both raise `ProviderCallError` when the provider raises, carrying the traceback text
the servicer sends back to the engine. `EmulatorTime` gives a provider under test a
clock and a sleep on the local ECR endpoint's clock, usable in either transport.
"""

from __future__ import annotations

import ast
import asyncio
import contextvars
import functools
import importlib.util
import os
import subprocess
import sys
import tempfile
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import grpc
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider as _pickle_provider
from pulumi.runtime import proto, rpc
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2_grpc

from emulator import ControlClient

PROVIDER_KEY = "__provider"
DYNAMIC_TYPE = "pulumi-python:dynamic:Resource"
UNKNOWN = rpc.UNKNOWN

Changes = Literal["none", "some", "unknown"]

# protobuf ships no type stubs here; requests and structs are typed loosely.
Message = Any
Struct = Any


class ProviderCallError(Exception):
    """A provider method raised; the servicer turned it into a gRPC error."""

    def __init__(self, method: str, code: str, details: str) -> None:
        super().__init__(f"{method} failed ({code}): {details}")
        self.method = method
        self.code = code
        self.details = details


@dataclass(frozen=True)
class CheckOutcome:
    """What `Check` answered: the inputs to use and the failures to show."""

    inputs: dict[str, Any]
    failures: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DiffOutcome:
    """What `Diff` answered, as the engine sees it."""

    changes: Changes
    replaces: tuple[str, ...]
    delete_before_replace: bool


@dataclass(frozen=True)
class CreateOutcome:
    """The id and outputs `Create` returned."""

    id: str
    outs: dict[str, Any]


@dataclass(frozen=True)
class ReadOutcome:
    """What `Read` answered; an empty id means the resource is gone."""

    id: str
    outs: dict[str, Any]
    inputs: dict[str, Any] | None


def serialized_provider(provider: ResourceProvider) -> str:
    """Pickle a provider exactly as `pulumi.dynamic.Resource.__init__` does."""
    text, _contains_secrets = _serialize(True, _pickle_provider, provider)

    return str(text)


class Transport(Protocol):
    """Carries one request to a servicer and returns its response."""

    def call(self, method: str, request: Message) -> Any:
        """Send `request` to the servicer's `method` and return the response."""
        ...


def _to_struct(props: Mapping[str, Any]) -> Struct:
    loop = asyncio.new_event_loop()
    try:
        result: Struct = loop.run_until_complete(
            rpc.serialize_properties(dict(props), {})
        )
    finally:
        loop.close()

    return result


def _from_struct(struct: Struct) -> dict[str, Any]:
    props: dict[str, Any] = rpc.deserialize_properties(struct, True)
    return {key: rpc.unwrap_rpc_secret(value) for key, value in props.items()}


_CHANGES: dict[int, Changes] = {
    proto.DiffResponse.DIFF_NONE: "none",
    proto.DiffResponse.DIFF_SOME: "some",
    proto.DiffResponse.DIFF_UNKNOWN: "unknown",
}


def configure_servicer(transport: Transport, config: Mapping[str, Any]) -> None:
    """Send the stack configuration the engine sends first, keys namespaced.

    The engine sends every config value as a string (objects as JSON text); send
    the same to test what a deployment does.
    """
    request = proto.ConfigureRequest(args=_to_struct(config))
    transport.call("Configure", request)


class ProviderDriver:
    """Calls one provider through a servicer with plain dict property bags.

    Property bags passed in must not contain `__provider`; the driver adds the
    serialized provider, and strips it from what comes back.
    """

    def __init__(
        self,
        transport: Transport,
        provider: ResourceProvider | str,
        *,
        urn: str = "urn:pulumi:test::ecr-archive::" + DYNAMIC_TYPE + "::image",
    ) -> None:
        self.transport = transport
        self.provider_text = (
            provider if isinstance(provider, str) else serialized_provider(provider)
        )
        self.urn = urn

    def _with_provider(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {**props, PROVIDER_KEY: self.provider_text}

    def configure(self, config: Mapping[str, Any]) -> None:
        """Send the stack configuration, keys namespaced (`aws:region`)."""
        configure_servicer(self.transport, config)

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        """Validate `news` against `olds`, as preview and update both do first."""
        request = proto.CheckRequest(
            urn=self.urn,
            olds=_to_struct(self._with_provider(olds) if olds else {}),
            news=_to_struct(self._with_provider(news)),
        )
        response = self.transport.call("Check", request)
        inputs = _from_struct(response.inputs)
        inputs.pop(PROVIDER_KEY, None)
        failures = tuple((f.property, f.reason) for f in response.failures)

        return CheckOutcome(inputs, failures)

    def diff(
        self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> DiffOutcome:
        """Compare the old outputs with the new checked inputs."""
        request = proto.DiffRequest(
            id=id_,
            urn=self.urn,
            olds=_to_struct(self._with_provider(olds)),
            news=_to_struct(self._with_provider(news)),
        )
        response = self.transport.call("Diff", request)

        return DiffOutcome(
            changes=_CHANGES[response.changes],
            replaces=tuple(response.replaces),
            delete_before_replace=response.deleteBeforeReplace,
        )

    def create(self, props: Mapping[str, Any]) -> CreateOutcome:
        """Create the resource from checked inputs."""
        request = proto.CreateRequest(
            urn=self.urn, properties=_to_struct(self._with_provider(props))
        )
        response = self.transport.call("Create", request)
        outs = _from_struct(response.properties)
        outs.pop(PROVIDER_KEY, None)

        return CreateOutcome(response.id, outs)

    def read(self, id_: str, props: Mapping[str, Any]) -> ReadOutcome:
        """Refresh: read the live state given the old outputs."""
        request = proto.ReadRequest(
            id=id_, urn=self.urn, properties=_to_struct(self._with_provider(props))
        )
        response = self.transport.call("Read", request)
        outs = _from_struct(response.properties)
        outs.pop(PROVIDER_KEY, None)
        inputs: dict[str, Any] | None = None
        if response.HasField("inputs"):
            inputs = _from_struct(response.inputs)
            inputs.pop(PROVIDER_KEY, None)

        return ReadOutcome(response.id, outs, inputs)

    def update(
        self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Update from old outputs to new checked inputs; return the new outputs."""
        request = proto.UpdateRequest(
            id=id_,
            urn=self.urn,
            olds=_to_struct(self._with_provider(olds)),
            news=_to_struct(self._with_provider(news)),
        )
        response = self.transport.call("Update", request)
        outs = _from_struct(response.properties)
        outs.pop(PROVIDER_KEY, None)

        return outs

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Delete the resource given its last outputs."""
        request = proto.DeleteRequest(
            id=id_, urn=self.urn, properties=_to_struct(self._with_provider(props))
        )
        self.transport.call("Delete", request)


class _AbortingContext:
    """The part of `grpc.ServicerContext` the servicer uses, raising on abort."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.code: Any = None
        self.details = ""

    def abort(self, code: Any, details: str) -> None:
        raise ProviderCallError(self.method, getattr(code, "name", str(code)), details)

    def set_code(self, code: Any) -> None:
        self.code = code

    def set_details(self, details: str) -> None:
        self.details = details


@functools.cache
def _servicer_code() -> tuple[str, types.CodeType]:
    """Compile `pulumi/dynamic/__main__.py` without its final `main()`, once.

    Compiling once matters beyond speed: CPython 3.11 can fail to compile an AST
    ("recursion depth mismatch") while other threads compile, and the program
    tests leave SDK threads running.
    """
    spec = importlib.util.find_spec("pulumi.dynamic.__main__")
    if spec is None or spec.origin is None:
        raise RuntimeError("pulumi.dynamic.__main__ is not installed")
    source = Path(spec.origin).read_text(encoding="utf-8")
    tree = ast.parse(source, filename=spec.origin)

    last = tree.body[-1]
    calls_main = (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and isinstance(last.value.func, ast.Name)
        and last.value.func.id == "main"
    )
    if not calls_main:
        raise RuntimeError(
            f"{spec.origin} no longer ends with main(); update the servicer harness"
        )
    tree.body.pop()

    return spec.origin, compile(tree, spec.origin, "exec")


def load_servicer_module() -> types.ModuleType:
    """Load `pulumi/dynamic/__main__.py` into a fresh module, minus its `main()`."""
    origin, code = _servicer_code()
    module = types.ModuleType("pulumi_dynamic_servicer")
    module.__file__ = origin
    exec(code, module.__dict__)

    return module


class InProcessServicer:
    """Runs `DynamicResourceProviderServicer` in this process, one call per context.

    Each instance has its own provider cache, as each engine run has its own
    provider process.
    """

    def __init__(self) -> None:
        self.module = load_servicer_module()
        self.servicer = self.module.DynamicResourceProviderServicer()

    def call(self, method: str, request: Message) -> Any:
        """Call the servicer method in a copy of the current context."""
        handler: Callable[[Message, _AbortingContext], Any] = getattr(
            self.servicer, method
        )
        context = contextvars.copy_context()

        return context.run(handler, request, _AbortingContext(method))


class SubprocessServicer:
    """Starts `python -u -m pulumi.dynamic` as the engine does and calls it by gRPC.

    Use as a context manager, or call `close()`: the process is terminated and its
    standard error kept in `stderr_text` for failing tests to show.
    """

    def __init__(
        self,
        *,
        cwd: Path,
        env: Mapping[str, str],
        timeout: float = 60.0,
    ) -> None:
        self.timeout = timeout
        self.stderr_text = ""
        # The file must outlive this method: close() reads it and closes it.
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        port = self._read_port()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def _read_port(self) -> int:
        stdout = self.process.stdout
        line = stdout.readline().decode().strip() if stdout is not None else ""
        if not line.isdigit():
            self.close()
            raise RuntimeError(
                f"pulumi.dynamic printed {line!r} instead of a port: {self.stderr_text}"
            )

        return int(line)

    def call(self, method: str, request: Message) -> Any:
        """Send one unary gRPC call to the provider process."""
        try:
            return getattr(self.stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as exc:
            raise ProviderCallError(method, exc.code().name, exc.details()) from exc

    def close(self) -> None:
        """Stop the provider process and keep its standard error."""
        if getattr(self, "channel", None) is not None:
            self.channel.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.seek(0)
        self.stderr_text = self._stderr.read().decode(errors="replace")
        self._stderr.close()

    def __enter__(self) -> SubprocessServicer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextmanager
def subprocess_servicer(
    *, cwd: Path, env: Mapping[str, str] | None = None
) -> Iterator[SubprocessServicer]:
    """Yield a provider process started in `cwd` with `env` (default: ours)."""
    servicer = SubprocessServicer(cwd=cwd, env=dict(os.environ if env is None else env))
    try:
        yield servicer
    finally:
        servicer.close()


class EmulatorTime:
    """A provider's clock and sleep on the local endpoint's clock, picklable.

    Sleeping advances the emulator's clock instead of waiting, so a restore that
    takes nine emulated minutes completes in milliseconds, with the same polls a
    real wait would make. It holds only the endpoint URL and talks to the control
    surface, so it works in this process and in a provider subprocess alike. The
    jitter draw is fixed at 1.0 so that the number of polls is deterministic.
    """

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url

    def clock(self) -> float:
        """Return the emulator's time in seconds since the epoch."""
        return ControlClient(self.endpoint_url).now().timestamp()

    def sleep(self, seconds: float) -> None:
        """Advance the emulator's clock by `seconds` instead of sleeping."""
        ControlClient(self.endpoint_url).advance(seconds)

    def draw(self) -> float:
        """Return the largest jitter draw: always wait the full backoff ceiling."""
        return 1.0

    def hooks(self) -> dict[str, Any]:
        """Return the keyword arguments to give a provider: clock, sleep, random."""
        return {"clock": self.clock, "sleep": self.sleep, "random": self.draw}
