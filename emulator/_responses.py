"""ECR's JSON API with the archive storage class, on top of moto's ECR responses.

`ArchiveEcrResponse` is moto's `ECRResponse` bound to one emulator's `Registry`
instead of moto's process-wide backends. It adds UpdateImageStorageClass and the
lifecycle preview, and replaces the operations whose behaviour the archive changes
(reads that filter on imageStatus, pulls that must not serve archived images, pushes
that restore them, scans and deletes that archived images block). Every other
operation is moto's, unchanged. Results go through moto's serializer, which writes
them, and ECR's error shape, from the ECR service model in botocore.
"""

import re
from collections.abc import Sequence
from typing import Any

from moto.core.responses import ActionResult
from moto.ecr.exceptions import (
    ImageNotFoundException,
    InvalidParameterException,
    LifecyclePolicyNotFoundException,
)
from moto.ecr.models import ECRBackend, Image, Repository
from moto.ecr.responses import ECRResponse
from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition

from emulator._details import image_detail, parsed_manifest
from emulator._errors import (
    ExclusionAlreadyExistsError,
    ExclusionNotFoundError,
    ImageArchivedError,
    LayersNotFoundError,
    LifecyclePolicyPreviewNotFoundError,
    LimitExceededError,
    describe_image_id,
)
from emulator._lifecycle import check_policy_text, preview_results, preview_summary
from emulator._manifest import layer_digests
from emulator._pagination import MAX_PREVIEW_PAGE_SIZE, paginate
from emulator._registry import Registry
from emulator._state import ImageRecord, ImageStatus, StatusFilter

_TAG_STATUSES = ("TAGGED", "UNTAGGED", "ANY")
_DIGEST = re.compile(r"[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+")
#: ECR's quota of principals excluded from pull-time updates, per registry.
MAX_PULL_TIME_EXCLUSIONS = 100
#: principalArn of the pull-time exclusion operations, per the ECR service model: an
#: IAM role or user, at most 200 characters.
_PRINCIPAL_ARN = re.compile(
    r"arn:aws(-[a-z]+)*:iam::[0-9]{12}:(role|user)/[\w+=,.@-]+(/[\w+=,.@-]+)*"
)
_PRINCIPAL_ARN_MAX_LENGTH = 200
#: The most imageIds one request may name (DescribeImages, BatchGetImage,
#: BatchDeleteImage, GetLifecyclePolicyPreview), per the ECR service model.
MAX_IMAGE_IDS = 100


