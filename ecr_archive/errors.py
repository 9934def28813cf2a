"""The errors raised by ecr_archive, and the one place AWS errors become them.

Every error that this package and the components built on it raise derives from
`EcrArchiveError`::

    EcrArchiveError
    ├── InvalidImageReferenceError     an image name ECR would reject (a ValueError)
    ├── WaitTimeoutError               an image not ACTIVE before the deadline
    ├── ConfigurationError             no credentials, region or profile
    ├── EndpointUnreachableError       the ECR endpoint did not answer
    ├── PurgeFailedError               archived images left after a purge
    └── AwsError                       ECR answered with an error
        ├── RepositoryNotFoundError    RepositoryNotFoundException
        ├── ImageNotFoundError         ImageNotFoundException
        ├── StorageClassUpdateNotSupportedError
        │                              ImageStorageClassUpdateNotSupportedException
        ├── InvalidRequestError        InvalidParameterException, ValidationException
        ├── AccessDeniedError          AccessDeniedException; bad or expired keys
        ├── ThrottledError             ThrottlingException & co., after every retry
        └── ServiceError               ServerException or any HTTP 5xx, after retries

An `AwsError` keeps the evidence (error code, operation, request id, HTTP status) and a
hint that says what to do next. botocore's exceptions are turned into these in one
place, `translate()`, which every call to ECR goes through.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from botocore import exceptions as boto_errors

if TYPE_CHECKING:
    from ecr_archive.images import ImageFailure

__all__ = [
    "AccessDeniedError",
    "AwsError",
    "ConfigurationError",
    "EcrArchiveError",
    "EndpointUnreachableError",
    "ImageNotFoundError",
    "InvalidImageReferenceError",
    "InvalidRequestError",
    "PurgeFailedError",
    "RepositoryNotFoundError",
    "ServiceError",
    "StorageClassUpdateNotSupportedError",
    "ThrottledError",
    "WaitTimeoutError",
    "error_class_for",
    "translate",
]


class EcrArchiveError(Exception):
    """Base class of every error raised by ecr_archive.

    Errors pickle with their attributes (code, hint, last status...), so they
    survive being sent between processes.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(
    cls: type[EcrArchiveError], args: tuple[Any, ...], state: dict[str, Any]
) -> EcrArchiveError:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)

    return error


class InvalidImageReferenceError(EcrArchiveError, ValueError):
    """An image reference that is not a valid ECR repository, tag or digest."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"invalid image reference {text!r}: {reason}")


class WaitTimeoutError(EcrArchiveError):
    """An image did not become ACTIVE before the deadline.

    `image` is the first image still waited for and `last_status` the status
    DescribeImages reported for it last (None if never seen); `pending` maps every
    image still waited for to its last status; `elapsed` is the seconds waited.
    """

    def __init__(
        self,
        image: str,
        last_status: str | None,
        elapsed: float,
        *,
        pending: Mapping[str, str | None] | None = None,
    ) -> None:
        self.image = image
        self.last_status = last_status
        self.elapsed = elapsed
        self.pending = dict(pending) if pending is not None else {image: last_status}
        message = (
            f"{image} was not ACTIVE after {elapsed:.0f} s "
            f"(last status: {last_status or 'unknown'})"
        )
        if len(self.pending) > 1:
            message += f", nor were {len(self.pending) - 1} more images"
        if last_status == "ARCHIVED":
            message += "; it is archived: restore it before waiting"
        super().__init__(message)


class ConfigurationError(EcrArchiveError):
    """boto3 could not build a request: no credentials, no region, unknown profile."""


class EndpointUnreachableError(EcrArchiveError):
    """The ECR endpoint could not be reached or did not answer in time."""


class PurgeFailedError(EcrArchiveError):
    """Archived images are still in the repository after the purge.

    `repository` names it, `held` counts the archived or activating images still
    there, `failures` lists what BatchDeleteImage said about each image it did not
    delete (empty when images kept appearing instead).
    """

    def __init__(
        self, repository: str, failures: Sequence[ImageFailure], held: int
    ) -> None:
        self.repository = repository
        self.failures = tuple(failures)
        self.held = held
        if self.failures:
            cause = "; ".join(
                f"{failure.digest}: {failure.code} ({failure.reason})"
                for failure in self.failures
            )
        else:
            cause = "new ones kept appearing while the purge ran"
        message = (
            f"{held} archived or activating image(s) are still in {repository}: "
            f"{cause}. ECR will not delete the repository while they are there: "
            "delete or restore them, then run the deletion again."
        )
        super().__init__(message)


class AwsError(EcrArchiveError):
    """ECR answered a request with an error.

    `code` is the AWS error code, `operation` the ECR operation name, `request_id` the
    id AWS support asks for, `http_status` the HTTP status and `hint` a sentence on
    what to do next.
    """

    codes: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        *,
        code: str,
        message: str,
        operation: str,
        request_id: str | None = None,
        http_status: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.code = code
        self.aws_message = message
        self.operation = operation
        self.request_id = request_id
        self.http_status = http_status
        self.hint = hint or self.default_hint(operation)
        super().__init__(self._render())

    def default_hint(self, operation: str) -> str:
        """Say what to do about this error when `operation` raised it."""
        return "Check the request and try again."

    def _render(self) -> str:
        text = f"{self.operation} failed with {self.code}: {self.aws_message}"
        if self.request_id:
            text += f" (request id {self.request_id})"

        return f"{text}. {self.hint}"


class RepositoryNotFoundError(AwsError):
    """The repository does not exist in this registry and region."""

    codes = frozenset({"RepositoryNotFoundException"})

    def default_hint(self, operation: str) -> str:
        return (
            "Check the repository name, the region and the registry id "
            "(account) the image lives in."
        )


class ImageNotFoundError(AwsError):
    """No image with this tag or digest exists in the repository."""

    codes = frozenset({"ImageNotFoundException"})

    def default_hint(self, operation: str) -> str:
        return (
            "Check the tag or digest; archived images are only listed with "
            'filter={"imageStatus": "ANY"}.'
        )


class StorageClassUpdateNotSupportedError(AwsError):
    """ECR refused the storage class change for the image's current status."""

    codes = frozenset({"ImageStorageClassUpdateNotSupportedException"})

    def default_hint(self, operation: str) -> str:
        return (
            "Archiving works only on ACTIVE images and restoring only on ARCHIVED "
            "ones; read imageStatus with DescribeImages first."
        )


