"""Declared dialects (docs/dialects.md, "Declaring the dialect"): ``--dialect NAME``, front
matter ``dialect:`` and ``[tool.runbook] dialect`` win over what the document's syntax says,
in that order; ``list``, ``check`` and the run say "declared" or "detected"; an unknown name
is a usage error with a did-you-mean. Each is proved through the CLI on small documents
written here (the peers' own documents: tests/test_dialect_byexample_peer.py,
tests/test_peer_ie_documents.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

F = "```"
BYEXAMPLE = shutil.which("byexample") or str(Path(sys.executable).with_name("byexample"))
HAS_BYEXAMPLE = Path(BYEXAMPLE).exists()

#: byexample's pre-commit.md in small: no ``byexample:`` comment, a prompt-less shell block
#: (which byexample does not run) and one ``$`` example (which it does).
UNMARKED = (f"# Hooks\n\nA helper script:\n\n{F}shell\n#!/bin/bash\ntouch ran-the-script\n{F}\n\n"
            f"And a check:\n\n{F}shell\n$ echo checked\nchecked\n{F}\n")


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def _byexample_passes(path: Path) -> bool:
    return subprocess.run([BYEXAMPLE, "-l", "shell", "--timeout", "20", str(path)], capture_output=True, text=True,
                          timeout=300, cwd=path.parent).returncode == 0


def test_declared_byexample_runs_only_what_byexample_runs_in_an_unmarked_document(tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "hooks.md"
    doc.write_text(UNMARKED)
    _, detected = _runbook("list", str(doc))
    assert "#!/bin/bash" in detected and "dialect:" not in detected  # runbook's own format runs both
    _, declared = _runbook("list", str(doc), "--dialect", "byexample")
    assert declared.startswith("dialect: byexample (declared: --dialect)\n"), declared
    assert "#!/bin/bash" not in declared and "$ echo checked" in declared
    code, out = _runbook("execute", str(doc), "--dialect", "byexample", "--no-annotate", "--no-color")
    assert code == 0 and "dialect: byexample (declared: --dialect)" in out, out
    assert not (tmp_path / "ran-the-script").exists()  # nothing ran that byexample would not run
    if HAS_BYEXAMPLE:
        assert _byexample_passes(doc)


def test_declared_byexample_document_without_an_example_runs_nothing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "script.md"
    doc.write_text(f"# Script\n\n{F}shell\n#!/bin/bash\ntouch ran-the-script\n{F}\n")
    code, out = _runbook("execute", str(doc), "--dialect", "byexample", "--no-annotate")
    assert code == 0 and not (tmp_path / "ran-the-script").exists()  # byexample passes it, running nothing
    assert "nothing to run; byexample passes such a document and it is declared byexample's" in out, out
    code, _ = _runbook("execute", str(doc), "--no-annotate")
    assert code == 0 and (tmp_path / "ran-the-script").exists()  # read as runbook's: the block is a step


def test_front_matter_dialect_declares_and_command_line_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "hooks.md"
    doc.write_text("---\ntimeout: 30\ndialect: byexample\n---\n" + UNMARKED)
    _, listed = _runbook("list", str(doc))
    assert listed.startswith("dialect: byexample (declared: front matter `dialect`)\n"), listed
    assert "#!/bin/bash" not in listed
    listing = json.loads(_runbook("list", str(doc), "--format", "json")[1])
    assert (listing["dialect"], listing["dialect_from"]) == ("byexample", "front matter `dialect`")
    _, own = _runbook("list", str(doc), "--dialect", "runbook")
    assert own.startswith("dialect: runbook (declared: --dialect)\n") and "#!/bin/bash" in own, own
    _, mdsh = _runbook("list", str(doc), "--dialect", "mdsh")
    assert mdsh.startswith("dialect: mdsh (declared: --dialect)\n") and "#!/bin/bash" not in mdsh, mdsh  # mdsh runs no plain fence


def test_project_dialect_declares_and_front_matter_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runbook.toml").write_text('dialect = "byexample"\n')
    doc = tmp_path / "hooks.md"
    doc.write_text(UNMARKED)
    _, listed = _runbook("list", str(doc))
    assert listed.startswith("dialect: byexample (declared: runbook.toml `dialect`)\n"), listed
    code, out = _runbook("execute", str(doc), "--no-annotate", "--no-color")
    assert code == 0 and not (tmp_path / "ran-the-script").exists(), out
    doc.write_text("---\ndialect: runbook\n---\n" + UNMARKED)
    _, listed = _runbook("list", str(doc))
    assert listed.startswith("dialect: runbook (declared: front matter `dialect`)\n") and "#!/bin/bash" in listed


def test_pyproject_dialect_declares(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.runbook]\ndialect = "byexample"\n')
    doc = tmp_path / "hooks.md"
    doc.write_text(UNMARKED)
    _, listed = _runbook("list", str(doc))
    assert listed.startswith("dialect: byexample (declared: pyproject.toml `tool.runbook.dialect`)\n"), listed
    _, checked = _runbook("check", str(doc))
    assert "declared: pyproject.toml `tool.runbook.dialect`" in checked, checked


def test_check_says_declared_or_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    marked = tmp_path / "marked.md"
    marked.write_text(f"# M\n\n<!-- byexample: +norm-ws -->\n\n{F}shell\n$ echo hi\nhi\n{F}\n")
    plain = tmp_path / "hooks.md"
    plain.write_text(UNMARKED)
    _, text = _runbook("check", str(marked))
    assert f"{marked}: dialect: byexample (detected; read with byexample's rules" in text, text
    _, text = _runbook("check", str(plain), "--dialect", "byexample")
    assert f"{plain}: dialect: byexample (declared: --dialect; read with byexample's rules" in text, text
    data = json.loads(_runbook("check", str(marked), str(plain), "--dialect", "byexample", "--format", "json")[1])
    assert data["dialects"] == {str(marked): "byexample", str(plain): "byexample"}
    assert data["dialects_from"] == {str(marked): "--dialect", str(plain): "--dialect"}
    data = json.loads(_runbook("check", str(marked), str(plain), "--format", "json")[1])
    assert data["dialects"] == {str(marked): "byexample"} and data["dialects_from"] == {str(marked): "detected"}


def test_unknown_dialect_is_a_usage_error_with_a_did_you_mean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "hooks.md"
    doc.write_text(UNMARKED)
    for command in ("execute", "list", "check"):
        code, out = _runbook(command, str(doc), "--dialect", "byexampel")
        assert code == 2 and "unknown dialect 'byexampel'" in out and "did you mean byexample?" in out, (command, out)
        assert not (tmp_path / "ran-the-script").exists()
    doc.write_text("---\ntimeout: 30\ndialect: teshh\n---\n" + UNMARKED)
    code, out = _runbook("execute", str(doc), "--no-annotate")
    assert code == 2 and f"{doc}:3" in out and "did you mean tesh?" in out, out
    doc.write_text(UNMARKED)
    (tmp_path / "runbook.toml").write_text('timeout = 30\ndialect = "scrutt"\n')
    code, out = _runbook("list", str(doc))
    assert code == 2 and "runbook.toml:2" in out and "did you mean scrut?" in out, out
    assert not (tmp_path / "ran-the-script").exists()


UNCLOSED = f"# Broken\n\nThe block is never closed.\n\n{F}bash\necho \"hello World\"\n"


def test_declared_ie_runs_an_unclosed_block_to_the_end_of_the_file(tmp_path: Path) -> None:
    doc = tmp_path / "broken.md"
    doc.write_text(UNCLOSED + "echo and-this-line-too\n")
    code, out = _runbook("execute", str(doc), "--no-annotate", "--no-color")
    assert code == 2 and f"{doc}:5" in out and "never closed" in out, out  # runbook's own rule: never run prose
    code, out = _runbook("execute", str(doc), "--dialect", "ie", "--no-annotate", "--no-color", "-v")
    assert code == 0, out
    assert f"warning: {doc}:5: code block is never closed" in out and "Innovation Engine" in out, out
    assert "hello World" in out and "and-this-line-too" in out  # the block ran to the end of the file


def test_declared_ie_unclosed_block_fails_when_its_tail_fails(tmp_path: Path) -> None:
    doc = tmp_path / "broken.md"
    doc.write_text(UNCLOSED + "\nThis prose is code now.\n")
    code, out = _runbook("execute", str(doc), "--dialect", "ie", "--no-annotate", "--no-color")
    assert code == 1 and "FAIL" in out, out  # Innovation Engine's `set -e` block fails on `This`


def test_declared_cram_reads_the_file_as_prysk_reads_a_named_file(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text(f"Some prose.\n\n  $ echo hi\n  hi\n\n{F}bash\ntouch {tmp_path}/ran-the-block\n{F}\n")
    code, out = _runbook("execute", str(doc), "--dialect", "cram", "--no-annotate", "--no-color")
    assert code == 0 and "dialect: cram (declared: --dialect)" in out, out
    assert not (tmp_path / "ran-the-block").exists()  # prysk runs only the indented `$ ` commands
    doc.write_text(doc.read_text().replace("  hi\n", "  bye\n"))
    code, _ = _runbook("execute", str(doc), "--dialect", "cram", "--no-annotate")
    assert code == 1


def test_declared_scrut_reads_a_t_file_as_scrut_test_does_not_as_prysk(tmp_path: Path) -> None:
    """A .t file with nothing only scrut reads is prysk's (``/bin/sh``); declared scrut's, it
    runs in scrut's one bash, as ``scrut test FILE.t`` runs it."""
    t = tmp_path / "bashy.t"
    t.write_text("Needs bash:\n\n  $ [[ 1 == 1 ]] && echo yes\n  yes\n\n  $ shopt -q extglob; echo $?\n  1\n")
    code, out = _runbook("execute", str(t), "--no-annotate", "--no-color")
    assert code == 1, out  # dash has no [[ nor shopt
    code, out = _runbook("execute", str(t), "--dialect", "scrut", "--no-annotate", "--no-color")
    assert code == 0 and "dialect: scrut (declared: --dialect)" in out, out
    code, out = _runbook("execute", str(t), "--dialect", "tesh", "--no-annotate", "--no-color")
    assert code == 1, out  # any other declaration leaves a .t file cram's


