"""The boto3 layer shared by everything in this project that talks to ECR.

Public names are re-exported here; the modules hold one concept each: `errors` (the
exception hierarchy and `translate`), `refs` (`ImageRef`), `client` (`make_client`),
`images` (describe, archive, restore, list) and `waiting` (polling until ACTIVE).
"""

from ecr_archive.client import MAX_ATTEMPTS, make_client
from ecr_archive.errors import (
    AccessDeniedError,
    AwsError,
    ConfigurationError,
    EcrArchiveError,
    EndpointUnreachableError,
    ImageNotFoundError,
    InvalidImageReferenceError,
    InvalidRequestError,
    RepositoryNotFoundError,
    ServiceError,
    StorageClassUpdateNotSupportedError,
    ThrottledError,
    WaitTimeoutError,
    translate,
)
from ecr_archive.images import (
    ImageState,
    ImageStatus,
    archive_image,
    describe_image,
    get_image,
    list_images,
    restore_image,
)
from ecr_archive.refs import ImageRef
from ecr_archive.waiting import (
    DEFAULT_BACKOFF,
    DEFAULT_TIMEOUT,
    Backoff,
    PollRound,
    wait_all_active,
    wait_until_active,
)

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_TIMEOUT",
    "MAX_ATTEMPTS",
    "AccessDeniedError",
    "AwsError",
    "Backoff",
    "ConfigurationError",
    "EcrArchiveError",
    "EndpointUnreachableError",
    "ImageNotFoundError",
    "ImageRef",
    "ImageState",
    "ImageStatus",
    "InvalidImageReferenceError",
    "InvalidRequestError",
    "PollRound",
    "RepositoryNotFoundError",
    "ServiceError",
    "StorageClassUpdateNotSupportedError",
    "ThrottledError",
    "WaitTimeoutError",
    "archive_image",
    "describe_image",
    "get_image",
    "list_images",
    "make_client",
    "restore_image",
    "translate",
    "wait_all_active",
    "wait_until_active",
]
