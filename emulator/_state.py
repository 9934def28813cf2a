"""What the emulator knows about each image beyond moto's model: its storage state.

Moto keeps the manifest and tags of an image; the emulator keeps, beside it and keyed
by (account, region, repository, digest), the image's status in the archive storage
class, the times ECR reports for it, and its size.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ImageStatus(StrEnum):
    """The `imageStatus` values of ECR's ImageDetail."""

    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    ACTIVATING = "ACTIVATING"


class StatusFilter(StrEnum):
    """The `filter.imageStatus` values DescribeImages and ListImages accept."""

    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    ACTIVATING = "ACTIVATING"
    ANY = "ANY"

    def admits(self, status: ImageStatus) -> bool:
        """Tell whether an image with `status` passes this filter."""
        return self is StatusFilter.ANY or self.value == status.value


ImageKey = tuple[str, str, str, str]
"""(account, region, repository name, image digest)."""


@dataclass
class ImageRecord:
    """The archive state and timestamps of one image."""

    pushed_at: datetime
    """When the image was first pushed (imagePushedAt)."""

    size_in_bytes: int
    """Sum of the layer sizes in the manifest (imageSizeInBytes)."""

    status: ImageStatus = ImageStatus.ACTIVE
    """Storage state as of the last `settle()`."""

    last_archived_at: datetime | None = None
    """When the image last moved to the archive storage class."""

    last_activated_at: datetime | None = None
    """When the image last became ACTIVE again after being archived."""

    last_pulled_at: datetime | None = None
    """When a pull was last recorded (lastRecordedPullTime)."""

    activation_due: datetime | None = None
    """When a restore in progress completes; set only while ACTIVATING."""

    def settle(self, now: datetime) -> None:
        """Complete a restore whose time has come."""
        if self.status is not ImageStatus.ACTIVATING or self.activation_due is None:
            return
        if now < self.activation_due:
            return
        self.status = ImageStatus.ACTIVE
        self.last_activated_at = self.activation_due
        self.activation_due = None

    def archive(self, now: datetime) -> None:
        """Move the image to the archive storage class at once."""
        self.status = ImageStatus.ARCHIVED
        self.last_archived_at = now
        self.activation_due = None

    def start_restore(self, now: datetime, due: datetime) -> None:
        """Begin moving the image back to standard storage; done at `due`."""
        self.status = ImageStatus.ACTIVATING
        self.activation_due = due
        self.settle(now)

    def activate(self, now: datetime) -> None:
        """Make the image ACTIVE at once, as a push of an archived image does."""
        self.status = ImageStatus.ACTIVE
        self.last_activated_at = now
        self.activation_due = None