class ArchiveEcrResponse(ECRResponse):
    """Moto's ECR responses, bound to a `Registry`, with the archive storage class."""

    def __init__(self, registry: Registry) -> None:
        super().__init__()
        self.registry = registry

    @property
    def ecr_backend(self) -> ECRBackend:
        """The backend for the request's account and region in this emulator."""
        return self.registry.backend(self.current_account, self.region)

    def _repository(self) -> Repository:
        return self.registry.repository(
            self.current_account,
            self.region,
            self._get_param("repositoryName"),
            self._get_param("registryId"),
        )

    def create_repository(self) -> ActionResult:
        """Create a repository, its createdAt read from the emulator clock."""
        result = super().create_repository()
        self._repository().created_at = self.registry.clock.now()

        return result

    def update_image_storage_class(self) -> ActionResult:
        """Archive an ACTIVE image or start restoring an ARCHIVED one."""
        repo = self._repository()
        image_id = self._get_param("imageId") or {}
        image = self.registry.find_image(repo, image_id)
        status = self.registry.update_storage_class(
            repo, image, self._get_param("targetStorageClass"), image_id
        )
        echoed = {"imageDigest": image.image_digest}
        if image_id.get("imageTag"):
            echoed["imageTag"] = image_id["imageTag"]

        return ActionResult(
            {
                "registryId": repo.registry_id,
                "repositoryName": repo.name,
                "imageId": echoed,
                "imageStatus": status.value,
            }
        )

    def describe_images(self) -> ActionResult:
        """Describe images, ACTIVE ones only unless filter.imageStatus says otherwise.

        Explicit imageIds are looked up whatever their status (the lab polls an
        ACTIVATING image by tag without a filter); a filter sent with them still
        applies.
        """
        repo = self._repository()
        image_ids = self._image_ids()
        status_filter, tag_status = self._filters()
        if image_ids:
            chosen = self._explicit_images(repo, image_ids)
            explicit_filter = status_filter if self._has_status_filter() else None
            details = [
                image_detail(repo, image, record)
                for image, record in chosen
                if explicit_filter is None or explicit_filter.admits(record.status)
            ]
            return ActionResult({"imageDetails": details})

        details = [
            image_detail(repo, image, record)
            for image, record in self.registry.images(repo)
            if status_filter.admits(record.status)
            and _tag_status_admits(tag_status, image)
        ]

        return self._paged("imageDetails", details)

    def list_images(self) -> ActionResult:
        """List image ids, ACTIVE images only unless filter.imageStatus widens it."""
        repo = self._repository()
        status_filter, tag_status = self._filters()
        ids: list[dict[str, str]] = []
        for image, record in self.registry.images(repo):
            if not status_filter.admits(record.status):
                continue
            if not _tag_status_admits(tag_status, image):
                continue
            ids.extend(
                {"imageDigest": image.image_digest, "imageTag": tag}
                for tag in image.image_tags
            )
            if not image.image_tags:
                ids.append({"imageDigest": image.image_digest})

        return self._paged("imageIds", ids)

    def batch_get_image(self) -> ActionResult:
        """Return manifests of ACTIVE images and record the pull.

        An archived or activating image is reported exactly like a missing one:
        a failure with code ImageNotFound, as ECR does. A pull by a principal
        excluded from pull-time updates leaves lastRecordedPullTime alone.
        """
        repo = self._repository()
        now = self.registry.clock.now()
        excluded = self._principal() in self._exclusions()
        images: list[dict[str, Any]] = []
        failures: list[dict[str, Any]] = []
        for image_id in self._image_ids():
            invalid = _invalid_id_failure(image_id)
            found = None if invalid else _lookup(self.registry, repo, image_id)
            if found is None or found[1].status is not ImageStatus.ACTIVE:
                failures.append(invalid or _not_found(image_id))
                continue
            image, record = found
            if not excluded:
                record.last_pulled_at = now
            images.append(_pulled_image(repo, image, image_id))

        return ActionResult({"images": images, "failures": failures})

    # moto declares this operation as returning None because it only raises.
    def get_download_url_for_layer(self) -> ActionResult:  # type: ignore[override]
        """Return a download URL for a layer of an ACTIVE image.

        A layer only archived or activating images use is reported like a missing
        layer (LayersNotFoundException).
        """
        repo = self._repository()
        digest = self._get_param("layerDigest")
        active: set[str] = set()
        inactive: set[str] = set()
        for image, record in self.registry.images(repo):
            used = active if record.status is ImageStatus.ACTIVE else inactive
            used.update(layer_digests(parsed_manifest(image)))
        uploaded_only = digest in repo.layers and digest not in inactive
        if digest not in active and not uploaded_only:
            msg = (
                f"The image layer '{digest}' does not exist within the repository "
                f"with name '{repo.name}' in the registry with id '{repo.registry_id}'"
            )
            raise LayersNotFoundError(msg)

        url = (
            f"https://prod-{self.region}-starport-layer-bucket.s3.{self.region}."
            f"amazonaws.com/{repo.registry_id}/{repo.name}/{digest}"
        )
        return ActionResult({"downloadUrl": url, "layerDigest": digest})

    def put_image(self) -> ActionResult:
        """Push a manifest; pushing an archived image makes it ACTIVE at once."""
        repo = self._repository()
        image = self.registry.put_image(
            repo,
            self._get_param("imageManifest"),
            tag=self._get_param("imageTag"),
            media_type=self._get_param("imageManifestMediaType"),
            digest=self._get_param("imageDigest"),
        )
        image_id = {"imageDigest": image.image_digest}
        if self._get_param("imageTag"):
            image_id["imageTag"] = self._get_param("imageTag")

        return ActionResult(
            {
                "image": {
                    "registryId": repo.registry_id,
                    "repositoryName": repo.name,
                    "imageId": image_id,
                    "imageManifest": image.image_manifest,
                    "imageManifestMediaType": image.image_manifest_media_type,
                }
            }
        )

    def batch_delete_image(self) -> ActionResult:
        """Delete images or tags whatever the storage class, as ECR does.

        An id with only a tag removes that tag, and the image with its last tag; an
        id with a digest removes the image and every tag. Each removed tag (or the
        digest of an untagged image) is listed; ids that match nothing are failures.
        """
        repo = self._repository()
        deleted: list[dict[str, str]] = []
        failures: list[dict[str, Any]] = []
        for image_id in self._image_ids():
            failure = _invalid_id_failure(image_id)
            image = None
            if failure is None:
                found = _lookup(self.registry, repo, image_id)
                image = found[0] if found else None
            if image is None:
                failures.append(failure or _not_found(image_id))
                continue
            deleted.extend(_delete_one(self.registry, repo, image, image_id))

        return ActionResult({"imageIds": deleted, "failures": failures})

    def delete_repository(self) -> ActionResult:
        """Delete a repository; in strict mode, not while it holds archived images."""
        repo = self._repository()
        self.registry.check_deletable(repo)
        result = super().delete_repository()
        self.registry.prune(self.current_account, self.region)

        return result

    def start_image_scan(self) -> ActionResult:
        """Start a scan; archived and activating images raise ImageArchivedException."""
        repo = self._repository()
        image_id = self._get_param("imageId") or {}
        image = self.registry.find_image(repo, image_id)
        if self.registry.record(repo, image).status is not ImageStatus.ACTIVE:
            msg = (
                f"The image with imageId {describe_image_id(image_id)} in the "
                f"repository with name '{repo.name}' in the registry with id "
                f"'{repo.registry_id}' is archived and cannot be scanned"
            )
            raise ImageArchivedError(msg)

        return super().start_image_scan()

    def put_lifecycle_policy(self) -> ActionResult:
        """Store a lifecycle policy that ECR would accept, archive fields included."""
        repo = self._repository()
        text = self._get_param("lifecyclePolicyText")
        check_policy_text(text)
        repo.lifecycle_policy = text

        return ActionResult(
            {
                "registryId": repo.registry_id,
                "repositoryName": repo.name,
                "lifecyclePolicyText": text,
            }
        )

    def get_lifecycle_policy(self) -> ActionResult:
        """Return the stored lifecycle policy text as it was put."""
        result: dict[str, Any] = self.ecr_backend.get_lifecycle_policy(
            registry_id=self._get_param("registryId"),
            repository_name=self._get_param("repositoryName"),
        )
        result["lastEvaluatedAt"] = self.registry.clock.now()

        return ActionResult(result)

    def delete_lifecycle_policy(self) -> ActionResult:
        """Delete the stored lifecycle policy; lastEvaluatedAt is emulator time."""
        result: dict[str, Any] = self.ecr_backend.delete_lifecycle_policy(
            registry_id=self._get_param("registryId"),
            repository_name=self._get_param("repositoryName"),
        )
        result["lastEvaluatedAt"] = self.registry.clock.now()

        return ActionResult(result)

    def start_lifecycle_policy_preview(self) -> ActionResult:
        """Evaluate a policy (the given text, or the stored one) over every image.

        The preview is worked out at once with `policies.evaluate` over the
        repository's images of every status; the answer says IN_PROGRESS, as ECR's
        does, and GetLifecyclePolicyPreview then reports COMPLETE.
        """
        repo = self._repository()
        text = self._get_param("lifecyclePolicyText") or repo.lifecycle_policy
        if not text:
            raise LifecyclePolicyNotFoundException(repo.name, repo.registry_id)
        policy = check_policy_text(text)
        now = self.registry.clock.now()
        results = preview_results(policy, self.registry, repo, now)
        key = (repo.account_id, repo.region_name, repo.name)
        self.registry.previews[key] = {"lifecyclePolicyText": text, "results": results}

        return ActionResult(
            {
                "registryId": repo.registry_id,
                "repositoryName": repo.name,
                "lifecyclePolicyText": text,
                "status": "IN_PROGRESS",
            }
        )

    def get_lifecycle_policy_preview(self) -> ActionResult:
        """Return the last preview's results, filtered and paginated, and summary."""
        repo = self._repository()
        preview = self.registry.previews.get(
            (repo.account_id, repo.region_name, repo.name)
        )
        if preview is None:
            msg = (
                "There is no lifecycle policy preview for the repository with name "
                f"'{repo.name}' in the registry with id '{repo.registry_id}'"
            )
            raise LifecyclePolicyPreviewNotFoundError(msg)
        results: list[dict[str, Any]] = preview["results"]
        chosen = _preview_subset(results, self._tag_status(), self._image_ids())
        page, token = paginate(
            chosen,
            self._get_param("maxResults"),
            self._get_param("nextToken"),
            max_page_size=MAX_PREVIEW_PAGE_SIZE,
        )
        reply: dict[str, Any] = {
            "registryId": repo.registry_id,
            "repositoryName": repo.name,
            "lifecyclePolicyText": preview["lifecyclePolicyText"],
            "status": "COMPLETE",
            "previewResults": page,
            "summary": preview_summary(results),
        }
        if token:
            reply["nextToken"] = token

        return ActionResult(reply)

    def register_pull_time_update_exclusion(self) -> ActionResult:
        """Record a principal whose pulls should not refresh lastRecordedPullTime."""
        exclusions = self._exclusions()
        arn = self._principal_arn()
        if arn in exclusions:
            msg = f"The principal '{arn}' is already excluded from pull time updates"
            raise ExclusionAlreadyExistsError(msg)
        if len(exclusions) >= MAX_PULL_TIME_EXCLUSIONS:
            msg = (
                f"A registry can exclude at most {MAX_PULL_TIME_EXCLUSIONS} principals "
                "from pull time updates"
            )
            raise LimitExceededError(msg)
        exclusions[arn] = self.registry.clock.now()

        return ActionResult({"principalArn": arn, "createdAt": exclusions[arn]})

    def deregister_pull_time_update_exclusion(self) -> ActionResult:
        """Forget a principal excluded from pull-time updates."""
        arn = self._principal_arn()
        if self._exclusions().pop(arn, None) is None:
            msg = f"The principal '{arn}' is not excluded from pull time updates"
            raise ExclusionNotFoundError(msg)

        return ActionResult({"principalArn": arn})

    def list_pull_time_update_exclusions(self) -> ActionResult:
        """List the principals excluded from pull-time updates, oldest first."""
        arns = sorted(self._exclusions(), key=self._exclusions().__getitem__)

        return self._paged("pullTimeUpdateExclusions", arns)

    def _paged(self, key: str, items: Sequence[Any]) -> ActionResult:
        """Answer with one page of `items` under `key`, and `nextToken` if more remain.

        The page is the one the request's maxResults and nextToken ask for.
        """
        page, token = paginate(
            items, self._get_param("maxResults"), self._get_param("nextToken")
        )
        reply: dict[str, Any] = {key: page}
        if token:
            reply["nextToken"] = token

        return ActionResult(reply)

    def _image_ids(self) -> list[dict[str, str]]:
        """The request's imageIds, at most MAX_IMAGE_IDS, never with maxResults.

        The ECR service model caps the list at 100 entries, and the API reference
        says maxResults cannot be used when images are named by imageIds.
        """
        image_ids: list[dict[str, str]] = self._get_param("imageIds") or []
        if len(image_ids) > MAX_IMAGE_IDS:
            msg = (
                "Invalid parameter at 'imageIds' failed to satisfy constraint: "
                f"'Member must have length less than or equal to {MAX_IMAGE_IDS}'"
            )
            raise InvalidParameterException(msg)
        if image_ids and self._get_param("maxResults") is not None:
            msg = (
                "Invalid parameter at 'maxResults' failed to satisfy constraint: "
                "'maxResults cannot be used together with imageIds'"
            )
            raise InvalidParameterException(msg)

        return image_ids

    def _principal_arn(self) -> str:
        """The request's principalArn: an IAM role or user ARN, as ECR requires.

        botocore does not check the pattern, so a group, an account root or a bare
        name reaches the endpoint, and ECR refuses it.
        """
        arn = self._get_param("principalArn")
        valid = (
            isinstance(arn, str)
            and len(arn) <= _PRINCIPAL_ARN_MAX_LENGTH
            and _PRINCIPAL_ARN.fullmatch(arn) is not None
        )
        if not valid:
            msg = (
                "Invalid parameter at 'principalArn' failed to satisfy constraint: "
                "'Member must be the ARN of an IAM role or user'"
            )
            raise InvalidParameterException(msg)

        return str(arn)

    def _principal(self) -> str | None:
        """The IAM user or role ARN behind the request's access key, if known."""
        partition = get_partition(self.region)
        keys = iam_backends[self.current_account][partition].access_keys
        key = keys.get(self.get_access_key())
        if key is None:
            return None
        if key.role_arn:
            return str(key.role_arn)
        if key.user_name:
            return f"arn:{partition}:iam::{self.current_account}:user/{key.user_name}"

        return None

    def _exclusions(self) -> dict[str, Any]:
        key = (self.current_account, self.region)
        return self.registry.exclusions.setdefault(key, {})

    def _has_status_filter(self) -> bool:
        image_filter = self._get_param("filter") or {}
        return "imageStatus" in image_filter

    def _filters(self) -> tuple[StatusFilter, str]:
        image_filter = self._get_param("filter") or {}
        raw_status = image_filter.get("imageStatus", StatusFilter.ACTIVE.value)
        if raw_status not in StatusFilter.__members__:
            msg = (
                "Invalid parameter at 'filter.imageStatus' failed to satisfy "
                "constraint: 'Member must satisfy enum value set: "
                "[ACTIVE, ARCHIVED, ACTIVATING, ANY]'"
            )
            raise InvalidParameterException(msg)

        return StatusFilter(raw_status), self._tag_status()

    def _tag_status(self) -> str:
        """The request's filter.tagStatus (ANY when absent), one of ECR's values.

        botocore does not check enum values, so a lower-case "tagged" reaches the
        endpoint, and ECR refuses it rather than reading it as something else.
        """
        tag_status: str = (self._get_param("filter") or {}).get("tagStatus", "ANY")
        if tag_status not in _TAG_STATUSES:
            msg = (
                "Invalid parameter at 'filter.tagStatus' failed to satisfy "
                "constraint: 'Member must satisfy enum value set: "
                "[TAGGED, UNTAGGED, ANY]'"
            )
            raise InvalidParameterException(msg)

        return tag_status

    def _explicit_images(
        self, repo: Repository, image_ids: list[dict[str, str]]
    ) -> list[tuple[Image, ImageRecord]]:
        chosen: dict[str, tuple[Image, ImageRecord]] = {}
        for image_id in image_ids:
            image = self.registry.find_image(repo, image_id)
            chosen[image.image_digest] = (image, self.registry.record(repo, image))

        return list(chosen.values())


