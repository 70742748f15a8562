"""The ``__init__`` and ``__eq__`` of every ``@record`` class, written out (``runbook/record.py``).

Made by ``scripts/record_code.py`` from the classes themselves: do not edit. Each entry of
``MADE`` is a record's fields (name and kind: ``""`` none, ``"d"`` a default, ``"f"`` a
default factory) and a function of its default factories that returns the two methods, as
dataclasses generates them for a class that is not frozen (the defaults written here are
replaced with the class's own). A record whose fields are not these is made by dataclasses.
A base module: it imports nothing of runbook.
"""

# fmt: off
# flake8: noqa
from typing import Any, Callable


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


FACTORY = _F = _Factory()
"""The default of a field with a default factory (as dataclasses shows it: ``<factory>``)."""


def _m0():  # runbook.clauses.Check
    def __init__(self, clause, ok, detail=_F, manual=_F, confirmed=_F):
        self.clause = clause; self.ok = ok; self.detail = detail; self.manual = manual
        self.confirmed = confirmed
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.clause, self.ok,
                self.detail, self.manual, self.confirmed) == (other.clause, other.ok, other.detail,
                other.manual, other.confirmed)
    return __init__, __eq__

def _m1():  # runbook.clauses.Clause
    def __init__(self, text, kind, value=_F, number=_F, op=_F, within_s=_F, subject=_F, mode=_F, unit=_F,
                 upper=_F, for_s=_F):
        self.text = text; self.kind = kind; self.value = value; self.number = number; self.op = op
        self.within_s = within_s; self.subject = subject; self.mode = mode; self.unit = unit
        self.upper = upper; self.for_s = for_s
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.text, self.kind,
                self.value, self.number, self.op, self.within_s, self.subject, self.mode, self.unit,
                self.upper, self.for_s) == (other.text, other.kind, other.value, other.number, other.op,
                other.within_s, other.subject, other.mode, other.unit, other.upper, other.for_s)
    return __init__, __eq__

def _m2():  # runbook.clauses.Confirmation
    def __init__(self, answer, by, at, note=_F):
        self.answer = answer; self.by = by; self.at = at; self.note = note
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.answer, self.by, self.at,
                self.note) == (other.answer, other.by, other.at, other.note)
    return __init__, __eq__

def _m3():  # runbook.clauses.Criterion
    def __init__(self, text, line, negated, clauses, derived=_F):
        self.text = text; self.line = line; self.negated = negated; self.clauses = clauses
        self.derived = derived
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.text, self.line,
                self.negated, self.clauses, self.derived) == (other.text, other.line, other.negated,
                other.clauses, other.derived)
    return __init__, __eq__

def _m4():  # runbook.config.Selection
    def __init__(self, phases=_F, steps=_F, from_step=_F, until_step=_F, no_deps=_F):
        self.phases = phases; self.steps = steps; self.from_step = from_step; self.until_step = until_step
        self.no_deps = no_deps
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.phases, self.steps,
                self.from_step, self.until_step, self.no_deps) == (other.phases, other.steps,
                other.from_step, other.until_step, other.no_deps)
    return __init__, __eq__

def _m5(_f_env, _f_values, _f_selection):  # runbook.config.Settings
    def __init__(self, shell=_F, timeout=_F, cwd=_F, env=_F, secrets=_F, requires=_F, blocking=_F,
                 skip_unless=_F, strict=_F, fail_fast=_F, values=_F, selection=_F, shell_from=_F,
                 shell_where=_F, output_cap=_F):
        self.shell = shell; self.timeout = timeout; self.cwd = cwd
        self.env = _f_env() if env is _F else env; self.secrets = secrets; self.requires = requires
        self.blocking = blocking; self.skip_unless = skip_unless; self.strict = strict
        self.fail_fast = fail_fast; self.values = _f_values() if values is _F else values
        self.selection = _f_selection() if selection is _F else selection; self.shell_from = shell_from
        self.shell_where = shell_where; self.output_cap = output_cap
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.shell, self.timeout,
                self.cwd, self.env, self.secrets, self.requires, self.blocking, self.skip_unless,
                self.strict, self.fail_fast, self.values, self.selection, self.shell_from, self.shell_where,
                self.output_cap) == (other.shell, other.timeout, other.cwd, other.env, other.secrets,
                other.requires, other.blocking, other.skip_unless, other.strict, other.fail_fast,
                other.values, other.selection, other.shell_from, other.shell_where, other.output_cap)
    return __init__, __eq__

