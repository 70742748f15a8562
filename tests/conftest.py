"""Shared test fixtures: paths to the real corpus and small document helpers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI checks the same generated examples on every run, so a red build is always
# reproducible; locally the search stays random and keeps finding new cases.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RUNBOOK_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "real"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def corpus_files() -> list[Path]:
    """Every real playbook of the shared corpus (SOURCES.md excluded)."""
    return sorted(p for p in CORPUS.glob("*.md") if p.name != "SOURCES.md")


@pytest.fixture
def write_doc(tmp_path: Path):
    """Write a Markdown document into a temporary folder and return its path."""

    def _write(text: str, name: str = "doc.md") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def runbook_exe() -> list[str]:
    """The real console entry point, run as a subprocess (``python -m runbook``)."""
    return [sys.executable, "-m", "runbook"]
