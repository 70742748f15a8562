"""Shared test fixtures: paths to the real corpus and small document helpers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from runbook.config import SECRET_NAME_RE

# CI checks the same generated examples on every run, so a red build is always
# reproducible; locally the search stays random and keeps finding new cases.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Hermetic: a variable of the machine's environment that the session takes for a secret (a
# CI's ``*_TOKEN``) would be masked in every run of the suite and turn batching off; the tests
# that need secrets set their own.
for _name in [n for n in os.environ if SECRET_NAME_RE.search(n)]:
    del os.environ[_name]

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RUNBOOK_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "real"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


SHARED_PRESENT = CORPUS.is_dir()
SHARED_REASON = (f"needs the shared corpus at {SHARED} (../shared beside the checkout, or RUNBOOK_SHARED); "
                 "absent here. CI sets RUNBOOK_REQUIRE_SHARED=1, which makes its absence an error")
REQUIRE_SHARED = os.environ.get("RUNBOOK_REQUIRE_SHARED", "") not in ("", "0")


def corpus_files() -> list[Path]:
    """Every real playbook of the shared corpus (SOURCES.md excluded).

    Without the corpus this is one placeholder path, so that each parametrized test still
    exists and is skipped by its ``shared`` mark with the stated reason."""
    if not SHARED_PRESENT:
        return [CORPUS / "absent.md"]
    return sorted(p for p in CORPUS.glob("*.md") if p.name != "SOURCES.md")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "shared: needs ../shared (the real corpus); skipped with a reason "
                            "when absent, an error under RUNBOOK_REQUIRE_SHARED=1")
    if REQUIRE_SHARED and not SHARED_PRESENT:
        raise pytest.UsageError(f"RUNBOOK_REQUIRE_SHARED=1 but the shared corpus is missing: {CORPUS}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED_PRESENT:
        return
    skip = pytest.mark.skip(reason=SHARED_REASON)
    for item in items:
        if item.get_closest_marker("shared"):
            item.add_marker(skip)


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


@pytest.fixture
def bash(tmp_path: Path):
    """A real hermetic bash on a pty, started in ``tmp_path`` and closed after the test."""
    from runbook.run.session import PexpectSession, ShellConfig

    s = PexpectSession(ShellConfig(cwd=str(tmp_path)))
    s.start()
    yield s
    s.close()


@pytest.fixture
def issued(monkeypatch) -> list[str]:
    """Every random token (nonce) the session draws (``runbook.run.tokens.token_hex``), in order."""
    from runbook.run import tokens as source

    tokens: list[str] = []
    real = source.token_hex

    def recording(n: int = 8) -> str:
        tokens.append(real(n))
        return tokens[-1]

    def recording_many(count: int, n: int = 8) -> list[str]:  # a batch's nonces, drawn at once
        many = [real(n) for _ in range(count)]
        tokens.extend(many)
        return many

    monkeypatch.setattr(source, "token_hex", recording)
    monkeypatch.setattr(source, "nonces", recording_many)
    return tokens
