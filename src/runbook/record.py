"""``record``: the model's dataclasses, frozen for mypy and cheap at run time.

A ``@dataclass(frozen=True)`` execs ~6 generated methods when its class is created (~0.7 ms
each class, ~13 ms of every start-up for the model's 22) and its ``__init__`` sets each field
through ``object.__setattr__`` (~3 µs for a ``StepResult``, built once a step). ``@record``
is ``@dataclass(slots=True, unsafe_hash=True)`` at run time: equality, ``repr``, hashing,
``dataclasses.replace`` / ``fields`` / ``asdict`` and ``match`` all as a frozen dataclass
has them (the hash is the same tuple of fields), only the run-time refusal of an
assignment is gone. mypy reads the class as frozen (``dataclass_transform``'s
``frozen_default``) and rejects every assignment to a field: ``.venv/bin/mypy src/runbook``
is the guard, and ``tests/test_startup.py::test_mypy_rejects_an_assignment_to_a_record_field``
proves mypy still says so. A base module: it imports nothing of runbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    make = dataclass(slots=slots, unsafe_hash=True)
    return make if cls is None else make(cls)
