"""The public API, re-exported by ``import runbook``: parse, execute, check, annotate, strip.

Each function is a thin, typed layer over the stages (parse, run, lint, write) that the
command line uses too; none prints, prompts or exits. Errors are :class:`RunbookError`
subclasses carrying ``path:line`` and a hint, never a traceback from deep inside.

Where a function takes ``source``: a :class:`pathlib.Path` (any ``os.PathLike``) or a
``str`` without a line break is the path of a Markdown file; a ``str`` with a line break
(or an empty one) is the Markdown text itself. A :class:`Document` is used as it is.
"""

from __future__ import annotations

import os
from typing import Mapping, Sequence, Union

from runbook.config import Selection, Settings, settings_for
from runbook.errors import RunbookError
from runbook.lint.check import check_document, parse_codes, select
from runbook.lint.codes import Finding
from runbook.model import Document, RunResult
from runbook.parse.markdown import parse_document
from runbook.run.protocol import Observer, SessionFactory
from runbook.run.runner import Runner
from runbook.run.session import PexpectSession
from runbook.source import Source
from runbook.write.annotate import annotate as _annotate
from runbook.write.annotate import strip as _strip

PathOrText = Union[str, "os.PathLike[str]"]
"""A path (``Path``, or a ``str`` without a line break) or Markdown text (a ``str`` with one)."""

TEXT_PATH = "<string>"
"""The ``Document.path`` of a document given as text."""


def _is_text(source: PathOrText) -> bool:
    return isinstance(source, str) and (source == "" or "\n" in source or "\r" in source)


def _read(source: PathOrText) -> tuple[str, str]:
    """``(text, path)`` of a source: the file's text (BOM removed) or the text given."""
    if _is_text(source):
        return str(source), TEXT_PATH
    path = os.fspath(source)
    try:
        return Source.read(path).text, path
    except RunbookError as err:
        if isinstance(source, str) and err.hint and "no such file" in err.message:
            err.hint += "; a str without a line break is read as a path (Markdown text has one)"
        raise


def parse(source: PathOrText) -> Document:
    """The :class:`Document` of a playbook: phases, steps, criteria (nothing is run).

    Earlier annotations in the text are ignored, as ``runbook execute`` does; line numbers
    refer to the text as given. Raises :class:`ParseError` with ``path:line`` and a hint."""
    text, path = _read(source)
    return parse_document(text, path)


def execute(
    source: PathOrText | Document,
    *,
    timeout: float | None = None,
    shell: str | None = None,
    env: Mapping[str, str] | None = None,
    env_files: Sequence[str] = (),
    values: Mapping[str, str] | None = None,
    strict: bool = False,
    fail_fast: bool = False,
    phases: Sequence[str] = (),
    steps: Sequence[str] = (),
    from_step: str | None = None,
    until_step: str | None = None,
    no_deps: bool = False,
    observers: Sequence[Observer] = (),
    session_factory: SessionFactory = PexpectSession,
) -> RunResult:
    """Run a playbook's steps in one shell, judge each one and return the :class:`RunResult`.

    The options are those of ``runbook execute`` (``env`` and ``values`` as mappings) and
    build the same validated :class:`Settings` over the front matter. ``observers`` follow
    the run (subclass :class:`Observer`). Nothing is written: pass the result to
    :func:`annotate` or to a reporter. Every process the run started is gone on return,
    also when it raises (``KeyboardInterrupt`` included)."""
    doc = source if isinstance(source, Document) else parse(source)
    selection = Selection(tuple(phases), tuple(steps), from_step, until_step, no_deps)
    settings = settings_for(doc.front_matter, doc.path, doc.front_matter_lines, timeout=timeout, shell=shell,
                            env=env, env_files=env_files, values=values, selection=selection, strict=strict,
                            fail_fast=fail_fast)
    return run_settings(doc, settings, observers=observers, session_factory=session_factory)


def run_settings(doc: Document, settings: Settings, *, observers: Sequence[Observer] = (),
                 session_factory: SessionFactory = PexpectSession) -> RunResult:
    """Run ``doc`` under Settings built by the caller (see :func:`runbook.config.settings_for`)."""
    return Runner(doc, settings, observers=observers, session_factory=session_factory).run()


def check(source: PathOrText, *, select_codes: Sequence[str] = (),
          ignore_codes: Sequence[str] = ()) -> list[Finding]:
    """Lint a playbook without running anything: what ``runbook check`` reports, as Findings.

    ``select_codes`` / ``ignore_codes`` take codes or prefixes (``RB4``, ``RB201``) like
    ``--select`` / ``--ignore``. Raises :class:`ParseError` when the document cannot be read."""
    text, path = _read(source)
    findings = check_document(text, path)
    return select(findings, parse_codes(select_codes, "select_codes"),
                  parse_codes(ignore_codes, "ignore_codes"))


def annotate(text: str, run: RunResult, document: Document | None = None) -> str:
    """``text`` with the run's verdicts written in (a summary and a result under each step).

    ``text`` is the Markdown the run came from; results it already holds are replaced.
    ``document`` is ``parse(text)`` if you have it (else it is parsed again, with the run's
    document path in messages). ``strip(annotate(text, run)) == strip(text)``, byte for byte."""
    doc = document if document is not None else parse_document(text, run.document)
    return _annotate(text, doc, run)


def strip(text: str) -> str:
    """``text`` without runbook's annotations: the author's original, byte for byte."""
    return _strip(text)