def _lookup(
    registry: Registry, repo: Repository, image_id: dict[str, str]
) -> tuple[Image, ImageRecord] | None:
    try:
        image = registry.find_image(repo, image_id)
    except (ImageNotFoundException, InvalidParameterException):
        return None

    return image, registry.record(repo, image)


def _preview_subset(
    results: list[dict[str, Any]], tag_status: str, image_ids: list[dict[str, str]]
) -> list[dict[str, Any]]:
    chosen = [
        result
        for result in results
        if tag_status == "ANY" or (tag_status == "TAGGED") == bool(result["imageTags"])
    ]
    if not image_ids:
        return chosen

    return [
        result
        for result in chosen
        if any(
            image_id.get("imageDigest") in (None, result["imageDigest"])
            and image_id.get("imageTag") in (None, *result["imageTags"])
            for image_id in image_ids
        )
    ]


def _invalid_id_failure(image_id: dict[str, str]) -> dict[str, Any] | None:
    digest = image_id.get("imageDigest")
    if not digest and not image_id.get("imageTag"):
        return {
            "imageId": dict(image_id),
            "failureCode": "MissingDigestAndTag",
            "failureReason": (
                "Invalid request parameters: both tag and digest cannot be null"
            ),
        }
    if digest and not _DIGEST.fullmatch(digest):
        return {
            "imageId": dict(image_id),
            "failureCode": "InvalidImageDigest",
            "failureReason": "Invalid request parameters: image digest should "
            "satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
        }

    return None


