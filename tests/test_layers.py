"""The pipeline's layering: each third-party library behind one module, nothing imports cli."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "runbook"

OWNER = {
    "markdown_it": {"parse.py", "report/html.py"},
    "mdit_py_plugins": {"parse.py"},
    "pexpect": {"session.py"},
    "rich": {"report/terminal.py"},
    "click": {"cli.py"},
    "yaml": {"parse.py"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            elif node.module:
                names.add("." + node.module)
    return names


def test_third_party_libraries_live_behind_one_module():
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        for lib in _imports(path):
            if lib in OWNER:
                assert rel in OWNER[lib], f"{rel} imports {lib}; only {sorted(OWNER[lib])} may"


def test_nothing_imports_the_cli():
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel in ("cli.py", "__main__.py"):
            continue
        assert ".cli" not in _imports(path), f"{rel} imports cli"


def test_engine_never_prints():
    for name in ("parse.py", "runner.py", "session.py", "judge.py", "criteria.py", "matching.py",
                 "annotate.py", "plan.py", "config.py"):
        path = SRC / name
        if path.exists():
            assert "print(" not in path.read_text(encoding="utf-8"), f"{name} prints"
