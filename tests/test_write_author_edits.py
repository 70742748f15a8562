"""Nothing the author wrote is lost: edits made during a run, damaged annotations.

Real CLI (CliRunner), real pty shell, real files. A step edits its own document
while the run goes on; annotations are damaged by hand in every way a person
can; in each case every byte the author wrote is still there afterwards.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from annotate_fakes import fake_document, fake_run
from conftest import corpus_files
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from runbook.cli import cli
from runbook.errors import ParseError
from runbook.parse.regions import find_regions
from runbook.source import Source, split_lines
from runbook.write.annotate import annotate, strip

FENCE = "```"


def run_cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def block(code: str, info: str = "bash") -> str:
    return f"{FENCE}{info}\n{code}\n{FENCE}\n"


# --- the document edited while a step runs -------------------------------------------


def _editing_doc(tmp_path: Path, edit: str) -> Path:
    doc = tmp_path / "doc.md"
    doc.write_text("# Edited\n\n## A1. edit\n\n" + block(edit.replace("DOC", str(doc))) +
                   "\n## A2. later\n\n" + block("echo second") + "\nExpected output:\n\n"
                   + block("second", "text"), encoding="utf-8")
    return doc


EDITS = {
    "appends": "echo 'note typed by the author' >> DOC",
    "rewrites": "printf '# Rewritten by the author\\n' > DOC.new && mv DOC.new DOC",
    "edits in place": "sed -i 's/^# Edited$/# Edited by the author/' DOC",
}


@pytest.mark.parametrize("how", EDITS)
def test_execute_in_place_keeps_an_edit_made_during_the_run(tmp_path, how):
    doc = _editing_doc(tmp_path, EDITS[how])
    code, out = run_cli("execute", str(doc), "--in-place", "--no-color")
    after = doc.read_text(encoding="utf-8")
    assert "runbook:begin" not in after  # the author's version, untouched by runbook
    assert "author" in after
    beside = tmp_path / "doc.runbook-results.md"
    assert beside.exists() and "runbook:begin result A2" in beside.read_text(encoding="utf-8")
    assert code == 1
    assert "changed while runbook was running" in out and str(beside) in out


def test_execute_in_place_writes_as_usual_when_nobody_edited(tmp_path):
    doc = _editing_doc(tmp_path, "echo no edit")
    code, _ = run_cli("execute", str(doc), "--in-place", "--no-color")
    assert code == 0 and "runbook:begin result A2" in doc.read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*runbook-results*"))


def test_results_beside_never_overwrite_an_earlier_file(tmp_path):
    doc = _editing_doc(tmp_path, EDITS["appends"])
    earlier = tmp_path / "doc.runbook-results.md"
    earlier.write_text("mine\n", encoding="utf-8")
    code, out = run_cli("execute", str(doc), "--in-place", "--no-color")
    assert code == 1 and earlier.read_text(encoding="utf-8") == "mine\n"
    assert "runbook:begin" in (tmp_path / "doc.runbook-results.1.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("how", ["appends", "rewrites"])
def test_update_keeps_an_edit_made_during_the_run(tmp_path, how):
    doc = tmp_path / "doc.md"
    doc.write_text("# U\n\n## A1. edit\n\n" + block(EDITS[how].replace("DOC", str(doc))) +
                   "\n## A2. out\n\n" + block("echo new") + "\nExpected output:\n\n" + block("old", "text"),
                   encoding="utf-8")
    code, out = run_cli("update", str(doc))
    after = doc.read_text(encoding="utf-8")
    assert "author" in after and "\nnew\n" not in after
    beside = tmp_path / "doc.runbook-update.md"
    assert "\nnew\n" in beside.read_text(encoding="utf-8")
    assert code == 1 and "changed while runbook was running" in out


# --- damaged annotations ---------------------------------------------------------------

DOC = ("# Damage\n\nIntro the author wrote.\n\n## A1. one\n\n" + block("echo one") +
       "\nAuthor text between the steps.\n\n> ## A2. quoted\n>\n> " + block("echo two").replace("\n", "\n> ")
       .rstrip("> ") + "\nClosing words.\n")


@pytest.fixture
def annotated(tmp_path) -> Path:
    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    code, _ = run_cli("execute", str(doc), "--in-place", "--no-color")
    assert code == 0
    text = doc.read_text(encoding="utf-8")
    assert text.count("runbook:begin") == 3 and strip(text) == DOC
    return doc


def _lines_of(text: str, pattern: str) -> list[int]:
    return [i for i, line in enumerate(split_lines(text)) if re.search(pattern, line)]


def _delete_line(k: int) -> Callable[[str], str]:
    return lambda t: "".join(line for i, line in enumerate(split_lines(t)) if i != k)


def _damage_end_deleted(t: str) -> str:
    return _delete_line(_lines_of(t, "runbook:end")[1])(t)


def _damage_end_edited(t: str) -> str:
    k = _lines_of(t, "runbook:end")[1]
    lines = split_lines(t)
    lines[k] = lines[k].replace("runbook:end", "runbook: end")
    return "".join(lines)


def _damage_no_end_at_all(t: str) -> str:
    return "".join(line for line in split_lines(t) if "runbook:end" not in line)


def _damage_nested(t: str) -> str:
    lines = split_lines(t)
    second = _lines_of(t, "runbook:begin")[1]
    begin = lines.pop(second)
    lines.insert(_lines_of(t, "runbook:begin")[0] + 2, begin)
    return "".join(lines)


def _damage_reordered(t: str) -> str:
    lines = split_lines(t)
    b, e = _lines_of(t, "runbook:begin")[1], _lines_of(t, "runbook:end")[1]
    lines[b], lines[e] = lines[e], lines[b]
    return "".join(lines)


def _damage_count(delta: int) -> Callable[[str], str]:
    return lambda t: re.sub(r"(result A1 lines=)(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + delta), t)


def _damage_typed_inside(t: str) -> str:
    lines = split_lines(t)
    lines.insert(_lines_of(t, "runbook:begin result A1")[0] + 1, "My own note, typed in the result.\n")
    return "".join(lines)


def _damage_line_rewritten(t: str) -> str:
    lines = split_lines(t)
    k = _lines_of(t, "runbook:begin result A1")[0] + 1
    lines[k] = "My own words instead of runbook's.\n"
    return "".join(lines)


def _damage_begin_deleted(t: str) -> str:
    return _delete_line(_lines_of(t, "runbook:begin result A1")[0])(t)


def _damage_quote_lost(t: str) -> str:
    lines = split_lines(t)
    k = _lines_of(t, "runbook:begin result A2")[0] + 1
    lines[k] = lines[k].lstrip("> ")
    return "".join(lines)


DAMAGES: dict[str, Callable[[str], str]] = {
    "end marker deleted": _damage_end_deleted,
    "end marker edited": _damage_end_edited,
    "begin without any end": _damage_no_end_at_all,
    "nested markers": _damage_nested,
    "reordered markers": _damage_reordered,
    "lines=N made larger": _damage_count(+3),
    "lines=N made smaller": _damage_count(-2),
    "author text typed inside": _damage_typed_inside,
    "a result line rewritten": _damage_line_rewritten,
    "begin marker deleted": _damage_begin_deleted,
    "a quoted line lost its quote": _damage_quote_lost,
}

COMMANDS = {
    "strip": ["strip"],
    "strip --in-place": ["strip", "--in-place"],
    "execute --in-place": ["execute", "--in-place", "--no-color"],
    "re-run": ["execute", "--no-color"],
    "update": ["update"],
    "check": ["check"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_annotation_is_refused_with_its_line_and_nothing_is_lost(annotated, damage, command):
    damaged = DAMAGES[damage](annotated.read_text(encoding="utf-8"))
    annotated.write_text(damaged, encoding="utf-8")
    before = set(annotated.parent.iterdir())
    code, out = run_cli(*COMMANDS[command], str(annotated))
    assert code == 2, out
    assert re.search(rf"{re.escape(str(annotated))}:\d+: damaged runbook annotation", out), out
    assert "hint:" in out and "Traceback" not in out
    assert annotated.read_text(encoding="utf-8") == damaged
    assert set(annotated.parent.iterdir()) == before  # nothing written, nothing ran


def _mutations(text: str) -> list[tuple[str, int, str]]:
    lines = split_lines(text)
    out = []
    for k in range(len(lines) + 1):
        out.append(("insert", k, "".join(lines[:k] + ["typed by the author\n"] + lines[k:])))
        if k < len(lines):
            out.append(("delete", k, "".join(lines[:k] + lines[k + 1 :])))
            out.append(("replace", k, "".join(lines[:k] + ["typed by the author\n"] + lines[k + 1 :])))
    return out


def test_every_single_line_edit_of_an_annotated_document_keeps_every_author_line(annotated):
    """Insert, delete or replace any one line: strip gives the author's text, or refuses."""
    text = annotated.read_text(encoding="utf-8")
    lines = split_lines(text)
    inside = [False] * len(lines)
    for region in find_regions(lines):
        inside[region.start : region.stop] = [True] * (region.stop - region.start)
    author = [line for line, ours in zip(lines, inside) if not ours]
    refused = 0
    for kind, k, mutated in _mutations(text):
        try:
            result = strip(mutated)
        except ParseError:
            refused += 1
            continue
        touches_region = (kind != "insert" and inside[k]) or (kind == "insert" and 0 < k < len(lines)
                                                              and inside[k - 1] and inside[k])
        assert not touches_region, f"{kind} at line {k + 1} inside a region was accepted"
        before = sum(1 for ours in inside[:k] if not ours)
        if kind == "insert":
            expected = author[:before] + ["typed by the author\n"] + author[before:]
        elif kind == "delete":
            expected = author[:before] + author[before + 1 :]
        else:
            expected = author[:before] + ["typed by the author\n"] + author[before + 1 :]
        assert result == "".join(expected), f"{kind} at line {k + 1}"
    assert refused >= sum(inside)  # every edit inside a region was refused


