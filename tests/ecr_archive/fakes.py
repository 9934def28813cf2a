"""Stand-ins passed to the boto3 layer in unit tests: a scripted ECR client, a clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient


def client_error(
    code: str, operation: str, *, status: int = 400, request_id: str = "req-1"
) -> ClientError:
    """Build the ClientError botocore raises for an AWS error response."""
    response: Any = {
        "Error": {"Code": code, "Message": f"{code} from the fake"},
        "ResponseMetadata": {"RequestId": request_id, "HTTPStatusCode": status},
    }

    return ClientError(response, operation)


@dataclass
class FakeEcr:
    """An ECR client that answers DescribeImages from `statuses`, in order.

    `statuses` maps a repository name to the statuses successive DescribeImages calls
    report for its one image (the last one repeats); `errors` maps an operation name
    to an exception every call of it raises. Every request is kept in `calls`.
    """

    statuses: Mapping[str, list[str]] = field(default_factory=dict)
    errors: Mapping[str, Exception] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def as_client(self) -> ECRClient:
        """Return this fake typed as the boto3 client the layer expects."""
        return cast("ECRClient", self)

    def describe_images(self, **request: Any) -> dict[str, Any]:
        """Answer like DescribeImages for one image id."""
        self.calls.append(("DescribeImages", request))
        if "DescribeImages" in self.errors:
            raise self.errors["DescribeImages"]

        repository = request["repositoryName"]
        if repository not in self.statuses:
            raise client_error("RepositoryNotFoundException", "DescribeImages")
        script = self.statuses[repository]
        if not script:
            raise client_error("ImageNotFoundException", "DescribeImages")
        status = script.pop(0) if len(script) > 1 else script[0]
        detail = {
            "registryId": "123456789012",
            "repositoryName": repository,
            "imageDigest": "sha256:" + "a" * 64,
            "imageTags": ["v2", "v1"],
            "imageStatus": status,
            "imageSizeInBytes": 3400000,
        }

        return {"imageDetails": [detail], "ResponseMetadata": {"RequestId": "req-2"}}

    def update_image_storage_class(self, **request: Any) -> dict[str, Any]:
        """Answer like UpdateImageStorageClass: ARCHIVED, or ACTIVATING on restore."""
        self.calls.append(("UpdateImageStorageClass", request))
        if "UpdateImageStorageClass" in self.errors:
            raise self.errors["UpdateImageStorageClass"]

        archived = request["targetStorageClass"] == "ARCHIVE"
        status = "ARCHIVED" if archived else "ACTIVATING"

        return {
            "repositoryName": request["repositoryName"],
            "imageId": request["imageId"],
            "imageStatus": status,
        }


@dataclass
class FakeClock:
    """A clock that moves only when `sleep` is called; records every sleep."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance the clock by `seconds`."""
        self.sleeps.append(seconds)
        self.now += seconds
