"""Indented JSON text, byte for byte what ``json.dumps(obj, indent=N, ensure_ascii=...)`` writes.

The standard library encodes without indentation in C, but with ``indent`` it falls back
to a pure-Python generator per value (~14 µs a step of a run's results, the state file
again). The reports are indented for people to read, so this module writes the same text
with a recursive pass in which every container holding only scalars (and empty
containers) -- a step's result, a check, the summary -- is written by the C encoder in
one call: indentation is only the separators, and the C encoder takes any separator
(``",\n" + indent``). Anything else (a type ``json`` would reject, a cycle) is left to
:func:`json.dumps`, which raises as it always did. ``tests/test_jsontext.py`` compares
the two on generated values.
"""

from __future__ import annotations

import json
import re
from json.encoder import c_make_encoder, encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, Callable, Iterator

_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
_MAX_DEPTH = 200
"""Deeper than any report; deeper values go to :func:`json.dumps` (its recursion and cycle checks)."""


class _Fallback(Exception):
    """A value this module does not write itself."""


class Items:
    """A JSON array whose items are made one at a time while it is written: a big run's
    steps (50,000 of them) then never all exist as dicts at once, and each item's text is
    joined as soon as it is written (the pieces of all of them took ~4 KB a step)."""

    __slots__ = ("count", "make")

    def __init__(self, count: int, make: Callable[[int], Any]) -> None:
        self.count, self.make = count, make

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Any]:
        return (self.make(i) for i in range(self.count))


class Prepared:
    """An :class:`Items` item given as its scalars in writing order (``values``) and a
    ``key`` naming its shape, so that the writer needs no pass over a dict to find them:
    the text is the shape's template filled with ``values``. ``build()`` makes the dict
    itself: once per shape for the template (whose scalars are checked against
    ``values``), and for any item the template cannot write."""

    __slots__ = ("key", "values", "build")

    def __init__(self, key: object, values: list[object], build: Callable[[], Any]) -> None:
        self.key, self.values, self.build = key, values, build


def _plain(o: object) -> object:
    """``json.dumps``'s ``default``: :class:`Items` as the list it stands for."""
    if isinstance(o, Items):
        return [item.build() if type(item) is Prepared else item for item in o]
    return _reject(o)


def dumps(obj: Any, indent: int, ensure_ascii: bool = True, end: str = "") -> str:
    """``json.dumps(obj, indent=indent, ensure_ascii=ensure_ascii) + end``, faster for JSON
    values (:class:`Items` written as arrays)."""
    return "".join(dumps_pieces(obj, indent, ensure_ascii, end))


def dumps_pieces(obj: Any, indent: int, ensure_ascii: bool = True, end: str = "") -> list[str]:
    """:func:`dumps`'s text in pieces (one per :class:`Items` item and between), for a
    writer that writes them one by one instead of joining 36 MB first."""
    out: list[str] = []
    try:
        _Writer(out, " " * indent, ensure_ascii).value(obj, 0)
    except (_Fallback, RecursionError, TypeError, ValueError):
        return [json.dumps(obj, indent=indent, ensure_ascii=ensure_ascii, default=_plain) + end]
    out.append(end)
    return out


class NotWritten(Exception):
    """:func:`dumps_into` met a value it does not write itself (what it wrote is not the text)."""


def dumps_into(obj: Any, indent: int, write: Callable[[str], object], ensure_ascii: bool = True,
               end: str = "") -> None:
    """:func:`dumps`'s text handed to ``write`` as it is made: an :class:`Items` array item
    by item, so a 50,000-step run's text never exists whole. Raises :class:`NotWritten`
    (after writing a part) where :func:`dumps` would fall back to :func:`json.dumps`."""
    out: list[str] = []

    def flush() -> None:
        for piece in out:
            write(piece)
        out.clear()

    try:
        _Writer(out, " " * indent, ensure_ascii, flush).value(obj, 0)
    except (_Fallback, RecursionError, TypeError, ValueError):
        raise NotWritten from None
    out.append(end)
    flush()


def _reject(o: object) -> object:
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == float("inf"):
        return "Infinity"
    if o == -float("inf"):
        return "-Infinity"
    return float.__repr__(o)


def _key(k: object, enc: Callable[[str], str]) -> str:
    """A key as ``json`` writes it (it turns scalars into strings, in this order)."""
    if isinstance(k, str):
        return str(enc(k))
    if isinstance(k, float):
        return '"' + _float(k) + '"'
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return '"' + int.__repr__(k) + '"'
    raise _Fallback