def _m6():  # runbook.errors.Diagnostic
    def __init__(self, code, message, line, col, hint=_F, error=_F):
        self.code = code; self.message = message; self.line = line; self.col = col; self.hint = hint
        self.error = error
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.code, self.message,
                self.line, self.col, self.hint, self.error) == (other.code, other.message, other.line,
                other.col, other.hint, other.error)
    return __init__, __eq__

def _m7():  # runbook.judge.matching.MatchResult
    def __init__(self, ok, diff, notes=_F):
        self.ok = ok; self.diff = diff; self.notes = notes
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.ok, self.diff,
                self.notes) == (other.ok, other.diff, other.notes)
    return __init__, __eq__

def _m8():  # runbook.model.Command
    def __init__(self, text, line, expected=_F, shown=_F):
        self.text = text; self.line = line; self.expected = expected; self.shown = shown
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.text, self.line,
                self.expected, self.shown) == (other.text, other.line, other.expected, other.shown)
    return __init__, __eq__

def _m9(_f_front_matter, _f_front_matter_lines):  # runbook.model.Document
    def __init__(self, path, title, title_line, title_end, phases, troubleshooting=_F, front_matter=_F,
                 front_matter_lines=_F, diagnostics=_F, dialect=_F, dialect_from=_F):
        self.path = path; self.title = title; self.title_line = title_line; self.title_end = title_end
        self.phases = phases; self.troubleshooting = troubleshooting
        self.front_matter = _f_front_matter() if front_matter is _F else front_matter
        self.front_matter_lines = _f_front_matter_lines() if front_matter_lines is _F else front_matter_lines
        self.diagnostics = diagnostics; self.dialect = dialect; self.dialect_from = dialect_from
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.path, self.title,
                self.title_line, self.title_end, self.phases, self.troubleshooting, self.front_matter,
                self.front_matter_lines, self.diagnostics, self.dialect, self.dialect_from) == (other.path,
                other.title, other.title_line, other.title_end, other.phases, other.troubleshooting,
                other.front_matter, other.front_matter_lines, other.diagnostics, other.dialect,
                other.dialect_from)
    return __init__, __eq__

def _m10():  # runbook.model.Execution
    def __init__(self, output, exit_code, duration_s, timed_out=_F, shell_died=_F, note=_F):
        self.output = output; self.exit_code = exit_code; self.duration_s = duration_s
        self.timed_out = timed_out; self.shell_died = shell_died; self.note = note
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.output, self.exit_code,
                self.duration_s, self.timed_out, self.shell_died, self.note) == (other.output,
                other.exit_code, other.duration_s, other.timed_out, other.shell_died, other.note)
    return __init__, __eq__

def _m11():  # runbook.model.Expected
    def __init__(self, text, span, mode=_F, illustrative=_F, volatile=_F, origin=_F):
        self.text = text; self.span = span; self.mode = mode; self.illustrative = illustrative
        self.volatile = volatile; self.origin = origin
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.text, self.span, self.mode,
                self.illustrative, self.volatile, self.origin) == (other.text, other.span, other.mode,
                other.illustrative, other.volatile, other.origin)
    return __init__, __eq__

def _m12(_f_counts):  # runbook.model.Output
    def __init__(self, text, total_bytes=_F, lines=_F, dropped_bytes=_F, counts=_F):
        self.text = text; self.total_bytes = total_bytes; self.lines = lines
        self.dropped_bytes = dropped_bytes; self.counts = _f_counts() if counts is _F else counts
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.text, self.total_bytes,
                self.lines, self.dropped_bytes, self.counts) == (other.text, other.total_bytes, other.lines,
                other.dropped_bytes, other.counts)
    return __init__, __eq__

def _m13():  # runbook.model.Phase
    def __init__(self, id, title, line, blocking, steps):
        self.id = id; self.title = title; self.line = line; self.blocking = blocking; self.steps = steps
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.id, self.title, self.line,
                self.blocking, self.steps) == (other.id, other.title, other.line, other.blocking, other.steps)
    return __init__, __eq__

