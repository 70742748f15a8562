"""Where a run's results go: the annotated document and the report files.

``execute`` and the API name their destinations once, as :class:`Outputs`; every path is
checked before the first step runs (:meth:`Outputs.check`), and :func:`write_outputs` writes
them all after the run. Nothing here prints: the caller says what happened.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Final

from runbook.errors import EXIT_FAIL, EXIT_INTERRUPTED, EXIT_OK, RunbookError
from runbook.model import Document, RunResult
from runbook.source import (
    PRINTABLE,
    Source,
    atomic_write,
    check_outputs,
    encode,
    write_beside_if_changed,
)


def run_status(run: RunResult) -> int:
    """130 interrupted, 1 when any step failed, errored, is manual or blocked, else 0."""
    from runbook.model import FAILING

    if run.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAIL if any(r.status in FAILING for r in run.steps) else EXIT_OK


def load_document(path: str, data: bytes | None = None, *, dialect: tuple[str, str] | None = None,
                  default_dialect: tuple[str, str] | None = None) -> tuple[Source, str, Document]:
    """Read a document (or take its bytes, e.g. standard input's), drop earlier annotations,
    parse it (errors raise); ``dialect`` / ``default_dialect``: a declared dialect
    (``--dialect``; the project's, which the front matter overrides)."""
    from runbook.parse.markdown import parse_document

    src = Source.read(path) if data is None else Source.from_bytes(data, path)
    original = src.text
    if "<!-- runbook:" in original:  # else no region (write.annotate's markers both start so): not imported
        from runbook.write.annotate import strip

        original = strip(original, path)
    return src, original, parse_document(original, path, dialect=dialect, default_dialect=default_dialect)


def annotated_path(path: str) -> str:
    """``doc.md`` -> ``doc.annotated.md``; an annotated document is refreshed where it is."""
    p = Path(path)
    if p.name.endswith(".t"):  # a cram / prysk test: its copy must not look like a test (docs/dialects.md)
        return str(p.with_name(p.name + ".annotated.md"))
    return str(p) if p.name.endswith(".annotated.md") else str(p.with_name(p.stem + ".annotated.md"))


class Outputs:
    """The destinations of one run (``None``: not written). A slotted class, not a dataclass:
    nothing compares or replaces one, and a dataclass costs ~0.7 ms of every start-up."""

    __slots__ = ("doc", "out", "in_place", "no_annotate", "json", "junit", "html", "summary")

    def __init__(self, doc: str, out: str | None = None, in_place: bool = False, no_annotate: bool = False,
                 json: str | None = None, junit: str | None = None, html: str | None = None,
                 summary: str | None = None) -> None:
        self.doc: Final = doc
        """The document itself (never overwritten by a report)."""
        self.out: Final = out
        """``-o``: the annotated document's path, ``-`` for standard output."""
        self.in_place: Final = in_place
        self.no_annotate: Final = no_annotate
        self.json: Final = json
        self.junit: Final = junit
        self.html: Final = html
        self.summary: Final = summary
        """Appended to, like ``$GITHUB_STEP_SUMMARY`` (which is added when set)."""

    @property
    def annotated(self) -> str | None:
        """Where the annotated document goes (``None``: nowhere, or standard output)."""
        if self.no_annotate or self.out == "-":
            return None
        return self.doc if self.in_place else self.out or annotated_path(self.doc)

    def summaries(self) -> list[str]:
        return [p for p in (self.summary, os.environ.get("GITHUB_STEP_SUMMARY")) if p]

    def check(self) -> None:
        """Every destination must be writable before anything runs (RunbookError if not)."""
        if self.in_place and self.out:
            raise RunbookError("--in-place and -o are exclusive", hint="pick one destination")
        check_outputs([("-o", self.annotated)])
        check_outputs([("--json", self.json), ("--junit", self.junit), ("--html", self.html)],
                      [("--summary", self.summary), ("$GITHUB_STEP_SUMMARY", os.environ.get("GITHUB_STEP_SUMMARY"))],
                      protect=[self.doc])


def write_document(src: Source, target: str, data: bytes, what: str) -> str | None:
    """Write ``data`` to ``target`` (``-``: standard output); when the document changed
    meanwhile it is kept and the data goes beside it: that path is returned (``None``:
    written where asked)."""
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    return write_beside_if_changed(src, target, data, f"runbook-{what}")


def append_summary(path: str, markdown: str) -> None:
    try:
        with open(path, "a", encoding="utf-8", errors=PRINTABLE) as fh:
            fh.write(markdown)
    except OSError as exc:
        raise RunbookError(f"cannot append the summary: {exc.strerror}", where=path) from None


FORK_FROM: Final = 2000
"""Steps from which the HTML report is written by a forked child beside the other outputs
(write/forked.py): ~40 µs a step, against a fork's few milliseconds."""


def write_outputs(run: RunResult, src: Source, original: str, document: Document, outputs: Outputs,
                  masker: Callable[[str], str], then: Callable[[], None] | None = None,
                  fork_from: int = FORK_FROM) -> str | None:
    """Write every output of ``run``, then call ``then`` (the state file of ``--resume``);
    returns where the results went instead of the document when it changed during the run
    (``None`` otherwise). From ``fork_from`` steps the HTML report is written meanwhile by a
    forked child (write/forked.py), waited for before this returns."""
    from runbook.parse.pause import collector_paused

    with collector_paused():  # the renderers build many objects and no cycles (parse/pause.py)
        html = _html_writer(run, original, document, outputs, masker)
        child = None
        if html is not None and len(run.steps) >= fork_from:
            from runbook.write import forked
            child = forked.start(html, "HTML report")
        try:
            kept = _write_outputs(run, src, original, document, outputs, html if child is None else None)
            if then is not None:
                then()
        except BaseException:
            if child is not None:
                child.stop()
            raise
        if child is not None:
            child.finish()
        return kept


def _html_writer(run: RunResult, original: str, document: Document, outputs: Outputs,
                 masker: Callable[[str], str]) -> Callable[[], None] | None:
    """What writes the HTML report (``None``: none asked for), here or in a forked child."""
    if not outputs.html:
        return None
    from runbook.report.html import html_bytes
    from runbook.write.stream import atomic_write_stream

    path, masked = outputs.html, masker(original)

    def write() -> None:
        page = html_bytes(run, masked, document)
        atomic_write_stream(path, lambda fh: fh.writelines(page))

    return write


def _write_outputs(run: RunResult, src: Source, original: str, document: Document, outputs: Outputs,
                   html: Callable[[], None] | None) -> str | None:
    """Every output, in order; the HTML report by ``html`` (``None``: a forked child writes it)."""
    kept = None  # each writer imported only when its output is asked for
    if outputs.annotated or not outputs.no_annotate:
        from runbook.write.annotate import annotated_pieces
    if outputs.json:
        from runbook.write.stream import atomic_write_stream
    if outputs.annotated:
        from runbook.write.stream import write_document_pieces
        kept = write_document_pieces(src, outputs.annotated, annotated_pieces(original, document, run),
                                     "runbook-results")
    elif not outputs.no_annotate:
        kept = write_document(src, "-", src.encode_pieces(annotated_pieces(original, document, run)), "results")
    if outputs.json:  # the reports are written as they are made (write/stream.py)
        from runbook.report.json import write_json
        atomic_write_stream(outputs.json, lambda fh: write_json(run, fh))
    if outputs.junit:
        from runbook.report.junit import to_junit
        atomic_write(outputs.junit, encode(to_junit(run)))
    if html is not None:
        html()
    if outputs.summaries():
        from runbook.report.summary import to_markdown_summary
        md = to_markdown_summary(run)
        for p in outputs.summaries():
            append_summary(p, md)
    return kept


def rerender(results: str, *, html: str | None, junit: str | None, summary: str | None,
             load: Callable[[str], tuple[Source, str, Document]]) -> None:
    """``runbook report``: the reports of an earlier run, from its JSON results. The HTML
    report shows the document when ``load`` can still read it."""
    import json

    from runbook.report.json import from_dict

    check_outputs([("--html", html), ("--junit", junit)], [("--summary", summary)], protect=[results])
    try:
        data = json.loads(Path(results).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunbookError(f"cannot read results: {exc}", where=results,
                           hint="pass the file written by `runbook execute --json`") from None
    if isinstance(data, dict) and "documents" in data:
        _rerender_many(data, html=html, junit=junit, summary=summary, load=load)
        return
    run = from_dict(data, results)
    if html:
        from runbook.report.html import to_html_bytes
        doc_text: str | None = None
        document: Document | None = None
        try:
            _, doc_text, document = load(run.document)
        except RunbookError:
            pass
        atomic_write(html, to_html_bytes(run, doc_text, document))
    if junit:
        from runbook.report.junit import to_junit
        atomic_write(junit, encode(to_junit(run)))
    if summary:
        from runbook.report.summary import to_markdown_summary
        append_summary(summary, to_markdown_summary(run))


def _rerender_many(data: dict[str, object], *, html: str | None, junit: str | None, summary: str | None,
                   load: Callable[[str], tuple[Source, str, Document]]) -> None:
    """``runbook report`` of a many-document results file (its ``documents`` list)."""
    from runbook.report import combined
    from runbook.report.json import from_dict

    docs, not_run = data.get("documents"), data.get("not_run", [])
    if not isinstance(docs, list) or not isinstance(not_run, list):
        raise RunbookError("results JSON: `documents` and `not_run` must be lists",
                           hint="pass the file written by `runbook execute --json`")
    entries = [combined.DocumentRun(run.document, run) for run in (from_dict(d, f"documents[{i}]")
                                                                   for i, d in enumerate(docs))]
    entries += [combined.DocumentRun(str(n.get("document", "")), not_run=str(n.get("reason", "")))
                for n in not_run if isinstance(n, dict)]
    if html:
        from runbook.report.html import to_html_bytes
        for n, e in enumerate(entries, 1):
            if e.run is not None:
                page = combined.html_report_path(html, n, e.document)
                try:
                    _, doc_text, document = load(e.document)
                    atomic_write(page, to_html_bytes(e.run, doc_text, document))
                except RunbookError:
                    atomic_write(page, to_html_bytes(e.run))
                entries[n - 1] = combined.DocumentRun(e.document, e.run, html=page)
        atomic_write(html, encode(combined.to_html_index(entries, html)))
    if junit:
        from runbook.report.junit import to_junit_many
        atomic_write(junit, encode(to_junit_many([e.run for e in entries if e.run is not None])))
    if summary:
        append_summary(summary, combined.to_markdown_many(entries))


def strip_document(doc: str, out: str | None, in_place: bool) -> None:
    """``runbook strip``: the document without runbook's annotations, to ``out`` (``-`` or
    ``None``: standard output) or in place."""
    from runbook.write.annotate import strip

    if in_place and out:
        raise RunbookError("--in-place and -o are exclusive", hint="pick one destination")
    check_outputs([("-o", out)])
    src = Source.read(doc)
    data = src.encode(strip(src.text, doc))
    if in_place:
        atomic_write(doc, data, expect=src.encode())
    elif out and out != "-":
        atomic_write(out, data, mode_from=doc)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def strip_stdin(out: str | None, in_place: bool) -> None:
    """``runbook strip -``: standard input without runbook's annotations, to ``out`` or stdout."""
    from runbook.write.annotate import strip

    if in_place:
        raise RunbookError("--in-place needs a file, not standard input", hint="write with -o PATH or to stdout")
    check_outputs([("-o", out)])
    src = Source.from_bytes(sys.stdin.buffer.read(), "<stdin>")
    data = src.encode(strip(src.text, src.path))
    if out and out != "-":
        atomic_write(out, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
