"""The public surface of `components`: what other infra repositories import."""

import components

PUBLIC = {
    "ArchivedRepository",
    "ArchivedRepositoryArgs",
    "ImageStorageClass",
    "ImageStorageClassArgs",
    "ImageStorageClassProvider",
    "pull_time_update_exclusions",
}


def test_components_exports_exactly_its_public_names() -> None:
    """`__all__` lists the public names and nothing private leaks into it."""
    assert set(components.__all__) == PUBLIC


def test_every_public_name_resolves() -> None:
    """Each exported name is importable from the package itself."""
    for name in PUBLIC:
        assert getattr(components, name) is not None


def test_providers_live_in_importable_modules() -> None:
    """Dynamic providers pickle by reference, so their module must not be __main__."""
    provider = components.ImageStorageClassProvider

    assert provider.__module__.startswith("components.")
