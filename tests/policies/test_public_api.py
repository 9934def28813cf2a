"""The public surface of `policies`: what `from policies import ...` offers."""

import ast
import subprocess
import sys
import types

import policies

# The names this package's core defines, by the private module that defines them.
CORE = {
    "policies._archive_then_expire": {"archive_then_expire"},
    "policies._enums": {
        "ActionType",
        "CountType",
        "CountUnit",
        "StorageClass",
        "TagStatus",
    },
    "policies._errors": {"PolicyError", "Problem"},
    "policies._model": {"Action", "LifecyclePolicy", "Rule", "Selection"},
    "policies._validate": {"validate_policy"},
}
# Evaluation, projection and prices live in their own modules and re-export from here.
SIBLINGS = {"policies._evaluate", "policies._projection", "policies._prices"}


def _home(name: str) -> str:
    return str(getattr(getattr(policies, name), "__module__", ""))


def test_core_names_are_exported_exactly() -> None:
    """`__all__` holds exactly the core names, plus the siblings' re-exports."""
    core = {name for name in policies.__all__ if _home(name) in CORE}

    assert core == set().union(*CORE.values())
    assert {_home(name) for name in policies.__all__} <= set(CORE) | SIBLINGS


def test_each_core_name_comes_from_its_module() -> None:
    """Every core name is re-exported from the module that defines it."""
    for module, names in CORE.items():
        for name in names:
            assert _home(name) == module, name


def test_public_attributes_are_all_listed() -> None:
    """Nothing public is importable from `policies` without being in `__all__`."""
    public = {
        name
        for name, value in vars(policies).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }

    assert public == set(policies.__all__)


def test_all_is_sorted_for_easy_edits() -> None:
    """`__all__` is kept sorted, so adding a re-export is a one-line change."""
    assert list(policies.__all__) == sorted(policies.__all__)


def test_importing_the_package_loads_neither_pulumi_nor_boto3() -> None:
    """The policies package can be used where Pulumi and boto3 are not installed."""
    probe = (
        "import sys, policies; "
        "print(sorted({name.split('.')[0] for name in sys.modules}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    loaded = set(ast.literal_eval(result.stdout))
    assert "policies" in loaded
    assert not loaded & {"pulumi", "pulumi_aws", "boto3", "botocore"}