def _not_found(image_id: dict[str, str]) -> dict[str, Any]:
    return {
        "imageId": dict(image_id),
        "failureCode": "ImageNotFound",
        "failureReason": "Requested image not found",
    }


def _delete_one(
    registry: Registry, repo: Repository, image: Image, image_id: dict[str, str]
) -> list[dict[str, str]]:
    digest = image.image_digest
    tag = image_id.get("imageTag")
    if tag and not image_id.get("imageDigest") and len(image.image_tags) > 1:
        image.remove_tag(tag)
        return [{"imageDigest": digest, "imageTag": tag}]

    removed = [{"imageDigest": digest, "imageTag": t} for t in image.image_tags]
    registry.delete_image(repo, image)

    return removed or [{"imageDigest": digest}]


def _tag_status_admits(tag_status: str, image: Image) -> bool:
    if tag_status == "TAGGED":
        return bool(image.image_tags)
    if tag_status == "UNTAGGED":
        return not image.image_tags

    return True


def _pulled_image(
    repo: Repository, image: Image, image_id: dict[str, str]
) -> dict[str, Any]:
    echoed = {"imageDigest": image.image_digest}
    if image_id.get("imageTag"):
        echoed["imageTag"] = image_id["imageTag"]

    return {
        "registryId": repo.registry_id,
        "repositoryName": repo.name,
        "imageId": echoed,
        "imageManifest": image.image_manifest,
        "imageManifestMediaType": image.image_manifest_media_type,
    }
