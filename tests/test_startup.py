"""Start-up cost: ``runbook --version`` loads no engine module and none of the heavy
standard or third-party modules (markdown-it, pexpect, rich, yaml, tempfile, pathlib), and a
one-step ``execute`` to a pipe loads only what it needs (no rich, no other tool's dialect, no
--resume state, no v2 judge); the numbers (milliseconds) live in bench/README.md, this
guards what is imported."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("markdown_it", "pexpect", "rich", "yaml", "psutil", "tempfile", "pathlib", "runbook.source",
         "runbook.parse", "runbook.run", "runbook.report", "runbook.model")


def _loaded_by(args: list[str]) -> set[str]:
    code = ("import sys; from runbook.cli import main\n"
            "try:\n    main(sys.argv[1:])\nfinally:\n    print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


def test_version_imports_no_engine_or_heavy_module() -> None:
    loaded = _loaded_by(["--version"])
    assert "click" in loaded  # the check sees real imports
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(HEAVY)}


def _console(args: list[str]) -> tuple[str, set[str]]:
    code = ("import sys; from runbook.console import main\n"
            "try:\n    rc = main()\nfinally:\n    print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
            "sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout, set(done.stderr.split())


def test_console_version_loads_not_even_click_and_says_what_click_says() -> None:
    for flag in ("--version", "-V"):
        said, loaded = _console([flag])
        assert "runbook" in loaded and "click" not in loaded and "runbook.cli" not in loaded
        clicks = subprocess.run([sys.executable, "-c", "import sys; from runbook.cli import main; "
                                 "sys.exit(main(sys.argv[1:]))", flag], capture_output=True, text=True, timeout=60)
        assert said == clicks.stdout and said.startswith("runbook ")


def test_console_passes_every_other_command_line_to_the_cli() -> None:
    said, loaded = _console(["--help"])
    assert "click" in loaded and "Usage:" in said and "execute" in said


LAZY = ("rich", "attr", "runbook.run.resume", "runbook.report.state_file",
        "runbook.run.scrut_cases", "runbook.parse.dialects.byexample", "runbook.parse.dialects.scrut",
        "runbook.parse.dialects.tesh", "runbook.parse.dialects.mdsh", "runbook.parse.dialects.ie",
        "runbook.parse.dialects.runme", "runbook.parse.dialects.scrut_cram", "runbook.judge.http",
        "runbook.judge.jsonpath", "runbook.judge.numbers", "runbook.judge.versions", "runbook.judge.tables",
        "concurrent.futures", "tempfile", "random", "runbook.write.annotate", "runbook.write.result_block",
        "runbook.write.stream", "glob", "runbook.run.matrix", "runbook.cli.matrix", "runbook.run.requires",
        "runbook.judge.trouble", "runbook.run.exports")
"""What a one-step document executed to a pipe does not need: rich (the report is plain
text there), the other tools' dialects, --resume's state, the v2 judges, a matrix's pool,
``tempfile`` (and ``random``: ``run/tempdirs.py`` makes the run's folders), the annotation
writer (no marker to strip, no annotated document to write), the matrix of targets (none declared),
``requires:``'s check (none declared), the troubleshooting match (no step failed), ``export -p``'s
reader (no step's state asked before the run ends)."""


def test_one_step_execute_to_a_pipe_loads_no_rich_dialect_or_resume_module(tmp_path) -> None:
    fence = "```"
    for name, expected, verdict in (("pass.md", "step-1", "PASSED"), ("fail.md", "step-2", "FAILED")):
        doc = tmp_path / name
        doc.write_text(f"# T\n\n{fence}bash\necho step-1\n{fence}\n\n{fence}output\n{expected}\n{fence}\n")
        code = ("import sys; from runbook.cli import main\n"
                "try:\n    rc = main(sys.argv[1:])\nfinally:\n"
                "    print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\nsys.exit(rc)")
        done = subprocess.run([sys.executable, "-c", code, "execute", str(doc), "--no-annotate", "-q", "--no-color"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == (0 if verdict == "PASSED" else 1), done.stdout + done.stderr
        assert done.stdout.splitlines()[-1].startswith(verdict) and "┃ phase ┃ status ┃" in done.stdout
        loaded = set(done.stderr.split())
        assert "runbook.run.session" in loaded and "markdown_it" in loaded  # the check sees real imports
        assert not {m for m in loaded if m in LAZY or m.startswith(tuple(p + "." for p in LAZY))}


OTHER_COMMANDS = ("runbook.cli.check", "runbook.cli.listing", "runbook.cli.migrate", "runbook.cli.report",
                  "runbook.cli.strip", "runbook.cli.update", "runbook.cli.verify")
"""The modules of the commands an ``execute`` command line does not run (the group loads a
command's module when the command is asked for)."""

STILL_UNCOMPILED = ("runbook.parse.grammar:_WITHIN_RE", "runbook.parse.labels:_SUBJECT_VERB",
                    "runbook.parse.transcript:_PROMPT_RE", "runbook.parse.shellish:_JSON_OPEN",
                    "runbook.parse.regions:BEGIN_RE", "runbook.write.annotate:_CONTAINER",
                    "runbook.write.result_block:_MD_SPECIAL", "runbook.run.exports:_LINE",
                    "runbook.run.shellvars:_RECORD", "runbook.source:_LINE_RE", "runbook.judge.normalise:_ANSI_RE",
                    "runbook.judge.normalise:_CR_OVERWRITE_RE", "runbook.judge.patterns:_SUFFIX_RE",
                    "runbook.run.pure:_TOKEN", "runbook.run.runner:_VAR_RE", "runbook.run.step_end:_UNBOUND",
                    "runbook.run.shell_state:_ERREXIT_OFF", "runbook.parse.shellish:_NAME",
                    "runbook.parse.shellish:_TABLE_HEADER", "runbook.parse.longrun:_NO_SYNTAX",
                    "runbook.parse.markdown:_SYMPTOM",
                    "runbook.parse.foreground:_EXIT", "runbook.parse.transcript:_VERDICT_NOTE")
"""Patterns a one-step document without a region, a ``PASS if`` clause, a transcript or a
secret never reaches: declared with ``runbook.lazyre.lazy``, they are never compiled."""


def test_one_step_execute_loads_no_other_command_and_compiles_no_unreached_pattern(tmp_path) -> None:
    fence = "```"
    doc = tmp_path / "one.md"
    doc.write_text(f"# T\n\n{fence}bash\necho step-1\n{fence}\n\n{fence}output\nstep-1\n{fence}\n")
    code = ("import importlib, sys; from runbook.cli import main\n"
            "rc = main(sys.argv[1:])\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
            f"for name in {STILL_UNCOMPILED!r}:\n"
            "    module, attr = name.split(':')\n"
            "    rx = getattr(importlib.import_module(module), attr)\n"
            "    print('COMPILED' if 'match' in vars(rx) else 'LAZY', name)\n"
            "sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, "execute", str(doc), "--no-annotate", "-q", "--no-color"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    loaded = set(done.stderr.split())
    assert "runbook.cli.execute" in loaded and "runbook.parse.grammar" in loaded  # the check sees real imports
    assert not loaded & set(OTHER_COMMANDS)
    assert [line for line in done.stdout.splitlines() if line.startswith(("LAZY", "COMPILED"))] == \
        [f"LAZY {name}" for name in STILL_UNCOMPILED]


def test_every_command_is_listed_and_a_near_miss_is_named_with_commands_loaded_lazily() -> None:
    helped = subprocess.run([sys.executable, "-m", "runbook", "--help"], capture_output=True, text=True, timeout=60)
    listed = helped.stdout.split("Commands:")[1].split()
    assert [w for w in listed if w in ("check", "execute", "list", "migrate", "report", "strip", "update",
                                         "verify")] == ["check", "execute", "list", "migrate", "report", "strip",
                                                        "update", "verify"]
    typo = subprocess.run([sys.executable, "-m", "runbook", "exectue", "x.md"], capture_output=True, text=True,
                          timeout=60)
    assert typo.returncode == 2 and "No such command 'exectue'" in typo.stderr
    from importlib.metadata import version
    if tuple(int(p) for p in version("click").split(".")[:2]) >= (8, 4):  # click names near misses since 8.4
        assert "Did you mean 'execute'?" in typo.stderr


RECORDS = {"runbook.errors.Diagnostic", "runbook.config.Selection", "runbook.config.Settings",
           "runbook.project.Project", "runbook.clauses.Clause", "runbook.clauses.Criterion",
           "runbook.clauses.Confirmation", "runbook.clauses.Check", "runbook.model.Span", "runbook.model.Expected",
           "runbook.model.Command", "runbook.model.TroubleRow", "runbook.model.StepOptions", "runbook.model.Step",
           "runbook.model.Phase", "runbook.model.Document", "runbook.model.Output", "runbook.model.Execution",
           "runbook.model.TroubleMatch", "runbook.model.StepResult", "runbook.model.PhaseResult",
           "runbook.model.RunResult", "runbook.parse.longrun.LongRun", "runbook.parse.regions.Region",
           "runbook.judge.matching.MatchResult", "runbook.parse.blocks.Block"}
"""The classes a one-step run creates as ``@record`` (compared, hashed or replaced: a frozen
dataclass for mypy, ``dataclass(unsafe_hash=True)`` at run time)."""


def test_one_step_execute_creates_only_the_compared_records_as_dataclasses(tmp_path) -> None:
    """Each dataclass execs ~6 generated methods when created (~0.7 ms of start-up, ~0.4 ms
    as a record): a class nothing compares or replaces is a plain slotted class instead."""
    fence = "```"
    doc = tmp_path / "one.md"
    doc.write_text(f"# T\n\n{fence}bash\necho step-1\n{fence}\n\n{fence}output\nstep-1\n{fence}\n")
    code = ("import dataclasses, sys\n"
            "made = []\n"
            "real = dataclasses._process_class\n"
            "def seen(cls, *args):\n"
            "    made.append((f'{cls.__module__}.{cls.__qualname__}', args[5]))  # init, repr, eq, order, hash, frozen\n"
            "    return real(cls, *args)\n"
            "dataclasses._process_class = seen\n"
            "from runbook.cli import main\n"
            "rc = main(sys.argv[1:])\n"
            "print('\\n'.join(f'{n} {f}' for n, f in made if n.startswith('runbook.')), file=sys.stderr)\n"
            "sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, "execute", str(doc), "--no-annotate", "-q", "--no-color"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    made = dict(line.split() for line in done.stderr.splitlines() if line.startswith("runbook."))
    assert "runbook.model.StepResult" in made  # the check sees real class creations
    assert set(made) <= RECORDS, set(made) - RECORDS
    assert {name for name, frozen in made.items() if frozen == "True"} == set(), made  # records: not frozen at run time


def test_a_record_compares_hashes_and_replaces_as_a_frozen_dataclass() -> None:
    """What ``@record`` keeps of ``@dataclass(frozen=True)`` at run time: the verdicts of two
    runs compared (batched against unbatched), a result in a set, ``dataclasses.replace``."""
    import dataclasses

    from runbook.model import Check, Output, Span, Status, StepResult

    one = StepResult("s1", Status.PASS, output=Output("hi\n", 3, 1))
    same = StepResult("s1", Status.PASS, output=Output("hi\n", 3, 1))
    assert one == same and one is not same
    assert len({Check("exit code is 0", True), Check("exit code is 0", True), Span(1, 2), Span(1, 2)}) == 2
    other = dataclasses.replace(one, status=Status.FAIL)
    assert other != one and other.status is Status.FAIL and one.status is Status.PASS
    assert "StepResult(step_id='s1'" in repr(one)
    for cls, args in ((Span, (1, 2)), (Check, ("exit code is 0", True, "", False, None))):
        twin = dataclasses.dataclass(frozen=True)(type(cls.__name__, (), {"__annotations__": cls.__annotations__}))
        assert repr(cls(*args)) == repr(twin(*args)) and hash(cls(*args)) == hash(twin(*args))
    assert [f.name for f in dataclasses.fields(one)][:2] == ["step_id", "status"]


def test_mypy_rejects_an_assignment_to_a_record_field_or_a_final_attribute(tmp_path) -> None:
    """``@record`` and the plain classes leave the run-time refusal of an assignment to mypy
    (``dataclass_transform(frozen_default=True)``, ``Final``): mypy must still say no."""
    user = tmp_path / "mutate.py"
    user.write_text(
        "import dataclasses\n"
        "from runbook.model import Output, Status, StepResult\n"
        "from runbook.run.session import ShellConfig\n"
        "from runbook.source import Source\n"
        "r = StepResult('s1', Status.PASS)\n"
        "r.status = Status.FAIL\n"
        "r.output.text = 'masked?'\n"
        "ShellConfig().cwd = '/'\n"
        "Source('p', 't', False).text = ''\n"
        "dataclasses.replace(r, no_such_field=1)\n"
        "ok: StepResult = dataclasses.replace(r, status=Status.FAIL)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"),
                           "--follow-imports=silent", "--no-error-summary", str(user)],
                          capture_output=True, text=True, timeout=300)
    errors = sorted(int(line.split(":")[1]) for line in done.stdout.splitlines() if ": error:" in line)
    assert errors == [6, 7, 8, 9, 10], done.stdout


def test_the_collector_idles_while_runbook_starts_and_is_as_usual_once_a_run_starts(tmp_path) -> None:
    """runbook/collector.py: the console script raises the first threshold while it imports;
    before the first step the start-up's objects are frozen and the thresholds are Python's
    own again, so a long run collects its garbage cycles as always."""
    fence = "```"
    doc = tmp_path / "one.md"
    doc.write_text(f"# T\n\n{fence}bash\necho step-1\n{fence}\n\n{fence}output\nstep-1\n{fence}\n")
    code = ("import gc, sys\n"
            "default = gc.get_threshold()\n"
            "from runbook import collector\n"
            "from runbook.console import main\n"
            "seen = []\n"
            "real = collector.run_starts\n"
            "def run_starts():\n"
            "    seen.append(gc.get_threshold()[0])\n"
            "    real()\n"
            "collector.run_starts = run_starts\n"
            "import runbook.cli.common as common\n"
            "common.run_starts = run_starts\n"
            "try:\n    rc = main()\n"
            "finally:\n"
            "    print(seen, gc.get_threshold() == default, gc.get_freeze_count() > 1000, file=sys.stderr)\n"
            "sys.exit(rc)")
    ran = subprocess.run([sys.executable, "-c", code, "execute", str(doc), "--no-annotate", "-q", "--no-color"],
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stderr.split()[-3:] == ["[100000]", "True", "True"], ran.stderr
    listed = subprocess.run([sys.executable, "-c", code, "list", str(doc)], capture_output=True, text=True,
                            timeout=120)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert listed.stderr.split()[-3:] == ["[]", "False", "False"], listed.stderr  # no run: still collecting, rarely


def test_after_the_start_up_is_frozen_a_run_does_not_count_the_frozen_objects() -> None:
    """``gc.get_freeze_count`` walks every frozen object (~2-4 ms after a start-up): once
    ``run_starts`` froze it, ``freeze_alive`` knows something is frozen without counting, and
    freezes nothing of its own (so ``thaw`` lets nothing go)."""
    code = ("import gc, sys\n"
            "from runbook import collector\n"
            "collector.starting(); collector.run_starts()\n"
            "frozen = gc.get_freeze_count()\n"
            "def counted(): raise AssertionError('counted')\n"
            "real, gc.get_freeze_count = gc.get_freeze_count, counted\n"
            "mine = collector.freeze_alive(); collector.thaw(mine)\n"
            "gc.get_freeze_count = real\n"
            "print(mine, frozen > 0, gc.get_freeze_count() == frozen)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True"]
