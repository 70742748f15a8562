"""The nouns of runbook: frozen dataclasses handed from stage to stage (``runbook.record``:
frozen for mypy, cheap to create).

Slotted (no per-instance ``__dict__``: a 50,000-step run holds ~10 of these per step),
except :class:`RunResult`, which caches its index of results by step id.

Data flows one way: parse -> Document; runner -> StepResult / RunResult; the
annotator and the reporters only read these. Line numbers inside the code are
0-based; a ``Span`` is a half-open range of source lines (markdown-it's
``token.map``). Messages turn them into 1-based ``path:line``.
"""

from __future__ import annotations

import enum
from dataclasses import field
from functools import cached_property
from typing import Mapping

from runbook.errors import Diagnostic
from runbook.record import record
from runbook.status import EMOJI as EMOJI, FAILING as FAILING, STATUS_KEYS as STATUS_KEYS  # re-exported
from runbook.status import STATUSES as STATUSES, WORST_FIRST as WORST_FIRST, Status as Status
from runbook.clauses import Check as Check, Clause as Clause, ClauseKind as ClauseKind  # re-exported
from runbook.clauses import Confirmation as Confirmation, Criterion as Criterion


@record
class Span:
    """A half-open range of 0-based source line indexes ``[start, end)``."""

    start: int
    end: int


class MatchMode(str, enum.Enum):
    """How expected output is compared (``match=`` attribute)."""

    LINES = "lines"  # default: literal lines with ``...``, `` (re)``, `` (glob)``
    EXACT = "exact"
    CONTAINS = "contains"
    UNORDERED = "unordered"
    IGNORE = "ignore"


@record
class Expected:
    """Expected output attached to a command."""

    text: str
    """The expected text, without fence lines or transcript prompts."""
    span: Span | None
    """Where the expected text itself lies in the source (``None`` when derived)."""
    mode: MatchMode = MatchMode.LINES
    illustrative: bool = False
    """Label says "similar to", "for example", ...: a mismatch is drift, never a failure."""
    volatile: bool = False
    """It holds values that vary run to run (ages, hashes, addresses, versions): compared with
    them masked, so only its stable parts decide; unlike ``illustrative`` a difference there fails."""
    origin: str = "block"
    """One of ``block``, ``label``, ``adjacent``, ``transcript``, ``comment``."""


@record
class Command:
    """One unit of shell code and the output expected from it.

    A plain block is one Command; a transcript (``$ `` prompts) has one per prompt.
    """

    text: str
    """Shell source to run (prompts and continuation markers removed)."""
    line: int
    """0-based source line of the command's first line."""
    expected: Expected | None = None
    shown: str | None = None
    """What the author wrote, when ``text`` is it wrapped by a dialect's reader (Innovation
    Engine's fresh bash); listed and shown instead of ``text``. ``None``: ``text`` itself."""

    @property
    def source(self) -> str:
        """The command as the author wrote it."""
        return self.text if self.shown is None else self.shown


@record
class TroubleRow:
    """One row of a Symptom / Cause / Fix troubleshooting table (spec §7)."""

    symptom: str
    cause: str
    fix: str
    line: int


@record
class StepOptions:
    """A step's attributes as typed values, parsed and validated once by the parser.

    ``None`` means "not given": the runner uses its default (the run's timeout,
    a 1 s retry delay or a 0.5 s readiness poll for background steps).
    """

    timeout_s: float | None = None
    """``timeout=``: seconds the step may run (positive)."""
    retry: int = 0
    """``retry=``: extra attempts after a failing one."""
    delay_s: float | None = None
    """``delay=``: seconds between attempts (may be 0)."""
    exit: int = 0
    """``exit=``: the exit status the step is expected to end with (0-255)."""
    errexit: bool = True
    """``errexit=false`` keeps running the block's commands after one fails."""
    match: MatchMode | None = None
    """``match=``: how the expected output is compared."""
    background: bool = False
    interactive: bool = False
    root: bool = False
    """``root``: ``# `` is a prompt too in a transcript."""
    ready: str | None = None
    """``ready=``: the readiness command of a background step."""
    skip_unless: str | None = None
    """``skip_unless=``: the step is skipped unless this command exits 0."""
    fail_fast: bool = False
    """A failure of this step stops the run (scrut's per-case ``fail_fast``)."""
    error_stops: bool = False
    """An error (a timeout) of this step stops the run (scrut stops a document at one)."""
    exit_stops: bool = False
    """A non-zero exit (or an error) of this step stops the run (mdsh stops at a failing command)."""
    skip_document_exit: int | None = None
    """This exit status skips the whole document, earlier verdicts too (scrut's exit 80)."""
    run_budget_s: float | None = None
    """The steps so far, this one included, may take this long together, else this one errs
    and the run stops (scrut's ``total_timeout``)."""
    fresh_shell: bool = False
    """Set by a dialect reader only (a tesh session's first step): the step runs in a new shell."""
    typed: bool = False
    """Set by a dialect reader only (byexample, which types its examples at an interactive
    shell's prompt): bash runs the step as typed at its prompt (``eval`` from the prompt, not
    a sourced file, never in a batch), so an error a POSIX-mode shell exits on only when not
    interactive (a failed redirection of a special builtin) does not end the shell."""


