"""ArchivedRepository under Pulumi mocks: resource graph, defaults, inputs, outputs."""

import json
from typing import Any

import pulumi
import pytest
from syrupy.assertion import SnapshotAssertion

import components
from components import ArchivedRepository, ArchivedRepositoryArgs
from policies import LifecyclePolicy, Rule, archive_then_expire
from tests.support.mocks import (
    ACCOUNT_ID,
    COMPONENT,
    LIFECYCLE,
    PURGE,
    REPOSITORY,
    PulumiHarness,
)

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _graph_without_policy_text(
    harness: PulumiHarness, expected_policy: LifecyclePolicy
) -> list[dict[str, Any]]:
    # The policy text belongs to `policies` and is compared in full here; the
    # snapshot keeps the shape of the graph.
    graph = harness.graph()
    for node in graph:
        if node["type"] == LIFECYCLE:
            assert node["inputs"]["policy"] == expected_policy.to_json()
            node["inputs"]["policy"] = "<policy compared above>"

    return graph


def test_default_graph_matches_snapshot(
    harness: PulumiHarness, snapshot: SnapshotAssertion
) -> None:
    """With no arguments the component registers itself, a repository and a policy."""
    harness.run(lambda: ArchivedRepository("api"))

    assert _graph_without_policy_text(harness, archive_then_expire()) == snapshot


def test_full_graph_matches_snapshot(
    harness: PulumiHarness, snapshot: SnapshotAssertion
) -> None:
    """Every repository setting reaches the repository's inputs."""
    args: ArchivedRepositoryArgs = {
        "repository_name": "team/api",
        "archive_after_days": 30,
        "expire_after_days": 180,
        "protected_tags": ["release-*"],
        "expire_untagged_after_days": 7,
        "tag_mutability_exclusions": ["latest", "dev-*"],
        "scan_on_push": False,
        "kms_key_arn": KEY_ARN,
        "force_delete": True,
        "tags": {"team": "web"},
    }
    harness.run(lambda: ArchivedRepository("api", args))

    expected = archive_then_expire(
        30, 180, protected_tags=["release-*"], expire_untagged_after_days=7
    )
    assert _graph_without_policy_text(harness, expected) == snapshot


def test_children_are_named_after_the_component_and_parented_to_it(
    harness: PulumiHarness,
) -> None:
    """The repository is `<name>`, the policy `<name>-lifecycle`, both under it."""
    harness.run(lambda: ArchivedRepository("billing/api"))

    component = harness.find(COMPONENT, "billing/api")
    repository = harness.find(REPOSITORY, "billing/api")
    lifecycle = harness.find(LIFECYCLE, "billing/api-lifecycle")
    assert component.custom is False
    assert repository.parent == component.key()
    assert lifecycle.parent == component.key()
    assert lifecycle.inputs["repository"] == "billing/api"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("imageTagMutability", "IMMUTABLE"),
        ("imageScanningConfiguration", {"scanOnPush": True}),
        ("encryptionConfigurations", [{"encryptionType": "AES256"}]),
        ("forceDelete", False),
        ("name", "api"),
    ],
)
def test_repository_defaults_are_secure(
    harness: PulumiHarness, field: str, expected: object
) -> None:
    """Tags immutable, scan on push, AES256 and no force delete unless asked."""
    harness.run(lambda: ArchivedRepository("api"))

    assert harness.find(REPOSITORY, "api").inputs[field] == expected


def test_kms_key_switches_encryption_to_kms(harness: PulumiHarness) -> None:
    """Giving a key ARN encrypts with that key instead of AES256."""
    harness.run(lambda: ArchivedRepository("api", {"kms_key_arn": KEY_ARN}))

    encryption = harness.find(REPOSITORY, "api").inputs["encryptionConfigurations"]
    assert encryption == [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]


@pytest.mark.parametrize(
    ("base", "exclusions", "mutability"),
    [
        ("IMMUTABLE", [], "IMMUTABLE"),
        ("IMMUTABLE", ["latest"], "IMMUTABLE_WITH_EXCLUSION"),
        ("MUTABLE", [], "MUTABLE"),
        ("MUTABLE", ["release-*"], "MUTABLE_WITH_EXCLUSION"),
    ],
)
def test_exclusions_select_the_with_exclusion_mutability(
    harness: PulumiHarness, base: str, exclusions: list[str], mutability: str
) -> None:
    """Exclusion filters turn the base mutability into its `_WITH_EXCLUSION` form."""
    args: Any = {"image_tag_mutability": base, "tag_mutability_exclusions": exclusions}
    harness.run(lambda: ArchivedRepository("api", args))

    inputs = harness.find(REPOSITORY, "api").inputs
    assert inputs["imageTagMutability"] == mutability
    filters = inputs.get("imageTagMutabilityExclusionFilters", [])
    assert filters == [{"filter": f, "filterType": "WILDCARD"} for f in exclusions]


