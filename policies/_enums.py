"""The enumerated values of the lifecycle policy JSON.

The policy JSON spells every value in lower camel case (`archive`, `sinceImagePulled`),
while the ECR API answers in upper case (`ARCHIVE`, `TRANSITION`). These enums hold the
policy spelling; `str(member)` is the JSON value.
"""

from enum import StrEnum


class TagStatus(StrEnum):
    """Which images a rule selects by their tags (`selection.tagStatus`)."""

    TAGGED = "tagged"
    UNTAGGED = "untagged"
    ANY = "any"


class CountType(StrEnum):
    """The criterion a rule counts images by (`selection.countType`)."""

    IMAGE_COUNT_MORE_THAN = "imageCountMoreThan"
    SINCE_IMAGE_PUSHED = "sinceImagePushed"
    SINCE_IMAGE_PULLED = "sinceImagePulled"
    SINCE_IMAGE_TRANSITIONED = "sinceImageTransitioned"


class CountUnit(StrEnum):
    """The unit of the `since*` count types (`selection.countUnit`); only days exist."""

    DAYS = "days"


class StorageClass(StrEnum):
    """A storage class (`selection.storageClass`, `action.targetStorageClass`)."""

    STANDARD = "standard"
    ARCHIVE = "archive"


class ActionType(StrEnum):
    """What a rule does to the images it selects (`action.type`)."""

    EXPIRE = "expire"
    TRANSITION = "transition"
