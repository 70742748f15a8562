"""Bad input through the real CLI: a clear error (exit 2, path:line, a hint), never a traceback.

Also the runs that prove nothing: a document with no step exits 5, not 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

FENCE = "```"


def invoke(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    return res.exit_code, res.output


def doc_with_marker(tmp_path: Path, front: str = "") -> tuple[Path, Path]:
    marker = tmp_path / "ran"
    path = tmp_path / "doc.md"
    path.write_text(f"{front}# T\n\n{FENCE}bash\ntouch {marker}\n{FENCE}\n", encoding="utf-8")
    return path, marker


@pytest.mark.parametrize("shell,reason", [
    ("", "--shell is empty"),
    ("   ", "--shell is empty"),
    ("bash -c 'oops", "not a valid command line: No closing quotation"),
    ("no-such-shell-rb", "command 'no-such-shell-rb' not found"),
])
@pytest.mark.parametrize("command", ["execute", "update"])
def test_bad_shell_option_is_a_usage_error_before_anything_runs(tmp_path, command, shell, reason):
    path, marker = doc_with_marker(tmp_path)
    code, out = invoke(command, str(path), "--shell", shell)
    assert code == 2 and reason in out and "hint:" in out, out
    assert not marker.exists()


@pytest.mark.parametrize("value,reason", [
    ('"bash -c \'oops"', "not a valid command line"),
    ('"  "', "must be a command line"),
    ("no-such-shell-rb --norc", "command 'no-such-shell-rb' not found"),
])
def test_bad_shell_in_front_matter_names_its_line(tmp_path, value, reason):
    path, marker = doc_with_marker(tmp_path, f"---\ntitle: x\nrunbook:\n  timeout: 5\n  shell: {value}\n---\n")
    code, out = invoke("execute", str(path))
    assert code == 2 and f"{path}:5:" in out and reason in out, out
    assert not marker.exists()


def test_shell_option_overrides_a_bad_front_matter_shell_only_when_valid(tmp_path):
    path, marker = doc_with_marker(tmp_path, "---\nrunbook:\n  shell: no-such-shell-rb\n---\n")
    code, out = invoke("execute", str(path), "--shell", "bash --noprofile --norc", "--no-annotate")
    assert code == 0 and marker.exists(), out


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "1e300"])
@pytest.mark.parametrize("command", ["execute", "update"])
def test_timeout_option_must_be_a_positive_finite_number(tmp_path, command, value):
    path, marker = doc_with_marker(tmp_path)
    code, out = invoke(command, str(path), f"--timeout={value}")
    assert code == 2 and "--timeout must be a positive number" in out, out
    assert not marker.exists()


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "-3", "0", "1e300", "'inf'", "nan s"])
def test_timeout_in_front_matter_must_be_a_positive_finite_duration(tmp_path, value):
    path, marker = doc_with_marker(tmp_path, f"---\nrunbook:\n  shell: bash\n  timeout: {value}\n---\n")
    code, out = invoke("execute", str(path))
    assert code == 2 and f"{path}:4:" in out and "`timeout` is not a duration" in out, out
    assert not marker.exists()


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "99999999999"])
def test_timeout_attribute_rejects_the_same_values(tmp_path, value):
    marker = tmp_path / "ran"
    path = tmp_path / "doc.md"
    path.write_text(f"# T\n\n{FENCE}bash timeout={value}\ntouch {marker}\n{FENCE}\n", encoding="utf-8")
    code, out = invoke("execute", str(path))
    assert code == 2 and f"{path}:3:" in out and "timeout=" in out and not marker.exists(), out


@pytest.mark.parametrize("key,value,line", [("cwd", "no/such/dir", 3), ("strict", "maybe", 4),
                                            ("env", "[1, 2]", 3), ("secrets", "{a: 1}", 4)])
def test_front_matter_errors_name_the_key_line(tmp_path, key, value, line):
    pad = "  timeout: 5\n" if line == 4 else ""
    path, marker = doc_with_marker(tmp_path, f"---\nrunbook:\n{pad}  {key}: {value}\n---\n")
    code, out = invoke("execute", str(path))
    assert code == 2 and f"{path}:{line}:" in out and key in out, out
    assert not marker.exists()


NO_STEP_DOCS = {
    "empty": "",
    "prose": "# Just prose\n\nNothing to run here.\n",
    "only-output": "# T\n\n```text\nhello\n```\n\n```json\n{}\n```\n",
    "norun": "# T\n\n```bash norun\necho hi\n```\n",
    "front-matter-only": "---\nrunbook:\n  timeout: 5\n---\n",
}


@pytest.mark.parametrize("name", sorted(NO_STEP_DOCS))
def test_document_with_no_step_is_not_a_pass_it_exits_5(tmp_path, name):
    path = tmp_path / "doc.md"
    path.write_text(NO_STEP_DOCS[name], encoding="utf-8")
    code, out = invoke("execute", str(path), "--json", str(tmp_path / "r.json"))
    assert code == 5, out
    assert "no step to run" in out and str(path) in out
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "doc.annotated.md").exists()


def test_selection_matching_no_step_exits_5(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("# T\n\n## Phase A\n\n```bash\necho a\n```\n\n## Phase B\n\nNo steps yet.\n",
                    encoding="utf-8")
    code, out = invoke("execute", str(path), "--phase", "B", "--no-deps")
    assert code == 5 and "the selection matches no step" in out, out


def test_no_step_exit_code_is_in_execute_help():
    code, out = invoke("execute", "--help")
    assert code == 0 and "5    no step to run" in out


def test_invalid_utf8_document_and_output_give_valid_utf8_json_that_report_accepts(tmp_path):
    path = tmp_path / "doc.md"
    path.write_bytes(b"# Caf\xe9 \xff\n\n```bash\nprintf 'bad \\377\\376 byte\\n'\necho 'ok \xe9'\n```\n")
    results = tmp_path / "r.json"
    code, out = invoke("execute", str(path), "--json", str(results), "--no-color", "--timeout", "20")
    assert code == 0, out
    raw = results.read_bytes()
    data = json.loads(raw.decode("utf-8"))  # strict: raises on invalid UTF-8
    assert b'"title": "Caf\\udce9 \\udcff"' in raw  # escaped, and lossless: the same bytes come back
    step = data["steps"][0]
    assert step["title"] == "Caf\udce9 \udcff"
    # The capture already shows an undecodable output byte as the text \xNN.
    assert "bad \\xff\\xfe byte" in step["output"] and "ok \\xe9" in step["output"]
    assert any("not valid UTF-8" in n for n in step["notes"])
    html = tmp_path / "x.html"
    code, out = invoke("report", str(results), "--html", str(html), "--junit", str(tmp_path / "j.xml"),
                       "--summary", str(tmp_path / "s.md"))
    assert code == 0, out
    assert "bad \\xff\\xfe byte" in html.read_text(encoding="utf-8")
    (tmp_path / "j.xml").read_text(encoding="utf-8")  # strict UTF-8 too
    (tmp_path / "s.md").read_text(encoding="utf-8")


def test_env_file_with_bytes_that_are_not_utf8_reaches_the_shell_unchanged(tmp_path):
    env = tmp_path / "bad.env"
    env.write_bytes(b"A=caf\xe9\n")
    path = tmp_path / "doc.md"
    path.write_text("# T\n\n```bash\nprintf '%s' \"$A\" | od -An -tx1\n```\n\nPASS if output contains `63 61 66 e9`\n",
                    encoding="utf-8")
    code, out = invoke("execute", str(path), "--env-file", str(env), "--no-annotate", "--no-color",
                       "--timeout", "20")
    assert code == 0, out


def test_env_file_with_a_nul_byte_is_a_clear_error(tmp_path):
    env = tmp_path / "nul.env"
    env.write_bytes(b"A=x\x00y\n")
    path, marker = doc_with_marker(tmp_path)
    code, out = invoke("execute", str(path), "--env-file", str(env), "--no-annotate")
    assert code == 2 and str(env) in out and not marker.exists(), out
