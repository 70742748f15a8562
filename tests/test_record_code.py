"""``runbook/record_code.py``: the records' ``__init__`` and ``__eq__`` written out once
(``runbook/record.py``), current, used, and the same as what dataclasses generates."""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import subprocess
import sys
from dataclasses import field
from pathlib import Path

import pytest

from runbook import record, record_code
from runbook.record import record as make_record

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "record_code.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("record_code_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_written_code_is_what_the_script_writes_now() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + "\n(run: .venv/bin/python scripts/record_code.py)"


def test_every_record_of_runbook_uses_the_written_code_and_matches_dataclasses() -> None:
    """Each record's methods are the written ones, and a twin made by dataclasses from the
    same class body has the same signature (names, defaults), equality and fields."""
    code = (
        "import dataclasses, inspect, importlib, pkgutil, sys, runbook\n"
        "from runbook import record\n"
        "for info in pkgutil.walk_packages(runbook.__path__, 'runbook.'):\n"
        "    if not info.name.endswith('__main__'):\n"
        "        try: importlib.import_module(info.name)\n"
        "        except ImportError: pass\n"
        "for key, cls, spec in record.RECORDS:\n"
        "    print(key, cls.__init__.__code__.co_filename.endswith('record_code.py'),\n"
        "          cls.__eq__.__code__.co_filename.endswith('record_code.py'), spec is not None)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    assert len(rows) >= 26 and "runbook.model.StepResult" in {r[0] for r in rows}
    assert [r[0] for r in rows if r[1:] != ["True", "True", "True"]] == []


def _twins(body: dict[str, object], annotations: dict[str, str], slots: bool = True) -> tuple[type, type]:
    """The same class made by ``@record`` (with its code written out here) and by dataclasses."""
    def fresh(name: str) -> type:
        return type(name, (), {"__annotations__": dict(annotations), "__module__": __name__, **body})

    ours, theirs = fresh("Twin"), fresh("Twin")
    spec = record.spec_of(ours)
    assert spec is not None
    made = _script()._function(0, f"{__name__}.Twin", spec)
    space: dict[str, object] = {"_F": record_code.FACTORY}
    exec("\n".join(made), space)  # what scripts/record_code.py writes for such a class
    record_code.MADE[f"{__name__}.Twin"] = (spec, space["_m0"])  # type: ignore[assignment]
    try:
        mine = make_record(slots=slots)(ours)
    finally:
        del record_code.MADE[f"{__name__}.Twin"]
    assert mine.__init__.__code__.co_filename == "<string>"  # the written code, not dataclasses'
    return mine, dataclasses.dataclass(slots=slots)(theirs)


@pytest.mark.parametrize("slots", [True, False])
def test_written_methods_behave_as_dataclasses_own(slots: bool) -> None:
    mine, theirs = _twins({"b": 1, "c": field(default_factory=list), "d": None},
                          {"a": "str", "b": "int", "c": "list[int]", "d": "str | None"}, slots=slots)
    assert mine.__doc__ == theirs.__doc__ == "Twin" + str(inspect.signature(theirs)).replace(" -> None", "")
    assert str(inspect.signature(mine)) == str(inspect.signature(theirs)) == \
        "(a: 'str', b: 'int' = 1, c: 'list[int]' = <factory>, d: 'str | None' = None) -> None"
    one, two = mine("x"), mine("x")
    assert (one.a, one.b, one.c, one.d) == ("x", 1, [], None) and one.c is not two.c  # a fresh list each
    assert one == two and one != mine("y") and one != mine("x", 2) and one != theirs("x")
    assert one.__eq__(("x", 1, [], None)) is NotImplemented
    other = dataclasses.replace(one, b=5)
    assert (other.a, other.b, other.d) == ("x", 5, None) and one.b == 1
    assert [f.name for f in dataclasses.fields(mine)] == ["a", "b", "c", "d"] == list(mine.__match_args__)
    assert dataclasses.asdict(mine("z", 2, [3], "w")) == dataclasses.asdict(theirs("z", 2, [3], "w"))
    assert repr(mine("z", 2, [3])) == "Twin(a='z', b=2, c=[3], d=None)"
    assert hash(mine("z", 2, (3,))) == hash(mine("z", 2, (3,)))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        mine()  # the field without a default is required, as in dataclasses'
    assert hasattr(mine, "__slots__") == slots


def test_a_record_whose_fields_are_not_the_written_ones_is_made_by_dataclasses() -> None:
    body, annotations = {"b": 1}, {"a": "str", "b": "int"}
    cls = type("Stale", (), {"__annotations__": annotations, "__module__": __name__, **body})
    record_code.MADE[f"{__name__}.Stale"] = (("a", "b", "c="), lambda: None)  # type: ignore[assignment]
    try:
        made = make_record(cls)
    finally:
        del record_code.MADE[f"{__name__}.Stale"]
    assert not made.__init__.__code__.co_filename.endswith("record_code.py")
    assert made("x") == made("x", 1) and made("x").b == 1 and made("x") != made("x", 2)


def test_what_the_written_code_does_not_cover_has_no_spec() -> None:
    def spec(annotations: dict[str, str], **body: object) -> object:
        return record.spec_of(type("C", (), {"__annotations__": annotations, **body}))

    assert spec({"a": "int", "b": "str"}, b="") == ("a", "b=")
    assert spec({"a": "list[int]"}, a=field(default_factory=list)) == ("a=*",)
    assert spec({"a": "ClassVar[int]"}) is None
    assert spec({"a": "int"}, a=field(default=0, compare=False)) is None
    assert spec({"a": "int"}, a=field(init=False)) is None
    assert spec({"a": "int"}, __init__=lambda self: None) is None
