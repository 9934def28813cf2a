"""`check` of ImageStorageClass: bad input is refused before any call to ECR."""

from typing import Any

import pytest
from pulumi.runtime import rpc

from components import ImageStorageClassProvider
from components._aws_provider import is_unknown
from components._image_storage_class_inputs import check_inputs
from tests.support.servicer import UNKNOWN, InProcessServicer, ProviderDriver

DIGEST = "sha256:" + "a" * 64
GOOD: dict[str, Any] = {"repository_name": "team/api", "image_tag": "v1"}


def _check(**overrides: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    news = {**GOOD, "storage_class": "ARCHIVE", **overrides}

    return check_inputs({k: v for k, v in news.items() if v is not ...})


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("ARCHIVE", "ARCHIVE"),
        ("archive", "ARCHIVE"),
        ("Standard", "STANDARD"),
        (" standard ", "STANDARD"),
    ],
)
def test_storage_class_is_normalised_to_upper_case(written: str, stored: str) -> None:
    """Any case of ARCHIVE or STANDARD is accepted and stored upper case."""
    inputs, failures = _check(storage_class=written)

    assert failures == []
    assert inputs["storage_class"] == stored


def test_defaults_are_filled_in() -> None:
    """Omitted settings get their documented defaults, so diffs compare them."""
    inputs, failures = _check()

    assert failures == []
    assert inputs == {
        "repository_name": "team/api",
        "registry_id": None,
        "image_tag": "v1",
        "image_digest": None,
        "storage_class": "ARCHIVE",
        "wait_for_active": True,
        "timeout_seconds": 1800.0,
        "on_delete": "leave",
    }


def test_output_names_in_the_property_bag_are_dropped() -> None:
    """The None-seeded outputs the Resource passes are not stored as inputs."""
    inputs, failures = _check(image_status=None, image_tags=None)

    assert failures == []
    assert "image_status" not in inputs
    assert "image_tags" not in inputs


# (overrides, failing property, words the reason must contain)
BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    ({"storage_class": "GLACIER"}, "storage_class", "ARCHIVE"),
    ({"storage_class": "INFREQUENT"}, "storage_class", "STANDARD"),
    ({"storage_class": ...}, "storage_class", "required"),
    ({"storage_class": 3.0}, "storage_class", "string"),
    ({"image_digest": DIGEST}, "image_tag", "both"),
    ({"image_tag": ...}, "image_tag", "neither"),
    ({"image_tag": None}, "image_tag", "neither"),
    ({"image_tag": ..., "image_digest": "sha256:abc"}, "image_digest", "64"),
    ({"image_tag": ..., "image_digest": "md5:" + "a" * 64}, "image_digest", "sha256"),
    ({"image_tag": ..., "image_digest": "sha256:" + "A" * 64}, "image_digest", "hex"),
    ({"image_tag": "-v1"}, "image_tag", "not valid"),
    ({"image_tag": "v 1"}, "image_tag", "not valid"),
    # ImageTag in the ECR service model: 1 to 300 characters.
    ({"image_tag": "v" * 301}, "image_tag", "300"),
    ({"repository_name": "Team/API"}, "repository_name", "lower case"),
    ({"repository_name": "a"}, "repository_name", "2 to 256"),
    ({"repository_name": "a" * 257}, "repository_name", "2 to 256"),
    ({"repository_name": "team//api"}, "repository_name", "not valid"),
    ({"repository_name": "-team"}, "repository_name", "not valid"),
    ({"repository_name": ...}, "repository_name", "required"),
    ({"registry_id": "12345"}, "registry_id", "12 digits"),
    ({"timeout_seconds": 0.0}, "timeout_seconds", "1 to 43200"),
    ({"timeout_seconds": -5.0}, "timeout_seconds", "out of range"),
    ({"timeout_seconds": 50000.0}, "timeout_seconds", "out of range"),
    ({"timeout_seconds": "600"}, "timeout_seconds", "number"),
    ({"timeout_seconds": True}, "timeout_seconds", "number"),
    ({"timeout_seconds": float("nan")}, "timeout_seconds", "number"),
    ({"on_delete": "delete"}, "on_delete", "leave"),
    ({"on_delete": "archive"}, "on_delete", "restore"),
    ({"wait_for_active": "yes"}, "wait_for_active", "true or false"),
    ({"storage_clas": "ARCHIVE"}, "storage_clas", "not an input"),
]


@pytest.mark.parametrize(("overrides", "prop", "words"), BAD_INPUT)
def test_bad_input_fails_naming_the_property_and_the_fix(
    overrides: dict[str, Any], prop: str, words: str
) -> None:
    """Each kind of bad input gives exactly one failure on the right property."""
    _inputs, failures = _check(**overrides)

    assert [name for name, _ in failures] == [prop]
    assert words in failures[0][1]


@pytest.mark.parametrize(
    ("overrides", "key", "stored"),
    [
        ({"timeout_seconds": 2.0}, "timeout_seconds", 2.0),
        ({"timeout_seconds": 600}, "timeout_seconds", 600.0),
        ({"on_delete": "RESTORE"}, "on_delete", "restore"),
        ({"wait_for_active": False}, "wait_for_active", False),
        ({"registry_id": "123456789012"}, "registry_id", "123456789012"),
        ({"image_tag": ..., "image_digest": DIGEST}, "image_digest", DIGEST),
        ({"image_tag": "v" * 300}, "image_tag", "v" * 300),
        ({"repository_name": "a" * 256}, "repository_name", "a" * 256),
    ],
)
def test_good_settings_are_accepted(
    overrides: dict[str, Any], key: str, stored: Any
) -> None:
    """Valid values at the documented limits pass and are stored normalised."""
    inputs, failures = _check(**overrides)

    assert failures == []
    assert inputs[key] == stored


def test_unknown_values_pass_unchecked() -> None:
    """Values another resource will only produce later do not fail a preview."""
    inputs, failures = _check(repository_name=rpc.UNKNOWN, image_tag=rpc.UNKNOWN)

    assert failures == []
    assert inputs["repository_name"] == rpc.UNKNOWN
    assert inputs["image_tag"] == rpc.UNKNOWN


def test_every_problem_is_reported_at_once() -> None:
    """Several bad properties give one failure each, in one check."""
    _inputs, failures = _check(storage_class="cold", on_delete="x", registry_id="1")

    assert sorted(name for name, _ in failures) == [
        "on_delete",
        "registry_id",
        "storage_class",
    ]


def test_check_failures_travel_through_the_servicer() -> None:
    """The servicer returns check failures to the engine, numbers arriving as floats."""
    driver = ProviderDriver(InProcessServicer(), ImageStorageClassProvider())
    driver.configure({})

    outcome = driver.check({}, {**GOOD, "storage_class": "cold", "timeout_seconds": 60})

    assert [name for name, _ in outcome.failures] == ["storage_class"]
    assert outcome.inputs["timeout_seconds"] == 60.0


def test_unknown_values_in_a_preview_pass_the_servicer_check() -> None:
    """Values unknown in a preview reach check as Unknown and are not failures."""
    driver = ProviderDriver(InProcessServicer(), ImageStorageClassProvider())
    driver.configure({})

    outcome = driver.check(
        {},
        {"repository_name": UNKNOWN, "image_tag": UNKNOWN, "storage_class": "archive"},
    )

    assert outcome.failures == ()
    assert outcome.inputs["storage_class"] == "ARCHIVE"
    assert is_unknown(outcome.inputs["repository_name"])