def test_outputs_resolve_to_the_repository_and_policy(
    harness: PulumiHarness,
) -> None:
    """The typed outputs carry the repository's name, URL, ARN, registry and policy."""
    repository = harness.run(lambda: ArchivedRepository("api"))

    assert harness.resolve(repository.repository_name) == "api"
    assert (
        harness.resolve(repository.repository_url)
        == f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/api"
    )
    assert (
        harness.resolve(repository.repository_arn)
        == f"arn:aws:ecr:us-east-1:{ACCOUNT_ID}:repository/api"
    )
    assert harness.resolve(repository.registry_id) == ACCOUNT_ID
    assert harness.resolve(repository.lifecycle_policy) == (
        archive_then_expire().to_json()
    )


def test_repository_name_overrides_the_resource_name(harness: PulumiHarness) -> None:
    """`repository_name` names the ECR repository; the resources keep their names."""
    repository = harness.run(
        lambda: ArchivedRepository("api-copy", {"repository_name": "shop/api"})
    )

    assert harness.find(REPOSITORY, "api-copy").inputs["name"] == "shop/api"
    assert harness.find(LIFECYCLE, "api-copy-lifecycle").inputs["repository"] == (
        "shop/api"
    )
    assert harness.resolve(repository.repository_name) == "shop/api"


def test_whole_policy_object_is_used_as_given(harness: PulumiHarness) -> None:
    """A `LifecyclePolicy` passed whole becomes the policy text unchanged."""
    policy = archive_then_expire(14, 90, protected_tags=["prod-*"])
    repository = harness.run(
        lambda: ArchivedRepository("api", {"lifecycle_policy": policy})
    )

    assert harness.resolve(repository.lifecycle_policy) == policy.to_json()


def test_whole_policy_json_is_validated_and_normalised(harness: PulumiHarness) -> None:
    """JSON text is validated and emitted deterministically, rules sorted."""
    policy = archive_then_expire(14, 90)
    document = json.loads(policy.to_json())
    document["rules"].reverse()
    repository = harness.run(
        lambda: ArchivedRepository("api", {"lifecycle_policy": json.dumps(document)})
    )

    assert harness.resolve(repository.lifecycle_policy) == policy.to_json()


PULL_REQUEST_RULE = {
    "description": "Keep the last 5 pull-request images",
    "selection": {
        "tagStatus": "tagged",
        "tagPatternList": ["pr-*"],
        "countType": "imageCountMoreThan",
        "countNumber": 5,
    },
    "action": {"type": "expire"},
}


@pytest.mark.parametrize("form", ["rule", "json object"])
def test_extra_rules_join_the_generated_policy(
    harness: PulumiHarness, form: str
) -> None:
    """An extra rule, as `Rule` or as its JSON object, is passed to the policy."""
    rule = Rule.from_dict(PULL_REQUEST_RULE)
    given = rule if form == "rule" else PULL_REQUEST_RULE
    repository = harness.run(
        lambda: ArchivedRepository("api", {"extra_rules": [given]})
    )

    expected = archive_then_expire(extra_rules=[rule]).to_json()
    assert harness.resolve(repository.lifecycle_policy) == expected
    assert "pr-*" in expected


def test_public_surface_exports_the_component() -> None:
    """`components` re-exports the component, its args type and the exclusions."""
    for name in ("ArchivedRepository", "ArchivedRepositoryArgs"):
        assert name in components.__all__
    assert "pull_time_update_exclusions" in components.__all__
    assert components.ArchivedRepository is ArchivedRepository


@pytest.mark.parametrize("force_delete", [True, False])
def test_purge_child_records_force_delete_and_the_repository_arn(
    harness: PulumiHarness, force_delete: bool
) -> None:
    """The purge is a child in both modes, carrying force_delete and the ARN."""
    harness.run(lambda: ArchivedRepository("api", {"force_delete": force_delete}))

    purge = harness.find(PURGE, "api-archive-purge")
    assert purge.parent == harness.find(COMPONENT, "api").key()
    assert purge.inputs == {
        "force_delete": force_delete,
        "repository_arn": f"arn:aws:ecr:us-east-1:{ACCOUNT_ID}:repository/api",
    }
    assert harness.find(REPOSITORY, "api").inputs["forceDelete"] is force_delete


def test_purge_depends_on_the_repository(harness: PulumiHarness) -> None:
    """The purge is registered with `depends_on` the repository, so it goes first."""
    depends_on: dict[str, object] = {}

    def record(
        args: pulumi.ResourceTransformationArgs,
    ) -> pulumi.ResourceTransformationResult | None:
        depends_on[args.type_] = args.opts.depends_on
        return None

    component = harness.run(
        lambda: ArchivedRepository(
            "api", None, pulumi.ResourceOptions(transformations=[record])
        )
    )

    assert depends_on[PURGE] == [component.repository]
    assert depends_on[REPOSITORY] == []
