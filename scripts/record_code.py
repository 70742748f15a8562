"""Write src/runbook/record_code.py: each @record class's ``__init__`` and ``__eq__`` as
dataclasses would generate them (``runbook/record.py`` says why).

    .venv/bin/python scripts/record_code.py          # rewrite it
    .venv/bin/python scripts/record_code.py --check  # exit 1 if it is not what this writes

Run it after adding a record or changing a record's fields (a name, the order, a default
made a factory); until then that class is made by dataclasses, correct but slower, and
tests/test_record_code.py fails.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
TARGET = SRC / "runbook" / "record_code.py"
WIDTH = 110

HEADER = '''"""The ``__init__`` and ``__eq__`` of every ``@record`` class, written out (``runbook/record.py``).

Made by ``scripts/record_code.py`` from the classes themselves: do not edit. Each entry of
``MADE`` is a record's fields (name and kind: ``""`` none, ``"d"`` a default, ``"f"`` a
default factory) and a function of its default factories that returns the two methods, as
dataclasses generates them for a class that is not frozen (the defaults written here are
replaced with the class's own). A record whose fields are not these is made by dataclasses.
A base module: it imports nothing of runbook.
"""

# fmt: off
# flake8: noqa
from typing import Any, Callable


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


FACTORY = _F = _Factory()
"""The default of a field with a default factory (as dataclasses shows it: ``<factory>``)."""
'''


def _records() -> list[tuple[str, tuple[str, ...]]]:
    sys.path.insert(0, str(SRC))
    stub = types.ModuleType("runbook.record_code")  # every record made by dataclasses: the file may be stale
    stub.FACTORY, stub.MADE = object(), {}  # type: ignore[attr-defined]
    sys.modules["runbook.record_code"] = stub
    import runbook
    from runbook import record

    for info in pkgutil.walk_packages(runbook.__path__, "runbook."):
        if info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional dependency missing: its records, if any, stay unwritten
            continue
    return sorted({(key, spec) for key, _, spec in record.RECORDS if spec is not None})


def _wrapped(head: str, parts: list[str], sep: str, indent: str) -> list[str]:
    """``head`` then ``parts`` joined by ``sep``, in lines of at most WIDTH characters."""
    lines, line = [], head
    for i, part in enumerate(parts):
        piece = part + (sep if i < len(parts) - 1 else "")
        if len(line) + len(piece) > WIDTH and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += piece
    lines.append(line.rstrip())
    return lines


def _function(index: int, key: str, fields: tuple[str, ...]) -> list[str]:
    spec = [(f.split("=")[0], {"": "", "=": "d", "=*": "f"}[f[len(f.split("=")[0]):]]) for f in fields]
    names = [n for n, _ in spec]
    assert not {"self", "other"} & set(names) and not any(n.startswith("_f_") for n in names), key
    kinds = [k for _, k in spec]
    assert kinds == sorted(kinds, key=bool), f"{key}: a field without a default after one with"
    factories = [f"_f_{n}" for n, k in spec if k == "f"]
    out = [f"def _m{index}({', '.join(factories)}):  # {key}"]
    params = ["self", *(n + ("=_F" if k else "") for n, k in spec)]
    out += _wrapped("    def __init__(", params[:-1] + [params[-1] + "):"], ", ", " " * 17)
    sets = [f"self.{n} = _f_{n}() if {n} is _F else {n}" if k == "f" else f"self.{n} = {n}" for n, k in spec]
    out += [line.rstrip(";") for line in _wrapped("        ", sets, "; ", " " * 8)] if sets else ["        pass"]
    one = "," if len(names) == 1 else ""
    same = ("NotImplemented if other.__class__ is not self.__class__ else "
            f"({', '.join(f'self.{n}' for n in names)}{one}) == ({', '.join(f'other.{n}' for n in names)}{one})")
    out += ["    def __eq__(self, other):"]
    out += _wrapped("        return ", same.split(", "), ", ", " " * 16)
    out += ["    return __init__, __eq__"]
    return out


def source() -> str:
    records = _records()
    out = [HEADER]
    for i, (key, spec) in enumerate(records):
        out += ["", *_function(i, key, spec)]
    out += ["", "", "MADE: dict[str, tuple[tuple[str, ...], Callable[..., tuple[Any, Any]]]] = {"]
    for i, (key, spec) in enumerate(records):
        out += _wrapped(f"    {key!r}: ((", [repr(f) for f in spec[:-1]] + [f"{spec[-1]!r}), _m{i}),"] if spec
                        else ["), _m{i}),"], ", ", " " * 8)
    out += ["}", ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    text = source()
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is stale: run .venv/bin/python scripts/record_code.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
