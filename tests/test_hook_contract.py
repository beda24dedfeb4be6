"""Meta-tests that keep the plugin contract honest: every hook documented and tested."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest

from emploistore import hookspecs

ROOT = Path(__file__).parent.parent
HOOK_DOCS = ROOT / "docs" / "plugins" / "hooks.md"


def hook_names() -> list[str]:
    return sorted(
        name
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "emploistore_spec")
    )


def test_there_are_hooks():
    assert {"register_blueprints", "home_cards", "startup"} <= set(hook_names())


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_documented(name: str):
    headings = {
        line[3:].strip().strip("`")
        for line in HOOK_DOCS.read_text(encoding="utf-8").splitlines()
        if line.startswith("## ")
    }
    assert name in headings, f"docs/plugins/hooks.md has no '## {name}' section"


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_has_a_test(name: str):
    tests = set()
    for path in Path(__file__).parent.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tests |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    assert f"test_{name}" in tests, f"no test named test_{name}"


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_typed_and_explained(name: str):
    function = getattr(hookspecs, name)
    hints = typing.get_type_hints(function)
    assert "return" in hints, f"{name} has no return annotation"
    assert set(inspect.signature(function).parameters) <= set(hints)
    doc = inspect.getdoc(function) or ""
    assert "Called" in doc and "eturn" in doc, f"{name}: say when it is called and what to return"
