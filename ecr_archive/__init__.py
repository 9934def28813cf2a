"""The boto3 layer shared by everything in this project that talks to ECR.

Public names are re-exported here; the modules hold one concept each: `errors` (the
exception hierarchy and `translate`), `refs` (`ImageRef`), `client` (`make_client`),
`images` (describe, archive, restore, list), `waiting` (polling until ACTIVE) and
`bulk` (many images at once, as the CLI does it).
"""

from ecr_archive.bulk import Lookup, look_up, restore_archived, wait_until_all_active
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
    PurgeFailedError,
    RepositoryNotFoundError,
    ServiceError,
    StorageClassUpdateNotSupportedError,
    ThrottledError,
    WaitTimeoutError,
    translate,
)
from ecr_archive.images import (
    ImageFailure,
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
    "ImageFailure",
    "ImageNotFoundError",
    "ImageRef",
    "ImageState",
    "ImageStatus",
    "InvalidImageReferenceError",
    "InvalidRequestError",
    "Lookup",
    "PollRound",
    "PurgeFailedError",
    "RepositoryNotFoundError",
    "ServiceError",
    "StorageClassUpdateNotSupportedError",
    "ThrottledError",
    "WaitTimeoutError",
    "archive_image",
    "describe_image",
    "get_image",
    "list_images",
    "look_up",
    "make_client",
    "restore_archived",
    "restore_image",
    "translate",
    "wait_all_active",
    "wait_until_active",
    "wait_until_all_active",
]
