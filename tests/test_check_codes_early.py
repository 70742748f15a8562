"""``runbook check --select/--ignore`` tells the rules what it will drop (issue 13): a per-step
rule then does not make findings nobody reports. What is reported must be exactly what the
full check, filtered afterwards, reports."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_parse_bare_fence import _PIECES

from runbook.lint.check import check_text, select
from runbook.lint.codes import CODES

_PREFIXES = ["RB1", "RB101", "RB102", "RB103", "RB2", "RB4", "RB7", "RB8", "", "RB10", "RB3"]


@settings(max_examples=250, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["```bash\necho x\n```\n\nPASS if output contains x\n"]), min_size=1, max_size=12),
       st.lists(st.sampled_from(_PREFIXES), max_size=2), st.lists(st.sampled_from(_PREFIXES), max_size=2))
def test_findings_left_out_early_are_exactly_those_the_selection_drops(pieces: list[str], chosen: list[str],
                                                                       dropped: list[str]) -> None:
    text = "\n".join(pieces)
    codes = (tuple(chosen), tuple(dropped))
    early, _ = check_text(text, "d.md", codes=codes)
    full, _ = check_text(text, "d.md")
    assert select(early, *codes) == select(full, *codes)


def test_every_completeness_code_is_still_found_when_selected() -> None:
    text = "# T\n\n```bash\necho a\n```\n\n```bash\necho b\n```\n\n```output\nb\n```\n\n```bash\nc\n```\n\nPASS if exit code is 0\n"
    for code in ("RB101", "RB102", "RB103"):
        assert code in CODES
        early, _ = check_text(text, "d.md", codes=((code,), ()))
        assert [f.code for f in select(early, (code,))] == [code], code