@pytest.mark.parametrize("dialect, code", [("tesh", 0), ("ie", 0), ("byexample", 0), ("mdsh", 0),
                                           ("scrut", 5), ("runbook", 5), (None, 5)])
def test_document_with_nothing_to_run_passes_only_when_declared_a_dialect_that_passes_it(
        tmp_path: Path, dialect: str | None, code: int) -> None:
    """tesh, byexample, ``ie test`` and ``mdsh --frozen`` pass a document with nothing to run;
    runbook's own rule (exit 5, nothing was tested) holds unless one of them is declared."""
    doc = tmp_path / "prose.md"
    doc.write_text("# Only prose\n\nNothing to run here.\n")
    args = ["--dialect", dialect] if dialect else []
    got, out = _runbook("execute", str(doc), *args, "--no-annotate", "--no-color")
    assert got == code, out
    assert not list(tmp_path.glob("*.annotated*")) and doc.read_text() == "# Only prose\n\nNothing to run here.\n"
    many, out = _runbook("execute", str(doc), str(doc), *args, "--no-annotate", "--no-color")
    assert many == code, out


def test_declared_cram_wins_over_scrut_syntax_in_a_t_file(tmp_path: Path) -> None:
    t = tmp_path / "esc.t"
    t.write_text("  $ printf 'a\\tb\\n'\n  a\\tb (escaped)\n")
    _, listed = _runbook("list", str(t))
    assert listed.startswith("dialect: scrut (detected)"), listed
    _, listed = _runbook("list", str(t), "--dialect", "cram")
    assert listed.startswith("dialect: cram (declared: --dialect)"), listed
    assert _runbook("execute", str(t), "--no-annotate")[0] == 0  # scrut's (escaped)
    assert _runbook("execute", str(t), "--dialect", "cram", "--no-annotate")[0] == 1  # prysk: no such suffix