class _Writer:
    def __init__(self, out: list[str], unit: str, ensure_ascii: bool,
                 flush: Callable[[], None] | None = None) -> None:
        self.out, self.unit, self.ascii, self.flush = out, unit, ensure_ascii, flush
        self.enc: Callable[[str], str] = encode_basestring_ascii if ensure_ascii else encode_basestring
        self.c: dict[str, Callable[[object, int], Any]] = {}
        """The C encoder of each separator (one per nesting level), made once."""
        self.shapes: dict[tuple[object, int], list[str] | None] = {}
        """The text around the scalars of each shape of item at each level (None: not used)."""

    def compact(self, o: object, inner: str) -> str:
        """``o`` without nested containers, its items separated by ``"," + inner``."""
        if c_make_encoder is None:
            return json.dumps(o, ensure_ascii=self.ascii, separators=("," + inner, ": "))
        enc = self.c.get(inner)
        if enc is None:
            enc = self.c[inner] = c_make_encoder(None, _reject, self.enc, None, ": ", "," + inner,
                                                 False, False, True)
        return "".join(enc(o, 0))

    def flat(self, o: list[Any] | tuple[Any, ...] | dict[Any, Any], inner: str, close: str) -> bool:
        """Write ``o`` in one C call when it holds no non-empty container (True when written)."""
        values = o.values() if isinstance(o, dict) else o
        if not all(type(v) in _SCALARS or (not v and type(v) is not Items) for v in values):
            return False
        text = self.compact(o, inner)
        self.out.append(text[0] + inner + text[1:-1] + close + text[-1])
        return True

    def value(self, o: object, level: int) -> None:
        out = self.out
        if isinstance(o, str):
            out.append(self.enc(o))
        elif o is None:
            out.append("null")
        elif o is True:
            out.append("true")
        elif o is False:
            out.append("false")
        elif isinstance(o, int):
            out.append(int.__repr__(o))
        elif isinstance(o, float):
            out.append(_float(o))
        elif isinstance(o, (list, tuple)):
            self.array(o, level)
        elif isinstance(o, dict):
            self.mapping(o, level)
        elif isinstance(o, Items):
            self.items(o, level)
        else:
            raise _Fallback

    def opened(self, o: list[Any] | tuple[Any, ...] | dict[Any, Any], level: int, empty: str) -> str | None:
        """The indent of ``o``'s members once its opening bracket is written, or ``None`` when
        ``o`` was written whole (empty, or members all plain values)."""
        if not o:
            self.out.append(empty)
            return None
        if level >= _MAX_DEPTH:
            raise _Fallback
        inner = "\n" + self.unit * (level + 1)
        if self.flat(o, inner, "\n" + self.unit * level):
            return None
        self.out.append(empty[0] + inner)
        return inner

    def array(self, o: list[Any] | tuple[Any, ...], level: int) -> None:
        inner = self.opened(o, level, "[]")
        if inner is None:
            return
        first = True
        for item in o:
            if not first:
                self.out.append("," + inner)
            first = False
            self.value(item, level + 1)
        self.out.append("\n" + self.unit * level + "]")

    def mapping(self, o: dict[Any, Any], level: int) -> None:
        inner = self.opened(o, level, "{}")
        if inner is None:
            return
        out, enc = self.out, self.enc
        first = True
        plain: dict[Any, Any] = {}  # a run of plain members: one C call (a step's first 12)
        for k, v in o.items():
            if type(v) in _SCALARS or (not v and type(v) is not Items):
                plain[k] = v
                continue
            if plain:
                out.append(("" if first else "," + inner) + self.compact(plain, inner)[1:-1])
                first, plain = False, {}
            out.append(("" if first else "," + inner) + _key(k, enc) + ": ")
            first = False
            self.value(v, level + 1)
        if plain:
            out.append(("" if first else "," + inner) + self.compact(plain, inner)[1:-1])
        out.append("\n" + self.unit * level + "}")

    def items(self, o: Items, level: int) -> None:
        """An :class:`Items` array: each item made, written and joined into one string in turn."""
        out = self.out
        if not len(o):
            out.append("[]")
            return
        if level >= _MAX_DEPTH:
            raise _Fallback
        inner = "\n" + self.unit * (level + 1)
        out.append("[" + inner)
        for i, item in enumerate(o):
            if i:
                out.append("," + inner)
            text: str | None = None
            if type(item) is Prepared:
                text = self.prepared(item, level + 1)
                if text is None:
                    item = item.build()
            if text is None and type(item) is dict:
                text = self.shaped(item, level + 1)
            if text is None:
                mark = len(out)
                self.value(item, level + 1)
                text = "".join(out[mark:])
                del out[mark:]
            out.append(text)
            if self.flush is not None:
                self.flush()
        out.append("\n" + self.unit * level + "]")

    def shaped(self, o: dict[Any, Any], level: int) -> str | None:
        """An item's text from the template of its shape (its keys and containers, the
        scalars left out) and its scalars encoded in one C call: a run's steps share a
        few shapes. ``None``: written by :meth:`value` (an odd key or value, a new shape
        past the cache's size)."""
        values: list[object] = []
        shape: list[object] = []
        if c_make_encoder is None or not _flatten(o, values, shape, 0):
            return None
        key = (tuple(shape), level)
        if key in self.shapes:
            template = self.shapes[key]
        else:
            template = self._template(o, values, level) if len(self.shapes) < _SHAPES else None
            self.shapes[key] = template
        if template is None:
            return None
        return self._fill(template, values)

    def prepared(self, p: Prepared, level: int) -> str | None:
        """A :class:`Prepared` item's text from its shape's template (``None``: written from
        its dict, when a value is not a plain scalar or the template could not be made)."""
        if c_make_encoder is None or not _SCALAR_TYPES.issuperset(map(type, p.values)):
            return None
        key = (p.key, level)
        if key in self.shapes:
            template = self.shapes[key]
        else:
            template = self._prepared_template(p, level) if len(self.shapes) < _SHAPES else None
            self.shapes[key] = template
        if template is None or len(template) != len(p.values) + 1:
            return None
        return self._fill(template, p.values)

    def _prepared_template(self, p: Prepared, level: int) -> list[str] | None:
        """The template of ``p``'s shape, made from its dict; ``None`` unless that dict's
        scalars are exactly ``p.values`` (same types, same order)."""
        o = p.build()
        values: list[object] = []
        if type(o) is not dict or not _flatten(o, values, [], 0):
            return None
        if list(map(type, values)) != list(map(type, p.values)) or values != p.values:
            return None
        return self._template(o, values, level)

    def _fill(self, template: list[str], values: list[object]) -> str:
        if not values:
            return template[0]
        parts: list[str] = [""] * (2 * len(values) + 1)
        parts[::2] = template
        parts[1::2] = self.compact(values, _SCALAR_SEP)[1:-1].split("," + _SCALAR_SEP)
        return "".join(parts)

    def _template(self, o: dict[Any, Any], values: list[object], level: int) -> list[str] | None:
        """The text of ``o`` cut at its scalars: written with a numbered placeholder string
        for each (its JSON escape can hold no other text's), then split there."""
        count = iter(range(len(values)))
        skeleton = _replace_scalars(o, lambda: f"\x01{next(count)}\x01")
        if skeleton is None:
            return None
        out: list[str] = []
        _Writer(out, self.unit, self.ascii).value(skeleton, level)
        pieces = _PLACEHOLDER.split("".join(out))
        if pieces[1::2] != [str(i) for i in range(len(values))]:
            return None  # a key that looks like a placeholder: not this way
        return pieces[::2]


