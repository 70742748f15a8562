"""``--bundle DIR`` and ``runbook verify``: a real run's evidence in one folder, secrets
masked everywhere, a manifest that catches any change, a transcript asciinema can play
and the HTML report's own player (in a real headless Chromium)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from browser import Browser, BrowserError
from click.testing import CliRunner

from runbook.cli import cli

SECRET = "pw-7c1e0b9a4d"

DOC = f"""# Sign-off

## Phase A: service

```bash background ready="test -s svc.ready"
echo "service starting with $DB_PASSWORD"; echo ok > svc.ready; exec sleep 300
```

## Phase B: check

```bash
export DB_PASSWORD={SECRET}
echo "connecting with $DB_PASSWORD"
printf 'alpha\\nbeta\\n'
```

PASS if: output contains `beta`
"""


@pytest.fixture
def bundle(write_doc, tmp_path: Path) -> Path:
    doc = write_doc(DOC, "signoff.md")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                    "--allow-empty", "-m", "base"], check=True)
    out = tmp_path / "evidence"
    res = CliRunner().invoke(cli, ["execute", str(doc), "--bundle", str(out), "--no-color", "--timeout", "30"])
    assert res.exit_code == 0, res.output
    return out


def test_the_bundle_holds_every_artefact_and_a_manifest_of_them(bundle: Path):
    names = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    assert {"signoff.annotated.md", "results.json", "junit.xml", "report.html", "transcript.cast",
            "environment.json", "MANIFEST.sha256", "logs/A-1.log"} <= names
    listed = {line.split("  ", 1)[1] for line in (bundle / "MANIFEST.sha256").read_text().splitlines()}
    assert listed == names - {"MANIFEST.sha256"}
    assert "service starting" in (bundle / "logs" / "A-1.log").read_text()


def test_no_secret_reaches_any_file_of_the_bundle(bundle: Path):
    for p in bundle.rglob("*"):
        if p.is_file():
            assert SECRET not in p.read_text(errors="replace"), p


def test_the_transcript_is_asciicast_v2_with_timed_output_events(bundle: Path):
    lines = (bundle / "transcript.cast").read_text().splitlines()
    header = json.loads(lines[0])
    assert header["version"] == 2 and {"width", "height", "timestamp", "env"} <= header.keys()
    events = [json.loads(line) for line in lines[1:]]
    assert all(e[1] == "o" and isinstance(e[0], float) for e in events)
    assert [e[0] for e in events] == sorted(e[0] for e in events)
    text = "".join(e[2] for e in events)
    assert "alpha\r\nbeta\r\n" in text and "connecting with ••••" in text


def test_the_environment_record_names_tools_host_git_times_and_user(bundle: Path):
    env = json.loads((bundle / "environment.json").read_text())
    assert env["shell"]["version"].startswith("GNU bash")
    assert len(env["git"]["commit"]) == 40 and env["git"]["dirty"] is True  # signoff.md is untracked
    assert env["host"] and env["user"] and env["os"]["system"]
    assert env["started_at"] <= env["ended_at"]


def test_verify_passes_an_untouched_bundle_and_names_a_changed_file(bundle: Path):
    ok = CliRunner().invoke(cli, ["verify", str(bundle)])
    assert ok.exit_code == 0, ok.output
    results = bundle / "results.json"
    results.write_text(results.read_text().replace('"pass"', '"fail"', 1))
    bad = CliRunner().invoke(cli, ["verify", str(bundle)])
    assert bad.exit_code == 1 and "results.json: differs from the manifest" in bad.output
    (bundle / "extra.txt").write_text("slipped in")
    (bundle / "junit.xml").unlink()
    worse = CliRunner().invoke(cli, ["verify", str(bundle)])
    assert "junit.xml: missing" in worse.output and "extra.txt: not in the manifest" in worse.output


def test_a_bundle_never_mixes_into_a_folder_that_holds_files(write_doc, tmp_path: Path):
    doc = write_doc(DOC, "again.md")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("")
    res = CliRunner().invoke(cli, ["execute", str(doc), "--bundle", str(tmp_path / "old")])
    assert res.exit_code == 2 and "not empty" in res.output and "Traceback" not in res.output


def test_the_html_report_links_and_plays_the_transcript_inline(bundle: Path):
    try:
        b = Browser()
    except BrowserError as exc:
        pytest.fail(f"{exc} (CI: apt-get install chromium)")
    try:
        b.open((bundle / "report.html").as_uri())
        assert b.eval("document.querySelector('#rb-transcript a').getAttribute('href')") == "transcript.cast"
        b.eval("document.getElementById('rb-cast-all').click()")
        screen = b.eval("document.getElementById('rb-cast-screen').textContent")
        assert "connecting with ••••" in screen and "alpha\nbeta" in screen
        b.eval("document.getElementById('rb-cast-play').click()")  # timed playback from the start
        deadline = time.monotonic() + 20
        while "alpha" not in b.eval("document.getElementById('rb-cast-screen').textContent"):
            assert time.monotonic() < deadline, "the player never reached the step's output"
            time.sleep(0.1)
        assert b.problems() == []  # the player ran under the page's CSP, no error
    finally:
        b.close()


def test_a_secret_split_over_two_output_chunks_is_masked_in_the_transcript(write_doc):
    from runbook.parse.markdown import parse_document
    from runbook.report.asciicast import Recorder, to_cast
    from runbook.run.mask import Masker

    doc = parse_document("# T\n\n```bash\necho hi\n```\n", str(write_doc("x", "t.md")))
    step = doc.steps[0]
    rec = Recorder()
    rec.step_started(step, 1)
    rec.step_output(step, "token is pw-7c1e")
    rec.step_output(step, "0b9a4d and more\n")
    cast = to_cast(rec, Masker([SECRET]), 0, {})
    text = "".join(json.loads(line)[2] for line in cast.splitlines()[1:])
    assert SECRET not in text and "pw-7c1e" not in text and "token is ••••" in text