BYEX = "# T\n\n<!-- byexample: shell -->\n\n"


@pytest.mark.parametrize("expected, passes", [("a       b|", True), ("a\tb|", False)])
def test_byexample_tab_in_the_output_is_expanded_as_its_terminal_does(tmp_path: Path, expected: str,
                                                                       passes: bool) -> None:
    doc = tmp_path / "tabs.md"
    doc.write_text(BYEX + f"{F}shell\n$ printf 'a\\tb|\\n'\n{expected}\n$ printf 'abcdefgh\\tX\\n'\nabcdefgh        X\n{F}\n")
    code, out = _runbook("execute", str(doc), "--no-annotate", "--no-color")
    assert (code == 0) is passes, out
    if HAS_BYEXAMPLE:
        assert _byexample_passes(doc) is passes


def test_byexample_shell_survives_a_failed_special_builtin_as_byexamples_does(tmp_path: Path) -> None:
    doc = tmp_path / "snippets.md"
    doc.write_text(BYEX + f"{F}shell\n$ KEPT=yes\n$ unset lockfd\n$ exec {{lockfd}}>&-    # byexample: +pass\n"
                   f"$ readonly R=1; R=2    # byexample: +pass\n$ echo $POSIXLY_CORRECT $KEPT\ny yes\n{F}\n")
    code, out = _runbook("execute", str(doc), "--no-annotate", "--no-color")
    assert code == 0 and "the shell exited" not in out, out
    if HAS_BYEXAMPLE:
        assert _byexample_passes(doc)


def test_every_dialect_runbook_reads_can_be_declared_and_the_help_names_them() -> None:
    """The names live in config (declarations), parse.dialects (readers) and --dialect's help
    (kept literal: `runbook --version` loads no config)."""
    from runbook.config import DIALECT_NAMES
    from runbook.parse.dialects import DIALECTS

    assert set(DIALECT_NAMES) == {"runbook", *DIALECTS}
    _, out = _runbook("execute", "--help")
    assert all(name in " ".join(out.split()) for name in DIALECT_NAMES)