def _m14():  # runbook.model.PhaseResult
    def __init__(self, id, title, blocking, status):
        self.id = id; self.title = title; self.blocking = blocking; self.status = status
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.id, self.title,
                self.blocking, self.status) == (other.id, other.title, other.blocking, other.status)
    return __init__, __eq__

def _m15():  # runbook.model.RunResult
    def __init__(self, document, runbook_version, started_at, duration_s, host, phases, steps,
                 interrupted=_F, stopped_processes=_F):
        self.document = document; self.runbook_version = runbook_version; self.started_at = started_at
        self.duration_s = duration_s; self.host = host; self.phases = phases; self.steps = steps
        self.interrupted = interrupted; self.stopped_processes = stopped_processes
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.document,
                self.runbook_version, self.started_at, self.duration_s, self.host, self.phases, self.steps,
                self.interrupted, self.stopped_processes) == (other.document, other.runbook_version,
                other.started_at, other.duration_s, other.host, other.phases, other.steps, other.interrupted,
                other.stopped_processes)
    return __init__, __eq__

def _m16():  # runbook.model.Span
    def __init__(self, start, end):
        self.start = start; self.end = end
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.start,
                self.end) == (other.start, other.end)
    return __init__, __eq__

def _m17(_f_attrs, _f_options):  # runbook.model.Step
    def __init__(self, id, phase, title, anchor, lang, span, end, prefix, commands, transcript, criteria=_F,
                 attrs=_F, skip_reason=_F, placeholders=_F, dialog=_F, options=_F):
        self.id = id; self.phase = phase; self.title = title; self.anchor = anchor; self.lang = lang
        self.span = span; self.end = end; self.prefix = prefix; self.commands = commands
        self.transcript = transcript; self.criteria = criteria
        self.attrs = _f_attrs() if attrs is _F else attrs; self.skip_reason = skip_reason
        self.placeholders = placeholders; self.dialog = dialog
        self.options = _f_options() if options is _F else options
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.id, self.phase, self.title,
                self.anchor, self.lang, self.span, self.end, self.prefix, self.commands, self.transcript,
                self.criteria, self.attrs, self.skip_reason, self.placeholders, self.dialog,
                self.options) == (other.id, other.phase, other.title, other.anchor, other.lang, other.span,
                other.end, other.prefix, other.commands, other.transcript, other.criteria, other.attrs,
                other.skip_reason, other.placeholders, other.dialog, other.options)
    return __init__, __eq__

def _m18():  # runbook.model.StepOptions
    def __init__(self, timeout_s=_F, retry=_F, delay_s=_F, exit=_F, errexit=_F, match=_F, background=_F,
                 interactive=_F, root=_F, ready=_F, skip_unless=_F, fail_fast=_F, error_stops=_F,
                 exit_stops=_F, skip_document_exit=_F, run_budget_s=_F, fresh_shell=_F, typed=_F):
        self.timeout_s = timeout_s; self.retry = retry; self.delay_s = delay_s; self.exit = exit
        self.errexit = errexit; self.match = match; self.background = background
        self.interactive = interactive; self.root = root; self.ready = ready; self.skip_unless = skip_unless
        self.fail_fast = fail_fast; self.error_stops = error_stops; self.exit_stops = exit_stops
        self.skip_document_exit = skip_document_exit; self.run_budget_s = run_budget_s
        self.fresh_shell = fresh_shell; self.typed = typed
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.timeout_s, self.retry,
                self.delay_s, self.exit, self.errexit, self.match, self.background, self.interactive,
                self.root, self.ready, self.skip_unless, self.fail_fast, self.error_stops, self.exit_stops,
                self.skip_document_exit, self.run_budget_s, self.fresh_shell,
                self.typed) == (other.timeout_s, other.retry, other.delay_s, other.exit, other.errexit,
                other.match, other.background, other.interactive, other.root, other.ready, other.skip_unless,
                other.fail_fast, other.error_stops, other.exit_stops, other.skip_document_exit,
                other.run_budget_s, other.fresh_shell, other.typed)
    return __init__, __eq__

