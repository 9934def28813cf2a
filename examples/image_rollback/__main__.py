"""Archive a service's old releases; keep the running one and a rollback pullable.

Stack configuration:

    pulumi config set repository shop/checkout
    pulumi config set --path 'releases[0]' v1.0.0   # oldest first, newest last
    pulumi config set --path 'releases[1]' v1.1.0
    pulumi config set --path 'releases[2]' v1.2.0
    pulumi config set pullable 2                     # optional, default 2

The newest `pullable` releases (the one running and the ones to roll back to) are
kept in standard storage, the older ones in the archive. Each release is pinned to
the digest its tag had on the first deployment. A restore finishes before the
deployment does (`wait_for_active`), so once `pulumi up` succeeds the rollback image
can be pulled. To roll back further than the pullable releases, raise `pullable`,
deploy (the older release is restored, which takes minutes), then roll back the
service. Taking a release out of `releases` leaves its image as it is.
"""

from collections.abc import Sequence

import pulumi

from components import ImageStorageClass

DEFAULT_PULLABLE = 2


def storage_classes(releases: Sequence[str], pullable: int) -> dict[str, str]:
    """Map each release tag to STANDARD (newest `pullable`) or ARCHIVE (the rest).

    Raises ValueError for an empty or repeated release list or a `pullable` below 1.
    """
    if not releases:
        raise ValueError("releases is empty: list the release tags, oldest first")
    if len(set(releases)) != len(releases):
        raise ValueError(f"releases repeats a tag: {list(releases)}")
    if pullable < 1:
        raise ValueError(
            f"pullable is {pullable}: keep at least the running release pullable"
        )
    newest = set(releases[-pullable:])

    return {tag: "STANDARD" if tag in newest else "ARCHIVE" for tag in releases}


config = pulumi.Config()
repository = config.require("repository")
releases = [str(tag) for tag in config.require_object("releases")]
configured_pullable = config.get_int("pullable")
pullable = DEFAULT_PULLABLE if configured_pullable is None else configured_pullable

images = {
    tag: ImageStorageClass(
        f"release-{tag}",
        {"repository_name": repository, "image_tag": tag, "storage_class": wanted},
    )
    for tag, wanted in storage_classes(releases, pullable).items()
}

running = releases[-1]
rollback = releases[-2] if len(releases) > 1 and pullable > 1 else None

pulumi.export("running_image", images[running].image_digest)
pulumi.export("rollback_image", images[rollback].image_digest if rollback else None)
pulumi.export(
    "image_status", {tag: image.image_status for tag, image in images.items()}
)
