"""The one-search pre-test of :func:`runbook.parse.volatile.is_volatile` never rules out a
text that a volatile rule matches: ``is_volatile`` answers exactly as the fourteen searches do."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.parse import volatile

# Characters every rule's tokens are made of, and a few a rule looks around.
_ALPHABET = "0123456789abcdefxXsmhdunµ-:./[]<>{}%$~#…etcpidPIDusageUSAGE \t\n,TZ+_=*"
_PIECES = ["2019-01-29T17:34:30Z", "Apr 20 15:35:31", "172.20.83.84", "[::1]", "2.85 secs", "55s", "Xm",
           "-765d459796-258hz", "0dd43dd87f", "9.0.x", "[55]", "pid=7", "...", "# etc.", "<ts>", "{{ x }}",
           "~/", "/home/u", "Usage: t", "> quoted\n", "123e4567-e89b-12d3-a456-426614174000", "١٢٣٤٥٦٧٨٩٠",
           "step-1", "step-12345", "web-7d9f8", "web-a1", "3h2m", "--%<--", "xxxx", "XX", "go1.21", "v1.x"]


def _each_rule(text: str) -> bool:
    return bool(text.strip()) and any(r.pattern.search(text) for r in volatile.RULES)


@settings(max_examples=3000)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_the_pre_test_never_hides_a_volatile_token_in_random_text(text: str) -> None:
    assert volatile.is_volatile(text) == _each_rule(text)


@settings(max_examples=1500)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(alphabet=_ALPHABET, max_size=6)), max_size=5))
def test_the_pre_test_never_hides_a_volatile_token_among_real_ones(parts: list[str]) -> None:
    text = "".join(parts)
    assert volatile.is_volatile(text) == _each_rule(text)


def test_every_rule_token_passes_the_pre_test() -> None:
    for piece in _PIECES:
        if _each_rule(piece):
            assert volatile._MAYBE.search(piece), piece
    for common in ("step-1", "step-12345"):  # the common case the pre-test is for
        assert volatile._MAYBE.search(common) is None


_NEEDS = re.compile(  # each rule's needs side by side, as the docstring of volatile._MAYBE lists them
    r"[0-9a-fA-F]{8}-|-[a-z0-9]{8}|-[a-z]+\d|-\d+[a-z]|[0-9a-f]{7}|\d{10}|\d-|[:.\[/<>{…]"
    r"|\d\s?[mµunshd]|[\dXx][smhd]|pid|PID|etc|x{4}|X{2}")


@settings(max_examples=3000)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(alphabet=_ALPHABET + "AFgq\u0660\u2003", max_size=8)),
                max_size=5))
def test_the_grouped_pre_test_finds_a_text_exactly_when_one_of_the_needs_is_in_it(parts: list[str]) -> None:
    text = "".join(parts)
    assert (volatile._MAYBE.search(text) is None) == (_NEEDS.search(text) is None)
