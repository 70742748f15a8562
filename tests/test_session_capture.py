"""OutputCapture: bounded head/tail, exact counts, decoding and needles across chunk cuts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.run.capture import OutputCapture


def _feed_all(cap: OutputCapture, data: bytes, size: int) -> None:
    for i in range(0, len(data), size):
        cap.feed(data[i:i + size])


def test_small_output_is_kept_whole():
    cap = OutputCapture(100)
    assert cap.feed(b"hello\nwor") == "hello\nwor"
    cap.feed(b"ld\n")
    out = cap.finish()
    assert (out.text, out.total_bytes, out.lines, out.dropped_bytes) == ("hello\nworld\n", 12, 2, 0)
    assert not out.truncated


def test_line_count_includes_an_unterminated_last_line():
    cap = OutputCapture(100)
    cap.feed(b"a\nb")
    assert cap.finish().lines == 2
    assert OutputCapture(100).finish().lines == 0


def test_truncation_keeps_head_and_tail_with_a_marker():
    cap = OutputCapture(20)
    data = b"".join(b"%03d\n" % i for i in range(100))  # 400 bytes
    _feed_all(cap, data, 7)
    out = cap.finish()
    assert out.total_bytes == 400 and out.lines == 100
    assert out.dropped_bytes == 380
    head, marker, tail = out.text.split("\n[", 1)[0], "[... 380 bytes dropped ...]", out.text[-10:]
    assert data.decode().startswith(head)
    assert marker in out.text
    assert data.decode().endswith(tail)
    assert len(out.text) <= 20 + len(marker) + 2


def test_invalid_utf8_is_escaped_and_counted_exactly():
    cap = OutputCapture(100)
    text = cap.feed(b"\x80\xff\x00abc")
    out = cap.finish()
    assert out.text == "\\x80\\xff\x00abc"
    assert out.total_bytes == 6
    assert text  # the live view got something, not an exception


def test_multibyte_character_split_across_chunks():
    cap = OutputCapture(100)
    data = "é€😀\n".encode()
    for b in data:
        cap.feed(bytes([b]))
    assert cap.finish().text == "é€😀\n"


def test_crlf_folding_only_when_asked_and_across_chunks():
    folded = OutputCapture(100, fold_crlf=True)
    folded.feed(b"a\r")
    folded.feed(b"\nb\r\r\n")
    assert folded.finish().text == "a\nb\r\n"
    raw = OutputCapture(100)
    raw.feed(b"a\r\nb")
    assert raw.finish().text == "a\r\nb"


def test_needles_are_counted_on_ansi_stripped_text_across_cuts():
    cap = OutputCapture(10, needles=["red", "ok\nok", "zzz"])
    data = b"\x1b[31mred\x1b[0m ok\r\nok " * 50
    _feed_all(cap, data, 3)
    out = cap.finish()
    assert out.counts == {"red": 50, "ok\nok": 50, "zzz": 0}
    assert out.truncated


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=1, max_value=50), st.integers(min_value=2, max_value=80))
def test_any_chunking_gives_the_same_counts(data, size, capsize):
    whole = OutputCapture(capsize, needles=["ab", "\n"])
    whole.feed(data)
    pieces = OutputCapture(capsize, needles=["ab", "\n"])
    _feed_all(pieces, data, size)
    a, b = whole.finish(), pieces.finish()
    assert a == b
    assert a.total_bytes == len(data)
    assert a.lines == data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    if not a.truncated:
        assert a.text == data.decode("utf-8", "backslashreplace")


def test_last_line_is_the_unterminated_prompt():
    cap = OutputCapture(1000)
    cap.feed(b"hello\nPass")
    cap.feed(b"word: ")
    assert cap.last_line() == "Password: "
    cap.feed(b"\n")
    assert cap.last_line() == ""
    cap.feed(b"x" * 300)
    assert cap.last_line(limit=200) == ""


def test_an_answers_end_split_from_its_newline_leaves_no_newline_for_the_next_step():
    # A read may end between a line's text and its newline (the pty hands over what it has).
    # Before: the answer's end was taken without its newline, and the newline that came
    # next started the next step's output (a batched step's output then had an extra
    # leading newline, and an exact expected output failed).
    import time

    import pexpect

    from runbook.run.reader import Reader

    class Bare(Reader):
        def __init__(self, child) -> None:
            self._child, self._dead, self._left, self._asked, self._answer = child, False, b"", set(), None

    child = pexpect.spawn("sh", ["-c", "printf 'vals\\n__RB_abc!'; sleep 0.5; printf '\\nnext-step-output\\n'"],
                          echo=False)
    try:
        reader = Bare(child)
        answer, buf, at = reader._take_answer(b"", 0, "abc", time.monotonic() + 30)
        rest = buf[at:]
        assert answer is not None and answer.rstrip(b"\r").endswith(b"vals")
        deadline = time.monotonic() + 30
        while b"next-step-output" not in rest and time.monotonic() < deadline:
            rest += child.read_nonblocking(4096, timeout=30)
        assert rest.startswith(b"next-step-output"), f"what the next step would read first: {rest!r}"
    finally:
        child.close(force=True)
