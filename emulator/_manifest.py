"""Image manifests the emulator generates to seed repositories.

A generated manifest depends only on its seed and layer sizes, so pushing the same
content twice gives the same digest, as it would with a real registry.
"""

import hashlib
import json
from collections.abc import Sequence

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def sha256_digest(data: str | bytes) -> str:
    """Return the `sha256:<hex>` digest of `data` (text is encoded as UTF-8)."""
    raw = data.encode() if isinstance(data, str) else data

    return f"sha256:{hashlib.sha256(raw).hexdigest()}"


def build_manifest(seed: str, layer_sizes: Sequence[int]) -> str:
    """Return a Docker image manifest (schema 2) for `seed` with the given layers.

    Raises ValueError when there are no layers or a size is negative.
    """
    if not layer_sizes:
        msg = "an image needs at least one layer"
        raise ValueError(msg)
    if any(size < 0 for size in layer_sizes):
        msg = f"layer sizes cannot be negative: {list(layer_sizes)}"
        raise ValueError(msg)

    config = json.dumps({"architecture": "amd64", "os": "linux", "seed": seed})
    layers = [
        {
            "mediaType": DOCKER_LAYER,
            "size": size,
            "digest": sha256_digest(f"layer {index} of {seed} ({size} bytes)"),
        }
        for index, size in enumerate(layer_sizes)
    ]
    manifest = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {
            "mediaType": DOCKER_CONFIG,
            "size": len(config),
            "digest": sha256_digest(config),
        },
        "layers": layers,
    }

    return json.dumps(manifest, indent=3)


def layer_digests(manifest: dict[str, object]) -> list[str]:
    """Return the layer digests a parsed manifest lists, in order."""
    layers = manifest.get("layers")
    if not isinstance(layers, list):
        return []

    return [
        layer["digest"]
        for layer in layers
        if isinstance(layer, dict) and isinstance(layer.get("digest"), str)
    ]


def image_size(manifest: dict[str, object]) -> int:
    """Return the sum of the layer sizes a parsed manifest lists."""
    layers = manifest.get("layers")
    if not isinstance(layers, list):
        return 0

    return sum(
        layer["size"]
        for layer in layers
        if isinstance(layer, dict) and isinstance(layer.get("size"), int)
    )
