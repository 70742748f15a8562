"""The parser's caches and the paused collector change nothing a caller can see."""

from __future__ import annotations

import gc

import pytest

from runbook.errors import ParseError
from runbook.parse.attrs import parse_info, step_options
from runbook.parse.markdown import parse_document
from runbook.parse.pause import collector_paused


def test_attributes_changed_by_one_caller_do_not_leak_into_the_next_block_with_that_info_string() -> None:
    lang, attrs = parse_info("bash timeout=5 {#A1}")
    attrs["timeout"] = "999"
    attrs["skip"] = "true"
    assert parse_info("bash timeout=5 {#A1}") == (lang, {"timeout": "5", "id": "A1"})


def test_two_steps_sharing_an_info_string_keep_their_own_attributes() -> None:
    doc = parse_document("# T\n\n```bash timeout=5\necho a\n```\n\n```bash timeout=5 {#B}\necho b\n```\n", "t.md")
    first, second = doc.steps
    assert first.attrs == {"timeout": "5"} and second.attrs == {"timeout": "5", "id": "B"}
    assert first.options.timeout_s == second.options.timeout_s == 5.0


def test_options_of_attributes_differing_only_in_id_are_the_same_and_others_are_not() -> None:
    assert step_options({"id": "a", "retry": "2"}) == step_options({"id": "b", "retry": "2"})
    assert step_options({"retry": "2"}).retry == 2 and step_options({"retry": "3"}).retry == 3


def test_the_collector_is_back_on_after_a_parse_and_stays_off_when_the_caller_turned_it_off() -> None:
    assert gc.isenabled()
    parse_document("# T\n\n```bash\necho a\n```\n", "t.md")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            with collector_paused():
                pass
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_back_on_after_a_parse_error() -> None:
    with pytest.raises(ParseError, match="never closed"):
        parse_document("# T\n\n```bash\necho a\n", "t.md")
    assert gc.isenabled()