class InvalidRequestError(AwsError):
    """ECR rejected a parameter of the request."""

    codes = frozenset({"InvalidParameterException", "ValidationException"})

    def default_hint(self, operation: str) -> str:
        return "Check the repository name, tag, digest and registry id."


class AccessDeniedError(AwsError):
    """The caller may not perform the operation, or its credentials are not valid."""

    codes = frozenset(
        {
            "AccessDeniedException",
            "AccessDenied",
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "ExpiredTokenException",
            "ExpiredToken",
        }
    )

    def default_hint(self, operation: str) -> str:
        if self.code in {"AccessDeniedException", "AccessDenied"}:
            return (
                f"Allow the IAM action ecr:{operation} on the repository "
                "for the caller (identity policy, and the repository policy for "
                "another account's registry)."
            )

        return "Refresh the AWS credentials (profile, environment or role) and retry."


class ThrottledError(AwsError):
    """ECR throttled the request and every retry."""

    codes = frozenset(
        {
            "ThrottlingException",
            "Throttling",
            "TooManyRequestsException",
            "RequestLimitExceeded",
            "RequestThrottled",
            "RequestThrottledException",
            "SlowDown",
        }
    )

    def default_hint(self, operation: str) -> str:
        return (
            f"Too many {operation} calls in this account and region; retry later "
            "or spread the calls out."
        )


class ServiceError(AwsError):
    """ECR failed on its side (ServerException or an HTTP 5xx) after every retry."""

    codes = frozenset(
        {"ServerException", "InternalFailure", "InternalError", "ServiceUnavailable"}
    )

    def default_hint(self, operation: str) -> str:
        return "ECR failed on its side; retry later, and quote the request id to AWS."


_SPECIFIC: tuple[type[AwsError], ...] = (
    RepositoryNotFoundError,
    ImageNotFoundError,
    StorageClassUpdateNotSupportedError,
    InvalidRequestError,
    AccessDeniedError,
    ThrottledError,
    ServiceError,
)

_SERVER_ERROR_STATUS = 500


def error_class_for(code: str, http_status: int | None = None) -> type[AwsError]:
    """Return the `AwsError` subclass for an AWS error code and HTTP status.

    Codes this package does not know become `ServiceError` when the status is 5xx and
    plain `AwsError` otherwise.
    """
    for cls in _SPECIFIC:
        if code in cls.codes:
            return cls

    if http_status is not None and http_status >= _SERVER_ERROR_STATUS:
        return ServiceError

    return AwsError


def _from_client_error(exc: boto_errors.ClientError, operation: str) -> AwsError:
    response: Mapping[str, Any] = exc.response
    error = response.get("Error", {})
    metadata = response.get("ResponseMetadata", {})
    code = str(error.get("Code") or "Unknown")
    status = metadata.get("HTTPStatusCode")
    http_status = int(status) if status is not None else None
    cls = error_class_for(code, http_status)

    return cls(
        code=code,
        message=str(error.get("Message") or "no message"),
        operation=operation,
        request_id=metadata.get("RequestId"),
        http_status=http_status,
    )


@contextlib.contextmanager
def translate(operation: str) -> Iterator[None]:
    """Turn botocore exceptions raised inside the block into ecr_archive errors.

    `operation` is the ECR operation the block calls, e.g. "DescribeImages"; it names
    the IAM action in the hint of an `AccessDeniedError`. The botocore exception stays
    attached as `__cause__`.
    """
    try:
        yield
    except boto_errors.ClientError as exc:
        raise _from_client_error(exc, operation) from exc
    except boto_errors.NoRegionError as exc:
        message = (
            f"{operation}: no AWS region is set; pass --region, or set AWS_REGION "
            "or a region in the AWS profile"
        )
        raise ConfigurationError(message) from exc
    except (
        boto_errors.NoCredentialsError,
        boto_errors.PartialCredentialsError,
        boto_errors.ProfileNotFound,
    ) as exc:
        message = (
            f"{operation}: {str(exc).rstrip('.')}; configure AWS credentials "
            "(a profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a role)"
        )
        raise ConfigurationError(message) from exc
    except (boto_errors.ConnectionError, boto_errors.HTTPClientError) as exc:
        message = f"{operation}: {exc}. Check --endpoint-url, --region and the network."
        raise EndpointUnreachableError(message) from exc
