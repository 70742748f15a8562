"""Runme cell attributes (```` ```sh {name=… excludeFromRunAll=true cwd=…} ```` and the JSON
form ``{"id":"01…","name":"…"}``) mapped onto runbook's meaning, from Runme's reference
(docs.runme.dev ``configuration/cell-level``: name, excludeFromRunAll, background,
interactive, cwd, terminalRows, closeTerminalOnSuccess, mimeType, promptEnv, category, id).

* ``name=N``: the step's id, so ``runbook execute --step N`` runs what ``runme run N`` runs
  (kept as runbook's own id when the name is not a valid id or is used twice).
* ``excludeFromRunAll=true``: ``runme run --all`` leaves the cell out: the step is skipped,
  with that reason.
* ``background=true``: runbook's own ``background`` (started detached, the run goes on).
* ``interactive=false``: Runme captures the output instead of opening a terminal; runbook
  always does, so it changes nothing (``interactive=true``, Runme's default, is runbook's
  ``interactive``: standard input stays on the terminal).
* ``cwd=DIR``: the cell runs in DIR (relative to the document's folder); the step changes
  into it and back, keeping what it exported.
* ``id``: runbook's own ``id`` already. ``terminalRows``, ``closeTerminalOnSuccess``,
  ``mimeType`` and ``category`` shape Runme's editor only: read, no effect, no warning.
* Not read: ``promptEnv`` (Runme asks for the values of the cell's ``export`` lines;
  runbook runs them as written): ``runbook check`` names it with that reason.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import replace

from runbook.errors import Diagnostic
from runbook.model import Document, Step

_TRUE = ("true", "yes", "1", "on")
NO_EFFECT = frozenset({"terminalRows", "closeTerminalOnSuccess", "mimeType", "category"})
MAPPED = frozenset({"name", "excludeFromRunAll", "cwd"}) | NO_EFFECT
UNREAD = {"promptEnv": "Runme asks for the values of the cell's `export` lines; runbook runs them as written"}
_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def _in_folder(step: Step, folder: str) -> Step:
    code = step.source
    wrapped = (f"cd -- {shlex.quote(folder)} || exit 1\n{{ {code}\n}}; RUNBOOK_RUNME_S=$?; cd - >/dev/null; "
               "(exit $RUNBOOK_RUNME_S)")
    return replace(step, commands=(replace(step.commands[0], text=wrapped),))


def _mapped(step: Step, here: str, taken: set[str]) -> Step:
    a = step.attrs
    name = a.get("name", "")
    if name and "id" not in a and _ID.match(name) and name not in taken:
        step = replace(step, id=name)
    if a.get("excludeFromRunAll", "").lower() in _TRUE and not step.skip_reason:
        step = replace(step, skip_reason="skipped: Runme excludeFromRunAll=true (`runme run --all` leaves it out)")
    if a.get("cwd") and len(step.commands) == 1:
        step = _in_folder(step, os.path.join(here, a["cwd"]))
    return step


def _diagnostic(d: Diagnostic) -> Diagnostic | None:
    m = re.match(r"unknown attribute '([^']+)'", d.message)
    if m is None:
        return d
    if m.group(1) in MAPPED:
        return None
    why = UNREAD.get(m.group(1))
    return replace(d, code="RB100", message=f"Runme attribute '{m.group(1)}' is not read: {why}") if why else d


def read_runme(doc: Document) -> Document:
    """``doc`` with its Runme attributes read (see the module doc)."""
    here = os.path.dirname(os.path.abspath(doc.path))
    names = [s.attrs.get("name", "") for s in doc.steps]
    taken = {s.id for s in doc.steps} | {n for n in names if names.count(n) > 1}
    phases = tuple(replace(p, steps=tuple(_mapped(s, here, taken) for s in p.steps)) for p in doc.phases)
    kept = tuple(x for x in (_diagnostic(d) for d in doc.diagnostics) if x is not None)
    return replace(doc, phases=phases, diagnostics=kept)
