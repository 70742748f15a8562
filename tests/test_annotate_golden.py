"""Golden tests: each examples/*.md really run, annotated, compared with tests/golden/.

Dates, durations and the host name are normalised. After an intended change of
the annotation format, regenerate with ``RUNBOOK_UPDATE_GOLDEN=1 pytest tests/test_annotate_golden.py``
and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from annotate_fakes import assert_regions_render_as_intended, assert_renders_same
from conftest import ROOT

from runbook.annotate import annotate, strip
from runbook.config import from_front_matter
from runbook.parse import parse_document
from runbook.runner import Runner
from runbook.source import Source

GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.md") if not p.name.endswith(".annotated.md"))
EXAMPLES += sorted(p for p in GOLDEN.glob("*.md") if not p.name.endswith(".annotated.md"))


def normalise(text: str) -> str:
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<STARTED>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d", "<DATE>", text)
    text = re.sub(r"\b\d+\.\d\d s\b|\b\d+ min \d+ s\b", "<DURATION>", text)
    return re.sub(r"· host [^·\n]+ ·", "· host <HOST> ·", text)


def test_there_are_examples():
    assert [p.name for p in EXAMPLES][:1] == ["quickstart.md"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_annotates_like_its_golden_file(path: Path):
    src = Source.read(path)
    doc = parse_document(src.text, str(path))
    run = Runner(doc, from_front_matter(doc.front_matter, str(path))).run()
    annotated = annotate(src.text, doc, run)
    assert strip(annotated) == src.text
    assert_renders_same(src.text, annotated)
    assert_regions_render_as_intended(annotated)
    golden = GOLDEN / (path.stem + ".annotated.md")
    if os.environ.get("RUNBOOK_UPDATE_GOLDEN"):
        golden.write_text(normalise(annotated), encoding="utf-8")
    assert normalise(annotated) == golden.read_text(encoding="utf-8")
