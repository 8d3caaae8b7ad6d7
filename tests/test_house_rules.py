"""Test modules share helpers through tests/support/ and conftest.py, never by importing one another
(docs/house_rules.md): a test module imported by another would run its module-level code twice and
tie the two together. The package contracts themselves are import-linter's (`make lint`)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at any depth of its code (imports inside functions count)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_imports_of_test_modules_are_found_inside_functions_too(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text("import os\n\ndef test_x():\n    from tests.test_expectations import dossier\n")
    assert "tests.test_expectations" in imported_modules(probe)


def test_no_test_module_imports_another():
    test_modules = {path.stem for path in TESTS.rglob("test_*.py")}
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        for name in imported_modules(path):
            parts = name.split(".")
            is_test_module = parts[0] == "tests" and len(parts) > 1 and parts[1] in test_modules
            if is_test_module:
                offenders.append(f"{path.relative_to(TESTS)} imports {name}")
    assert offenders == [], "move what they share to tests/support/ or conftest.py"
