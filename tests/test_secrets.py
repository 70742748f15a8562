"""No secret reaches an artefact: values set in the shell however a document sets them
(``read``, ``source``, ``set -a; . ./.env``, ``X=$(cat f)``, ``--env-file``, a ``secrets:``
name outside the pattern), printed raw, base64 (standard, URL-safe, with ``echo``'s
newline) or hex, are absent byte for byte from every artefact file and from the terminal.

Everything goes through the real CLI in a subprocess and a real pty shell. The secret
values live in files the document reads at run time, never in the document itself (the
annotated document keeps the author's bytes as they are).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FENCE = "```"
ARTEFACTS = ("-o", "a.md", "--json", "r.json", "--junit", "r.xml", "--html", "r.html", "--summary", "s.md")


def block(code: str, attrs: str = "") -> str:
    return f"{FENCE}bash{(' ' + attrs) if attrs else ''}\n{code}\n{FENCE}\n"


def encodings(value: str) -> dict[str, bytes]:
    """The value and every encoding a step may print it in (computed here, independently)."""
    raw = value.encode()
    forms = {"raw": raw, "hex": raw.hex().encode(), "HEX": raw.hex().upper().encode()}
    for label, data in (("b64", raw), ("b64+nl", raw + b"\n")):
        std = base64.b64encode(data)
        url = base64.urlsafe_b64encode(data)
        forms.update({label: std, label + "-nopad": std.rstrip(b"="), label + "-url": url,
                      label + "-url-nopad": url.rstrip(b"=")})
    return forms


PRINT = """for __v in {names}; do
  eval "__x=\\"\\${{$__v}}\\""
  printf 'raw:%s\\n' "$__x"
  printf '%s' "$__x" | base64 -w0; echo
  echo "$__x" | base64 -w0; echo
  printf '%s' "$__x" | base64 -w0 | tr '+/' '-_'; echo
  printf '%s' "$__x" | base64 -w0 | tr '+/' '-_' | tr -d '='; echo
  printf '%s' "$__x" | xxd -p | tr -d '\\n'; echo
  printf '%s' "$__x" | od -An -tx1 | tr -d ' \\n'; echo
  printf '%s' "$__x" | od -An -tx1 | tr -d ' \\n' | tr a-f A-F; echo