def test_a_region_without_its_line_count_is_still_proved_by_its_sum(annotated):
    text = annotated.read_text(encoding="utf-8")
    assert strip(re.sub(r"(?m)^([ >]*<!-- runbook:begin .*?) lines=\d+", r"\1", text)) == DOC
    with pytest.raises(ParseError, match="damaged"):
        strip(re.sub(r"(?m) lines=\d+ sum=[0-9a-f]+", "", text))


def test_an_intact_region_after_a_trailing_whitespace_strip_is_still_runbooks(annotated):
    text = annotated.read_text(encoding="utf-8")
    trimmed = "".join(line.rstrip(" \t\n") + "\n" for line in split_lines(text))
    assert strip(trimmed) == "".join(line.rstrip(" \t\n") + "\n" for line in split_lines(DOC))


def test_marker_examples_in_the_authors_fences_are_not_refused(tmp_path):
    doc = tmp_path / "doc.md"
    example = ("# Ex\n\n````markdown\n<!-- runbook:begin result A1 lines=99 -->\nhalf a region\n````\n\n"
               "~~~\n<!-- runbook:end -->\n~~~\n\n" + block("echo hi"))
    doc.write_text(example, encoding="utf-8")
    code, out = run_cli("execute", str(doc), "--in-place", "--no-color")
    assert code == 0, out
    assert strip(doc.read_text(encoding="utf-8")) == example


