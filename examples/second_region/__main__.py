"""The same archived repositories in the default region and in a second one.

The default AWS provider (stack config `aws:region`) holds the primary repositories;
an explicit provider for eu-west-1 holds their copies, passed once to each component
through `providers`, which hands it to the component's children. The production
copies are protected from `pulumi destroy` with the `protect` option, and the image
scanner's pulls are excluded from pull-time recording in both regions, since each
region is its own registry.
"""

import pulumi
import pulumi_aws as aws

from components import ArchivedRepository, pull_time_update_exclusions

SECOND_REGION = "eu-west-1"
REPOSITORIES = ("shop/frontend", "shop/checkout")
SCANNER_ROLE = "arn:aws:iam::123456789012:role/image-scanner"

second = aws.Provider("second-region", region=SECOND_REGION)

primary = {name: ArchivedRepository(name) for name in REPOSITORIES}
copies = {
    name: ArchivedRepository(
        f"{name}-{SECOND_REGION}",
        # The same repository name; the two live in different registries.
        {"repository_name": name, "archive_after_days": 30},
        pulumi.ResourceOptions(providers={"aws": second}, protect=True),
    )
    for name in REPOSITORIES
}

pull_time_update_exclusions([SCANNER_ROLE])
pull_time_update_exclusions(
    [SCANNER_ROLE],
    name_prefix=f"pull-time-exclusion-{SECOND_REGION}",
    opts=pulumi.ResourceOptions(provider=second),
)

pulumi.export("primaryUrls", {name: r.repository_url for name, r in primary.items()})
pulumi.export(
    "secondRegionUrls", {name: r.repository_url for name, r in copies.items()}
)