@record
class Step:
    """An executable block and everything that belongs to it."""

    id: str
    phase: str
    title: str
    """Text of the nearest heading above the block (document title if none)."""
    anchor: str
    """GitHub-style anchor slug of that heading, for links (``""`` when none)."""
    lang: str
    span: Span
    """The fenced block, fences included."""
    end: int
    """0-based line after the step's last element (criterion, expected block or the
    block itself): result annotations are inserted here."""
    prefix: str
    """Container prefix of the block's lines (list indentation, ``> ``), reused for
    inserted annotations so they render inside the same container."""
    commands: tuple[Command, ...]
    transcript: bool
    criteria: tuple[Criterion, ...] = ()
    attrs: Mapping[str, str] = field(default_factory=dict)
    """Attributes from the info string or a directive comment (strings as written)."""
    skip_reason: str | None = None
    """Set when the step is never run on this platform (``powershell``, ``skip``...)."""
    placeholders: tuple[str, ...] = ()
    """Unresolved input names found in the commands (``<NAME>``, ``YOUR_...``)."""
    dialog: tuple[tuple[str, str], ...] = ()
    """``prompt-regex => reply`` pairs of an ``expect`` block (interactive steps)."""
    options: StepOptions = field(default_factory=StepOptions)
    """The typed, validated form of ``attrs`` the runner and the judge read."""

    @property
    def line(self) -> int:
        """1-based line of the opening fence (the JSON ``line``)."""
        return self.span.start + 1

    @property
    def source(self) -> str:
        """All commands joined: what the step runs."""
        return "\n".join(c.text for c in self.commands)

    @property
    def role(self) -> str:
        """``setup``, ``teardown``, ``background`` or ``step``."""
        if not self.attrs:
            return "step"
        for role in ("setup", "teardown", "background"):
            if role in self.attrs:
                return role
        return "step"


@record
class Phase:
    """A ``Phase X`` section (or the implicit one) and its steps in order."""

    id: str
    title: str
    line: int
    blocking: bool
    steps: tuple[Step, ...]


@record
class Document:
    """A parsed playbook: everything needed to run, judge and annotate it."""

    path: str
    title: str
    title_line: int | None
    """0-based line of the first heading (summary goes after it), ``None`` if none."""
    title_end: int
    """0-based line after the first heading block (``0`` when there is none)."""
    phases: tuple[Phase, ...]
    troubleshooting: tuple[TroubleRow, ...] = ()
    front_matter: Mapping[str, object] = field(default_factory=dict)
    """The ``runbook:`` mapping from YAML front matter (raw, validated by config)."""
    front_matter_lines: Mapping[str, int] = field(default_factory=dict)
    """0-based line of each key of ``front_matter``, so config errors name ``path:line``."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """What the parser found, in the order it found it (warnings; errors too when the
    document was parsed for ``runbook check``, see :func:`runbook.parse.markdown.parse_text`)."""
    dialect: str = ""  # the other tool whose syntax was read (docs/dialects.md); "" = runbook's own
    dialect_from: str = ""
    """Where the dialect was declared (``--dialect``, ``front matter `dialect```, the project's
    file); ``""``: detected from the document itself (docs/dialects.md)."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warning diagnostics as ``path:line: message`` (what the CLI prints)."""
        return tuple(d.warning_text(self.path) for d in self.diagnostics if not d.error)

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(s for p in self.phases for s in p.steps)


