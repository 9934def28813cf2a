"""The README's runnable examples still run."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_emulator_example_runs_as_written() -> None:
    """The local endpoint example archives, restores and sees the image ACTIVE."""
    (block,) = [b for b in _python_blocks() if "import emulator" in b]

    exec(compile(block, str(README), "exec"), {"__name__": "readme"})


def test_every_python_example_compiles_and_imports_what_it_uses() -> None:
    """No example names a module it does not import."""
    for block in _python_blocks():
        compile(block, str(README), "exec")
        for module in ("pulumi", "boto3", "aws"):
            if re.search(rf"\b{module}\.", block):
                assert re.search(rf"import {module}\b|as {module}\b", block), block
