"""The pipeline's layering, read from the imports: which package may import which, no cycles,
each third-party library behind one module, nothing imports cli, the engine never prints."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "runbook"

# The stages in data-flow order. A stage may import only the stages before it (and the base
# modules, which everything may use). Packages not listed here are a test failure.
BASE = {"model", "clauses", "status", "errors", "source", "config", "project", "wording", "_version", "lazyre", "record", "record_code", "collector"}
ORDER = ["shell", "parse", "judge", "run", "write", "lint", "report", "outputs", "api", "pytest_plugin", "cli", "console"]

OWNER = {
    "markdown_it": {"parse/markdown.py", "parse/mdit.py", "report/html_markdown.py"},
    "mdit_py_plugins": {"parse/mdit.py"},
    "pexpect": {"run/session.py"},
    "rich": {"report/terminal.py"},
    "click": {"cli/"},  # a folder: every module of the cli package
    "yaml": {"parse/markdown.py"},
    "psutil": {"run/procs.py"},
    "jsonschema": {"judge/json_schema.py"},
}


def _stage(module: str) -> str:
    """'runbook.run.session' -> 'run'; 'runbook.model' -> 'model'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    """Absolute module names imported by a file (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = ["runbook", *path.relative_to(SRC).with_suffix("").parts[:-1]]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names.add(mod)
            names.update(f"{mod}.{a.name}" for a in node.names)
    return names


def _files() -> list[tuple[str, Path]]:
    return [(p.relative_to(SRC).as_posix(), p) for p in sorted(SRC.rglob("*.py"))]


def _own_stage(rel: str) -> str:
    first = rel.split("/")[0]
    return first[:-3] if first.endswith(".py") else first


def test_every_module_belongs_to_a_known_stage():
    for rel, _ in _files():
        stage = _own_stage(rel)
        assert stage in BASE or stage in ORDER or stage in ("__init__", "__main__"), (
            f"{rel}: stage {stage!r} is not in the layering order; add it to tests/test_layers.py")


def test_stages_import_only_earlier_stages():
    for rel, path in _files():
        own = _own_stage(rel)
        if own in ("__init__", "__main__"):
            continue
        for name in _imports(path):
            if not name.startswith("runbook."):
                continue
            other = _stage(name)
            if other == own or other in BASE or other not in ORDER:
                continue
            if own in BASE:
                raise AssertionError(f"{rel} (a base module) imports {name}: base modules import no stage")
            assert ORDER.index(other) < ORDER.index(own), (
                f"{rel} ({own}) imports {name} ({other}), a later stage: data flows "
                + " -> ".join(ORDER))


def test_base_modules_form_no_cycle():
    graph: dict[str, set[str]] = {}
    for rel, path in _files():
        own = _own_stage(rel)
        if own in BASE:
            graph[own] = {_stage(n) for n in _imports(path) if n.startswith("runbook.")} & BASE - {own}
    seen: set[str] = set()

    def visit(node: str, stack: tuple[str, ...]) -> None:
        assert node not in stack, f"import cycle among base modules: {' -> '.join(stack + (node,))}"
        if node in seen:
            return
        for nxt in graph.get(node, ()):
            visit(nxt, stack + (node,))
        seen.add(node)

    for node in graph:
        visit(node, ())


def test_no_module_import_cycle():
    mods = {("runbook." + rel[:-3].replace("/", ".")).removesuffix(".__init__"): p for rel, p in _files()}
    graph = {m: {n for n in _imports(p) if n in mods and n != m} for m, p in mods.items()}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        if state.get(node) == 2:
            return
        assert state.get(node) != 1, f"import cycle: {' -> '.join(stack[stack.index(node):] + [node])}"
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt.startswith("runbook") and nxt != "runbook":
                visit(nxt, stack + [node])
        state[node] = 2

    for node in sorted(graph):
        visit(node, [])


def test_third_party_libraries_live_behind_one_module():
    for rel, path in _files():
        for name in _imports(path):
            lib = name.split(".")[0]
            if lib in OWNER:
                assert any(rel == o or (o.endswith("/") and rel.startswith(o)) for o in OWNER[lib]), f"{rel} imports {lib}; only {sorted(OWNER[lib])} may"


def test_nothing_imports_the_cli():
    for rel, path in _files():
        if rel.startswith("cli/") or rel in ("__main__.py", "console.py"):
            continue
        assert not any(n == "runbook.cli" or n.startswith("runbook.cli.") for n in _imports(path)), (
            f"{rel} imports cli")


PROGRAMS = {"parse/dialects/mdsh_env.py"}
"""Engine modules that are also programs the shell runs (``python -m``), never called in
process for their output: what they print is the data they hand back to the shell."""


def test_engine_never_prints():
    for rel, path in _files():
        if rel in PROGRAMS:
            assert "if __name__ == \"__main__\":" in path.read_text(encoding="utf-8"), f"{rel} is not a program"
            continue
        if _own_stage(rel) in ("parse", "judge", "run", "write", "lint", "api", "config", "model"):
            assert not re.search(r"(?<![\w.])print\(", path.read_text(encoding="utf-8")), f"{rel} prints"
