"""Fuzz the whole CLI surface: no traceback ever reaches the user.

Random argv over every command and option (with hostile values), and random
documents (Markdown fragments, fences, attributes, front matter, invalid UTF-8,
NUL bytes, CRLF, BOM), all through the real CLI (click's CliRunner) and, for
``execute``, a real shell. Step bodies are harmless (``true``, ``echo``, ``false``)
and every command that runs anything gets a small timeout. Each case must end
with an exit status from the documented set, no ``Traceback`` in the output, and
no exception but SystemExit; a parse or configuration error names ``path:line``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report_fixtures import make_run

from runbook.cli import cli
from runbook.report.json import to_json

DOCUMENTED = {0, 1, 2, 5, 130}
ENV = {"GITHUB_STEP_SUMMARY": None, "NO_COLOR": "1"}
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- documents ---------------------------------------------------------------
BODIES = ["true", "echo hi", "false", "echo 'a b'", "printf '\\377\\n'", "echo ok; true", "$ echo hi\nhi",
          "echo <NAME>", "echo $HOME >/dev/null", ""]
INFOS = ["bash", "sh", "shell", "console", "text", "output", "", "bash id=A1", "bash id=A1 retry=1 delay=0",
         "bash timeout=nan", "bash timeout=0", "bash timeout=3", "bash timeout=99999999999", "bash exit=1",
         "bash exit=999", "bash match=exact", "bash match=bogus", "bash errexit=false", "bash {#B2 timeout=3}",
         "bash norun", "bash skip", "bash background", "bash teardown", "bash setup", "bash ready=true",
         "bash timout=3", "powershell", 'bash id="unclosed', "bash {", "bash interactive", "expect"]
LINES = [
    "# Title", "## Phase A — Start", "## Phase A", "### A1. Step", "<!-- runbook: blocking -->",
    "<!-- runbook: timeout=3 -->", "<!-- runbook: timeout=inf -->", "<!-- runbook:", "-->",
    "PASS if output contains `hi`", "PASS if: exit code is 0", "FAIL if exit code is 1",
    "PASS if `true` succeeds", "PASS if output matches /[/", "PASS if output has 1 lines", "Pass criteria:",
    "- exit code is 0", "**Expected output:**", "Expected output: hi", "> quoted", "- item", "  - nested",
    "1. first", "| Symptom | Cause | Fix |", "|---|---|---|", "| `hi` | x | y |",
    "<!-- runbook:begin result A1 lines=3 -->", "<!-- runbook:end -->", "<details>", "</details>",
    "prose with <NAME> and YOUR_TOKEN", "", "    indented code", "\t", "\u00a0", "✅", "...",
]
FRONT_VALUES = {
    "timeout": ["5", ".nan", ".inf", "-1", "0", "'2m'", "abc", "[1]", "1e300"],
    "shell": ["bash", "bash --noprofile --norc", "''", "\"bash -c 'oops\"", "no-such-shell-rb", "[a]", "42"],
    "cwd": [".", "no/such/dir", "[x]"],
    "env": ["{A: 1}", "{SECRET_TOKEN: s3cr3t}", "[1, 2]", "x", "{A: null, B: true}"],
    "env_file": ["no-such.env", "[a.env]", "{}"],
    "secrets": ["[A]", "A", "{a: 1}", "[[1]]"],
    "requires": ["[bash]", "[no-such-tool-rb]", "NO_SUCH_VAR_RB", "{a: 1}"],
    "blocking": ["[A]", "[Z]", "A, B", "{a: 1}"],
    "strict": ["true", "maybe", "1"],
    "skip_unless": ["[true]", "[false]", "{a: 1}"],
    "bogus": ["1"],
}


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    if not draw(st.booleans()):
        return ""
    keys = draw(st.lists(st.sampled_from(sorted(FRONT_VALUES)), max_size=4, unique=True))
    nested = draw(st.booleans())
    pad = "  " if nested else ""
    body = "".join(f"{pad}{k}: {draw(st.sampled_from(FRONT_VALUES[k]))}\n" for k in keys)
    head = draw(st.sampled_from(["---\n", "---\r\n"]))
    tail = draw(st.sampled_from(["---\n"] * 6 + ["", "...\n"]))
    return head + ("runbook:\n" if nested else "") + body + tail


@st.composite
def fence(draw: st.DrawFn, clean: bool = False) -> str:
    mark = draw(st.sampled_from(["```", "~~~", "````"]))
    prefix = draw(st.sampled_from(["", "", "> ", "- ", "1. ", "  ", "> - "]))
    info = draw(st.sampled_from(INFOS))
    body = draw(st.sampled_from(BODIES))
    indent = {"> - ": ">   ", "> ": "> "}.get(prefix, " " * len(prefix))
    lines = [f"{prefix}{mark}{info}"] + [f"{indent}{b}" for b in body.split("\n")]
    if clean or draw(st.integers(0, 9)) > 0:
        lines.append(f"{indent}{mark if clean else draw(st.sampled_from([mark] * 8 + ['```', '~~~~']))}")
    return "\n".join(lines)


@st.composite
def document(draw: st.DrawFn) -> bytes:
    clean = draw(st.booleans())
    parts = draw(st.lists(st.one_of(st.sampled_from(LINES), fence(clean), fence(clean)), max_size=14))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    text = draw(front_matter()) + newline.join(parts) + draw(st.sampled_from(["\n", ""]))
    data = text.replace("\n", newline).encode("utf-8") if newline != "\n" else text.encode("utf-8")
    for _ in range(0 if clean else draw(st.integers(0, 3))):
        junk = draw(st.sampled_from([b"\xff", b"\xe9", b"\x00", b"\xc3", b"\xed\xa0\x80", b"\r", b"\x1b[31m"]))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + junk + data[at:]
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data


WHOLE_FILE = re.compile(r"error: \S+: (?:unknown (?:phase|step)|missing requirements|cannot read)")
"""Errors about the document as a whole (a selection, `requires:`), which have no line."""


def check_result(res, where: str | None = None) -> None:
    """The documented exit statuses, no traceback, and path:line on a parse/config error."""
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code in DOCUMENTED, (res.exit_code, res.output)
    assert "Traceback" not in res.output, res.output
    if where is not None and res.exit_code == 2 and "error: " + where in res.output \
            and not WHOLE_FILE.search(res.output):
        assert re.search(re.escape(where) + r":\d+", res.output), res.output


def invoke(args: list[str], stdin: str = "", cwd: Path | None = None) -> object:
    """Run the CLI; with ``cwd``, from there (a relative output path such as ``-`` stays inside)."""
    if cwd is None:
        return CliRunner(env=ENV).invoke(cli, args, input=stdin)
    before = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner(env=ENV).invoke(cli, args, input=stdin)
    finally:
        os.chdir(before)


@FUZZ
@given(document(), st.sampled_from(["list", "check", "strip", "check-json", "list-phase"]))
def test_parse_commands_never_show_a_traceback(data: bytes, command: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.md"
        path.write_bytes(data)
        args = {"list": ["list", str(path)], "check": ["check", str(path)], "strip": ["strip", str(path)],
                "check-json": ["check", "--format", "json", str(path)],
                "list-phase": ["list", str(path), "--phase", "A", "--from", "A1"]}[command]
        check_result(invoke(args, cwd=Path(tmp)), str(path))


@settings(FUZZ, max_examples=100)
@given(document())
def test_execute_on_random_documents_never_shows_a_traceback(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.md"
        path.write_bytes(data)
        results = Path(tmp) / "r.json"
        res = invoke(["execute", str(path), "--timeout", "5", "--json", str(results), "--junit",
                      str(Path(tmp) / "j.xml"), "--html", str(Path(tmp) / "r.html"), "--no-color"], cwd=Path(tmp))
        check_result(res, str(path))
        if results.exists():
            json.loads(results.read_bytes().decode("utf-8"))
            again = invoke(["report", str(results), "--html", str(Path(tmp) / "again.html")], cwd=Path(tmp))
            check_result(again)
            assert again.exit_code == 0, again.output


# -- argv --------------------------------------------------------------------
SAFE_DOC = "# T\n\n## Phase A\n\n### A1. Hi\n\n```bash\necho hi\n```\n\nPASS if output contains `hi`\n"
VALUES = ["", " ", "-", "0", "-1", "nan", "inf", "1e300", "2", "A", "A1", "Z", "=", "K=V", "K", "=V",
          "\x00", "K=\x00", "=x", "\udcff", "K=\udcff", "é", "--", "--json", "a b", "'", '"', "RB1", "RB999", "all",
          "json", "text"]


def path_values(tmp: Path) -> list[str]:
    return [str(tmp / "out.md"), str(tmp / "no" / "such" / "dir" / "x"), str(tmp), str(tmp / "doc.md"),
            str(tmp / "env"), str(tmp / "results.json"), "-"]


OPTIONS: dict[str, dict[str, str]] = {
    # option -> kind: flag, value, path, shell
    "execute": {"-o": "path", "--in-place": "flag", "--no-annotate": "flag", "--json": "path",
                "--junit": "path", "--html": "path", "--summary": "path", "--timeout": "value",
                "--shell": "shell", "--env": "value", "--env-file": "path", "--set": "value",
                "--strict": "flag", "-x": "flag", "-v": "flag", "-q": "flag", "--no-color": "flag",
                "--phase": "value", "--step": "value", "--from": "value", "--until": "value",
                "--no-deps": "flag", "--bogus": "flag"},
    "update": {"-o": "path", "--in-place": "flag", "--step": "value", "--check": "flag", "-i": "flag",
               "--timeout": "value", "--shell": "shell", "--env": "value", "--env-file": "path",
               "--set": "value"},
    "list": {"--phase": "value", "--step": "value", "--from": "value", "--until": "value",
             "--no-deps": "flag"},
    "strip": {"-o": "path", "--in-place": "flag"},
    "report": {"--html": "path", "--junit": "path", "--summary": "path"},
    "check": {"--format": "value", "--select": "value", "--ignore": "value"},
}
SHELLS = ["", "   ", "bash -c 'oops", "no-such-shell-rb", "bash --noprofile --norc", "sh", "bash"]
ENV_FILES = [b"A=1\n", b"not a line\n", b"\xff=1\n", b"A=\xff\xfe\n", b"export B='x'\n# c\n", b"", b"\x00"]
RESULTS = [
    "", "{", "[]", "null", '{"steps": 1}', '{"runbook_version": "0", "document": "d.md", "started_at": "x",'
    ' "duration_s": 1, "summary": {}, "phases": [], "steps": [{"id": 1}]}',
    to_json(make_run()), to_json(make_run(hostile=False)),
]


@st.composite
def argv(draw: st.DrawFn, tmp: Path) -> tuple[list[str], str]:
    command = draw(st.sampled_from(sorted(OPTIONS) + ["--version", "--help", "nope", ""]))
    if command not in OPTIONS:
        return [command] if command else [], ""
    args = [command]
    target = draw(st.sampled_from(["doc", "doc", "missing", "dir", "results"]))
    doc = {"doc": tmp / "doc.md", "missing": tmp / "missing.md", "dir": tmp,
           "results": tmp / "results.json"}[target]
    if command == "report" and target == "doc":
        doc = tmp / "results.json"
    args.append(str(doc))
    opts = OPTIONS[command]
    for name in draw(st.lists(st.sampled_from(sorted(opts)), max_size=5)):
        kind = opts[name]
        if kind == "flag":
            args.append(name)
        elif kind == "path":
            args += [name, draw(st.sampled_from(path_values(tmp)))]
        elif kind == "shell":
            args += [name, draw(st.sampled_from(SHELLS))]
        else:
            args += [name, draw(st.sampled_from(VALUES))]
    if command in ("execute", "update") and "--timeout" not in args:
        args += ["--timeout", "5"]
    return args, draw(st.sampled_from(["", "y\n", "q\n", "n\nn\n"]))


@FUZZ
@given(st.data())
def test_random_argv_never_shows_a_traceback(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "doc.md").write_text(SAFE_DOC, encoding="utf-8")
        (tmp / "env").write_bytes(data.draw(st.sampled_from(ENV_FILES)))
        (tmp / "results.json").write_text(data.draw(st.sampled_from(RESULTS)), encoding="utf-8")
        args, stdin = data.draw(argv(tmp))
        check_result(invoke(args, stdin, cwd=tmp))
