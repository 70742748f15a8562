"""``record``: the model's dataclasses, frozen for mypy and cheap at run time.

A ``@dataclass(frozen=True)`` execs ~6 generated methods when its class is created (~0.7 ms
a class, ~15 ms of every start-up for the model's 25) and its ``__init__`` sets each field
through ``object.__setattr__`` (~3 µs for a ``StepResult``, built once a step). ``@record``
is ``@dataclass(slots=True, repr=False)`` at run time (``__init__`` and ``__eq__``
generated) with one ``__repr__`` and one ``__hash__`` made for the class from its field
names (what ``repr=True`` and ``unsafe_hash=True`` would generate: ``Name(field=value, ...)``,
the hash of the fields' tuple): equality, ``repr``, hashing, ``dataclasses.replace`` /
``fields`` / ``asdict`` and ``match`` all as a frozen dataclass has them; only the run-time
refusal of an assignment is gone. mypy reads the class as frozen (``dataclass_transform``'s
``frozen_default``) and rejects every assignment to a field: ``.venv/bin/mypy src/runbook``
is the guard, and ``tests/test_startup.py::test_mypy_rejects_an_assignment_to_a_record_field_or_a_final_attribute``
proves mypy still says so. A base module: it imports nothing of runbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Callable, TypeVar, overload

T = TypeVar("T")

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
        made = dataclass(c, slots=slots, repr=False)  # __init__ and __eq__ generated (per-class code)
        names = tuple(f.name for f in fields(made))  # type: ignore[arg-type]
        setattr(made, "__repr__", _repr_of(names))
        setattr(made, "__hash__", _hash_of(names))
        return made

    return make if cls is None else make(cls)


def _repr_of(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:  # what dataclass(repr=True) generates: Name(field=value!r, ...)
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"
    return __repr__


def _hash_of(names: tuple[str, ...]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:  # what dataclass(unsafe_hash=True) generates: the fields' tuple's
        return hash(tuple([getattr(self, n) for n in names]))
    return __hash__
