"""The one error this package raises, and the problems it carries.

    ValueError
     └── PolicyError          a lifecycle policy (or an argument building one) that ECR
                              would reject; `.problems` lists every problem found

A `Problem` names the rule (its `rulePriority` and `description`, when the document
has them), the field as a JSON path such as `rules[1].selection.countNumber` (indices
count from 0 in the order the rules were given), and a message that says what is wrong
and what to write instead.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One reason ECR would reject a lifecycle policy."""

    priority: int | None
    """The `rulePriority` of the rule at fault, if it has a usable one."""

    description: str | None
    """The `description` of the rule at fault, if it has one."""

    field: str
    """The JSON path of the offending field, such as `rules[0].action.type`."""

    message: str
    """What is wrong and what to write instead."""

    def __str__(self) -> str:
        rule = ""
        if self.priority is not None:
            rule = f"rule {self.priority}"
        if self.description is not None:
            rule = f"{rule} ({self.description!r})".lstrip()

        where = f"{rule}, {self.field}" if rule else self.field

        return f"{where}: {self.message}"


class PolicyError(ValueError):
    """A lifecycle policy that ECR would reject; `problems` lists all of its faults."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} in the lifecycle policy:"]
        lines.extend(f"- {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))
