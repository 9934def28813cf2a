"""Pulumi mocks that deploy a program's ECR resources to the local endpoint.

The SDK's mocks hand back whatever `new_resource` returns, so a policy that ECR
would refuse, or a repository setting the program gets wrong, goes unnoticed.
`EndpointMocks` makes the two ECR calls pulumi-aws makes on `pulumi up` instead:

- `aws:ecr/repository:Repository`: CreateRepository with the resource's settings
  (tag mutability and its exclusion filters, scan on push, encryption, tags); the
  outputs (`arn`, `registryId`, `repositoryUrl`) are the endpoint's answer;
- `aws:ecr/lifecyclePolicy:LifecyclePolicy`: PutLifecyclePolicy with the rendered
  text, which the endpoint validates as ECR does.

Other resources echo their inputs. `endpoint_mocks()` puts them behind
`DynamicMocks`, so the program's dynamic resources (`ImageStorageClass`,
`ArchivedImagePurge`) run through the provider servicer against the same endpoint.
Deployments only: in a preview pulumi-aws calls nothing, so neither do these.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
from botocore.exceptions import ClientError

from tests.support.dynamic_mocks import (
    PROJECT,
    STACK,
    MockedProgram,
    dynamic_mocks,
)
from tests.support.mocks import LIFECYCLE, REPOSITORY
from tests.support.servicer import Transport

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecr.type_defs import CreateRepositoryRequestTypeDef


@dataclass(frozen=True)
class AppliedCall:
    """One ECR call the mocks made for a resource."""

    type: str
    """The resource type token."""
    name: str
    """The resource's logical name."""
    operation: str
    """The ECR operation, for example `CreateRepository`."""


class EndpointMocks(pulumi.runtime.Mocks):
    """Mocks that create repositories and put lifecycle policies through `client`."""

    def __init__(self, client: ECRClient) -> None:
        self.client = client
        self.applied: list[AppliedCall] = []
        self._lock = threading.Lock()

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[Any, Any]]:
        """Apply ECR resources to the endpoint; echo the inputs of the rest."""
        inputs = dict(args.inputs)
        if args.typ == REPOSITORY:
            return self._repository(args.name, inputs)
        if args.typ == LIFECYCLE:
            return self._lifecycle_policy(args.name, inputs)

        return f"{args.name}-id", inputs

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """Answer invokes with nothing; the stack program makes none."""
        return {}, None

    def _record(self, typ: str, name: str, operation: str) -> None:
        with self._lock:
            self.applied.append(AppliedCall(typ, name, operation))

    def _repository(
        self, name: str, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        response = self.client.create_repository(**_create_request(name, inputs))
        self._record(REPOSITORY, name, "CreateRepository")
        repository = response["repository"]

        outputs = {
            **inputs,
            "name": repository["repositoryName"],
            "arn": repository["repositoryArn"],
            "registryId": repository["registryId"],
            "repositoryUrl": repository["repositoryUri"],
        }

        return repository["repositoryName"], outputs

    def _lifecycle_policy(
        self, name: str, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        response = self.client.put_lifecycle_policy(
            repositoryName=inputs["repository"],
            lifecyclePolicyText=inputs["policy"],
        )
        self._record(LIFECYCLE, name, "PutLifecyclePolicy")

        return response["repositoryName"], {
            **inputs,
            "registryId": response["registryId"],
        }


def _create_request(
    name: str, inputs: Mapping[str, Any]
) -> CreateRepositoryRequestTypeDef:
    """Build CreateRepository from a Repository's engine (camelCase) inputs."""
    request: CreateRepositoryRequestTypeDef = {
        "repositoryName": inputs.get("name") or name,
    }
    if "imageTagMutability" in inputs:
        request["imageTagMutability"] = inputs["imageTagMutability"]
    filters = inputs.get("imageTagMutabilityExclusionFilters")
    if filters:
        request["imageTagMutabilityExclusionFilters"] = [
            {"filter": item["filter"], "filterType": item["filterType"]}
            for item in filters
        ]
    scanning = inputs.get("imageScanningConfiguration")
    if scanning is not None:
        request["imageScanningConfiguration"] = {
            "scanOnPush": bool(scanning.get("scanOnPush"))
        }
    encryption = inputs.get("encryptionConfigurations")
    if encryption:
        # pulumi-aws takes a list of one; ECR takes the one.
        first = encryption[0]
        request["encryptionConfiguration"] = {"encryptionType": first["encryptionType"]}
        if first.get("kmsKey"):
            request["encryptionConfiguration"]["kmsKey"] = first["kmsKey"]
    tags = inputs.get("tags")
    if tags:
        request["tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]

    return request


@contextmanager
def endpoint_mocks(
    client: ECRClient,
    config: Mapping[str, Any] | None = None,
    *,
    transport: Transport | None = None,
    project: str = PROJECT,
    stack: str = STACK,
) -> Iterator[tuple[MockedProgram, EndpointMocks]]:
    """Install `EndpointMocks` behind `DynamicMocks` for one test.

    `config` goes to the program and to the provider servicer's `Configure`, as in
    `dynamic_mocks`; point its `aws:endpoints` at the endpoint `client` talks to.
    Yields the program handle and the endpoint mocks (for `applied`).
    """
    mocks = EndpointMocks(client)
    with dynamic_mocks(
        config, transport=transport, fallback=mocks, project=project, stack=stack
    ) as program:
        _quiet_endpoint_refusals(program.loop)
        try:
            yield program, mocks
        finally:
            _cancel_pending(program.loop)


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    # A refused call leaves the program's other registrations unfinished; cancel
    # them so none outlives the loop `dynamic_mocks` closes.
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def _quiet_endpoint_refusals(loop: asyncio.AbstractEventLoop) -> None:
    # A refused call fails every output of the resource; the test awaits one, and
    # asyncio would log each of the others as "never retrieved".
    previous = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), ClientError):
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
