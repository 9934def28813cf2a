"""Pulumi resources for ECR repositories and images that live in the archive."""

from components._repository_args import ArchivedRepositoryArgs
from components._repository_pull_time import pull_time_update_exclusions
from components.archived_repository import ArchivedRepository
from components.image_storage_class import (
    ImageStorageClass,
    ImageStorageClassArgs,
    ImageStorageClassProvider,
)

__all__ = [
    "ArchivedRepository",
    "ArchivedRepositoryArgs",
    "ImageStorageClass",
    "ImageStorageClassArgs",
    "ImageStorageClassProvider",
    "pull_time_update_exclusions",
]
