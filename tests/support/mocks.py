"""Run Pulumi programs under the SDK's mocks and read back what they registered.

`pulumi_mocks()` gives each test a fresh event loop, installs `RecordingMocks`
behind a `RecordingMonitor`, sets the stack config, and on exit resets the Pulumi
runtime settings and the config, so no test sees another's globals. The harness it
yields resolves outputs outside `.apply` (an assert inside `.apply` is skipped when a
value is unknown) and lists every registration: type, name, parent, provider and
inputs, which is what the tests and the syrupy snapshots compare.

The mock AWS answers like ECR would for the outputs this project reads: a
repository's `repositoryUrl`, `arn` and `registryId` follow from its name, the
account `ACCOUNT_ID` and the region of the explicit provider it was given
(`DEFAULT_REGION` without one).
"""

import asyncio
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pulumi
from pulumi.runtime import mocks as pulumi_mocks_module
from pulumi.runtime.settings import _shutdown_callbacks, reset_options
from pulumi.runtime.stack import wait_for_rpcs

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
PROJECT = "ecr-archive"
STACK = "dev"

# Type tokens of the resources the tests look up among the registrations.
REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
EXCLUSION = "aws:ecr/pullTimeUpdateExclusion:PullTimeUpdateExclusion"
COMPONENT = "ecr-archive:index:ArchivedRepository"
PURGE = "pulumi-python:dynamic/ecr:ArchivedImagePurge"

T = TypeVar("T")


@dataclass(frozen=True)
class Registration:
    """One resource as the program registered it with the (mock) engine."""

    type: str
    """The resource type token, for example `aws:ecr/repository:Repository`."""

    name: str
    """The logical name given to the resource."""

    custom: bool
    """False for components, true for resources a provider manages."""

    parent: str | None
    """`<type>::<name>` of the parent resource, None for the stack itself."""

    provider: str | None
    """Name of the explicit provider resource, None for the default provider."""

    providers: dict[str, str]
    """Package to provider name, as given to a component's `providers` option."""

    inputs: dict[str, Any]
    """Inputs with engine (camelCase) names, without `__provider`."""

    aliases: tuple[str, ...]
    """Alias names (or URNs) the resource was registered with."""

    transforms: int
    """How many `transforms` callbacks the registration carried."""

    protect: bool
    """Whether the `protect` option was set."""

    urn: str = field(compare=False)
    """The mock engine's URN; differs from the real engine's, never snapshot it."""

    def key(self) -> str:
        """Return `<type>::<name>`, the way `parent` names resources."""
        return f"{self.type}::{self.name}"

    def snapshot(self) -> dict[str, Any]:
        """Return the deterministic fields, for syrupy snapshots."""
        return {
            "type": self.type,
            "name": self.name,
            "custom": self.custom,
            "parent": self.parent,
            "provider": self.provider,
            "inputs": _sorted(self.inputs),
        }


class RecordingMocks(pulumi.runtime.Mocks):
    """Mock AWS: computes the outputs ECR, KMS and IAM would return."""

    def __init__(self, account_id: str = ACCOUNT_ID) -> None:
        self.account_id = account_id
        self._regions: dict[str, str] = {}
        self._lock = threading.Lock()

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[Any, Any]]:
        """Return an id and the outputs for one resource."""
        inputs = dict(args.inputs)
        resource_id = f"{args.name}-id"

        if args.typ.startswith("pulumi:providers:"):
            with self._lock:
                self._regions[resource_id] = inputs.get("region", DEFAULT_REGION)
            return resource_id, inputs

        region = self._region_for(args.provider)
        outputs = _OUTPUTS.get(args.typ, _no_outputs)(
            inputs, args.name, region, self.account_id
        )

        return resource_id, {**inputs, **outputs}

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """Answer the invokes this project's programs make."""
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            arn = f"arn:aws:iam::{self.account_id}:user/deployer"
            return {"accountId": self.account_id, "arn": arn, "userId": "AIDA"}, None
        if args.token == "aws:index/getRegion:getRegion":
            region = self._region_for(args.provider)
            return {"name": region, "region": region, "id": region}, None

        return {}, None

    def _region_for(self, provider_ref: str | None) -> str:
        if not provider_ref:
            return DEFAULT_REGION

        provider_id = provider_ref.rsplit("::", 1)[-1]
        with self._lock:
            return self._regions.get(provider_id, DEFAULT_REGION)


def _no_outputs(
    inputs: dict[str, Any], name: str, region: str, account: str
) -> dict[str, Any]:
    return {}


def _repository_outputs(
    inputs: dict[str, Any], name: str, region: str, account: str
) -> dict[str, Any]:
    repository = inputs.get("name", name)

    return {
        "name": repository,
        "arn": f"arn:aws:ecr:{region}:{account}:repository/{repository}",
        "registryId": account,
        "repositoryUrl": f"{account}.dkr.ecr.{region}.amazonaws.com/{repository}",
    }


def _lifecycle_outputs(
    inputs: dict[str, Any], name: str, region: str, account: str
) -> dict[str, Any]:
    return {"registryId": account}


def _kms_key_outputs(
    inputs: dict[str, Any], name: str, region: str, account: str
) -> dict[str, Any]:
    key_id = f"{name}-key-id"

    return {"arn": f"arn:aws:kms:{region}:{account}:key/{key_id}", "keyId": key_id}


