"""What the `ArchivedRepository` component costs a program, against hand-written code.

Builds a stack of 200 repositories under Pulumi mocks two ways: with the component
(arguments checked, policy built by `policies`, a component resource around the
repository, its policy and its archive purge), and by hand (`aws.ecr.Repository` +
`aws.ecr.LifecyclePolicy` with the same settings and a literal JSON policy). Each way
runs three times, alternating, in one process; the medians' ratio is printed.
Absolute times depend on the machine and are printed only as context.
"""

import statistics
import time
from collections.abc import Callable

import pulumi_aws as aws

from components import ArchivedRepository
from policies import archive_then_expire
from tests.support.mocks import pulumi_mocks

REPOSITORIES = 200
ROUNDS = 3
# The component registers itself, the repository, its lifecycle policy and the
# purge that empties the archive on a force-deleting destroy.
PER_COMPONENT = 4
PER_HAND = 2
POLICY_JSON = archive_then_expire().to_json()


def _with_component() -> None:
    for index in range(REPOSITORIES):
        ArchivedRepository(f"service-{index}")


def _by_hand() -> None:
    for index in range(REPOSITORIES):
        name = f"service-{index}"
        repository = aws.ecr.Repository(
            name,
            name=name,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[{"encryption_type": "AES256"}],
            force_delete=False,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle", repository=repository.name, policy=POLICY_JSON
        )


def _seconds(program: Callable[[], None]) -> float:
    with pulumi_mocks() as harness:
        started = time.perf_counter()
        harness.run(program)
        elapsed = time.perf_counter() - started
        registered = len(harness.registrations())

    expected = REPOSITORIES * (
        PER_COMPONENT if program is _with_component else PER_HAND
    )
    if registered != expected:
        message = f"registered {registered} resources, expected {expected}"
        raise RuntimeError(message)

    return elapsed


def main() -> None:
    """Print the wall-time ratio of the component to hand-written resources."""
    component: list[float] = []
    hand: list[float] = []
    for _ in range(ROUNDS):
        component.append(_seconds(_with_component))
        hand.append(_seconds(_by_hand))

    with_component = statistics.median(component)
    by_hand = statistics.median(hand)
    print(
        f"{REPOSITORIES} repositories under mocks, median of {ROUNDS}: "
        f"component {with_component:.2f} s, by hand {by_hand:.2f} s"
    )
    print(f"ratio component / by hand: {with_component / by_hand:.2f}")


if __name__ == "__main__":
    main()
