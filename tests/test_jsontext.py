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


_shaped_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                            _text, st.sampled_from(["\x01", "\x010\x01", "\x00", ",\x00", "\\u0001"]))


@st.composite
def _steps(draw: st.DrawFn) -> list[object]:
    """Items of a few shapes (a run's steps share them), each with its own scalars; keys
    that look like the writer's placeholders or separators among them."""
    keys = st.sampled_from(["id", "checks", "", "\x010\x01", "\x00", "é", '"', "notes"])
    shapes = draw(st.lists(st.recursive(st.just(0), lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)), max_leaves=10), min_size=1, max_size=3))

    def fill(shape: object) -> object:
        if isinstance(shape, dict):
            return {k: fill(v) for k, v in shape.items()}
        if isinstance(shape, list):
            return [fill(v) for v in shape]
        return draw(_shaped_scalars)

    return [fill(draw(st.sampled_from(shapes))) for _ in range(draw(st.integers(0, 8)))]


@settings(max_examples=300, deadline=None)
@given(_steps(), st.sampled_from([1, 2]), st.booleans())
def test_items_written_from_the_template_of_their_shape_are_json_dumps_text(
        items: list[object], indent: int, ascii_only: bool) -> None:
    lazy = {"steps": Items(len(items), items.__getitem__)}
    assert dumps(lazy, indent, ensure_ascii=ascii_only) == json.dumps({"steps": items}, indent=indent,
                                                                       ensure_ascii=ascii_only)


def test_a_step_is_written_from_its_template() -> None:
    # Otherwise the comparisons above would pass with every item written the slow way.
    from runbook.report.jsontext import _Writer

    writer = _Writer([], "  ", False)
    step = {"id": "0-1", "ok": True, "n": 1.5, "checks": [{"clause": "exit code is 0", "ok": True}], "notes": []}
    for n in range(3):
        step["id"] = f"0-{n}\x00\"é"
        text = writer.shaped(step, 1)
        assert text is not None and text == json.dumps(step, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    assert len(writer.shapes) == 1  # one template per (shape, level), reused