def test_an_old_style_region_shown_in_a_list_items_fence_is_the_authors_example():
    """Without sum= a region proves nothing, so inside a fence it stays the author's."""
    text = ("# Ex\n\n- An annotated step looks like this:\n\n  ```markdown\n"
            "  <!-- runbook:begin result A1 lines=3 -->\n  **✅ pass**\n  <!-- runbook:end -->\n  ```\n\n"
            "- next item\n")
    assert strip(text) == text
    assert find_regions(split_lines(text)) == []


def test_a_document_deleted_during_the_run_is_not_recreated(tmp_path):
    doc = _editing_doc(tmp_path, "rm DOC")
    code, out = run_cli("execute", str(doc), "--in-place", "--no-color")
    assert code == 1 and not doc.exists()
    assert "runbook:begin result A2" in (tmp_path / "doc.runbook-results.md").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _annotated_text() -> str:
    with tempfile.TemporaryDirectory() as folder:
        doc = Path(folder) / "doc.md"
        doc.write_text(DOC, encoding="utf-8")
        assert run_cli("execute", str(doc), "--in-place", "--no-color")[0] == 0
        return doc.read_text(encoding="utf-8")


_EDIT = st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.integers(0, 200))


@settings(max_examples=300, deadline=None)
@given(st.lists(_EDIT, min_size=1, max_size=4))
def test_any_few_line_edits_keep_every_author_line_or_are_refused(edits):
    _assert_edits_keep_author_lines(_annotated_text(), edits)