_OUTPUTS: dict[str, Callable[[dict[str, Any], str, str, str], dict[str, Any]]] = {
    "aws:ecr/repository:Repository": _repository_outputs,
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": _lifecycle_outputs,
    "aws:kms/key:Key": _kms_key_outputs,
}


class RecordingMonitor(pulumi_mocks_module.MockMonitor):
    """The SDK's mock monitor, also keeping each registration's options."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 the gRPC name
        """Register through the SDK's mock, then record what was asked."""
        # The SDK's mock monitor is untyped.
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == "pulumi:pulumi:Stack":
            return response

        inputs = pulumi.runtime.rpc.deserialize_properties(request.object)
        inputs.pop("__provider", None)
        registration = Registration(
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=_urn_key(request.parent) if request.parent else None,
            provider=_provider_name(request.provider),
            providers={
                package: _provider_name(ref) or ""
                for package, ref in request.providers.items()
            },
            inputs=inputs,
            aliases=tuple(alias.spec.name or alias.urn for alias in request.aliases),
            transforms=len(request.transforms),
            protect=bool(request.protect),
            urn=response.urn,
        )
        with self._lock:
            self.registrations.append(registration)

        return response


class MockedRun:
    """The event loop a program runs on under mocks, and how to wait for it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def run(self, program: Callable[[], T]) -> T:
        """Call `program`, then wait until every registration it started is done."""
        result = program()
        self.settle()

        return result

    def settle(self) -> None:
        """Wait until every outstanding registration and output is done."""
        self.loop.run_until_complete(wait_for_rpcs())

    def resolve(self, value: pulumi.Output[T]) -> T | None:
        """Return the plain value of an output (None when it is unknown)."""
        return self.loop.run_until_complete(value.future())

    def stack_outputs(self) -> dict[str, Any]:
        """Return the program's `pulumi.export`s as plain values."""
        self.settle()
        root = pulumi.runtime.get_root_resource()
        exported: dict[str, Any] = getattr(root, "outputs", {})

        return {
            name: self.resolve(pulumi.Output.from_input(value))
            for name, value in exported.items()
        }


class PulumiHarness(MockedRun):
    """What a test uses while its mocks are installed."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        monitor: RecordingMonitor,
        mocks: RecordingMocks,
    ) -> None:
        super().__init__(loop)
        self.monitor = monitor
        self.mocks = mocks

    def registrations(self) -> list[Registration]:
        """Return every registration, sorted by type and name."""
        self.settle()

        return sorted(self.monitor.registrations, key=lambda r: (r.type, r.name))

    def find(self, type_: str, name: str) -> Registration:
        """Return the one registration of `type_` called `name`."""
        found = [r for r in self.registrations() if (r.type, r.name) == (type_, name)]
        if len(found) != 1:
            names = [r.key() for r in self.registrations()]
            message = f"{len(found)} registrations of {type_}::{name}; have {names}"
            raise LookupError(message)

        return found[0]

    def of_type(self, type_: str) -> list[Registration]:
        """Return the registrations of one type, sorted by name."""
        return [r for r in self.registrations() if r.type == type_]

    def graph(self) -> list[dict[str, Any]]:
        """Return the resource graph without URNs or ids, for a snapshot."""
        return [registration.snapshot() for registration in self.registrations()]


@contextmanager
def pulumi_mocks(
    config: Mapping[str, Any] | None = None,
    *,
    project: str = PROJECT,
    stack: str = STACK,
    preview: bool = False,
    account_id: str = ACCOUNT_ID,
) -> Iterator[PulumiHarness]:
    """Install recording mocks and `config` (`"ns:key"` to value) for one test.

    Values that are not strings are stored as JSON, as `pulumi config set --path`
    would. Everything is reset on exit, even when the test fails.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_all_config(
        {key: config_text(value) for key, value in (config or {}).items()}, []
    )
    mocks = RecordingMocks(account_id)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(
        mocks, project=project, stack=stack, preview=preview, monitor=monitor
    )
    try:
        yield PulumiHarness(loop, monitor, mocks)
    finally:
        # `transforms` start the SDK's callback server on 127.0.0.1; stop it the way
        # the SDK does at the end of a program.
        loop.run_until_complete(_shutdown_callbacks())  # type: ignore[no-untyped-call]
        _cancel_pending(loop)
        reset_options()
        pulumi.runtime.set_all_config({}, [])
        asyncio.set_event_loop(None)
        loop.close()


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    # A program that raised leaves registrations and outputs unfinished; cancel them
    # so none outlives its loop (or warns that it was never awaited).
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def config_text(value: Any) -> str:
    """Return a config value as the CLI stores it: text as is, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def _urn_key(urn: str) -> str:
    # urn:pulumi:<stack>::<project>::<parent$...$type>::<name>
    _, _, qualified_type, name = urn.split("::", 3)

    return f"{qualified_type.split('$')[-1]}::{name}"


def _provider_name(reference: str) -> str | None:
    # A provider reference is `<urn>::<id>`.
    if not reference:
        return None

    urn = reference.rsplit("::", 1)[0]

    return urn.rsplit("::", 1)[-1]


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [_sorted(item) for item in value]

    return value
