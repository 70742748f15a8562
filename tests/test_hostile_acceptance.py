"""Hostile documents, end to end: the four promises hold whatever a document does.

Each case is a whole document run through the real CLI in a subprocess (a real pty shell),
judged from the JSON it writes. The cases are written from the rules in
docs/devops/guarantees.md, not from the implementation: a verdict is never wrong, an author's
bytes are never lost, a secret never reaches an artefact, nothing outlives the run, and bad
input never gets a traceback.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

FENCE = "```"
RUNBOOK = [sys.executable, "-m", "runbook"]


def doc_of(steps: list[tuple[str, str | None]], front: str = "runbook:\n  timeout: 20\n") -> str:
    """A document with one heading per step (S1, S2, ...), each with an optional PASS-if."""
    parts = [f"---\n{front}---\n# Hostile\n"] if front else ["# Hostile\n"]
    for i, (code, crit) in enumerate(steps, 1):
        parts.append(f"\n## S{i}. step\n\n{FENCE}bash\n{code}\n{FENCE}\n")
        if crit:
            parts.append(f"\nPASS if: {crit}\n")
    return "".join(parts)


def run(tmp: Path, text: str, *args: str, timeout: float = 120, name: str = "doc.md",
        env: dict[str, str] | None = None) -> tuple[int, dict, str]:
    doc = tmp / name
    doc.write_text(text, encoding="utf-8")
    out = tmp / "r.json"
    if out.exists():
        out.unlink()
    penv = {**os.environ, "NO_COLOR": "1", **(env or {})}
    proc = subprocess.run([*RUNBOOK, "execute", str(doc), "--json", str(out), "--no-color", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=tmp, env=penv,
                          stdin=subprocess.DEVNULL)
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    text_out = proc.stdout + proc.stderr
    assert "Traceback" not in text_out, text_out
    return proc.returncode, data, text_out


def statuses(data: dict) -> list[str]:
    return [s["status"] for s in data["steps"]]


# --- a verdict is never wrong --------------------------------------------------------------
# (setup code, then what follows must still be judged exactly as `bash -e` would judge it)

SHELL_OPTIONS = [
    "set -u", "set -euo pipefail", "set -o nounset", "set -eu", "set -o posix", "set -o errtrace",
    "set -T", "shopt -s extdebug", "set -E", "set +e", "set -e", "set -x", "set -v", "set -f",
    "set -C", "set -o vi", "set -o emacs", "shopt -s expand_aliases", "shopt -s nullglob",
    "shopt -s failglob", "IFS=:", "IFS=", "set -a", "set -b", "set -h", "set -k", "set -m",
    "set -P", "set -H", "shopt -s lastpipe", "shopt -s inherit_errexit", "export POSIXLY_CORRECT=1",
]


@pytest.mark.parametrize("opt", SHELL_OPTIONS)
def test_shell_options_do_not_break_errexit(tmp_path: Path, opt: str) -> None:
    code, data, out = run(tmp_path, doc_of([
        (opt, None),
        ("false\necho after", None),
        ("echo ok", "output contains `ok`"),
        ("true", None),
    ]))
    assert statuses(data) == ["pass", "fail", "pass", "pass"], (opt, out)
    assert code == 1


SHADOWS = [
    "alias printf='echo hacked'", "alias echo='echo hacked'", "alias builtin=true", "alias command=true",
    "alias trap=true", "alias return=true", "alias source=true", "alias set=true", "alias unset=true",
    "alias eval=true", "alias exec=true", "alias '.=true'", "alias read=true", "alias stty=true",
    "alias cat=true", "printf() { :; }", "echo() { :; }", "builtin() { :; }", "command() { :; }", "trap() { :; }",
    "return() { :; }", "source() { :; }", "set() { :; }", "unset() { :; }", "eval() { :; }",
    "exec() { :; }", "read() { :; }", "stty() { :; }", "cat() { :; }", "rm() { :; }", "kill() { :; }",
    "shopt() { :; }", "declare() { :; }", "local() { :; }", "typeset() { :; }", "export() { :; }",
    "test() { :; }", "[() { :; }", "exit() { :; }",
    "sleep() { :; }", "mkdir() { :; }", "base64() { :; }", "compgen() { :; }", "wait() { :; }",
    "readonly __rb_rc __rb_T __rb_nonce RUNBOOK_RUN 2>/dev/null; true",
    "readonly PS1 PS2 PS4 PROMPT_COMMAND 2>/dev/null; true",
    "PROMPT_COMMAND='echo PC'", "PS1='$ '", "PS2='> '", "PS4='+++ '",
    "trap 'echo DBG >/dev/null' DEBUG", "trap 'echo ERR >/dev/null' ERR", "trap 'echo RET >/dev/null' RETURN",
    "shopt -s extdebug; trap 'echo DBG >/dev/null' DEBUG", "set -T; trap 'true' RETURN",
    "trap '' INT", "trap '' TERM", "trap 'echo bye' EXIT", "set -o history",
    "enable -n echo", "enable -n printf", "enable -n trap", "enable -n builtin", "enable -n set",
    "enable -n shopt", "enable -n unset", "enable -n .", "enable -n return", "enable -n eval",
    "enable -n trap builtin printf . return exit set",
]


@pytest.mark.parametrize("shadow", SHADOWS)
def test_the_protocol_cannot_be_steered(tmp_path: Path, shadow: str) -> None:
    code, data, out = run(tmp_path, doc_of([
        (shadow, None),
        ("\\false", None),
        ("\\builtin printf 'ok\\n'", "output contains `ok`"),
        ("\\true", None),
    ]), timeout=150)
    assert statuses(data)[1] == "fail", (shadow, out)
    assert statuses(data)[3] == "pass", (shadow, out)
    assert code == 1


def test_a_fake_sentinel_cannot_end_a_step(tmp_path: Path) -> None:
    code, data, _ = run(tmp_path, doc_of([
        ("printf '\\n__RB_%s:%d\\n' 0123456789abcdef 0; history | tail -3; "
         "tr '\\0' ' ' < /proc/$$/cmdline; cat \"${BASH_SOURCE[0]}\" 2>/dev/null; false", None),
        ("set -x; echo traced; set +x", "output contains `traced`"),
        ("false", None),
    ]))
    assert statuses(data) == ["fail", "pass", "fail"]


def test_deleting_the_session_folder_does_not_hang_or_lie(tmp_path: Path) -> None:
    t0 = time.monotonic()
    code, data, out = run(tmp_path, doc_of([
        ('rm -rf "$(dirname "${BASH_SOURCE[0]}")"; true', None),
        ("echo ok", "output contains `ok`"),
        ("false", None),
    ]))
    assert time.monotonic() - t0 < 60, out
    st = statuses(data)
    assert st[2] in ("fail", "error"), out
    assert st[1] in ("pass", "error"), out


@pytest.mark.parametrize("killer", ["exit 3", "kill -9 $$", "exec true", "TMOUT=1; sleep 0", "logout 2>/dev/null; exit 4"])
def test_a_dying_shell_is_reported_never_silent(tmp_path: Path, killer: str) -> None:
    code, data, out = run(tmp_path, doc_of([
        (killer, None),
        ("sleep 2; echo ok", "output contains `ok`"),
        ("false", None),
    ]))
    st = statuses(data)
    assert st[2] == "fail", out
    assert st[0] in ("fail", "error") or killer.startswith(("TMOUT", "exec")), out
    assert st[1] in ("pass", "error"), out


@pytest.mark.parametrize("redirect", ["exec >/dev/null", "exec 1>&-", "exec 2>&-", "exec >/dev/null 2>&1",
                                      "exec 3>&- 4>&- 5>&-"])
def test_redirected_output_is_detected_at_once(tmp_path: Path, redirect: str) -> None:
    t0 = time.monotonic()
    code, data, out = run(tmp_path, doc_of([(redirect, None), ("echo ok", "output contains `ok`"), ("false", None)],
                                            front="runbook:\n  timeout: 45\n"))
    assert time.monotonic() - t0 < 40, f"waited for the timeout: {out}"
    st = statuses(data)
    assert st[2] == "fail", out


@pytest.mark.parametrize("stdin_reader", ["cat", "read x", "head -1", "python3 -c 'import sys; sys.stdin.read()'"])
def test_commands_reading_stdin_get_eof(tmp_path: Path, stdin_reader: str) -> None:
    t0 = time.monotonic()
    code, data, out = run(tmp_path, doc_of([(stdin_reader, None), ("echo ok", "output contains `ok`")]))
    assert time.monotonic() - t0 < 30
    assert statuses(data)[1] == "pass"
    if stdin_reader == "read x":
        assert statuses(data)[0] == "fail"


def test_binary_and_huge_output_keep_json_valid(tmp_path: Path) -> None:
    code, data, out = run(tmp_path, doc_of([
        ("head -c 4096 /dev/urandom; printf '\\xff\\xfe\\x00\\x1b[31m'", None),
        ("yes abcdefghij | head -c 30000000; echo", None),
        ("printf 'a\\r\\nb\\r\\n'", "output contains `a`"),
    ]))
    assert statuses(data) == ["pass", "pass", "pass"]
    raw = (tmp_path / "r.json").read_bytes()
    raw.decode("utf-8")  # valid UTF-8


# --- parse: never run what is broken ----------------------------------------------------------

def test_unclosed_fence_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"# T\n\n{FENCE}bash\ntouch {marker}\n{FENCE}\n\nProse.\n\n{FENCE}bash\ntouch {marker}.2\n\nMore prose\n"
    code, data, out = run(tmp_path, text)
    assert code == 2 and not marker.exists() and not Path(f"{marker}.2").exists(), out
    assert "doc.md:9" in out, out


def test_no_step_is_exit_5(tmp_path: Path) -> None:
    code, data, out = run(tmp_path, "# Just prose\n\nNothing to run.\n")
    assert code == 5, out


@pytest.mark.parametrize("depth", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("kind", ["- ", "1. ", "> ", "mixed"])
def test_nested_steps_are_run_or_refused_never_dropped(tmp_path: Path, depth: int, kind: str) -> None:
    marker = tmp_path / "ran"
    prefix = ""
    markers = ["- ", "1. ", "> "]
    for d in range(depth):
        m = markers[d % 3] if kind == "mixed" else kind
        prefix = prefix + m if m == "> " else prefix + m
    lines = [f"{FENCE}bash", f"touch {marker}", FENCE]
    # Every line of the fence after the first carries the container's continuation indent.
    cont = "".join("> " if m == "> " else " " * len(m)
                   for m in [(markers[d % 3] if kind == "mixed" else kind) for d in range(depth)])
    body = prefix + lines[0] + "\n" + "".join(cont + ln + "\n" for ln in lines[1:])
    text = "# T\n\nIntro.\n\n" + body
    code, data, out = run(tmp_path, text)
    if code == 0:
        assert marker.exists(), out
        assert len(data["steps"]) == 1
    else:
        assert code == 2 and not marker.exists(), out
        assert "doc.md:" in out


# --- bad input: a clear error, never a traceback -----------------------------------------------

@pytest.mark.parametrize("args", [["--shell", ""], ["--shell", "bash -c 'oops"], ["--shell", "/no/such/shell"],
                                  ["--timeout", "nan"], ["--timeout", "inf"], ["--timeout", "-1"],
                                  ["--timeout", "0"], ["-o", "/nonexistent/dir/x.md"], ["--json", "/proc/x/y.json"],
                                  ["--in-place", "-o", "x.md"], ["--junit", "."]])
def test_bad_options_exit_2_and_run_nothing(tmp_path: Path, args: list[str]) -> None:
    marker = tmp_path / "ran"
    text = doc_of([(f"touch {marker}", None)])
    doc = tmp_path / "doc.md"
    doc.write_text(text)
    proc = subprocess.run([*RUNBOOK, "execute", str(doc), "--no-color", *args], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not marker.exists()


@pytest.mark.parametrize("front", ["runbook:\n  shell: ''\n", "runbook:\n  shell: \"bash -c 'x\"\n",
                                   "runbook:\n  timeout: .nan\n", "runbook:\n  timeout: -3\n",
                                   "runbook:\n  timeout: [1]\n", "runbook: 3\n", "runbook:\n  env: 5\n"])
def test_bad_front_matter_exit_2_with_line(tmp_path: Path, front: str) -> None:
    marker = tmp_path / "ran"
    code, data, out = run(tmp_path, doc_of([(f"touch {marker}", None)], front=front))
    assert code == 2 and not marker.exists(), out
    assert "doc.md" in out


def test_invalid_utf8_document_gives_valid_json_and_report(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_bytes(b"# T\xff\xfe\n\n```bash\nprintf 'caf\\xe9\\n'\n```\n")
    out = tmp_path / "r.json"
    proc = subprocess.run([*RUNBOOK, "execute", str(doc), "--json", str(out), "--no-color"], capture_output=True,
                          cwd=tmp_path, timeout=60, stdin=subprocess.DEVNULL)
    assert b"Traceback" not in proc.stdout + proc.stderr
    data = json.loads(out.read_bytes().decode("utf-8"))
    assert data["steps"][0]["status"] == "pass"
    rep = subprocess.run([*RUNBOOK, "report", str(out), "--html", str(tmp_path / "r.html")], capture_output=True,
                         cwd=tmp_path, timeout=60, stdin=subprocess.DEVNULL)
    assert rep.returncode == 0, rep.stderr


# --- no secret reaches an artefact ----------------------------------------------------------

SECRET = "Zq8-kP3xW7vT2mN5"

# The secret never appears in the document itself (the annotated copy keeps the author's
# bytes): the steps read it from files the test writes beside the document.
SECRET_SOURCES = [
    "read API_TOKEN < pw.txt",
    "set -a; . ./.env; set +a",
    "DB_PASSWORD=$(cat pw.txt)",
    "source s.sh",
    "export SERVICE_TOKEN=$(cat pw.txt)",
    "declare -x APP_API_KEY=\"$(cat pw.txt)\"",
    "GITHUB_TOKEN=$(cat pw.txt)",
    "IFS= read -r MY_SECRET < pw.txt",
]

ENCODINGS = {
    "raw": SECRET,
    "b64": base64.b64encode(SECRET.encode()).decode(),
    "b64nl": base64.b64encode((SECRET + "\n").encode()).decode(),
    "b64url": base64.urlsafe_b64encode(SECRET.encode()).decode().rstrip("="),
    "hex": binascii.hexlify(SECRET.encode()).decode(),
    "HEX": binascii.hexlify(SECRET.encode()).decode().upper(),
}


def _name_of(source: str) -> str:
    for name in ("API_TOKEN", "MY_SECRET", "SERVICE_TOKEN", "APP_API_KEY", "GITHUB_TOKEN", "DB_PASSWORD"):
        if name in source:
            return name
    return "DB_PASSWORD"  # the .env file


@pytest.mark.parametrize("source", SECRET_SOURCES)
def test_secrets_from_anywhere_are_masked_everywhere(tmp_path: Path, source: str) -> None:
    name = _name_of(source)
    printers = (f'echo "${name}"; printf %s "${name}" | base64; echo "${name}" | base64; '
                f'printf %s "${name}" | base64 | tr "+/" "-_" | tr -d =; printf %s "${name}" | od -An -tx1 | tr -d " \\n"; echo; '
                f'printf %s "${name}" | od -An -tx1 | tr -d " \\n" | tr a-f A-F; echo')
    text = doc_of([(source + f"; echo \"${name}\"", None), (printers, None), (f'echo "${name}" >&2; false', None)])
    (tmp_path / "pw.txt").write_text(SECRET)
    (tmp_path / ".env").write_text(f"DB_PASSWORD={SECRET}\n")
    (tmp_path / "s.sh").write_text(f"export MY_SECRET='{SECRET}'\n")
    outdir = tmp_path / "out"
    outdir.mkdir()
    code, data, term = run(tmp_path, text, "-o", str(outdir / "a.md"), "--junit", str(outdir / "j.xml"),
                           "--html", str(outdir / "r.html"), "--summary", str(outdir / "s.md"))
    files = [tmp_path / "r.json", *outdir.iterdir()]
    for label, enc in ENCODINGS.items():
        assert enc not in term, f"{label} of the secret in the terminal"
        for f in files:
            assert enc.encode() not in f.read_bytes(), f"{label} of the secret in {f.name}"


# --- nothing is left running -------------------------------------------------------------------

ESCAPES = ["setsid sleep {t} >/dev/null 2>&1 < /dev/null &", "nohup sleep {t} >/dev/null 2>&1 &",
           "( ( sleep {t} >/dev/null 2>&1 & ) & )", "sleep {t} >/dev/null 2>&1 & disown",
           "setsid bash -c 'sleep {t}' >/dev/null 2>&1 < /dev/null & disown"]


def _alive(tag: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", f"sleep {tag}"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _wait_gone(tag: str, within: float = 15) -> list[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not _alive(tag):
            return []
        time.sleep(0.2)
    return _alive(tag)


@pytest.mark.parametrize("escape", ESCAPES)
@pytest.mark.parametrize("ending", ["normal", "SIGTERM", "SIGINT", "SIGHUP", "SIGKILL"])
def test_no_process_outlives_the_run(tmp_path: Path, escape: str, ending: str) -> None:
    tag = f"{300 + uuid.uuid4().int % 600}.{uuid.uuid4().int % 10**6:06d}"
    text = doc_of([(escape.format(t=tag), None), ("sleep 30" if ending != "normal" else "true", None)],
                  front="runbook:\n  timeout: 60\n")
    doc = tmp_path / "doc.md"
    doc.write_text(text)
    proc = subprocess.Popen([*RUNBOOK, "execute", str(doc), "--no-color", "--no-annotate"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    if ending == "normal":
        proc.wait(timeout=60)
    else:
        deadline = time.monotonic() + 30
        while not _alive(tag) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(tag), "the escapee never started"
        import signal
        proc.send_signal(getattr(signal, ending))
        proc.wait(timeout=60)
    left = _wait_gone(tag, within=15)
    for pid in left:
        os.kill(pid, 9)
    assert not left, f"{escape} survived a {ending} ending"


# --- an author's bytes are never lost -----------------------------------------------------------

def test_in_place_never_overwrites_an_edit_made_during_the_run(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    text = doc_of([(f"sleep 1; printf '\\nAUTHOR EDIT\\n' >> {doc}", None)])
    code, data, out = run(tmp_path, text, "--in-place")
    assert code != 0, out
    assert doc.read_text().endswith("AUTHOR EDIT\n"), "the author's edit was overwritten"


@pytest.mark.parametrize("damage", ["drop_end", "edit_end", "change_lines", "author_inside", "drop_begin",
                                    "duplicate_begin"])
def test_damaged_annotations_never_delete_author_text(tmp_path: Path, damage: str) -> None:
    original = doc_of([("echo one", "output contains `one`"), ("echo two", None)]) + "\nAUTHOR TAIL\n"
    doc = tmp_path / "doc.md"
    doc.write_text(original)
    subprocess.run([*RUNBOOK, "execute", str(doc), "--in-place", "--no-color"], cwd=tmp_path, timeout=60,
                   capture_output=True, stdin=subprocess.DEVNULL)
    ann = doc.read_text()
    assert "runbook:begin" in ann
    lines = ann.split("\n")
    ends = [i for i, ln in enumerate(lines) if "runbook:end" in ln]
    begins = [i for i, ln in enumerate(lines) if "runbook:begin" in ln]
    if damage == "drop_end":
        del lines[ends[-1]]
    elif damage == "edit_end":
        lines[ends[-1]] = "<!-- runbook:ned -->"
    elif damage == "change_lines":
        lines[begins[-1]] = lines[begins[-1]].replace("lines=", "lines=9")
    elif damage == "author_inside":
        lines.insert(ends[-1], "AUTHOR INSIDE")
    elif damage == "drop_begin":
        del lines[begins[-1]]
    elif damage == "duplicate_begin":
        lines.insert(begins[-1] + 1, lines[begins[-1]])
    damaged = "\n".join(lines)
    doc.write_text(damaged)
    must_keep = ["AUTHOR TAIL", "echo one", "echo two"] + (["AUTHOR INSIDE"] if damage == "author_inside" else [])
    for cmd in (["strip", str(doc), "-o", str(tmp_path / "s.md")], ["strip", str(doc), "--in-place"],
                ["execute", str(doc), "--in-place", "--no-color"]):
        doc.write_text(damaged)
        proc = subprocess.run([*RUNBOOK, *cmd], cwd=tmp_path, timeout=60, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        assert "Traceback" not in proc.stdout + proc.stderr
        result = (tmp_path / "s.md").read_text() if "-o" in cmd and proc.returncode == 0 else doc.read_text()
        for keep in must_keep:
            assert keep in result, f"{cmd[0]} with {damage} lost {keep!r}: rc={proc.returncode} {proc.stderr}"
        if proc.returncode != 0:
            assert doc.read_text() == damaged, "a refused command changed the document"


def test_symlinked_document_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text(doc_of([("echo hi", None)]))
    real.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    subprocess.run([*RUNBOOK, "execute", str(link), "--in-place", "--no-color"], cwd=tmp_path, timeout=60,
                   capture_output=True, stdin=subprocess.DEVNULL)
    assert link.is_symlink()
    assert "runbook:begin" in real.read_text()
    assert (real.stat().st_mode & 0o777) == 0o640


def test_new_reports_get_umask_modes(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        code, data, out = run(tmp_path, doc_of([("echo hi", None)]), "--junit", str(tmp_path / "j.xml"),
                              "--html", str(tmp_path / "r.html"))
    finally:
        os.umask(old)
    for name in ("r.json", "j.xml", "r.html", "doc.annotated.md"):
        assert ((tmp_path / name).stat().st_mode & 0o777) == 0o644, name
