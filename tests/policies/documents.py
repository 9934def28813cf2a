"""Policy documents for the validation tests: the AWS examples and small builders.

The examples follow the policies printed in the ECR user guide
(lifecycle_policy_examples.html) and in the archive lab; `...` as a keyword value of
`rule` drops that key from the default selection.
"""

import copy
from typing import Any

from policies import PolicyError, validate_policy

Document = dict[str, Any]


def rule(
    priority: int = 1,
    *,
    description: str | None = None,
    action: dict[str, Any] | None = None,
    **selection: Any,
) -> Document:
    """One rule; the selection defaults to tagged `prod*` images older than 14 days."""
    chosen: dict[str, Any] = {
        "tagStatus": "tagged",
        "tagPatternList": ["prod*"],
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 14,
    }
    chosen.update(selection)
    result: Document = {"rulePriority": priority}
    if description is not None:
        result["description"] = description
    result["selection"] = {
        key: value for key, value in chosen.items() if value is not ...
    }
    result["action"] = action if action is not None else {"type": "expire"}

    return result


def policy(*rules: Document) -> Document:
    """A policy document holding the given rules."""
    return {"rules": [copy.deepcopy(entry) for entry in rules]}


def problem_fields(document: object) -> list[str]:
    """The fields of every problem validate_policy reports; empty when it accepts."""
    try:
        validate_policy(document)  # type: ignore[arg-type]
    except PolicyError as error:
        return [problem.field for problem in error.problems]

    return []


TRANSITION = {"type": "transition", "targetStorageClass": "archive"}
EXPIRE = {"type": "expire"}

# lifecycle_policy_examples.html, "Filtering on image age".
AWS_IMAGE_AGE = policy(
    rule(1, description="Expire images older than 14 days"),
)

# lifecycle_policy_examples.html, "Filtering on image count".
AWS_IMAGE_COUNT = policy(
    rule(
        1,
        description="Keep only one image, expire all others",
        tagPatternList=["prod*"],
        countType="imageCountMoreThan",
        countUnit=...,
        countNumber=1,
    ),
)

# lifecycle_policy_examples.html, "Filtering on multiple rules".
AWS_MULTIPLE_RULES = policy(
    rule(
        1,
        description="Rule 1",
        tagPatternList=["prod*"],
        countType="imageCountMoreThan",
        countUnit=...,
        countNumber=1,
    ),
    rule(
        2,
        description="Rule 2",
        tagStatus="any",
        tagPatternList=...,
        countType="imageCountMoreThan",
        countUnit=...,
        countNumber=1,
    ),
)

# lifecycle_policy_examples.html, "Filtering on multiple tags in a single rule".
AWS_MULTIPLE_TAGS = policy(
    rule(
        1,
        description="Rule 1",
        tagPatternList=["alpha*", "beta*"],
        countType="sinceImagePushed",
        countNumber=5,
    ),
)

# lifecycle_policy_examples.html, "Filtering on all images".
AWS_ALL_IMAGES = policy(
    rule(
        1,
        description="Rule 1",
        tagStatus="untagged",
        tagPatternList=...,
        countType="imageCountMoreThan",
        countUnit=...,
        countNumber=1,
    ),
    rule(
        2,
        description="Rule 2",
        tagStatus="tagged",
        tagPatternList=...,
        tagPrefixList=["alpha"],
        countType="imageCountMoreThan",
        countUnit=...,
        countNumber=1,
    ),
    rule(
        3,
        description="Rule 3",
        tagStatus="any",
        tagPatternList=...,
        countType="imageCountMoreThan",
        countUnit=...,
        countNumber=1,
    ),
)

# The archive lab, step 5 (also AWS's own two-stage example): archive after 90 days
# without a pull, delete 365 days after archiving.
LAB_ARCHIVE_THEN_EXPIRE = policy(
    rule(
        1,
        description="Archive images not pulled in 90 days",
        tagStatus="any",
        tagPatternList=...,
        countType="sinceImagePulled",
        countNumber=90,
        action=TRANSITION,
    ),
    rule(
        2,
        description="Expire archived images after 365 days",
        tagStatus="any",
        tagPatternList=...,
        storageClass="archive",
        countType="sinceImageTransitioned",
        countNumber=365,
        action=EXPIRE,
    ),
)

AWS_EXAMPLES = {
    "image age": AWS_IMAGE_AGE,
    "image count": AWS_IMAGE_COUNT,
    "multiple rules": AWS_MULTIPLE_RULES,
    "multiple tags in one rule": AWS_MULTIPLE_TAGS,
    "all images": AWS_ALL_IMAGES,
    "archive then expire (lab)": LAB_ARCHIVE_THEN_EXPIRE,
}
