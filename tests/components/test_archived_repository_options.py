"""ArchivedRepository in larger stacks: providers, transforms, aliases, protect."""

import pulumi
import pulumi_aws as aws
import pytest

from components import ArchivedRepository
from tests.support.mocks import (
    ACCOUNT_ID,
    COMPONENT,
    LIFECYCLE,
    PURGE,
    REPOSITORY,
    PulumiHarness,
)


def _children(harness: PulumiHarness, name: str) -> list[str | None]:
    return [
        harness.find(REPOSITORY, name).provider,
        harness.find(LIFECYCLE, f"{name}-lifecycle").provider,
    ]


@pytest.mark.parametrize("option", ["providers_list", "providers_map", "provider"])
def test_explicit_provider_reaches_both_children(
    harness: PulumiHarness, option: str
) -> None:
    """A provider given to the component is the one its children are created with."""
    west = harness.run(lambda: aws.Provider("west", region="us-west-2"))
    opts = {
        "providers_list": pulumi.ResourceOptions(providers=[west]),
        "providers_map": pulumi.ResourceOptions(providers={"aws": west}),
        "provider": pulumi.ResourceOptions(provider=west),
    }[option]
    repository = harness.run(lambda: ArchivedRepository("api", None, opts))

    assert _children(harness, "api") == ["west", "west"]
    assert harness.resolve(repository.repository_url) == (
        f"{ACCOUNT_ID}.dkr.ecr.us-west-2.amazonaws.com/api"
    )


def test_without_a_provider_children_use_the_default(harness: PulumiHarness) -> None:
    """No provider option leaves the children on the stack's default provider."""
    harness.run(lambda: ArchivedRepository("api"))

    assert _children(harness, "api") == [None, None]


def test_two_regions_hold_the_same_repository_name(harness: PulumiHarness) -> None:
    """Two components may create one repository name through two providers."""
    west = harness.run(lambda: aws.Provider("west", region="us-west-2"))
    harness.run(lambda: ArchivedRepository("api"))
    copy = harness.run(
        lambda: ArchivedRepository(
            "api-west",
            {"repository_name": "api"},
            pulumi.ResourceOptions(providers=[west]),
        )
    )

    assert _children(harness, "api-west") == ["west", "west"]
    assert harness.resolve(copy.repository_arn) == (
        f"arn:aws:ecr:us-west-2:{ACCOUNT_ID}:repository/api"
    )


def test_protect_reaches_the_children(harness: PulumiHarness) -> None:
    """`protect` on the component protects the repository and its policy."""
    harness.run(
        lambda: ArchivedRepository("api", None, pulumi.ResourceOptions(protect=True))
    )

    assert harness.find(REPOSITORY, "api").protect
    assert harness.find(LIFECYCLE, "api-lifecycle").protect
    assert harness.find(PURGE, "api-archive-purge").protect


@pytest.mark.parametrize("option", ["providers_map", "provider"])
def test_purge_in_another_region_is_aimed_by_the_repository_arn(
    harness: PulumiHarness, option: str
) -> None:
    """With an explicit AWS provider the purge keeps its own, and the ARN's region."""
    west = harness.run(lambda: aws.Provider("west", region="us-west-2"))
    opts = {
        "providers_map": pulumi.ResourceOptions(providers={"aws": west}),
        "provider": pulumi.ResourceOptions(provider=west),
    }[option]
    harness.run(lambda: ArchivedRepository("api", {"force_delete": True}, opts))

    purge = harness.find(PURGE, "api-archive-purge")
    assert purge.provider is None
    assert purge.inputs["repository_arn"] == (
        f"arn:aws:ecr:us-west-2:{ACCOUNT_ID}:repository/api"
    )


def test_transformations_rewrite_the_children(harness: PulumiHarness) -> None:
    """A transformation on the component runs on each child it creates."""
    seen: list[str] = []

    def tag_everything(
        args: pulumi.ResourceTransformationArgs,
    ) -> pulumi.ResourceTransformationResult | None:
        seen.append(args.type_)
        if args.type_ != REPOSITORY:
            return None
        props = {**args.props, "tags": {"cost-centre": "42"}}
        return pulumi.ResourceTransformationResult(props, args.opts)

    harness.run(
        lambda: ArchivedRepository(
            "api", None, pulumi.ResourceOptions(transformations=[tag_everything])
        )
    )

    assert sorted(seen) == sorted([COMPONENT, REPOSITORY, LIFECYCLE, PURGE])
    assert harness.find(REPOSITORY, "api").inputs["tags"] == {"cost-centre": "42"}


def test_transformation_can_alias_a_repository_moved_into_the_component(
    harness: PulumiHarness,
) -> None:
    """A transformation adds the alias that keeps a formerly top-level repository."""

    def keep_old_urn(
        args: pulumi.ResourceTransformationArgs,
    ) -> pulumi.ResourceTransformationResult | None:
        if args.type_ != REPOSITORY:
            return None
        alias = pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)
        opts = pulumi.ResourceOptions.merge(
            args.opts, pulumi.ResourceOptions(aliases=[alias])
        )
        return pulumi.ResourceTransformationResult(args.props, opts)

    harness.run(
        lambda: ArchivedRepository(
            "api", None, pulumi.ResourceOptions(transformations=[keep_old_urn])
        )
    )

    assert len(harness.find(REPOSITORY, "api").aliases) == 1
    assert harness.find(LIFECYCLE, "api-lifecycle").aliases == ()


def test_transforms_are_sent_with_the_component(harness: PulumiHarness) -> None:
    """`transforms` go to the engine with the component, which applies them below it."""

    def no_change(
        args: pulumi.ResourceTransformArgs,
    ) -> pulumi.ResourceTransformResult | None:
        return None

    harness.run(
        lambda: ArchivedRepository(
            "api", None, pulumi.ResourceOptions(transforms=[no_change])
        )
    )

    assert harness.find(COMPONENT, "api").transforms == 1


def test_aliases_are_sent_with_the_component(harness: PulumiHarness) -> None:
    """A rename alias on the component is registered with it."""
    harness.run(
        lambda: ArchivedRepository(
            "api", None, pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old-api")])
        )
    )

    assert harness.find(COMPONENT, "api").aliases == ("old-api",)
