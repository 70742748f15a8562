"""``runbook list`` of a big document without the collector's pass over the parse (issue 13)
and with the common step shape rendered in one string: the same bytes, and the process's
collector left as it was found (on, nothing frozen), also after a failing document."""

from __future__ import annotations

import gc
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from test_parse_bare_fence import _PIECES

from runbook.cli import cli
from runbook.parse.pause import built_then_frozen
from runbook.report import listing


def test_list_leaves_the_collector_on_and_nothing_frozen_even_when_it_fails(tmp_path: Path) -> None:
    doc = tmp_path / "d.md"
    doc.write_text("# T\n\n```bash\necho hi\n```\n", encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("---\nx: [\n---\n# T\n", encoding="utf-8")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    for args in (["list", str(doc)], ["list", "--format", "json", str(doc)], ["list", str(bad)], ["list", str(doc), str(bad)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 2), (args, result.output)
        assert gc.isenabled() and gc.get_freeze_count() == 0, args


def test_an_earlier_freeze_is_never_undone_by_the_listing() -> None:
    """Someone else's frozen objects (a host process that froze before forking) stay frozen."""
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with built_then_frozen(lambda: [object() for _ in range(10)]) as made:
            assert len(made) == 10 and gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen and gc.isenabled()
    finally:
        gc.unfreeze()


def test_what_the_build_leaves_is_frozen_for_the_body_only() -> None:
    with built_then_frozen(lambda: [[i] for i in range(100)]) as made:
        assert gc.get_freeze_count() >= 100 and gc.isenabled()
        assert made[99] == [99]
    assert gc.get_freeze_count() == 0


_TEXTS = ["", "a", "a\nb", "a\rb", "a\r\nb", "x\x0by", "x\x0cy", "p\x1cq", "p\x1dq", "p\x1eq", "m\x85n", "u\u2028v",
          "u\u2029v", "\n", "a\n", "tab\there"]


@settings(max_examples=600)
@given(st.lists(st.sampled_from(_TEXTS), max_size=4).map("".join))
def test_a_line_count_without_a_break_is_what_splitlines_counts(text: str) -> None:
    assert listing._line_count(text) == len(text.splitlines())
    if listing._BREAKS.search(text) is None:
        assert text.splitlines() == ([text] if text else [])


def _reference(s: object, planned: bool) -> list[str]:
    """A step's listing lines as the general path wrote them before the one-string shape."""
    from runbook.judge.criteria import clause_summary

    mark = "*" if planned else " "
    role = s.role  # type: ignore[attr-defined]
    role = f" [{role}]" if role != "step" else ""
    extra = f" (skip: {s.skip_reason})" if s.skip_reason else ""  # type: ignore[attr-defined]
    out = [f" {mark} {s.id:10} line {s.line:<5} {s.lang or '-':8} {s.title}{role}{extra}"]  # type: ignore[attr-defined]
    for c in s.commands:  # type: ignore[attr-defined]
        text = c.source
        first = text.splitlines()[0] if text else ""
        out.append(f"       $ {first}" + (" …" if "\n" in text else ""))
        if c.expected is not None:
            e = c.expected
            tag = f"expected ({e.origin}, {e.mode.value}{', illustrative' if e.illustrative else ', volatile' if e.volatile else ''})"
            out.append(f"         {tag}: {len(e.text.splitlines())} line(s)")
    for crit in s.criteria:  # type: ignore[attr-defined]
        label = "FAIL if" if crit.negated else "PASS if"
        out.extend(f"         {label}: {clause_summary(cl)}" for cl in crit.clauses)
    if s.placeholders:  # type: ignore[attr-defined]
        out.append(f"         needs input: {', '.join(s.placeholders)}")  # type: ignore[attr-defined]
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + [
    "```bash\necho a\rb\n```\n", "```bash\necho a\x0cb\n```\n", "```output\nx\x85y\n```\n",
    "```bash {background}\nsleep 9\n```\n", "```bash {id=q}\nx\n```\n\nPASS if output contains x\n"]),
    min_size=1, max_size=10), st.booleans())
def test_each_step_lists_as_the_general_path_lists_it(pieces: list[str], planned: bool) -> None:
    from runbook.parse.markdown import parse_text

    for s in parse_text("\n".join(pieces), "d.md").steps:
        assert listing._step_text(s, planned) == "\n".join(_reference(s, planned))
