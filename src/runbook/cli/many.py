"""Commands over many documents: the project's configuration, the documents of a command
line (files, folders, ``-``), and ``runbook execute`` over several of them: one shell per
document, in a stable order, each annotated beside itself, one combined summary and one
file per report, the worst exit status of all."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn, Sequence

import click

from runbook.cli.common import fail, load, run_stoppable, say_kept, selection_of, settings_for_run, warn
from runbook.errors import EXIT_FAIL, EXIT_INTERRUPTED, EXIT_NO_STEPS, EXIT_OK, RunbookError, SelectionError

if TYPE_CHECKING:
    from runbook.config import Settings
    from runbook.model import Document
    from runbook.outputs import Outputs
    from runbook.project import Project
    from runbook.report.combined import DocumentRun
    from runbook.source import Source

REPORT_OPTIONS = {"json": "json_path", "junit": "junit_path", "html": "html_path", "summary": "summary_path"}


def project_of() -> Project:
    """The configuration found from the current folder (exit 2 naming the file and key if bad)."""
    from runbook import project

    try:
        return project.find()
    except RunbookError as err:
        fail(err)


def documents_of(args: Sequence[str], project: Project, *, stdin: bool = False) -> list[str]:
    from runbook.project import documents

    try:
        return documents(args, project, stdin=stdin)
    except RunbookError as err:
        fail(err)


def with_project(opts: dict[str, Any], project: Project) -> dict[str, Any]:
    """The report paths of ``[tool.runbook] reports`` where the command line gives none."""
    for key, option in REPORT_OPTIONS.items():
        if option in opts and not opts[option] and key in project.reports:
            opts[option] = project.reports[key]
    opts["project"] = project
    return opts


def one_or_many(args: Sequence[str], opts: dict[str, Any]) -> str:
    """``execute``'s documents: the one document to run as before, or (several, or a folder)
    run them all here and exit."""
    from runbook.project import many

    project = project_of()
    with_project(opts, project)
    if not many(args, project):
        return documents_of(args, project)[0]
    execute_many(documents_of(args, project), opts)


class _Loaded:
    __slots__ = ("path", "src", "original", "document", "settings", "not_run")

    def __init__(
        self,
        path: str,
        src: "Source",
        original: str,
        document: "Document",
        settings: "Settings | None",
        not_run: str = "",
    ) -> None:
        self.path: str = path
        self.src: "Source" = src
        self.original: str = original
        self.document: "Document" = document
        self.settings: "Settings | None" = settings
        """``None``: nothing to run (see ``not_run``)."""
        self.not_run: str = not_run


def _load_all(docs: Sequence[str], opts: dict[str, Any]) -> list[_Loaded]:
    """Every document read, its settings and plan checked, before the first step runs."""
    from runbook.run.plan import build_plan

    loaded = []
    for path in docs:
        src, original, document = load(path, opts)
        if document.front_matter.get("targets"):
            line = document.front_matter_lines.get("targets")
            raise RunbookError("front matter `targets` runs this document once per target, which works on one "
                               "document at a time", where=f"{path}:{(line or 0) + 1}",
                               hint=f"run `runbook execute {path}` on its own")
        settings = settings_for_run(document, opts, selection=selection_of(opts))
        try:
            planned = build_plan(document, settings.selection, settings.blocking).steps
        except SelectionError as err:
            loaded.append(_Loaded(path, src, original, document, None, f"no steps: {err.message}"))
            continue
        if not planned:
            what = "selection matches no step" if document.steps else "no steps"
            loaded.append(_Loaded(path, src, original, document, None, what))
            continue
        loaded.append(_Loaded(path, src, original, document, settings))
    return loaded


def _check_options(docs: Sequence[str], opts: dict[str, Any]) -> None:
    from runbook.outputs import Outputs
    from runbook.source import check_outputs

    if opts.get("out"):
        raise RunbookError(f"-o names one annotated document, but {len(docs)} documents were given",
                           hint="leave -o out: each document is annotated beside itself (X.annotated.md); "
                                "or use --in-place or --no-annotate")
    for option, key in (("--resume", "resume"), ("--bundle", "bundle"), ("--target", "targets"), ("--jobs", "jobs"),
                        ("--confirm", "confirm"), ("--verdict", "verdicts"), ("--verdicts", "verdicts_file"),
                        ("--step-by-step", "step_by_step")):
        if opts.get(key):
            raise RunbookError(f"{option} works on one document, but {len(docs)} documents were given",
                               hint=f"run `runbook execute DOC {option} ...` once per document")
    for doc in docs:
        Outputs(doc, in_place=opts["in_place"], no_annotate=opts["no_annotate"]).check()
    check_outputs([(f"--{k}", opts.get(o)) for k, o in REPORT_OPTIONS.items() if k != "summary"],
                  [("--summary", opts.get("summary_path"))], protect=list(docs))


def execute_many(docs: Sequence[str], opts: dict[str, Any]) -> NoReturn:
    """Run each document in its own shell; write each annotated beside itself, then the combined
    reports; exit with the worst status (5 only when no document has a step to run)."""
    try:
        _check_options(docs, opts)
        loaded = _load_all(docs, opts)
    except RunbookError as err:
        fail(err)
    from runbook.parse.dialects import empty_passes  # not at import: `runbook --version` loads no parser

    if all(d.settings is None for d in loaded) and all(empty_passes(d.document) for d in loaded):
        click.echo(f"runbook: no steps: none of the {len(docs)} documents has a step to run; each is declared a "
                   "dialect whose tool passes it: exit 0", err=True)
        sys.exit(EXIT_OK)
    if all(d.settings is None for d in loaded):
        click.echo(f"runbook: no steps: none of the {len(docs)} documents has a step to run; nothing was run or "
                   "written\n  hint: `runbook list DOC` shows what runbook found in a document", err=True)
        sys.exit(EXIT_NO_STEPS)
    entries, interrupted = _run_all(loaded, opts)
    try:
        written = _write_reports(entries, opts)
    except RunbookError as err:
        fail(err)
    from runbook.report.terminal import print_documents

    print_documents(_console(opts), entries)
    for what, path in () if opts.get("quiet") else written:
        click.echo(f"runbook: {what}: {path}", err=True)
    failing = any(e.run is not None and _status(e) == EXIT_FAIL for e in entries)
    sys.exit(EXIT_INTERRUPTED if interrupted else EXIT_FAIL if failing else EXIT_OK)


def _console(opts: dict[str, Any]) -> Any:
    from runbook.report.terminal import make_console

    return make_console(sys.stdout, no_color=opts.get("no_color", False), color=opts.get("color", "auto"))


def _status(e: "DocumentRun") -> int:
    from runbook.outputs import run_status

    return run_status(e.run) if e.run is not None else EXIT_OK


def _run_all(loaded: Sequence[_Loaded], opts: dict[str, Any]) -> tuple[list["DocumentRun"], bool]:
    """Run the documents in order; after an interrupt (or a failure with ``-x``) the rest is
    listed as not run."""
    from runbook.report.combined import DocumentRun

    entries: list[DocumentRun] = []
    stop = ""
    for n, d in enumerate(loaded, 1):
        if d.settings is None or stop:
            entries.append(DocumentRun(d.path, not_run=stop or d.not_run))
            if not stop:
                click.echo(f"runbook: {d.path}: {d.not_run}; not run")
            continue
        entry = _run_one(n, d, opts)
        entries.append(entry)
        if entry.run is not None and entry.run.interrupted:
            stop = "interrupted"
        elif d.settings.fail_fast and _status(entry) == EXIT_FAIL:
            stop = "--fail-fast: an earlier document failed"
    return entries, stop == "interrupted"


def _run_one(n: int, d: _Loaded, opts: dict[str, Any]) -> "DocumentRun":
    from runbook.outputs import Outputs, write_outputs
    from runbook.report.combined import DocumentRun, html_report_path
    from runbook.report.terminal import TerminalReporter
    from runbook.run.runner import Runner
    from runbook.source import atomic_write

    assert d.settings is not None
    warn(d.document)
    reporter = TerminalReporter(_console(opts), quiet=opts.get("quiet", False), verbose=opts.get("verbose", False))
    runner = Runner(d.document, d.settings, observers=[reporter])
    reporter.follow(runner.masker, d.settings.secrets)
    run = run_stoppable(runner)
    outputs = Outputs(d.path, in_place=opts["in_place"], no_annotate=opts["no_annotate"])
    html = None
    try:
        kept = write_outputs(run, d.src, d.original, d.document, outputs, runner.masker)
        if opts.get("html_path"):
            from runbook.report.html import to_html_bytes

            html = html_report_path(opts["html_path"], n, d.path)
            atomic_write(html, to_html_bytes(run, runner.masker(d.original), d.document))
    except RunbookError as err:
        fail(err)
    say_kept(d.path, kept, "results")
    say_written(outputs, kept, quiet=bool(opts.get("quiet")))
    return DocumentRun(d.path, run, html=html)


def say_written(outputs: "Outputs", kept: str | None, reports: bool = False, quiet: bool = False) -> None:
    """Where the annotated document (and, for one document, each report) went; ``-q``: nothing."""
    if quiet:
        return
    if outputs.annotated and not kept:
        click.echo(f"runbook: annotated document: {outputs.annotated}", err=True)
    if reports:
        for what, path in (("results (JSON)", outputs.json), ("JUnit XML", outputs.junit),
                           ("HTML report", outputs.html), *(("summary", p) for p in outputs.summaries())):
            if path:
                click.echo(f"runbook: {what}: {path}", err=True)


def _write_reports(entries: Sequence["DocumentRun"], opts: dict[str, Any]) -> list[tuple[str, str]]:
    """The combined JSON, JUnit, HTML index and Markdown summary; what was written where."""
    import os

    from runbook import __version__
    from runbook.outputs import append_summary
    from runbook.report import combined
    from runbook.report.junit import to_junit_many
    from runbook.source import atomic_write, encode

    written = []
    runs = [e.run for e in entries if e.run is not None]
    if opts.get("json_path"):
        atomic_write(opts["json_path"], encode(combined.to_json_many(entries, __version__)))
        written.append(("results (JSON)", opts["json_path"]))
    if opts.get("junit_path"):
        atomic_write(opts["junit_path"], encode(to_junit_many(runs)))
        written.append(("JUnit XML", opts["junit_path"]))
    if opts.get("html_path"):
        atomic_write(opts["html_path"], encode(combined.to_html_index(entries, opts["html_path"])))
        written.append(("HTML report", opts["html_path"]))
    summaries = [p for p in (opts.get("summary_path"), os.environ.get("GITHUB_STEP_SUMMARY")) if p]
    for path in summaries:
        append_summary(path, combined.to_markdown_many(entries))
        written.append(("summary", path))
    return written
