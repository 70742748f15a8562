"""The answer of a step's secret query is decoded by ``capture.decoded``, which skips building an
``OutputCapture`` for plain ASCII: the text must be exactly what the capture gives, for any
bytes, cap and CRLF folding (a difference would mask a different value than the output shows)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from runbook.run.capture import OutputCapture, decoded


def _captured(data: bytes, cap: int, fold: bool) -> str:
    capture = OutputCapture(cap, fold_crlf=fold)
    capture.feed(data)
    return capture.finish().text


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=64) | st.text(alphabet="ab\r\n\t\x1b[0m", max_size=64).map(str.encode),
       st.integers(min_value=0, max_value=80), st.booleans())
def test_decoding_an_answer_gives_what_the_capture_gives(data: bytes, cap: int, fold: bool) -> None:
    assert decoded(data, cap, fold) == _captured(data, cap, fold)


def test_a_long_or_non_ascii_answer_still_goes_through_the_capture() -> None:
    assert decoded(b"x" * 10, 4, False) == _captured(b"x" * 10, 4, False) != "x" * 10
    assert decoded(b"caf\xc3\xa9 \xff", 100, False) == "café \\xff"
    assert decoded(b"a\r\nb\r", 100, True) == "a\nb\r"