@functools.lru_cache(maxsize=None)
def _annotated_corpus(path: Path) -> str:
    text = Source.read(path).text
    doc = fake_document(text, paragraphs=True)
    return annotate(text, doc, fake_run(doc))


@pytest.mark.shared
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:40])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.integers(0, 5000)),
                      min_size=1, max_size=3))
def test_edits_of_annotated_corpus_documents_keep_every_author_line_or_are_refused(path, edits):
    _assert_edits_keep_author_lines(_annotated_corpus(path), edits)


def _assert_edits_keep_author_lines(text: str, edits: list[tuple[str, int]]) -> None:
    lines = split_lines(text)
    inside = [False] * len(lines)
    for region in find_regions(lines):
        inside[region.start : region.stop] = [True] * (region.stop - region.start)
    items = [(line, "ours" if ours else "author") for line, ours in zip(lines, inside)]
    for serial, (kind, at) in enumerate(edits):
        k = at % (len(items) + (1 if kind == "insert" else 0)) if items or kind == "insert" else 0
        typed = (f"typed by the author #{serial}\n", "author")
        if kind == "insert":
            items.insert(k, typed)
        elif items and kind == "delete":
            del items[k]
        elif items:
            items[k] = typed
    mutated = "".join(line for line, _ in items)
    assume(len(split_lines(mutated)) == len(items))  # a line typed after a last line without newline joins it
    try:
        result = strip(mutated)
    except ParseError:
        return
    # Only whole regions go, and none of their lines is the author's (a damaged
    # region the scanner cannot see, e.g. one a broken quote hid in a fence,
    # stays as text: that loses nothing).
    removed: set[int] = set()
    for region in find_regions(split_lines(mutated)):
        removed.update(range(region.start, region.stop))
    assert [k for k in removed if items[k][1] == "author"] == []
    kept = "".join(line for k, (line, _) in enumerate(items) if k not in removed)
    assert result.rstrip("\r\n") == kept.rstrip("\r\n")


def test_refreshing_an_annotated_document_keeps_an_edit_made_during_the_run(tmp_path):
    doc = _editing_doc(tmp_path, "echo first run")
    assert run_cli("execute", str(doc), "--no-color")[0] == 0
    annotated = tmp_path / "doc.annotated.md"
    text = annotated.read_text(encoding="utf-8").replace("echo first run", f"echo note >> {annotated}")
    annotated.write_text(text, encoding="utf-8")
    code, out = run_cli("execute", str(annotated), "--no-color")  # refreshes doc.annotated.md itself
    assert code == 1 and "changed while runbook was running" in out
    assert annotated.read_text(encoding="utf-8") == text + "note\n"
    assert "runbook:begin result A2" in (tmp_path / "doc.annotated.runbook-results.md").read_text(encoding="utf-8")
