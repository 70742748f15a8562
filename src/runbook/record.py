"""``record``: the model's dataclasses, frozen for mypy and cheap at run time.

A ``@dataclass(frozen=True)`` execs ~6 generated methods when its class is created (~0.7 ms
a class, ~15 ms of every start-up for the model's 25) and its ``__init__`` sets each field
through ``object.__setattr__`` (~3 µs for a ``StepResult``, built once a step). ``@record``
is ``@dataclass(slots=True, repr=False)`` at run time (``__init__`` and ``__eq__`` as
dataclasses generates them) with one ``__repr__`` and one ``__hash__`` made for the class
from its field names (what ``repr=True`` and ``unsafe_hash=True`` would generate:
``Name(field=value, ...)``, the hash of the fields' tuple): equality, ``repr``, hashing,
``dataclasses.replace`` / ``fields`` / ``asdict`` and ``match`` all as a frozen dataclass has
them; only the run-time refusal of an assignment is gone. mypy reads the class as frozen
(``dataclass_transform``'s ``frozen_default``) and rejects every assignment to a field:
``.venv/bin/mypy src/runbook`` is the guard, and
``tests/test_startup.py::test_mypy_rejects_an_assignment_to_a_record_field_or_a_final_attribute``
proves mypy still says so.

The ``__init__`` and ``__eq__`` are written out once in :mod:`runbook.record_code` (made by
``scripts/record_code.py``), so creating a record compiles no code (compiling them was ~60 %
of a record's ~0.25 ms, ~4 ms of every start-up): the class is ``@dataclass(init=False,
eq=False)`` (its fields, slots and ``__match_args__``) and gets the written-out methods, with
the defaults and default factories of its own fields. A class whose fields are not those the
code was written for (a field added, renamed, its default made a factory) is made by
dataclasses as before: slower, never wrong (``tests/test_record_code.py`` says when the code
is stale). A base module: it imports nothing of runbook but the written-out code.
"""

from __future__ import annotations

import inspect
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Callable, TypeVar, overload

from runbook import record_code

T = TypeVar("T")
Spec = tuple[str, ...]
"""A record's fields in order, each its name, ``name=`` with a default or ``name=*`` with a
default factory: what its ``__init__`` and ``__eq__`` depend on."""

RECORDS: list[tuple[str, type, Spec | None]] = []
"""Every record made in this process: ``module.qualname``, the class, its spec (``None``: a
class the written-out code does not cover). ``scripts/record_code.py`` writes the code from it."""

if TYPE_CHECKING:  # typing has it from 3.11 only; at run time it only marks the function
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[T], T]:
        return lambda f: f


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, slots: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T] | None = None, /, *, slots: bool = True) -> type[T] | Callable[[type[T]], type[T]]:
    """``@record`` or ``@record(slots=False)`` (a class with a ``cached_property``)."""
    def make(c: type[T]) -> type[T]:
        key, spec = f"{c.__module__}.{c.__qualname__}", spec_of(c)
        written = record_code.MADE.get(key)
        if spec is not None and written is not None and written[0] == spec:
            bare = not c.__doc__  # dataclasses would write its signature there, read from object's __init__
            if bare:
                c.__doc__ = " "
            made = dataclass(c, slots=slots, repr=False, init=False, eq=False)  # fields, slots, match_args
            _attach(made, spec, written[1])
            if bare:  # the doc dataclasses writes, from the written __init__
                made.__doc__ = made.__name__ + str(inspect.signature(made)).replace(" -> None", "")
        else:  # not written out (yet): dataclasses generates (compiles) them
            made = dataclass(c, slots=slots, repr=False)
        RECORDS.append((key, made, spec))
        names = tuple(f.name for f in fields(made))  # type: ignore[arg-type]
        setattr(made, "__repr__", _repr_of(names))
        setattr(made, "__hash__", _hash_of(names))
        return made

    return make if cls is None else make(cls)


_UNCOVERED = ("ClassVar", "InitVar", "KW_ONLY")


def spec_of(c: type) -> Spec | None:
    """``c``'s fields as the written-out code knows them, read from the class body before
    dataclasses sees it; ``None`` for what that code does not cover: fields inherited, a
    ``ClassVar``/``InitVar``/``KW_ONLY``, a field option (``init``, ``compare``, ``kw_only``),
    an ``__init__`` or ``__eq__`` of its own, a class without ``__annotations__`` in its body."""
    body = c.__dict__
    annotations = body.get("__annotations__")
    if not isinstance(annotations, dict) or "__init__" in body or "__eq__" in body or \
            any(hasattr(b, "__dataclass_fields__") for b in c.__mro__[1:]):
        return None
    out = []
    for name, ann in annotations.items():
        if any(word in (ann if isinstance(ann, str) else repr(ann)) for word in _UNCOVERED):
            return None
        value = body.get(name, MISSING)
        if isinstance(value, Field):
            if value.init is not True or value.compare is not True or value.kw_only is True:
                return None
            kind = "=*" if value.default_factory is not MISSING else "" if value.default is MISSING else "="
        else:
            kind = "" if value is MISSING else "="
        out.append(name + kind)
    return tuple(out)


def _attach(made: type, spec: Spec, methods: Callable[..., Any]) -> None:
    """The written-out ``__init__`` and ``__eq__`` on ``made``, with its fields' defaults."""
    got = fields(made)
    init, eq = methods(*[f.default_factory for f in got if f.default_factory is not MISSING])
    init.__defaults__ = tuple(record_code.FACTORY if f.default_factory is not MISSING else f.default
                              for f, name in zip(got, spec) if name.endswith(("=", "=*"))) or None
    init.__annotations__ = {**{f.name: f.type for f in got}, "return": None}  # as dataclasses' (a signature)
    for fn in (init, eq):
        fn.__qualname__ = f"{made.__qualname__}.{fn.__name__}"
        fn.__module__ = made.__module__
        setattr(made, fn.__name__, fn)


def _repr_of(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:  # what dataclass(repr=True) generates: Name(field=value!r, ...)
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"
    return __repr__


def _hash_of(names: tuple[str, ...]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:  # what dataclass(unsafe_hash=True) generates: the fields' tuple's
        return hash(tuple([getattr(self, n) for n in names]))
    return __hash__
