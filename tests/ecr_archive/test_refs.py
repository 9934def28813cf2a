"""ImageRef parsing and validation, driven by the forms people write images in."""

from __future__ import annotations

import pytest

from ecr_archive import ImageRef, InvalidImageReferenceError

DIGEST = "sha256:" + "0123456789abcdef" * 4

# (text, repository, tag, digest, registry_id, region)
VALID = [
    ("app:v1", "app", "v1", None, None, None),
    ("app", "app", "latest", None, None, None),
    (f"app@{DIGEST}", "app", None, DIGEST, None, None),
    (f"app:v1@{DIGEST}", "app", "v1", DIGEST, None, None),
    ("team/service/api:2026.03.28", "team/service/api", "2026.03.28", None, None, None),
    ("my-app_v2.x:_build-7", "my-app_v2.x", "_build-7", None, None, None),
    ("a__b--c:T", "a__b--c", "T", None, None, None),
    (
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:tag",
        "repo",
        "tag",
        None,
        "123456789012",
        "us-east-1",
    ),
    (
        f"210987654321.dkr.ecr.eu-central-1.amazonaws.com/team/api@{DIGEST}",
        "team/api",
        None,
        DIGEST,
        "210987654321",
        "eu-central-1",
    ),
    (
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/repo:v1",
        "repo",
        "v1",
        None,
        "123456789012",
        "cn-north-1",
    ),
    (
        "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/repo:v1",
        "repo",
        "v1",
        None,
        "123456789012",
        "us-gov-west-1",
    ),
    (
        "123456789012.dkr-ecr.ap-southeast-2.on.aws/repo:v1",
        "repo",
        "v1",
        None,
        "123456789012",
        "ap-southeast-2",
    ),
    (
        "123456789012.dkr.ecr.us-east-1.amazonaws.com:443/repo:v1",
        "repo",
        "v1",
        None,
        "123456789012",
        "us-east-1",
    ),
    (
        "123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM/repo:v1",
        "repo",
        "v1",
        None,
        "123456789012",
        "eu-west-1",
    ),
    ("  app:v1\n", "app", "v1", None, None, None),
    ("app:" + "t" * 300, "app", "t" * 300, None, None, None),
]


@pytest.mark.parametrize(("text", "expected"), [(row[0], row[1:]) for row in VALID])
def test_parse_accepts_the_forms_people_write(
    text: str, expected: tuple[str | None, ...]
) -> None:
    """Each documented form parses into its repository, tag, digest and registry."""
    ref = ImageRef.parse(text)

    assert (
        ref.repository,
        ref.tag,
        ref.digest,
        ref.registry_id,
        ref.region,
    ) == expected


# (text, words the message must contain)
INVALID = [
    ("", "empty"),
    ("App:v1", "lower case"),
    ("a:v1", "2 to 256"),
    ("r" * 257 + ":v1", "2 to 256"),
    ("app-:v1", "not valid"),
    ("app//x:v1", "not valid"),
    ("app:", "tag ''"),
    ("app:.hidden", "not starting with"),
    ("app:" + "t" * 301, "up to 300"),
    ("app:v1+build", "tag 'v1+build'"),
    ("app:v1:v2", "tag 'v1:v2'"),
    ("app@sha256:abc", "64 lower-case hex"),
    ("app@sha256:" + "A" * 64, "64 lower-case hex"),
    ("app@md5:" + "a" * 64, "64 lower-case hex"),
    ("docker.io/library/alpine:3.19", "not an ECR registry"),
    ("public.ecr.aws/nginx/nginx:latest", "not an ECR registry"),
    ("localhost:5000/app:v1", "not an ECR registry"),
    ("12345.dkr.ecr.us-east-1.amazonaws.com/app:v1", "not an ECR registry"),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com:5000/app:v1", "not an ECR"),
]


@pytest.mark.parametrize(("text", "words"), INVALID)
def test_parse_rejects_names_ecr_would_reject(text: str, words: str) -> None:
    """An invalid reference raises InvalidImageReferenceError saying what is wrong."""
    with pytest.raises(InvalidImageReferenceError) as caught:
        ImageRef.parse(text)

    assert words in str(caught.value)
    assert caught.value.text == text


def test_invalid_reference_is_a_value_error() -> None:
    """Callers that catch ValueError also catch a bad image reference."""
    with pytest.raises(ValueError, match="invalid image reference"):
        ImageRef.parse("UPPER:v1")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"repository": "app"}, "name a tag"),
        ({"repository": "app", "tag": "v1", "registry_id": "42"}, "12-digit"),
        ({"repository": "app", "tag": "v1", "region": "mars"}, "region"),
    ],
)
def test_constructor_validates_like_parse(kwargs: dict[str, str], words: str) -> None:
    """Building an ImageRef directly applies the same checks as parsing one."""
    with pytest.raises(InvalidImageReferenceError, match=words):
        ImageRef(**kwargs)


@pytest.mark.parametrize(
    ("text", "image_id"),
    [
        ("app:v1", {"imageTag": "v1"}),
        (f"app@{DIGEST}", {"imageDigest": DIGEST}),
        (f"app:v1@{DIGEST}", {"imageDigest": DIGEST}),
    ],
)
def test_image_id_names_the_digest_when_there_is_one(
    text: str, image_id: dict[str, str]
) -> None:
    """The imageId sent to ECR is the digest when given, else the tag, as for Docker.

    ECR answers "not found" for a tag and digest that no longer match, where Docker
    pulls `repo:tag@digest` by its digest alone.
    """
    assert ImageRef.parse(text).image_id() == image_id


@pytest.mark.parametrize(
    "text",
    [
        "app:v1",
        f"team/app@{DIGEST}",
        f"app:v1@{DIGEST}",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:tag",
    ],
)
def test_str_round_trips(text: str) -> None:
    """str() gives back the reference as written, registry host included."""
    assert str(ImageRef.parse(text)) == text
