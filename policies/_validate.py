"""The entry point for checking a lifecycle policy that arrives as text or data."""

from collections.abc import Mapping
from typing import Any

from policies._errors import PolicyError, Problem
from policies._model import LifecyclePolicy


def validate_policy(document: str | Mapping[str, Any]) -> LifecyclePolicy:
    """Check a lifecycle policy the way ECR's PutLifecyclePolicy would, and parse it.

    `document` is the policy text (as sent in `lifecyclePolicyText`) or its decoded
    JSON object. Returns the policy as a `LifecyclePolicy`; raises `PolicyError`
    listing every problem found, each naming the rule, the field and the fix.

    The 100 to 30,720 character limit is measured on the text itself when a string is
    given, because that is what ECR receives, and on the compact rendering
    (`LifecyclePolicy.to_json()`) when a mapping is given.
    """
    if isinstance(document, str):
        return LifecyclePolicy.from_json(document)
    if isinstance(document, Mapping):
        return LifecyclePolicy.from_dict(document)

    message = f"a policy is JSON text or a mapping, not {type(document).__name__}"
    raise PolicyError([Problem(None, None, "$", message)])