done
echo printed"""


def run_cli(doc: Path, *extra: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    return subprocess.run([sys.executable, "-m", "runbook", "execute", str(doc), "--no-color", "-v",
                           *ARTEFACTS, *extra], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def assert_absent(values: dict[str, str], proc: subprocess.CompletedProcess[str], folder: Path) -> None:
    files = {name: (folder / name).read_bytes() for name in ("a.md", "r.json", "r.xml", "r.html", "s.md")}
    files["terminal"] = (proc.stdout + proc.stderr).encode()
    for var, value in values.items():
        for label, form in encodings(value).items():
            for name, data in files.items():
                assert form not in data, f"{var} ({label}) leaked into {name}"
        for line in value.split("\n"):
            for name, data in files.items():
                assert line.encode() not in data, f"a line of {var} leaked into {name}"


def steps(folder: Path) -> dict[str, dict]:
    return {s["id"]: s for s in json.loads((folder / "r.json").read_text(encoding="utf-8"))["steps"]}


def test_secrets_set_in_the_shell_any_way_are_masked_in_every_artefact_and_the_terminal(tmp_path: Path) -> None:
    rnd = os.urandom(6).hex()
    values = {
        "API_TOKEN": f"tok-read-{rnd}",
        "DEPLOY_SECRET": f"src sourced {rnd} with spaces",
        "DB_PASSWORD": f'env"file\'{rnd}',
        "SERVICE_PASSWD": f"cat-{rnd}-pw",
        "MY_API_KEY": f"cli-env-file-{rnd}",
        "CUSTOM_THING": f"listed-{rnd}",
        "ML_TOKEN": f"first line {rnd}\nsecond 'q' \"dq\" {rnd[::-1]}",
    }
    (tmp_path / "tok.txt").write_text(values["API_TOKEN"] + "\n")
    (tmp_path / "creds.sh").write_text(f"DEPLOY_SECRET='{values['DEPLOY_SECRET']}'\n")
    (tmp_path / ".env").write_text("DB_PASSWORD='" + values["DB_PASSWORD"].replace("'", "'\\''") + "'\n")
    (tmp_path / "pw.txt").write_text(values["SERVICE_PASSWD"] + "\n")
    (tmp_path / "cli.env").write_text(f"MY_API_KEY={values['MY_API_KEY']}\n")
    (tmp_path / "custom.txt").write_text(values["CUSTOM_THING"])
    (tmp_path / "ml.txt").write_text(values["ML_TOKEN"])
    names = " ".join(values)
    doc = tmp_path / "doc.md"
    doc.write_text(
        "---\nrunbook:\n  secrets: [CUSTOM_THING]\n---\n# Secrets\n\n"
        "### S1. set and print in the same step\n\n" + block(
            'read -r API_TOKEN <<< "$(cat tok.txt)"\nsource creds.sh\nset -a; . ./.env; set +a\n'
            'SERVICE_PASSWD=$(cat pw.txt)\nCUSTOM_THING=$(cat custom.txt)\nML_TOKEN=$(cat ml.txt)\n'
            + PRINT.format(names=names)) +
        "\nPASS if: output contains `printed`.\n\n"
        "### S2. print in a later step\n\n" + block(PRINT.format(names=names)) +
        "\nPASS if: output contains `printed`.\n\n"
        "### S3. fail, so the terminal shows the output\n\n" + block(PRINT.format(names=names) + "\nfalse") +
        "\n### S4. background log\n\n" + block(f'echo "bg $DEPLOY_SECRET $API_TOKEN"; sleep 30',
                                                'background ready="true"') + "\n",
        encoding="utf-8")
    proc = run_cli(doc, "--env-file", str(tmp_path / "cli.env"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    got = steps(tmp_path)
    assert [got[s]["status"] for s in ("S1", "S2", "S3", "S4")] == ["pass", "pass", "fail", "pass"]
    assert got["S2"]["output"].count("raw:••••") == len(values), got["S2"]["output"]
    assert "printed" in proc.stdout  # the terminal did show the outputs (-v and the failure)
    assert_absent(values, proc, tmp_path)


def test_a_value_printed_before_it_became_a_secret_is_masked_in_the_files(tmp_path: Path) -> None:
    value = f"early-{os.urandom(6).hex()}"
    (tmp_path / "tok.txt").write_text(value + "\n")
    doc = tmp_path / "doc.md"
    doc.write_text("# Early\n\n### S1. show the file\n\n" + block("cat tok.txt") +
                   "\n### S2. now it is a secret\n\n" + block("read -r GH_TOKEN < tok.txt; echo done") + "\n",
                   encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "runbook", "execute", str(doc), "--no-color", "-q", *ARTEFACTS],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert steps(tmp_path)["S1"]["output"].strip() == "••••"
    for name in ("a.md", "r.json", "r.xml", "r.html", "s.md"):
        assert value.encode() not in (tmp_path / name).read_bytes(), name
    assert value not in proc.stdout + proc.stderr  # -q: the passing step's output was never shown


def test_unexported_secret_names_learned_after_every_step_without_assignment_in_the_text(tmp_path: Path) -> None:
    """A function defined in one step sets the secret in a later one: nothing in that
    step's text names the variable, and it is still masked in its own output."""
    value = f"fn-set-{os.urandom(6).hex()}"
    (tmp_path / "v.txt").write_text(value + "\n")
    doc = tmp_path / "doc.md"
    doc.write_text("# Fn\n\n### S1. define\n\n" + block('load() { IFS= read -r "$1" < v.txt; }') +
                   "\n### S2. use\n\n" + block('load VAULT_SECRET; printf \'%s\\n\' "$VAULT_SECRET"') +
                   "\nPASS if: output contains `••••`.\n", encoding="utf-8")
    proc = run_cli(doc, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert steps(tmp_path)["S2"]["output"].strip() == "••••"
    assert_absent({"VAULT_SECRET": value}, proc, tmp_path)


@pytest.mark.parametrize("shell", [s for s in ("dash", "zsh -f") if shutil.which(s.split()[0])])
def test_secrets_set_in_posix_shells_are_masked(tmp_path: Path, shell: str) -> None:
    value = f"posix-{os.urandom(6).hex()}"
    (tmp_path / "v.txt").write_text(value + "\n")
    doc = tmp_path / "doc.md"
    doc.write_text("# P\n\n### S1. read\n\n" + block('read -r APP_PASSWORD < v.txt; printf "%s\\n" "$APP_PASSWORD"\n'
                                                   'printf %s "$APP_PASSWORD" | base64; echo "$APP_PASSWORD" | base64\n'
                                                   'printf %s "$APP_PASSWORD" | od -An -tx1 | tr -d " \\n"; echo') +
                   "\n### S2. again\n\n" + block('echo "again $APP_PASSWORD"; false') + "\n", encoding="utf-8")
    proc = run_cli(doc, "--shell", shell, cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    got = steps(tmp_path)
    assert got["S1"]["status"] == "pass" and got["S2"]["output"].strip() == "again ••••"
    assert_absent({"APP_PASSWORD": value}, proc, tmp_path)


def test_secret_learning_survives_xtrace_nounset_ifs_and_a_compgen_function(tmp_path: Path) -> None:
    """The document's shell state cannot blind the query: ``set -xu``, an odd IFS, a
    function named compgen, aliases; the trace lines are masked too."""
    value = f"hostile-{os.urandom(6).hex()}"
    (tmp_path / "v.txt").write_text(value + "\n")
    doc = tmp_path / "doc.md"
    doc.write_text("# H\n\n### S1. hostile state\n\n" + block(
        "compgen() { echo NOT_A_TOKEN; }\nalias builtin=false sed=false\nIFS=:\nset -xu\n"
        "read -r OAUTH_TOKEN < v.txt\necho \"got $OAUTH_TOKEN\"") +
        "\n### S2. later\n\n" + block('echo "again $OAUTH_TOKEN"; command printf "%s" "$OAUTH_TOKEN" | base64') +
        "\nPASS if: output contains `again ••••`.\n", encoding="utf-8")
    proc = run_cli(doc, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    got = steps(tmp_path)
    assert "got ••••" in got["S1"]["output"] and "+ read -r OAUTH_TOKEN" in got["S1"]["output"]
    assert_absent({"OAUTH_TOKEN": value}, proc, tmp_path)


def test_set_placeholder_values_and_clauses_naming_a_secret_are_masked(tmp_path: Path) -> None:
    """``--set DB_PASSWORD=…`` fills ``<DB_PASSWORD>`` in the command text; a clause that
    quotes a secret (author's text) shows masked in the reports and the terminal."""
    value = f"placeholder-{os.urandom(6).hex()}"
    env_value = f"clause-{os.urandom(6).hex()}"
    doc = tmp_path / "doc.md"
    doc.write_text("# P\n\n### S1. fill\n\n" + block("echo 'pw=<DB_PASSWORD>'") +
                   "\n### S2. a clause quoting a secret\n\n" + block("echo nothing") +
                   f"\nPASS if: output contains `${{API_TOKEN}}`.\n", encoding="utf-8")
    text = doc.read_text(encoding="utf-8").replace("${API_TOKEN}", env_value)
    doc.write_text(text, encoding="utf-8")
    proc = run_cli(doc, "--set", f"DB_PASSWORD={value}", "--env", f"API_TOKEN={env_value}", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    got = steps(tmp_path)
    assert got["S1"]["output"].strip() == "pw=••••" and got["S2"]["status"] == "fail"
    assert_absent({"DB_PASSWORD": value}, proc, tmp_path)
    for name in ("r.json", "r.xml", "r.html", "s.md"):
        assert env_value.encode() not in (tmp_path / name).read_bytes(), name
    assert env_value not in proc.stdout + proc.stderr
