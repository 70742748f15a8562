"""report/jsontext.dumps writes exactly json.dumps's indented text (the reports and the state file use it)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.report.jsontext import Items, dumps

_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=()),
                max_size=12)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     _text)
_keys = st.one_of(_text, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.lists(inner, max_size=5).map(tuple),
    st.dictionaries(_keys, inner, max_size=5)), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(_values, st.sampled_from([0, 1, 2, 4]), st.booleans())
def test_indented_text_never_differs_from_json_dumps_by_a_byte(value: object, indent: int, ascii_only: bool) -> None:
    assert dumps(value, indent, ensure_ascii=ascii_only) == json.dumps(value, indent=indent, ensure_ascii=ascii_only)


def test_lone_surrogates_and_control_characters_are_escaped_as_json_does() -> None:
    value = {"out": "a\udc80b\x00\x1f\u2028é", "k\ud800": ["\"\\", "\t"]}
    for ascii_only in (True, False):
        assert dumps(value, 2, ascii_only) == json.dumps(value, indent=2, ensure_ascii=ascii_only)


def test_a_value_json_rejects_is_rejected_the_same_way() -> None:
    for bad in ({"a": {1, 2}}, [object()], {("t",): 1}):
        with pytest.raises(TypeError):
            json.dumps(bad, indent=2)
        with pytest.raises(TypeError):
            dumps(bad, 2)


def test_a_cycle_is_refused_not_followed_forever() -> None:
    loop: list[object] = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        dumps({"x": loop}, 2)


def test_very_deep_nesting_is_written_as_json_writes_it() -> None:
    deep: object = "leaf"
    for _ in range(400):
        deep = {"d": [deep, 1]}
    assert dumps(deep, 1) == json.dumps(deep, indent=1)


@settings(max_examples=200, deadline=None)
@given(st.lists(_values, max_size=6), st.sampled_from([1, 2]), st.booleans())
def test_items_made_while_written_give_the_text_of_the_list_they_stand_for(
        items: list[object], indent: int, ascii_only: bool) -> None:
    # The JSON results and the state file write a run's steps as Items (each step's dict
    # made only while it is written): the text must be the list's, byte for byte.
    lazy = {"head": 1, "steps": Items(len(items), items.__getitem__), "tail": [Items(0, items.__getitem__)]}
    eager = {"head": 1, "steps": items, "tail": [[]]}
    want = json.dumps(eager, indent=indent, ensure_ascii=ascii_only) + "\n"
    assert dumps(lazy, indent, ensure_ascii=ascii_only, end="\n") == want


def test_items_deeper_than_the_writer_goes_are_written_by_json_dumps_as_lists() -> None:
    deep: object = Items(2, lambda i: i)
    plain: object = [0, 1]
    for _ in range(300):
        deep, plain = {"d": deep}, {"d": plain}
    assert dumps(deep, 1) == json.dumps(plain, indent=1)
