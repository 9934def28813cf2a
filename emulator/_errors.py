"""ECR error responses the emulator adds to the ones moto already raises.

Each class is a moto `ServiceException` whose `code` names an error shape in the ECR
service model, so moto's serializer writes ECR's JSON error body (`__type`,
`message`, HTTP 400) and botocore raises a `ClientError` with that code. Errors
moto defines itself (`ImageNotFoundException`, `RepositoryNotFoundException`,
`InvalidParameterException`, ...) are reused from `moto.ecr.exceptions`.
"""

from moto.core.exceptions import ServiceException


def describe_image_id(image_id: dict[str, str]) -> str:
    """Render an imageId the way ECR's error messages do."""
    digest = image_id.get("imageDigest") or "null"
    tag = image_id.get("imageTag") or "null"

    return f"{{imageDigest:'{digest}', imageTag:'{tag}'}}"


class ImageStorageClassUpdateNotSupportedError(ServiceException):
    """The image cannot move to the requested storage class from its current state."""

    code = "ImageStorageClassUpdateNotSupportedException"


class ImageArchivedError(ServiceException):
    """The operation needs the image in standard storage, and it is archived."""

    code = "ImageArchivedException"


class ImageDigestDoesNotMatchError(ServiceException):
    """The digest sent with PutImage is not the digest of the manifest sent."""

    code = "ImageDigestDoesNotMatchException"


class ImageTagAlreadyExistsError(ServiceException):
    """The tag is held by another image in a repository with immutable tags."""

    code = "ImageTagAlreadyExistsException"


class LayersNotFoundError(ServiceException):
    """The requested layer is not available in the repository."""

    code = "LayersNotFoundException"


class LifecyclePolicyPreviewNotFoundError(ServiceException):
    """No lifecycle policy preview was started for the repository."""

    code = "LifecyclePolicyPreviewNotFoundException"


class ExclusionAlreadyExistsError(ServiceException):
    """The principal is already excluded from pull-time updates."""

    code = "ExclusionAlreadyExistsException"


class ExclusionNotFoundError(ServiceException):
    """The principal is not excluded from pull-time updates."""

    code = "ExclusionNotFoundException"


class LimitExceededError(ServiceException):
    """An account quota would be exceeded."""

    code = "LimitExceededException"
