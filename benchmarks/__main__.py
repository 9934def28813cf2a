"""Run every `benchmarks/bench_*.py` module, or the ones named on the command line.

Each module has a `main() -> None` that prints its own figures. Timings are reported as
ratios taken in one run, because absolute times on shared machines are noise.
"""

import argparse
import importlib
import pkgutil
from pathlib import Path


def _discover() -> list[str]:
    folder = Path(__file__).parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(folder)])
        if info.name.startswith("bench_")
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="bench_* modules (default: all)")
    names = parser.parse_args().names or _discover()
    for name in names:
        print(f"== {name}")
        module = importlib.import_module(f"benchmarks.{name}")
        module.main()


if __name__ == "__main__":
    main()