_SHAPES = 64
"""Templates kept per writer (a run's steps: a handful)."""
_SCALAR_SEP = "\x00"
"""Between the scalars of one C call: a control character is always escaped in JSON text."""
_PLACEHOLDER = re.compile(r'"\\u0001(\d+)\\u0001"')
_NESTED = 20


def _flatten(o: object, values: list[object], shape: list[object], depth: int) -> bool:
    """Collect ``o``'s scalars in writing order into ``values`` and its shape into ``shape``
    (each container's keys or length and its members' types); False for what
    :meth:`_Writer.shaped` leaves to the writer: a value that is not plain JSON."""
    if depth > _NESTED:
        return False
    members: Any
    if type(o) is dict:
        members = o.values()  # type: ignore[attr-defined]
        shape.append(tuple(o))  # type: ignore[arg-type]
    elif type(o) is list or type(o) is tuple:
        members = o
        shape.append(len(o))  # type: ignore[arg-type]
    else:
        return False
    kinds = tuple(map(type, members))
    shape.append(kinds)
    if _SCALAR_TYPES.issuperset(kinds):
        values.extend(members)
        return True
    for v, kind in zip(members, kinds):
        if kind in _SCALAR_TYPES:
            values.append(v)
        elif not _flatten(v, values, shape, depth + 1):
            return False
    return True


def _replace_scalars(o: object, placeholder: Callable[[], str]) -> object:
    """``o`` with each scalar replaced by ``placeholder()``, in writing order; ``None`` when
    a key is not a string (the shape's keys compare equal to its own: ``1 == True``)."""
    if type(o) is dict:
        if not all(isinstance(k, str) for k in o):  # type: ignore[attr-defined]
            return None
        inner = {k: _replace_scalars(v, placeholder) for k, v in o.items()}  # type: ignore[attr-defined]
    elif type(o) is list or type(o) is tuple:
        inner = [_replace_scalars(v, placeholder) for v in o]  # type: ignore[attr-defined, assignment]
    else:
        return placeholder()
    members = inner.values() if isinstance(inner, dict) else inner
    return None if any(v is None for v in members) else inner
