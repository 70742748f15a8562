"""Golden tests: each examples/*.md really run, annotated, compared with tests/golden/.

Dates, durations, the host name, ports, pids and temporary folders are normalised. After an intended change of
the annotation format, regenerate with ``RUNBOOK_UPDATE_GOLDEN=1 pytest tests/test_annotate_golden.py``
and review the diff; to pin another example, create its (empty) golden file first.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from annotate_fakes import assert_regions_render_as_intended, assert_renders_same
from conftest import ROOT

from runbook.config import from_front_matter
from runbook.parse.markdown import parse_document
from runbook.run.runner import Runner
from runbook.source import Source
from runbook.write.annotate import annotate, strip

GOLDEN = Path(__file__).resolve().parent / "golden"
# An example is pinned once its golden file exists (quickstart always is); an
# example whose output is not yet stable stays out until its author pins it.
EXAMPLES = [ROOT / "examples" / "quickstart.md"]
EXAMPLES += sorted(
    p for p in (ROOT / "examples").glob("*.md")
    if p not in EXAMPLES and (GOLDEN / f"{p.stem}.annotated.md").exists()
)
EXAMPLES += sorted(p for p in GOLDEN.glob("*.md") if not p.name.endswith(".annotated.md"))


def normalise(text: str) -> str:
    text = re.sub(r" sum=[0-9a-f]{12}", " sum=<SUM>", text)  # hashes the times too
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<STARTED>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d", "<DATE>", text)
    text = re.sub(r"\b\d+ min \d+ s\b|\b\d+(?:\.\d+)? m?s\b", "<DURATION>", text)
    # What a real service run picks afresh each time: free ports, pids, temp folders.
    text = re.sub(r"(127\.0\.0\.1:|localhost:|port:? )\d+", r"\1<PORT>", text)
    text = re.sub(r"\bpid \d+", "pid <PID>", text)
    text = re.sub(r"/tmp/[\w.+\\-]+", "/tmp/<TMP>", text)
    return re.sub(r"· host [^·\n]+ ·", "· host <HOST> ·", text)


def test_quickstart_and_the_failing_example_are_pinned():
    assert {"quickstart.md", "failing.md"} <= {p.name for p in EXAMPLES}
    assert all(p.exists() for p in EXAMPLES)


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
