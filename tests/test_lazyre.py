"""Patterns compiled on first use (runbook.lazyre): same answers as re, no compile at import."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.judge.criteria import parse_criterion
from runbook.lazyre import lazy
from runbook.model import ClauseKind

PATTERNS = [(r"(?P<n>\d+)\s*(ms|s)\b", re.I), (r"^\$ (.*)$", re.M), (r"a|b+", 0), (r"(x)(y)?", 0)]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab 12msS$\nxy", max_size=40))
def test_lazy_pattern_answers_as_the_compiled_one(text: str) -> None:
    for pattern, flags in PATTERNS:
        rx, lz = re.compile(pattern, flags), lazy(pattern, flags)
        for name in ("match", "fullmatch", "search"):
            a, b = getattr(rx, name)(text), getattr(lz, name)(text)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))
        assert [m.span() for m in rx.finditer(text)] == [m.span() for m in lz.finditer(text)]
        assert rx.findall(text) == lz.findall(text)
        assert rx.sub("-", text) == lz.sub("-", text) and rx.subn("-", text) == lz.subn("-", text)
        assert rx.split(text) == lz.split(text)
        assert (lz.pattern, lz.groups, lz.groupindex) == (rx.pattern, rx.groups, rx.groupindex)


def test_a_bad_pattern_fails_when_used_not_silently() -> None:
    bad = lazy(r"(unclosed")
    try:
        bad.search("x")
    except re.error:
        return
    raise AssertionError("an invalid lazy pattern matched instead of raising re.error")


def test_invalid_regex_in_a_json_clause_is_not_taken_for_a_check() -> None:
    """The grammar validates a regex by compiling it: that must stay a real compile."""
    kinds = [c.kind for c in parse_criterion(r".version matches /^1\.(/", 0, False).clauses]
    assert kinds == [ClauseKind.MANUAL]
    kinds = [c.kind for c in parse_criterion(r".version matches /^1\./", 0, False).clauses]
    assert kinds == [ClauseKind.JSON]


def test_a_document_without_clauses_compiles_none_of_the_grammars_patterns(tmp_path) -> None:
    doc = tmp_path / "plain.md"
    doc.write_text("# plain\n\n```bash\necho hi\n```\n\n```output\nhi\n```\n")
    script = (
        "import sys, runbook.lazyre as L\n"
        "from runbook.parse.markdown import parse_document\n"
        "import runbook.parse.grammar_v2 as g\n"
        "parse_document(open(sys.argv[1]).read(), sys.argv[1])\n"
        "lazies = [v for v in vars(g).values() if isinstance(v, L._Lazy)]\n"
        "lazies += [x for v in vars(g).values() if isinstance(v, (list, tuple)) for x in v if isinstance(x, L._Lazy)]\n"
        "print(len(lazies), sum('search' in vars(x) for x in lazies))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(doc)], capture_output=True, text=True, check=True)
    total, compiled = map(int, out.stdout.split())
    assert total >= 10 and compiled == 0, out.stdout
