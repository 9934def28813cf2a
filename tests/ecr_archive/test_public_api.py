"""The names ecr_archive exports: the surface other packages build on."""

from __future__ import annotations

import ecr_archive

PUBLIC = {
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
}


def test_public_names_are_exactly_the_documented_ones() -> None:
    """__all__ lists the public surface, and each name resolves."""
    assert set(ecr_archive.__all__) == PUBLIC
    assert all(hasattr(ecr_archive, name) for name in PUBLIC)
