"""Reports written as they are made (write/stream.py): the same bytes, the same file guarantees.

``execute --json/--html`` no longer makes each report whole in memory (a 50,000-step run
held a 46 MB page as text and again as bytes): the pieces go to a temporary file that
is renamed over the target. The bytes must be the ones ``to_json`` / ``to_html_bytes``
give, and atomic_write's promises must hold: nothing replaced when nothing changed,
mode kept, no partial file left behind, a device written through.
"""

from __future__ import annotations

import io
import json
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from report_fixtures import DOC_TEXT, make_document, make_run

from runbook.errors import RunbookError
from runbook.report.html import html_pieces, to_html_bytes
from runbook.report.json import INVALID_UTF8_NOTE, to_json, write_json
from runbook.source import encode
from runbook.write.stream import atomic_write_stream, write_pieces


def _plain_run():
    run = make_run()
    steps = tuple(replace(r, output=replace(r.output, text="ok ✅\n"), reason="", title="t")
                  for r in run.steps)
    return replace(run, steps=steps)


class _Unseekable(io.BytesIO):
    def seekable(self) -> bool:
        return False


@pytest.mark.parametrize("kind", ["plain", "surrogate"])
def test_json_written_piece_by_piece_is_to_json_byte_for_byte(kind: str) -> None:
    # "surrogate": a byte that was not UTF-8 makes write_json start over with to_json's
    # slower path (it adds a note): the file must hold that text, never a mix of both.
    run = _plain_run() if kind == "plain" else make_run()
    expected = encode(to_json(run))
    noted = any(INVALID_UTF8_NOTE in s["notes"] for s in json.loads(to_json(run))["steps"])
    assert noted is (kind == "surrogate")
    for fh in (io.BytesIO(), _Unseekable()):
        write_json(run, fh)
        assert fh.getvalue() == expected
    fh = io.BytesIO(b"head")
    fh.seek(4)
    write_json(run, fh)
    assert fh.getvalue() == b"head" + expected  # started again where it began, not at 0


def test_html_written_piece_by_piece_is_the_page_byte_for_byte(tmp_path: Path) -> None:
    run = make_run()
    target = tmp_path / "r.html"
    assert atomic_write_stream(target, lambda fh: write_pieces(fh, html_pieces(run, DOC_TEXT, make_document())))
    assert target.read_bytes() == to_html_bytes(run, DOC_TEXT, make_document())


def test_an_unchanged_report_is_not_replaced_and_a_changed_one_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    run = _plain_run()
    atomic_write_stream(target, lambda fh: write_json(run, fh))
    os.chmod(target, 0o640)
    before = os.stat(target)
    assert not atomic_write_stream(target, lambda fh: write_json(run, fh))
    assert os.stat(target).st_ino == before.st_ino  # left as it was
    other = replace(run, host="elsewhere")
    assert atomic_write_stream(target, lambda fh: write_json(other, fh))
    assert os.stat(target).st_ino != before.st_ino and stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert json.loads(target.read_text(encoding="utf-8"))["host"] == "elsewhere"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]  # no temporary file left


def test_a_failing_writer_leaves_the_old_file_and_no_partial_one(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    target.write_bytes(b"old report")

    def half(fh) -> None:
        fh.write(b"<html> half a page")
        raise OSError(28, "No space left on device")

    with pytest.raises(RunbookError, match="No space left"):
        atomic_write_stream(target, half)
    assert target.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]

    def interrupted(fh) -> None:
        fh.write(b"<html>")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write_stream(target, interrupted)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_a_device_is_written_through_not_replaced() -> None:
    assert atomic_write_stream("/dev/null", lambda fh: write_pieces(fh, ["a", "é"]))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_the_state_file_is_written_as_it_is_made_and_copied_to_each_path(tmp_path: Path) -> None:
    # --resume's state: the first path streamed, the others copies of it; a path that
    # cannot be written is reported and does not stop the others.
    from runbook.report.state_file import read_earlier, write_states

    run, doc = make_run(), make_document()
    paths = [str(tmp_path / "missing" / "s.json"), str(tmp_path / "a.json"), str(tmp_path / "b.json")]
    failed = write_states(paths, run, DOC_TEXT, doc, {}, {})
    assert [p for p, _ in failed] == [paths[0]]
    a, b = (Path(p).read_bytes() for p in paths[1:])
    assert a == b and stat.S_IMODE(os.stat(paths[2]).st_mode) == 0o600
    text = a.decode("ascii")  # ensure_ascii: the surrogate of HOSTILE_BYTES is an escape
    assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=True)  # json.dump's own text
    assert read_earlier(paths[1]).run == run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
