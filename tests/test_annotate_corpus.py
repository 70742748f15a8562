"""The annotation invariants on real playbooks and on every CommonMark spec example.

For each document and each variant (LF, CRLF, no final newline, tabs, BOM):
strip(annotate(doc)) == doc byte for byte; re-annotating the annotated text
gives the same text; the steps found in the annotated text are the original
steps; and cmark-gfm renders every original block the same, with the
annotation's own blocks rendering as intended.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from annotate_fakes import (
    assert_regions_render_as_intended,
    assert_renders_same,
    fake_document,
    fake_run,
)
from conftest import corpus_files

from runbook.source import Source
from runbook.write.annotate import annotate, strip

SPEC = Path(__file__).resolve().parent / "data" / "commonmark-0.30.json"

VARIANTS: dict[str, Callable[[str], str]] = {
    "lf": lambda t: t,
    "crlf": lambda t: t.replace("\r\n", "\n").replace("\n", "\r\n"),
    "no-final-newline": lambda t: t.rstrip("\r\n"),
    "tabs": lambda t: t.replace("    ", "\t"),
}


def check(text: str, all_fences: bool, seed: int = 0, paragraphs: bool = False) -> int:
    """Assert every invariant for ``text``; returns how many steps were annotated.

    ``paragraphs`` makes every paragraph end a (fake) step too, to insert results
    after paragraphs in every container, as after a "PASS if" criterion.
    """
    doc = fake_document(text, all_fences=all_fences, paragraphs=paragraphs)
    run = fake_run(doc, seed=seed, interrupted_after=len(doc.steps) - 1 if seed % 2 else None)
    annotated = annotate(text, doc, run)
    assert strip(annotated) == text
    reparsed = fake_document(annotated, all_fences=all_fences, paragraphs=paragraphs)
    assert [(s.id, s.source, s.prefix) for s in reparsed.steps] == [
        (s.id, s.source, s.prefix) for s in doc.steps
    ]
    assert annotate(annotated, reparsed, run) == annotated
    assert annotate(strip(annotated), doc, run) == annotated
    assert_renders_same(text, annotated)
    assert_regions_render_as_intended(annotated)
    return annotated.count("runbook:begin result")


@pytest.mark.shared
@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:40])
def test_corpus_document(path: Path, variant: str):
    text = VARIANTS[variant](Source.read(path).text)
    results = check(text, all_fences=False, seed=len(path.name))
    assert results == len(fake_document(text).steps)


@pytest.mark.shared
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:40])
def test_corpus_document_result_after_every_paragraph(path: Path):
    check(Source.read(path).text, all_fences=True, seed=1, paragraphs=True)


@pytest.mark.shared
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:40])
def test_corpus_document_with_bom_keeps_its_bytes(path: Path):
    data = b"\xef\xbb\xbf" + path.read_bytes()
    src = Source.from_bytes(data)
    doc = fake_document(src.text)
    annotated = src.encode(annotate(src.text, doc, fake_run(doc)))
    assert annotated.startswith(b"\xef\xbb\xbf") and annotated != data
    again = Source.from_bytes(annotated)
    assert again.encode(strip(again.text)) == data


def _examples() -> list[dict[str, object]]:
    return json.loads(SPEC.read_text(encoding="utf-8"))


def test_spec_data_is_the_whole_commonmark_spec():
    examples = _examples()
    assert len(examples) == 652 and examples[0]["example"] == 1


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_commonmark_example(variant: str):
    failures: list[tuple[int, str]] = []
    annotated_steps = 0
    for example in _examples():
        text = VARIANTS[variant](str(example["markdown"]))
        try:
            number = int(str(example["example"]))
            annotated_steps += check(text, all_fences=True, seed=number, paragraphs=True)
        except AssertionError as exc:
            failures.append((int(str(example["example"])), str(exc)[:300]))
    assert failures == []
    assert annotated_steps > 600  # every fence and paragraph: every container covered
