"""The hand-written matcher of a title's leading step id agrees with the pattern it replaces.

Reports used to compile one regular expression per step id (a millisecond each,
a minute for 50,000 steps); ``leading_id_end`` matches ASCII by hand. A wrong
answer would change what a report shows, so it is checked against the pattern.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.wording import leading_id_end

_ALPHABET = "stepSTEP 1A2b._-:)\t\x1c"
_texts = st.text(alphabet=_ALPHABET, max_size=14)


def _pattern_end(title: str, step_id: str, spaces: bool, joiners: str) -> int | None:
    lead = r"\s*" if spaces else ""
    m = re.match(rf"{lead}(?:step\s+)?{re.escape(step_id)}(?![{re.escape(joiners)}\w]*\w)", title, re.I)
    return m.end() if m else None


@settings(max_examples=3000, deadline=None)
@given(prefix=st.sampled_from(["", " ", "step ", "Step\t ", "  STEP  ", "steps "]), title=_texts,
       step_id=st.text(alphabet=_ALPHABET, max_size=5), spaces=st.booleans(),
       joiners=st.sampled_from(["", ".-"]))
def test_leading_id_matcher_never_disagrees_with_the_pattern(prefix: str, title: str, step_id: str,
                                                             spaces: bool, joiners: str) -> None:
    text = prefix + step_id + title if len(title) % 2 else prefix + title
    assert leading_id_end(text, step_id, spaces=spaces, joiners=joiners) == _pattern_end(
        text, step_id, spaces, joiners)


def test_leading_id_of_non_ascii_titles_follows_the_pattern() -> None:
    # Case-insensitive matching outside ASCII has its own rules (the Kelvin sign is a k).
    for title, step_id in [("\u212a1 build", "k1"), ("Step \u017f2: go", "S2"), ("é1 café", "É1")]:
        for spaces in (False, True):
            assert leading_id_end(title, step_id, spaces=spaces) == _pattern_end(title, step_id, spaces, "")
    assert leading_id_end("\u212a1 build", "k1") == 2
