"""Lifecycle policies in the emulator: checking the text ECR would accept.

Validation is delegated to `policies.validate_policy`, the same rules the project's
policy builder enforces, and a rejection is translated into ECR's error: an
`InvalidParameterException` whose message names `LifecyclePolicyText` and lists
every problem found.
"""

from moto.ecr.exceptions import InvalidParameterException

from policies import LifecyclePolicy, PolicyError, validate_policy


def policy_rejection(reason: str) -> InvalidParameterException:
    """Return the error ECR answers for a lifecycle policy it rejects."""
    return InvalidParameterException(
        "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
        f"'Lifecycle policy validation failure: {reason}'"
    )


def check_policy_text(text: object) -> LifecyclePolicy:
    """Return the parsed policy for `text`, or raise InvalidParameterException.

    The text must be 100 to 30,720 characters of JSON that ECR accepts, archive
    fields included.
    """
    if not isinstance(text, str):
        raise policy_rejection("the policy text must be a string")
    try:
        return validate_policy(text)
    except PolicyError as exc:
        problems = "; ".join(str(problem) for problem in exc.problems)
        raise policy_rejection(problems) from exc
