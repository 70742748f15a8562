"""The state file of ``--resume``: written after a run, read by the next one.

``NAME.runbook-state.json`` beside the annotated document and the JSON results, created with mode 0600: the run's
results (as the JSON results, masked), each step's fingerprint and the session state
recorded after each step (never a secret value, see :mod:`runbook.run.state`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Mapping, Sequence, TextIO

from runbook.errors import RunbookError
from runbook.model import Document, RunResult
from runbook.report.jsontext import NotWritten, dumps, dumps_into
from runbook.run.resume import STATE_VERSION, Earlier, document_hash, fingerprint, state_path
from runbook.run.state import StepState


def write_states(paths: Sequence[str], run: RunResult, doc_text: str, document: Document,
                 states: Mapping[str, StepState], origins: Mapping[str, str]) -> list[tuple[str, OSError]]:
    """Write the same state file at each of ``paths`` (its text made once, then copied);
    returns the paths that could not be written, with why (a partial file is removed)."""
    from runbook.parse.pause import collector_paused

    if not paths:
        return []
    with collector_paused():  # many objects made, no cycles (parse/pause.py): no full pass over a run's
        return _write_states(paths, run, doc_text, document, states, origins)


def _write_states(paths: Sequence[str], run: RunResult, doc_text: str, document: Document,
                  states: Mapping[str, StepState], origins: Mapping[str, str]) -> list[tuple[str, OSError]]:
    from runbook.report.json import to_dict


    data = {
        "version": STATE_VERSION, "document_sha256": document_hash(doc_text),
        "fingerprints": {s.id: fingerprint(s) for s in document.steps},
        "origins": {r.step_id: origins.get(r.step_id, run.started_at) for r in run.steps},
        "states": {k: v.to_dict() for k, v in states.items()},
        "run": to_dict(run, lazy=True),  # each step's dict only while it is written
    }
    failed: list[tuple[str, OSError]] = []
    written: str | None = None  # the first file written: the others are copies of it
    for path in paths:
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                _fill(fh, data, written)
            os.replace(tmp, path)
            written = written or path
        except OSError as exc:
            failed.append((path, exc))
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return failed


def _fill(fh: TextIO, data: dict[str, Any], written: str | None) -> None:
    """The state's text (``json.dump``'s, report/jsontext.py) written as it is made (~36 MB
    at 50,000 steps, never held whole), or copied from the file ``written`` already holds."""
    if written is not None:
        with open(written, encoding="utf-8") as copy:
            shutil.copyfileobj(copy, fh, 1 << 20)
        return
    try:
        dumps_into(data, 1, fh.write, ensure_ascii=True)
    except NotWritten:  # a value jsontext leaves to json.dumps (none today): its text, from the start
        fh.seek(0)
        fh.truncate()
        fh.write(dumps(data, 1, ensure_ascii=True))


def read_earlier(path: str) -> Earlier:
    """The state file at ``path``, or the one of a results JSON (``--resume RESULTS.json``)."""
    from runbook.report.json import from_dict

    data = _load(path)
    if "run" not in data and "steps" in data:  # a results file: its document's state file
        results = data
        data = _load(state_path(path))
        if data.get("run", {}).get("started_at") != results.get("started_at"):
            raise RunbookError("the state file is from another run than these results", where=path,
                               hint="resume with `--resume` alone (the last run), or re-run from the start")
    try:
        run = from_dict(data["run"])
        states = {k: StepState.from_dict(v) for k, v in data.get("states", {}).items()}
        return Earlier(run, str(data.get("document_sha256", "")), dict(data.get("fingerprints", {})),
                       states, dict(data.get("origins", {})))
    except (KeyError, TypeError, ValueError, RunbookError) as exc:
        raise RunbookError(f"cannot resume: the state file is not readable ({exc})", where=path,
                           hint="run the document again without --resume") from None


def _load(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunbookError("nothing to resume: no state of an earlier run", where=path,
                           hint="run `runbook execute DOC` first; it keeps the state beside the document") from None
    except (OSError, ValueError) as exc:
        raise RunbookError(f"cannot read the earlier run: {exc}", where=path,
                           hint="pass the results of `runbook execute --json`, or `--resume` alone") from None
    if not isinstance(data, dict):
        raise RunbookError("cannot read the earlier run: not a JSON object", where=path)
    return data
