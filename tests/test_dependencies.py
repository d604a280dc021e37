"""Declared and pinned dependencies: what the package imports is declared with bounds, and
constraints.txt (what scripts/setup.sh installs) pins versions within those bounds — and
is what this environment runs."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def requirements(extra: str | None = None) -> dict[str, Requirement]:
    items = PROJECT["optional-dependencies"][extra] if extra else PROJECT["dependencies"]
    return {canonicalize_name(r.name): r for r in map(Requirement, items)}


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            found[canonicalize_name(name)] = pinned.strip()
    return found


def test_every_dependency_has_a_lower_and_an_upper_bound() -> None:
    for name, req in {**requirements(), **requirements("test")}.items():
        operators = {spec.operator for spec in req.specifier}
        assert operators & {">=", "~=", "=="} and operators & {"<", "~=", "=="}, name


def test_constraints_pin_every_dependency_within_its_bounds() -> None:
    pinned = pins()
    for name, req in {**requirements(), **requirements("test")}.items():
        assert name in pinned, f"{name} ontbreekt in constraints.txt (bash scripts/lock)"
        assert req.specifier.contains(pinned[name], prereleases=True), f"{name}=={pinned[name]} vs {req}"


def test_this_environment_runs_the_pinned_versions() -> None:
    """What CI installs is the lock: every pinned package is installed at its pinned version."""
    wrong = {}
    for name, pinned in pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue  # a platform-specific package (none today)
        if installed != pinned:
            wrong[name] = (installed, pinned)
    assert wrong == {}, f"geïnstalleerd ≠ constraints.txt (bash scripts/setup.sh): {wrong}"


def test_what_the_package_imports_is_declared() -> None:
    """Every third-party module imported by briefing/ belongs to a declared dependency."""
    declared = set(requirements())
    distributions = packages_distributions()
    missing = set()
    for path in (ROOT / "briefing").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top == "briefing" or top in sys.stdlib_module_names:
                    continue
                owners = {canonicalize_name(d) for d in distributions.get(top, [top])}
                if not owners & declared:
                    missing.add(f"{top} ({path.relative_to(ROOT)})")
    assert missing == set()


def test_setup_installs_with_the_constraints() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert re.search(r"pip install .*-c constraints\.txt", setup)