def _m19(_f_output):  # runbook.model.StepResult
    def __init__(self, step_id, status, phase=_F, title=_F, line=_F, drift=_F, exit_code=_F, duration_s=_F,
                 attempts=_F, output=_F, checks=_F, diff=_F, reason=_F, troubleshooting=_F, notes=_F,
                 command_outputs=_F):
        self.step_id = step_id; self.status = status; self.phase = phase; self.title = title
        self.line = line; self.drift = drift; self.exit_code = exit_code; self.duration_s = duration_s
        self.attempts = attempts; self.output = _f_output() if output is _F else output
        self.checks = checks; self.diff = diff; self.reason = reason; self.troubleshooting = troubleshooting
        self.notes = notes; self.command_outputs = command_outputs
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.step_id, self.status,
                self.phase, self.title, self.line, self.drift, self.exit_code, self.duration_s,
                self.attempts, self.output, self.checks, self.diff, self.reason, self.troubleshooting,
                self.notes, self.command_outputs) == (other.step_id, other.status, other.phase, other.title,
                other.line, other.drift, other.exit_code, other.duration_s, other.attempts, other.output,
                other.checks, other.diff, other.reason, other.troubleshooting, other.notes,
                other.command_outputs)
    return __init__, __eq__

def _m20():  # runbook.model.TroubleMatch
    def __init__(self, row, matched):
        self.row = row; self.matched = matched
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.row,
                self.matched) == (other.row, other.matched)
    return __init__, __eq__

def _m21():  # runbook.model.TroubleRow
    def __init__(self, symptom, cause, fix, line):
        self.symptom = symptom; self.cause = cause; self.fix = fix; self.line = line
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.symptom, self.cause,
                self.fix, self.line) == (other.symptom, other.cause, other.fix, other.line)
    return __init__, __eq__

def _m22():  # runbook.parse.blocks.Block
    def __init__(self, kind, start, end, raw=_F, text=_F, info=_F, level=_F, items=_F, owner=_F, closed=_F):
        self.kind = kind; self.start = start; self.end = end; self.raw = raw; self.text = text
        self.info = info; self.level = level; self.items = items; self.owner = owner; self.closed = closed
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.kind, self.start, self.end,
                self.raw, self.text, self.info, self.level, self.items, self.owner,
                self.closed) == (other.kind, other.start, other.end, other.raw, other.text, other.info,
                other.level, other.items, other.owner, other.closed)
    return __init__, __eq__

def _m23():  # runbook.parse.longrun.LongRun
    def __init__(self, why, context=_F):
        self.why = why; self.context = context
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.why,
                self.context) == (other.why, other.context)
    return __init__, __eq__

def _m24():  # runbook.parse.regions.Region
    def __init__(self, start, stop, eofnl, summed=_F):
        self.start = start; self.stop = stop; self.eofnl = eofnl; self.summed = summed
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.start, self.stop,
                self.eofnl, self.summed) == (other.start, other.stop, other.eofnl, other.summed)
    return __init__, __eq__

def _m25(_f_reports):  # runbook.project.Project
    def __init__(self, file=_F, root=_F, paths=_F, include=_F, exclude=_F, timeout=_F, shell=_F, strict=_F,
                 fail_fast=_F, select=_F, ignore=_F, reports=_F, dialect=_F):
        self.file = file; self.root = root; self.paths = paths; self.include = include
        self.exclude = exclude; self.timeout = timeout; self.shell = shell; self.strict = strict
        self.fail_fast = fail_fast; self.select = select; self.ignore = ignore
        self.reports = _f_reports() if reports is _F else reports; self.dialect = dialect
    def __eq__(self, other):
        return NotImplemented if other.__class__ is not self.__class__ else (self.file, self.root,
                self.paths, self.include, self.exclude, self.timeout, self.shell, self.strict,
                self.fail_fast, self.select, self.ignore, self.reports, self.dialect) == (other.file,
                other.root, other.paths, other.include, other.exclude, other.timeout, other.shell,
                other.strict, other.fail_fast, other.select, other.ignore, other.reports, other.dialect)
    return __init__, __eq__


