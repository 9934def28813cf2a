"""The benchmarks still run, so `make bench` cannot rot between releases."""

import pytest

from benchmarks import __main__ as runner
from benchmarks import bench_evaluate, bench_stack


def test_runner_discovers_every_benchmark_module() -> None:
    """`python -m benchmarks` finds each bench_* module of the folder."""
    assert runner._discover() == [
        "bench_emulator",
        "bench_evaluate",
        "bench_provider_calls",
        "bench_restore",
        "bench_stack",
    ]


def test_stack_benchmark_counts_the_resources_it_builds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A small stack benchmark runs and reports the component-to-hand ratio."""
    monkeypatch.setattr(bench_stack, "REPOSITORIES", 3)
    monkeypatch.setattr(bench_stack, "ROUNDS", 1)

    bench_stack.main()

    assert "ratio component / by hand:" in capsys.readouterr().out


def test_evaluate_benchmark_reports_throughput(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A small evaluation benchmark runs and prints images per second."""
    monkeypatch.setattr(bench_evaluate, "IMAGES", 500)
    monkeypatch.setattr(bench_evaluate, "DAILY_REFERENCE_IMAGES", 50)
    monkeypatch.setattr(bench_evaluate, "PROJECTION_DAYS", 30)
    monkeypatch.setattr(bench_evaluate, "RUNS", 1)

    bench_evaluate.main()

    assert "images/s" in capsys.readouterr().out