@record
class Output:
    """What a step printed, memory-bounded.

    The session's ``Execution.output`` is the text as the terminal got it (ANSI codes
    and carriage returns included). The runner cleans it once, before judging: in every
    ``StepResult`` (and so in every report) ANSI codes are removed, ``\r\n`` and
    overwritten ``\r`` lines folded and secrets masked.

    ``text`` holds the whole output when it fits the cap; otherwise the head and the
    tail joined by a marker line, with ``dropped_bytes`` saying how much is missing.
    ``lines``, ``total_bytes`` and ``counts`` always describe the whole stream.
    """

    text: str
    total_bytes: int = 0
    lines: int = 0
    dropped_bytes: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)
    """Occurrences over the whole stream of the needles asked for before the run."""

    @property
    def truncated(self) -> bool:
        return self.dropped_bytes > 0


@record
class Execution:
    """What the session reports after running one piece of shell code."""

    output: Output
    exit_code: int | None
    """``None`` when the step timed out or the shell died before reporting one."""
    duration_s: float
    timed_out: bool = False
    shell_died: bool = False
    """The shell exited during the step (``exit``, ``exec``, ``set -e``)."""
    note: str = ""
    """Human explanation of anything unusual (timeout handling, restart)."""


@record
class TroubleMatch:
    """A troubleshooting row that matched a failed step's output."""

    row: TroubleRow
    matched: str
    """The symptom text (code span or key words) found in the output."""


@record
class StepResult:
    """Verdict of one step."""

    step_id: str
    status: Status
    phase: str = ""
    title: str = ""
    line: int = 0
    """1-based line of the step's opening fence (JSON ``line``)."""
    drift: bool = False
    exit_code: int | None = None
    duration_s: float = 0.0
    attempts: int = 0
    output: Output = field(default_factory=lambda: Output(""))
    checks: tuple[Check, ...] = ()
    diff: str | None = None
    reason: str = ""
    """Why the status is what it is, in one line (``timed out after 5 s``...)."""
    troubleshooting: tuple[TroubleMatch, ...] = ()
    notes: tuple[str, ...] = ()
    """Extra remarks (``shell restarted``, ``retried 3 times``)."""
    command_outputs: tuple[str, ...] = ()
    """Each command's own output text (masked), in order, for the commands that ran;
    ``runbook update`` writes them back into transcripts."""


@record
class PhaseResult:
    id: str
    title: str
    blocking: bool
    status: Status


@record(slots=False)
class RunResult:
    """A whole run: what the JSON, JUnit, HTML and annotations are made from."""

    document: str
    runbook_version: str
    started_at: str
    """UTC ISO-8601 with ``Z``."""
    duration_s: float
    host: str
    phases: tuple[PhaseResult, ...]
    steps: tuple[StepResult, ...]
    interrupted: bool = False
    stopped_processes: tuple[str, ...] = ()
    """Processes still running at the end that the run had to stop (besides its shells and
    background services), as ``pid N (command)``."""

    def counts(self) -> dict[str, int]:
        """The JSON ``summary`` mapping."""
        out = {"total": len(self.steps)}
        for st in Status:
            out[st.value] = sum(1 for r in self.steps if r.status is st)
        out["drift"] = sum(1 for r in self.steps if r.drift)
        return out

    def result_for(self, step_id: str) -> StepResult | None:
        """The result of ``step_id`` (the first one, as a scan would find it), or None."""
        return self._by_id.get(step_id)

    def results_in(self, phase_id: str) -> list[StepResult]:
        """The results of one phase's steps, in run order (a new list)."""
        return list(self._by_phase.get(phase_id, ()))

    @cached_property
    def _by_phase(self) -> dict[str, list[StepResult]]:
        # Built once: every reporter groups by phase, and a scan per phase is phases x steps.
        groups: dict[str, list[StepResult]] = {}
        for r in self.steps:
            groups.setdefault(r.phase, []).append(r)
        return groups

    @cached_property
    def _by_id(self) -> dict[str, StepResult]:
        # Built once on first use: annotate, update and html ask once per step.
        index: dict[str, StepResult] = {}
        for r in self.steps:
            index.setdefault(r.step_id, r)
        return index
