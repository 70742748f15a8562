"""Where results go: symlinks, modes and owners kept, and every output path checked first.

Real CLI (CliRunner), real files. Tests run as root here, where permission bits
do not stop a write, so an unwritable place is a path below a regular file or
under /proc (which takes no new files, even from root).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.write.annotate import strip

FENCE = "```"


def run_cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    return res.exit_code, res.output


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _doc(tmp_path: Path, marker: Path | None = None) -> Path:
    doc = tmp_path / "doc.md"
    touch = f"touch {marker}\n" if marker else ""
    doc.write_text(f"# Paths\n\n{FENCE}bash\n{touch}echo hi\n{FENCE}\n", encoding="utf-8")
    return doc


# --- symlinks, modes, owners -------------------------------------------------------------


@pytest.mark.parametrize("command", [["execute", "--in-place", "--no-color"], ["update"], ["strip", "--in-place"]])
def test_writing_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path, command):
    real = tmp_path / "real"
    real.mkdir()
    target = _doc(real)
    if command[0] != "execute":  # give update and strip something to change
        run_cli("execute", str(target), "--in-place", "--no-color")
        if command[0] == "update":
            target.write_text(target.read_text().replace("echo hi\n```\n", "echo hi\n```\n\nExpected output:\n\n"
                                                         "```text\nold\n```\n", 1))
    link = tmp_path / "link.md"
    link.symlink_to(target)
    before = target.read_text()
    code, out = run_cli(*command, str(link))
    assert code == 0, out
    assert link.is_symlink() and os.readlink(link) == str(target)
    after = target.read_text()
    assert after != before
    if command[0] == "execute":
        assert "runbook:begin result" in after
    elif command[0] == "update":
        assert "```text\nhi\n```" in strip(after)
    else:
        assert "runbook:begin" not in after
    assert not [p for p in real.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_annotated_output_through_a_dangling_symlink_creates_its_target(tmp_path):
    doc = _doc(tmp_path)
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "made.md")
    code, _ = run_cli("execute", str(doc), "-o", str(link), "--no-color")
    assert code == 0 and link.is_symlink() and "runbook:begin" in (tmp_path / "made.md").read_text()


@pytest.mark.parametrize("bits", [0o640, 0o755, 0o600])
def test_in_place_keeps_the_documents_mode(tmp_path, bits):
    doc = _doc(tmp_path)
    doc.chmod(bits)
    code, _ = run_cli("execute", str(doc), "--in-place", "--no-color")
    assert code == 0 and "runbook:begin" in doc.read_text()
    assert mode(doc) == bits


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file another owner to keep")
def test_in_place_keeps_the_documents_owner_and_group(tmp_path):
    doc = _doc(tmp_path)
    os.chown(doc, 4321, 4322)
    code, _ = run_cli("execute", str(doc), "--in-place", "--no-color")
    assert code == 0 and "runbook:begin" in doc.read_text()
    assert (doc.stat().st_uid, doc.stat().st_gid) == (4321, 4322)


def test_new_report_files_get_the_umask_mode_not_0600(tmp_path, umask_022):
    doc = _doc(tmp_path)
    doc.chmod(0o600)  # the annotated copy may follow its document; reports must not
    outs = {k: tmp_path / f"r.{k}" for k in ("json", "junit", "html")}
    code, _ = run_cli("execute", str(doc), "--no-color", "--json", str(outs["json"]),
                      "--junit", str(outs["junit"]), "--html", str(outs["html"]))
    assert code == 0
    assert {k: mode(p) for k, p in outs.items()} == {k: 0o644 for k in outs}
    again = {k: tmp_path / f"again.{k}" for k in ("junit", "html")}
    code, _ = run_cli("report", str(outs["json"]), "--junit", str(again["junit"]), "--html", str(again["html"]))
    assert code == 0 and {k: mode(p) for k, p in again.items()} == {k: 0o644 for k in again}
    os.umask(0o027)
    code, _ = run_cli("execute", str(doc), "--no-color", "--json", str(tmp_path / "tight.json"))
    assert code == 0 and mode(tmp_path / "tight.json") == 0o640


def test_an_existing_report_keeps_its_mode(tmp_path):
    doc = _doc(tmp_path)
    out = tmp_path / "r.json"
    out.write_text("{}")
    out.chmod(0o664)
    code, _ = run_cli("execute", str(doc), "--no-color", "--json", str(out))
    assert code == 0 and json.loads(out.read_text())["steps"] and mode(out) == 0o664


# --- every output path checked before anything runs ----------------------------------------

BAD_PLACES = {
    "missing folder": lambda tmp: (tmp / "no" / "such" / "out", "does not exist"),
    "below a regular file": lambda tmp: (tmp / "afile" / "out", "regular file"),
    "a directory": lambda tmp: (tmp / "adir", "is a directory"),
    # root may write anywhere on disk; /proc still takes no new file
    "unwritable /proc": lambda tmp: (Path("/proc/runbook-out"), "cannot create a file in /proc"),
}


def _bad(tmp_path: Path, place: str) -> tuple[Path, str]:
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir(exist_ok=True)
    return BAD_PLACES[place](tmp_path)


@pytest.mark.parametrize("option", ["-o", "--json", "--junit", "--html", "--summary"])
@pytest.mark.parametrize("place", BAD_PLACES)
def test_a_bad_output_path_is_a_usage_error_before_any_step_runs(tmp_path, option, place):
    marker = tmp_path / "step-ran"
    doc = _doc(tmp_path, marker)
    path, reason = _bad(tmp_path, place)
    code, out = run_cli("execute", str(doc), option, str(path), "--no-color")
    assert code == 2, out
    assert f"{option} {path}" in out and reason in out and "Traceback" not in out
    assert not marker.exists()  # nothing executed


def test_a_bad_github_step_summary_is_a_usage_error_before_any_step_runs(tmp_path):
    marker = tmp_path / "step-ran"
    doc = _doc(tmp_path, marker)
    code, out = run_cli("execute", str(doc), "--no-color",
                        env={"GITHUB_STEP_SUMMARY": str(tmp_path / "missing" / "summary.md")})
    assert code == 2 and "$GITHUB_STEP_SUMMARY" in out and "does not exist" in out
    assert not marker.exists()


def test_the_default_annotated_path_is_checked_too(tmp_path):
    marker = tmp_path / "step-ran"
    doc = _doc(tmp_path, marker)
    (tmp_path / "doc.annotated.md").mkdir()
    code, out = run_cli("execute", str(doc), "--no-color")
    assert code == 2 and "is a directory" in out and not marker.exists()


@pytest.mark.parametrize("command", ["execute", "update", "strip"])
def test_in_place_with_o_is_a_usage_error(tmp_path, command):
    marker = tmp_path / "step-ran"
    doc = _doc(tmp_path, marker)
    before = doc.read_bytes()
    code, out = run_cli(command, str(doc), "--in-place", "-o", str(tmp_path / "x.md"))
    assert code == 2 and "exclusive" in out
    assert not marker.exists() and not (tmp_path / "x.md").exists() and doc.read_bytes() == before


@pytest.mark.parametrize("place", BAD_PLACES)
def test_update_to_a_bad_path_runs_nothing(tmp_path, place):
    marker = tmp_path / "step-ran"
    doc = _doc(tmp_path, marker)
    path, reason = _bad(tmp_path, place)
    code, out = run_cli("update", str(doc), "-o", str(path))
    assert code == 2 and reason in out and not marker.exists()


def test_update_in_place_in_a_folder_that_takes_no_new_file_runs_nothing(tmp_path):
    # /proc/version is a readable regular file whose folder takes no temporary file.
    code, out = run_cli("update", "/proc/version")
    assert code == 2 and "cannot create a file in /proc" in out


@pytest.mark.parametrize("option", ["--html", "--junit", "--summary"])
@pytest.mark.parametrize("place", BAD_PLACES)
def test_report_to_a_bad_path_is_a_usage_error(tmp_path, option, place):
    doc = _doc(tmp_path)
    results = tmp_path / "r.json"
    assert run_cli("execute", str(doc), "--no-color", "--json", str(results))[0] == 0
    path, reason = _bad(tmp_path, place)
    code, out = run_cli("report", str(results), option, str(path))
    assert code == 2 and reason in out and "Traceback" not in out


@pytest.mark.parametrize("place", BAD_PLACES)
def test_strip_to_a_bad_path_is_a_usage_error(tmp_path, place):
    doc = _doc(tmp_path)
    path, reason = _bad(tmp_path, place)
    code, out = run_cli("strip", str(doc), "-o", str(path))
    assert code == 2 and reason in out


def test_a_report_to_dev_stdout_is_written_through_the_pipe(tmp_path, runbook_exe):
    """/dev/stdout is a link to a pipe: written through, never taken for a missing folder."""
    doc = _doc(tmp_path)
    proc = subprocess.run([*runbook_exe, "execute", str(doc), "--no-annotate", "-q", "--no-color",
                           "--json", "/dev/stdout"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '"runbook_version"' in proc.stdout and "Traceback" not in proc.stderr


@pytest.mark.parametrize("option", ["--json", "--junit", "--html", "--summary"])
def test_a_report_aimed_at_the_document_itself_is_refused_before_any_step_runs(tmp_path, option):
    marker = tmp_path / "step-ran"
    doc = _doc(tmp_path, marker)
    before = doc.read_bytes()
    link = tmp_path / "alias.md"
    link.symlink_to(doc)
    for target in (doc, link):
        code, out = run_cli("execute", str(doc), option, str(target), "--no-color")
        assert code == 2 and "would overwrite it" in out, out
    assert doc.read_bytes() == before and not marker.exists()


@pytest.mark.parametrize("option", ["--html", "--junit", "--summary"])
def test_report_refuses_to_overwrite_its_own_results(tmp_path, option):
    doc = _doc(tmp_path)
    results = tmp_path / "r.json"
    assert run_cli("execute", str(doc), "--no-color", "--json", str(results))[0] == 0
    before = results.read_bytes()
    code, out = run_cli("report", str(results), option, str(results))
    assert code == 2 and "would overwrite it" in out and results.read_bytes() == before


def test_a_big_report_is_rewritten_exactly_when_a_byte_of_it_changed(tmp_path: Path) -> None:
    # atomic_write compares an existing file of the same size 1 MiB at a time (a 46 MB
    # report is not read back whole): an unchanged file stays as it is (same inode), a
    # change in any chunk, the last one's last byte included, is written.
    from runbook.source import atomic_write

    target = tmp_path / "report.html"
    data = bytes(range(256)) * 12_289  # 3 MiB and a bit: several chunks and a partial one
    assert atomic_write(target, data) is True
    inode = target.stat().st_ino
    assert atomic_write(target, data) is False and target.stat().st_ino == inode
    for at in (0, (1 << 20) - 1, 1 << 20, len(data) - 1):
        changed = bytearray(data)
        changed[at] ^= 0xFF
        assert atomic_write(target, bytes(changed)) is True, at
        assert target.read_bytes() == bytes(changed)
        assert atomic_write(target, data) is True and target.read_bytes() == data
    assert atomic_write(target, data[:-1]) is True and target.read_bytes() == data[:-1]
