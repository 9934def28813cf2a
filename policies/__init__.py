"""ECR lifecycle policies as typed, validated Python.

This package imports neither Pulumi nor boto3, so a policy can be built, checked and
evaluated anywhere.
"""

from policies._archive_then_expire import archive_then_expire
from policies._enums import ActionType, CountType, CountUnit, StorageClass, TagStatus
from policies._errors import PolicyError, Problem
from policies._evaluate import evaluate
from policies._model import Action, LifecyclePolicy, Rule, Selection
from policies._prices import Prices
from policies._projection import MonthCost, ProjectedAction, Projection, project
from policies._validate import validate_policy

__all__ = [
    "Action",
    "ActionType",
    "CountType",
    "CountUnit",
    "LifecyclePolicy",
    "MonthCost",
    "PolicyError",
    "Prices",
    "Problem",
    "ProjectedAction",
    "Projection",
    "Rule",
    "Selection",
    "StorageClass",
    "TagStatus",
    "archive_then_expire",
    "evaluate",
    "project",
    "validate_policy",
]
