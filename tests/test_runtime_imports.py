"""The installed packages import with their runtime dependencies only."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Type stubs, test tools and the emulator's server are extras: a program that
# uses the components must not need them.
_BLOCKER = """
import importlib.abc, sys

class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError("blocked in this test: " + name)
        return None

sys.meta_path.insert(0, Blocked())
import importlib
for module in {modules!r}:
    importlib.import_module(module)
print("ok")
"""

LIBRARY_MODULES = [
    "policies",
    "components",
    "components._archive_purge",
    "components._image_storage_class_provider",
    "ecr_archive",
    "ecr_archive.cli",
    "ecr_archive.iam",
    "ecr_archive.plan",
]
EXTRAS = [
    "mypy_boto3_ecr",
    "mypy_boto3_sts",
    "botocore_stubs",
    "boto3_stubs",
    "pytest",
    "syrupy",
    "moto",
]


def test_library_imports_without_stubs_test_tools_or_moto() -> None:
    """Every library module imports with only pulumi, pulumi-aws and boto3."""
    code = _BLOCKER.format(blocked=set(EXTRAS), modules=LIBRARY_MODULES)

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
