"""``runbook migrate DOC --from tesh``: the rewritten document, read in runbook's own format,
gets the verdict the tesh document gets (each run through the CLI), on tesh's own documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

PEERS = Path(__file__).parent / "peers" / "tesh"
REFUSED = {"fixtures/exitcodes_multipleblocks.md": "tesh-exitcodes gives 2 exit codes",
           "fixtures/no_codeblocks.md": "no tesh session"}
DOCS = sorted(p.relative_to(PEERS).as_posix() for p in PEERS.rglob("*.md") if p.name != "SOURCE.md")
F = "```"


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    shutil.copytree(PEERS, tmp_path / "tesh")
    return tmp_path / "tesh"


@pytest.mark.parametrize("name", [d for d in DOCS if d not in REFUSED])
def test_migrated_tesh_document_keeps_its_verdict(copy: Path, name: str) -> None:
    path = copy / name
    new = path.with_name(path.stem + ".runbook.md")
    code, out = _runbook("migrate", str(path), "--from", "tesh", "-o", str(new))
    assert code == 0, out
    before, out_before = _runbook("execute", str(path), "--no-annotate", "--no-color")
    after, out_after = _runbook("execute", str(new), "--no-annotate", "--no-color")
    assert (before, after) == (before, before), f"{name}\n--- tesh dialect:\n{out_before}\n--- migrated:\n{out_after}"
    assert json.loads(_runbook("list", str(new), "--format", "json")[1])["dialect"] in ("", None)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_tesh_document_tesh_fails_or_runs_nothing_in_is_not_migrated(copy: Path, name: str) -> None:
    code, out = _runbook("migrate", str(copy / name), "--from", "tesh", "-o", str(copy / "out.md"))
    assert code == 2 and REFUSED[name] in out, out
    assert not (copy / "out.md").exists()


def test_migrated_tesh_document_runs_nothing_tesh_would_not(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f"# d\n\n{F}bash\ntouch {tmp_path}/plain-ran\n{F}\n\n{F}console\n$ touch {tmp_path}/console-ran\n{F}\n\n"
                   f'{F}console tesh-session="s"\n$ echo hi\nhi\n{F}\n\n{F}\n$ touch {tmp_path}/bare-ran\n{F}\n')
    new = tmp_path / "new.md"
    assert _runbook("migrate", str(doc), "--from", "tesh", "-o", str(new))[0] == 0
    code, out = _runbook("execute", str(new), "--no-annotate", "--no-color")
    assert code == 0, out
    assert not list(tmp_path.glob("*-ran")), new.read_text()


def test_migrated_tesh_sessions_each_get_a_fresh_folder_and_fixtures(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f'# d\n\n{F}text tesh-session="a" tesh-fixture="f.txt"\nhello\n{F}\n\n'
                   f'{F}console tesh-session="a"\n$ cat f.txt\nhello\n$ touch only-in-a\n{F}\n\n'
                   f'{F}console tesh-session="b" tesh-exitcodes="2"\n$ ls; (exit 2)\n{F}\n')
    new = tmp_path / "new.md"
    assert _runbook("migrate", str(doc), "--from", "tesh", "-o", str(new))[0] == 0
    assert "hello" in new.read_text().split("A fresh folder")[0], "the fixture block stays for the reader"
    for path in (doc, new):
        code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
        assert code == 0, f"{path.name}\n{out}"