MADE: dict[str, tuple[tuple[str, ...], Callable[..., tuple[Any, Any]]]] = {
    'runbook.clauses.Check': (('clause', 'ok', 'detail=', 'manual=', 'confirmed='), _m0),
    'runbook.clauses.Clause': (('text', 'kind', 'value=', 'number=', 'op=', 'within_s=', 'subject=', 'mode=',
        'unit=', 'upper=', 'for_s='), _m1),
    'runbook.clauses.Confirmation': (('answer', 'by', 'at', 'note='), _m2),
    'runbook.clauses.Criterion': (('text', 'line', 'negated', 'clauses', 'derived='), _m3),
    'runbook.config.Selection': (('phases=', 'steps=', 'from_step=', 'until_step=', 'no_deps='), _m4),
    'runbook.config.Settings': (('shell=', 'timeout=', 'cwd=', 'env=*', 'secrets=', 'requires=', 'blocking=',
        'skip_unless=', 'strict=', 'fail_fast=', 'values=*', 'selection=*', 'shell_from=', 'shell_where=',
        'output_cap='), _m5),
    'runbook.errors.Diagnostic': (('code', 'message', 'line', 'col', 'hint=', 'error='), _m6),
    'runbook.judge.matching.MatchResult': (('ok', 'diff', 'notes='), _m7),
    'runbook.model.Command': (('text', 'line', 'expected=', 'shown='), _m8),
    'runbook.model.Document': (('path', 'title', 'title_line', 'title_end', 'phases', 'troubleshooting=',
        'front_matter=*', 'front_matter_lines=*', 'diagnostics=', 'dialect=', 'dialect_from='), _m9),
    'runbook.model.Execution': (('output', 'exit_code', 'duration_s', 'timed_out=', 'shell_died=',
        'note='), _m10),
    'runbook.model.Expected': (('text', 'span', 'mode=', 'illustrative=', 'volatile=', 'origin='), _m11),
    'runbook.model.Output': (('text', 'total_bytes=', 'lines=', 'dropped_bytes=', 'counts=*'), _m12),
    'runbook.model.Phase': (('id', 'title', 'line', 'blocking', 'steps'), _m13),
    'runbook.model.PhaseResult': (('id', 'title', 'blocking', 'status'), _m14),
    'runbook.model.RunResult': (('document', 'runbook_version', 'started_at', 'duration_s', 'host', 'phases',
        'steps', 'interrupted=', 'stopped_processes='), _m15),
    'runbook.model.Span': (('start', 'end'), _m16),
    'runbook.model.Step': (('id', 'phase', 'title', 'anchor', 'lang', 'span', 'end', 'prefix', 'commands',
        'transcript', 'criteria=', 'attrs=*', 'skip_reason=', 'placeholders=', 'dialog=', 'options=*'), _m17),
    'runbook.model.StepOptions': (('timeout_s=', 'retry=', 'delay_s=', 'exit=', 'errexit=', 'match=',
        'background=', 'interactive=', 'root=', 'ready=', 'skip_unless=', 'fail_fast=', 'error_stops=',
        'exit_stops=', 'skip_document_exit=', 'run_budget_s=', 'fresh_shell=', 'typed='), _m18),
    'runbook.model.StepResult': (('step_id', 'status', 'phase=', 'title=', 'line=', 'drift=', 'exit_code=',
        'duration_s=', 'attempts=', 'output=*', 'checks=', 'diff=', 'reason=', 'troubleshooting=', 'notes=',
        'command_outputs='), _m19),
    'runbook.model.TroubleMatch': (('row', 'matched'), _m20),
    'runbook.model.TroubleRow': (('symptom', 'cause', 'fix', 'line'), _m21),
    'runbook.parse.blocks.Block': (('kind', 'start', 'end', 'raw=', 'text=', 'info=', 'level=', 'items=',
        'owner=', 'closed='), _m22),
    'runbook.parse.longrun.LongRun': (('why', 'context='), _m23),
    'runbook.parse.regions.Region': (('start', 'stop', 'eofnl', 'summed='), _m24),
    'runbook.project.Project': (('file=', 'root=', 'paths=', 'include=', 'exclude=', 'timeout=', 'shell=',
        'strict=', 'fail_fast=', 'select=', 'ignore=', 'reports=*', 'dialect='), _m25),
}
