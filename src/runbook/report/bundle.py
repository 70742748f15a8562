"""``--bundle DIR``: everything a reviewer needs to sign a field trial off, in one folder.

::

    DIR/
      <doc>.annotated.md   the document with the results written in
      results.json         spec §8 results
      junit.xml            JUnit XML
      report.html          the HTML report, with a link to the transcript and a player
      transcript.cast      the session's terminal transcript, asciicast v2, secrets masked
      logs/<step>.log      each background service's log (masked)
      environment.json     runbook, shell, OS, host, git commit and dirtiness, times, user
      MANIFEST.sha256      sha256 of every other file (``runbook verify DIR`` checks it)

Every text is masked with the run's final masker before it is written.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from runbook.errors import RunbookError
from runbook.model import Document, RunResult
from runbook.report.asciicast import Recorder, to_cast, with_player
from runbook.report.environment import environment_record
from runbook.report.manifest import write_manifest
from runbook.source import atomic_write, encode

if TYPE_CHECKING:
    from runbook.run.trial import TrialRunner

CAST = "transcript.cast"


def check_bundle_dir(path: str, doc: str) -> None:
    """The bundle goes in a new or empty folder (an old bundle is never mixed into)."""
    p = Path(path)
    if p.exists() and (not p.is_dir() or any(p.iterdir())):
        raise RunbookError("--bundle: the folder exists and is not empty", where=path,
                           hint="name a new folder: a bundle holds one run only")
    if p.resolve() == Path(doc).resolve().parent:
        raise RunbookError("--bundle: not the document's own folder", where=path, hint="name a new folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunbookError(f"--bundle: cannot create the folder ({exc.strerror})", where=path) from None


def write_bundle(path: str, run: RunResult, document: Document, original: str, recorder: Recorder,
                 runner: "TrialRunner") -> None:
    """Write the bundle of ``run`` into ``path`` (checked by :func:`check_bundle_dir`)."""
    from runbook.report.html import to_html
    from runbook.report.json import to_json
    from runbook.report.junit import to_junit
    from runbook.write.annotate import annotate

    masker = runner.masker
    ended = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = Path(path)
    name = Path(document.path).name
    stem = name[:-3] if name.endswith(".md") else name
    atomic_write(str(base / f"{stem}.annotated.md"), encode(masker(annotate(original, document, run))))
    atomic_write(str(base / "results.json"), encode(to_json(run)))
    atomic_write(str(base / "junit.xml"), encode(to_junit(run)))
    started = _epoch(run.started_at)
    cast = to_cast(recorder, masker, started, {"SHELL": runner.settings.shell or "bash", "TERM": "dumb"})
    atomic_write(str(base / CAST), encode(cast))
    atomic_write(str(base / "report.html"), encode(with_player(to_html(run, masker(original), document), cast, CAST)))
    env = environment_record(run, document.path, runner.settings.shell, ended)
    env["background_logs"] = {sid: os.path.relpath(p, base) for sid, p in sorted(runner.saved_logs.items())}
    atomic_write(str(base / "environment.json"), encode(masker(json.dumps(env, indent=2)) + "\n"))
    write_manifest(path)


def _epoch(stamp: str) -> int:
    try:
        return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
    except ValueError:
        return int(time.time())
