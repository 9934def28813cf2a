"""The error hierarchy and the one boundary that translates botocore's exceptions."""

from __future__ import annotations

import pickle

import botocore.session
import pytest
from botocore import exceptions as boto_errors

from ecr_archive import errors
from ecr_archive.errors import (
    AccessDeniedError,
    AwsError,
    ConfigurationError,
    EcrArchiveError,
    EndpointUnreachableError,
    ImageNotFoundError,
    InvalidRequestError,
    PurgeFailedError,
    RepositoryNotFoundError,
    ServiceError,
    StorageClassUpdateNotSupportedError,
    ThrottledError,
    WaitTimeoutError,
    error_class_for,
    translate,
)
from ecr_archive.images import ImageFailure
from tests.ecr_archive.fakes import client_error

# Every ECR operation the boto3 layer calls.
OPERATIONS = ["DescribeImages", "UpdateImageStorageClass"]


def _modelled_error_codes() -> list[tuple[str, str]]:
    model = botocore.session.get_session().get_service_model("ecr")
    return sorted(
        (operation, shape.metadata.get("error", {}).get("code", shape.name))
        for operation in OPERATIONS
        for shape in model.operation_model(operation).error_shapes
    )


@pytest.mark.parametrize(("operation", "code"), _modelled_error_codes())
def test_every_modelled_error_code_has_a_specific_class(
    operation: str, code: str
) -> None:
    """Each error botocore's ECR model lists for our operations maps to a subclass."""
    cls = error_class_for(code, 400)

    assert cls is not AwsError
    assert issubclass(cls, AwsError)


def test_modelled_errors_cover_the_archive_codes() -> None:
    """The service model read by the mapping test includes the archive error."""
    codes = {code for _, code in _modelled_error_codes()}

    assert "ImageStorageClassUpdateNotSupportedException" in codes


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        ("RepositoryNotFoundException", 400, RepositoryNotFoundError),
        ("ImageNotFoundException", 400, ImageNotFoundError),
        (
            "ImageStorageClassUpdateNotSupportedException",
            400,
            StorageClassUpdateNotSupportedError,
        ),
        ("InvalidParameterException", 400, InvalidRequestError),
        ("ValidationException", 400, InvalidRequestError),
        ("AccessDeniedException", 400, AccessDeniedError),
        ("ExpiredTokenException", 400, AccessDeniedError),
        ("UnrecognizedClientException", 400, AccessDeniedError),
        ("ThrottlingException", 400, ThrottledError),
        ("TooManyRequestsException", 429, ThrottledError),
        ("ServerException", 500, ServiceError),
        ("InternalFailure", 500, ServiceError),
        ("SomethingNew", 503, ServiceError),
        ("SomethingNew", 400, AwsError),
    ],
)
def test_error_class_for_code_and_status(
    code: str, status: int, cls: type[AwsError]
) -> None:
    """AWS error codes map to their class; unknown 5xx codes count as service errors."""
    assert error_class_for(code, status) is cls


def test_translate_keeps_the_evidence_and_the_cause() -> None:
    """A translated error keeps code, operation, request id, status and the cause."""
    original = client_error(
        "RepositoryNotFoundException", "DescribeImages", request_id="abc-123"
    )

    with pytest.raises(RepositoryNotFoundError) as caught, translate("DescribeImages"):
        raise original

    error = caught.value
    assert (error.code, error.operation) == (
        "RepositoryNotFoundException",
        "DescribeImages",
    )
    assert (error.request_id, error.http_status) == ("abc-123", 400)
    assert error.__cause__ is original
    assert "abc-123" in str(error)
    assert "region" in error.hint


@pytest.mark.parametrize(
    "operation",
    [
        "DescribeImages",
        "UpdateImageStorageClass",
        "ListImages",
        "BatchDeleteImage",
        "PutLifecyclePolicy",
    ],
)
def test_access_denied_hint_names_the_missing_iam_action(operation: str) -> None:
    """AccessDenied says which ecr: IAM action the caller lacks for that operation."""
    with pytest.raises(AccessDeniedError) as caught, translate(operation):
        raise client_error("AccessDeniedException", operation, status=400)

    assert f"ecr:{operation}" in caught.value.hint
    assert f"ecr:{operation}" in str(caught.value)


def test_expired_credentials_hint_asks_for_new_credentials() -> None:
    """Expired keys are an AccessDeniedError whose hint is about credentials."""
    with pytest.raises(AccessDeniedError) as caught, translate("DescribeImages"):
        raise client_error("ExpiredTokenException", "DescribeImages")

    assert "credentials" in caught.value.hint
    assert "ecr:" not in caught.value.hint


@pytest.mark.parametrize(
    ("raised", "cls"),
    [
        (boto_errors.NoCredentialsError(), ConfigurationError),
        (boto_errors.NoRegionError(), ConfigurationError),
        (boto_errors.ProfileNotFound(profile="nope"), ConfigurationError),
        (
            boto_errors.EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
            EndpointUnreachableError,
        ),
        (
            boto_errors.ReadTimeoutError(endpoint_url="http://127.0.0.1:9"),
            EndpointUnreachableError,
        ),
    ],
)
def test_translate_maps_botocore_failures_without_a_response(
    raised: Exception, cls: type[EcrArchiveError]
) -> None:
    """Missing credentials and unreachable endpoints become project errors too."""
    with pytest.raises(cls) as caught, translate("DescribeImages"):
        raise raised

    assert caught.value.__cause__ is raised


def test_translate_lets_other_exceptions_through() -> None:
    """Only botocore's exceptions are translated; a bug stays a bug."""
    with pytest.raises(KeyError), translate("DescribeImages"):
        raise KeyError("imageDetails")


def test_every_error_derives_from_the_base() -> None:
    """Every public error class in the module is an EcrArchiveError."""
    classes = [
        getattr(errors, name)
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
    ]

    assert len(classes) == 14
    assert all(issubclass(cls, EcrArchiveError) for cls in classes)


def test_wait_timeout_keeps_status_and_elapsed_and_advises_restore() -> None:
    """A timeout on an archived image says so and suggests restoring it first."""
    error = WaitTimeoutError("app:v1", "ARCHIVED", 61.4)

    assert (error.last_status, error.elapsed) == ("ARCHIVED", 61.4)
    assert error.pending == {"app:v1": "ARCHIVED"}
    assert "61 s" in str(error)
    assert "restore it" in str(error)


@pytest.mark.parametrize(
    "error",
    [
        AccessDeniedError(
            code="AccessDeniedException",
            message="no",
            operation="DescribeImages",
            request_id="r-1",
            http_status=400,
        ),
        WaitTimeoutError("app:v1", "ACTIVATING", 30.0),
        errors.InvalidImageReferenceError("App", "upper case"),
        ConfigurationError("no region"),
        PurgeFailedError("team/api", [ImageFailure("sha256:a", "KmsError", "no")], 1),
    ],
)
def test_errors_survive_pickling(error: EcrArchiveError) -> None:
    """An error sent to another process keeps its class, message and evidence."""
    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)
