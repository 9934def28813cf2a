"""How the ECR emulator's costs grow: start/stop, reads by inventory size, lifecycle.

Figures are ratios within one run (absolute times on shared machines are noise),
except the start/stop time, which tests bound and the README quotes.
"""

import statistics
import time
from collections.abc import Callable
from datetime import timedelta

import boto3
from botocore.config import Config
from mypy_boto3_ecr import ECRClient

from emulator import Emulator, serve
from policies import archive_then_expire

REPOSITORY = "bench"


def _timed(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)

    return statistics.median(samples)


def _client(ecr: Emulator) -> ECRClient:
    return boto3.client(
        "ecr",
        endpoint_url=ecr.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"mode": "standard"}),
    )


def _start_stop() -> None:
    def cycle() -> None:
        with serve():
            pass

    print(f"serve() start+stop, median of 20: {_timed(cycle, 20) * 1000:.1f} ms")


def _reads() -> None:
    with serve() as ecr:
        client = _client(ecr)
        figures = {}
        for count in (10, 1000):
            ecr.reset()
            for number in range(count):
                ecr.push_image(REPOSITORY, f"v{number}", size=1)

            def describe_all() -> None:
                paginator = client.get_paginator("describe_images")
                for _ in paginator.paginate(
                    repositoryName=REPOSITORY, filter={"imageStatus": "ANY"}
                ):
                    pass

            figures[count] = _timed(describe_all, 5)
    ratio = figures[1000] / figures[10]
    print(f"DescribeImages (all pages), 1000 vs 10 images: {ratio:.1f}x")


def _lifecycle() -> None:
    policy = archive_then_expire(90, 365).to_json()
    with serve() as ecr:
        client = _client(ecr)
        figures = {}
        for with_policy in (False, True):
            ecr.reset()
            for number in range(100):
                ecr.push_image(REPOSITORY, f"v{number}", size=1)
            if with_policy:
                client.put_lifecycle_policy(
                    repositoryName=REPOSITORY, lifecyclePolicyText=policy
                )
            started = time.perf_counter()
            ecr.advance(timedelta(days=365))
            figures[with_policy] = time.perf_counter() - started
    print(
        "advance(365 days) over 100 images, one evaluation a day: "
        f"{figures[True] * 1000:.0f} ms with a policy, "
        f"{figures[True] / max(figures[False], 1e-6):.0f}x the time without"
    )


def main() -> None:
    """Print the emulator's figures."""
    _start_stop()
    _reads()
    _lifecycle()


if __name__ == "__main__":
    main()
