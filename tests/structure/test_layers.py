"""The packages form layers that point one way: each imports only the ones below it.

From the bottom up: policy (the 2119 rules, their errors, the per-year parameters), ledger,
notifications (the outbox), then the apps in LAYERS' order, and leave_tracker on top, which
wires the apps together and is imported by none of them. Read from the source with `ast`, so an
import inside a function counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    "policy",
    "ledger",
    "notifications",
    "accounts",
    "agencies",
    "identity",
    "hours",
    "accounting",
    "confirmations",
    "reports",
    "web",
    "reminders",
    "bench",
    "demo",
    "leave_tracker",
]
RANK = {name: rank for rank, name in enumerate(LAYERS)}


def imports_of(path: Path, package: str) -> set[str]:
    """The program's packages that one module imports (relative imports resolve to its own)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [package] if node.level else [node.module or ""]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in RANK)
    return found


def modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield package, path


def upward_imports() -> list[str]:
    wrong = []
    for package, path in modules():
        for imported in imports_of(path, package):
            if RANK[imported] > RANK[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {imported}")
    return wrong


def test_no_package_imports_one_above_it():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: a policy module importing hours is caught."""
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "bad.py").write_text("from hours.models import LeaveRequest\n")
    for package in LAYERS[1:]:
        (tmp_path / package).mkdir()
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert upward_imports() == ["policy/bad.py imports hours"]


@pytest.mark.parametrize("package", LAYERS)
def test_every_layer_is_a_package_of_the_program(package):
    assert (ROOT / package / "__init__.py").exists()
