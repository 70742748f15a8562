"""scrut Markdown documents (```` ```scrut ```` blocks) read with scrut's rules.

From scrut's reference (website/docs/reference: formats/markdown-format, fundamentals/
output-expectations, behavior/exit-codes, stdout-and-stderr, execution-model,
inline-configuration):

* Only a block whose language is ``scrut`` is a test case (any other block is not run);
  each holds one shell expression: ``$ `` then ``> `` lines, after ``#`` comments and
  ``% key: value`` configuration lines. Every later line is an output expectation,
  except one ``[N]`` line: the expected exit code (default 0).
* Test cases share one shell environment and one working directory, in order; each runs
  in its own bash, so ``exit N`` ends that case with N (runbook runs a case that calls
  ``exit`` in a subshell: its variables do not carry over).
* Only standard output is compared, unless ``output_stream: combined`` (or ``stderr``); a
  case ends when every process holding its output has let go (:func:`_command`).
* Expectations match line by line, exactly: ``X`` or ``X (equal)`` / ``(eq)``,
  ``X (no-eol)``, ``X (escaped)`` / ``(esc)`` (``\\t``, ``\\xAB`` escapes), ``X (glob)`` /
  ``(gl)`` (``*``, ``?``; no escaping), ``X (regex)`` / ``(re)`` (the whole line), a
  quantifier on the kind or alone: ``(?)`` optional, ``(*)`` any number, ``(+)`` at
  least one (``(glob+)``, ``(equal*)``), and ``X (escaped) (glob)``.
* Per test case configuration (YAML), in the fence (```` ```scrut {timeout: 10s} ````) or
  in ``%`` lines, and the document's front matter (``defaults``, ``total_timeout``,
  ``prepend``, ``append``): see :mod:`runbook.parse.dialects.scrut_config`; a case with a
  key runbook does not read is skipped, with that reason; ``interpolated`` and ``mode:
  jsonschema`` cases are judged after they ran (:mod:`runbook.parse.dialects.scrut_schema`).
  scrut's own ``.t`` files: :mod:`runbook.parse.dialects.scrut_cram`. A timeout ends the document,
  ``fail_fast`` too, and exit ``skip_document_code`` (80) skips it (``run/stops.py``).

The whole expectation becomes one anchored regular expression over the output (the
quantifiers need more than a line pattern), judged with the exit code.
"""

from __future__ import annotations

import codecs
import os
import re
import shlex
from dataclasses import replace
from typing import Mapping, Sequence

from runbook.model import Clause, ClauseKind, Command, Criterion, Document, Phase, Span, Step, StepOptions
from runbook.parse.blocks import Block
from runbook.parse.dialects.cram import NO_EOL
from runbook.parse.dialects.scrut_config import YamlLoader, case_config, front_matter, included, prelude, seconds, unread_key
from runbook.parse.dialects.scrut_schema import run_judged

_MOD = re.compile(r"^(?P<body>.*?) \((?P<kind>equal|eq|no-eol|escaped|esc|glob|gl|regex|re)?(?P<q>[?*+])?\)$")
_EXIT = re.compile(r"\[(\d+)\]")


_TERMINAL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-~]|[\x1b\x07]")


def _unescape(text: str) -> str:
    """``\\t``, ``\\xAB``, ``\\e`` decoded, then cleaned as runbook cleans the output it judges
    (ANSI codes and bells removed, a carriage return overwriting the line)."""
    try:
        raw = codecs.escape_decode(text.replace("\\e", "\\x1b").encode("utf-8", "surrogateescape"))[0]
        text = raw.decode("utf-8", "surrogateescape")
    except ValueError:
        return text
    text = _TERMINAL.sub("", text)
    return text.removesuffix("\r").rsplit("\r", 1)[-1] + (CR if text.endswith("\r") else "")


def _glob(text: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


_KIND = {"equal": "equal", "eq": "equal", "no-eol": "no-eol", "escaped": "escaped", "esc": "escaped",
         "glob": "glob", "gl": "glob", "regex": "regex", "re": "regex"}


def parse_line(line: str) -> tuple[str, str, str]:
    """(expression, kind, quantifier) of one expectation line, as scrut's ExpectationMaker reads it."""
    m = _MOD.match(line)
    if not m or (m.group("kind") is None and m.group("q") is None):
        return line, "equal", ""
    return m.group("body"), _KIND[m.group("kind") or "equal"], m.group("q") or ""


def _escaped_glob(expression: str) -> str:
    """A glob's pattern: ``X (escaped)`` decoded first (scrut's ``expression_as_escaped``)."""
    esc = re.match(r"^(.*) \((?:escaped|esc)\)$", expression)
    return _unescape(esc.group(1)) if esc else expression


def unmade(expression: str, kind: str) -> str:
    """The expression scrut's rule gives back (``Rule::unmake``): what interpolation works on."""
    if kind == "glob":
        return _escaped_glob(expression)
    if kind == "escaped":
        return _unescape(expression.removesuffix(" (no-eol)"))
    return expression


def _piece(expression: str, kind: str) -> str:
    """The regex of one line's text (scrut's ``Rule::make``), without its newline."""
    if kind == "glob":
        return _glob(_escaped_glob(expression))
    if kind == "regex":  # scrut searches the line with ^BODY$ (written around the text, ungrouped)
        return f"(?=[^\\n]*?(?:^{expression}$))[^\\n]*"
    if kind == "escaped":
        return re.escape(_unescape(expression.removesuffix(" (no-eol)")))
    if kind == "no-eol":
        return re.escape(expression) + "\n" + re.escape(NO_EOL)
    return re.escape(expression)


def made_regex(expression: str, kind: str, q: str) -> str:
    """One expectation as a regex over its line(s), newline included."""
    piece = _piece(expression, kind)
    if kind not in ("equal", "no-eol"):  # scrut's glob, regex and escaped rules ignore the newline
        piece = f"(?:{piece})(?:\\n{re.escape(NO_EOL)})?"
    return f"(?:(?:{piece})(?:\\n|\\Z)){q}"


def line_regex(line: str) -> str:
    """One scrut expectation line as a regex over its line(s), newline included."""
    expression, kind, q = parse_line(line)
    if kind == "equal" and not q and expression == line:
        return re.escape(line) + r"(?:\n|\Z)"
    return made_regex(expression, kind, q)


def expectation_regex(lines: Sequence[str]) -> str:
    """The whole expected output as one anchored regular expression."""
    return r"\A" + "".join(line_regex(x) for x in lines) + r"\Z"


_VAR = re.compile(r"\$(\$|\{([A-Za-z0-9]+)\}|([A-Za-z0-9_]+))")
"""scrut's ``interpolate_str``: ``$$``, ``${VAR}`` (letters and digits only) and ``$VAR``."""


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """``text`` with ``$VAR`` / ``${VAR}`` of ``env`` filled, ``$$`` made ``$``; unknown names stay."""
    return _VAR.sub(lambda m: "$" if m.group(1) == "$" else env.get(m.group(2) or m.group(3), m.group(0)), text)


def referenced(lines: Sequence[str]) -> set[str]:
    """The variable names the expectation lines would interpolate."""
    return {m.group(2) or m.group(3) for x in lines for m in _VAR.finditer(x) if m.group(1) != "$"}


def interpolated_regex(lines: Sequence[str], env: Mapping[str, str]) -> str | None:
    """:func:`expectation_regex` of a case with ``interpolated: true``: each line's expression
    (as its rule gives it back) interpolated from ``env``, the case's exported environment
    after it ran, and made again with its kind (scrut's ``interpolate_expectation``). None
    when a value put in holds a newline: scrut matches line by line, runbook cannot say."""
    out = []
    for line in lines:
        expression, kind, q = parse_line(line)
        before = unmade(expression, kind)
        after = interpolate(before, env)
        if after == before:
            out.append(line_regex(line))
            continue
        if after.count("\n") != before.count("\n"):
            return None
        out.append(made_regex(after, kind, q))
    return r"\A" + "".join(out) + r"\Z"


def split_case(lines: Sequence[str]) -> tuple[int, list[str], list[str], list[str], int] | None:
    """(index of the ``$`` line, config lines, code lines, expectation lines, exit code), or None."""
    k = next((n for n, x in enumerate(lines) if x.startswith("$ ")), None)
    if k is None:
        return None
    first, code = k, [lines[k][2:]]
    k += 1
    while k < len(lines) and (lines[k].startswith("> ") or lines[k] == ">"):
        code.append(lines[k][2:])
        k += 1
    expected = list(lines[k:])
    while expected and not expected[-1].strip():
        expected.pop()
    exits = [n for n, x in enumerate(expected) if _EXIT.fullmatch(x)]
    want = int(expected.pop(exits[-1])[1:-1]) if exits else 0
    return first, list(lines[:first]), code, expected, want


CR = "\u240d"
"""A carriage return ending an output line, as a case prints it (``keep_crlf: true``; without it
scrut turns CRLF into LF): runbook's output folds a bare CR, so it is written as this sign."""
_STREAMS = {"stdout": ('>"$__rb_p.1" 2>"$__rb_p.2"', True), "combined": ('>"$__rb_p.1" 2>&1', False),
            "stderr": ('2>"$__rb_p.1" >"$__rb_p.2"', True)}


ENV_FILE = '"$RUNBOOK_SCRUT_ROOT/env"'
"""Where an ``interpolated`` case leaves its exported environment (``env -0``, as scrut's
state does), for the run to read after it (``run/scrut_cases.py``)."""
CONTROL = "\\ The output holds terminal control bytes (runbook)"
"""The line a ``mode: jsonschema`` case prints after output holding ESC, BEL or a lone CR:
runbook cleans those from the output it judges, scrut parses them raw."""


def _control_check(keep_crlf: bool) -> str:
    """Prints :data:`CONTROL` when the compared output holds a byte runbook's cleaning changes
    (ESC, BEL, NUL, a CR not ending a line; any CR with ``keep_crlf``)."""
    raw = 'cat "$__rb_p.out"' if keep_crlf else "sed 's/\\r$//' \"$__rb_p.out\""
    return (f"[ \"$({raw} | LC_ALL=C tr -dc '\\033\\007\\r\\000' | wc -c)\" -gt 0 ] && "
            f"printf '%s\\n' {shlex.quote(CONTROL)}")


def _command(code: Sequence[str], cfg: dict[str, object], where: str) -> str:
    """The case's shell code. Like scrut, the case ends when every process holding its standard
    output or error has let go (a ``sleep 5 &`` is waited for, a redirected one is not): the
    compared stream goes through a FIFO into a file, the other into /dev/null, and the case
    waits for both readers. The file is then printed, with :data:`NO_EOL` after a last line
    that has no newline."""
    text = "\n".join(code)
    dump = f"env -0 >{ENV_FILE}" if cfg.get("interpolated") is True else ""
    # scrut runs each case in its own bash: an `exit` ends the case, not the document's shell
    inside = bool(re.search(r"\bexit\b", text))
    body = f"( {f'trap {shlex.quote(dump)} EXIT; ' if dump else ''}{text}\n)" if inside else f"{{ {text}\n}}"
    redirect, other = _STREAMS.get(str(cfg.get("output_stream", "stdout")), _STREAMS["stdout"])
    lines = [f"shopt -u checkwinsize; export SCRUT_TEST={shlex.quote(where)} COLUMNS=80", *prelude(cfg),
             '__rb_p="$RUNBOOK_SCRUT_ROOT/case"; rm -f "$__rb_p".*; mkfifo "$__rb_p.1" "$__rb_p.2"',
             'cat "$__rb_p.1" >"$__rb_p.out" & __rb_c=$!',
             'cat "$__rb_p.2" >/dev/null & __rb_c="$__rb_c $!"' if other else 'rm -f "$__rb_p.2"',
             f"rm -f {ENV_FILE}" if dump else ":", f"{body} {redirect}",
             f"__rb_s=$?; {dump + '; ' if dump and not inside else ''}wait $__rb_c", f"sed 's/\\r$/{CR if cfg.get('keep_crlf') is True else ''}/' \"$__rb_p.out\"",
             f'[ -n "$(tail -c1 "$__rb_p.out")" ] && printf \'\\n%s\\n\' {shlex.quote(NO_EOL)}',
             *([_control_check(cfg.get("keep_crlf") is True)] if cfg.get("mode") == "jsonschema" else []),
             '(exit "$__rb_s")']
    return "\n".join(lines)


def _case(b: Block, sid: str, title: str, phase: str, path: str, defaults: dict[str, object],
          load: YamlLoader) -> Step | None:
    parts = split_case(b.raw.split("\n"))
    if parts is None:
        return None
    first, config, code, expected, want = parts
    cfg = case_config(b.info, config, defaults, path, load)
    line = b.start + 1 + first
    where = f"{os.path.abspath(path)}:{line + 1}"
    unread = unread_key(cfg)
    skip_code = cfg.get("skip_document_code", 80)
    budget = seconds(cfg.get("total_timeout"))
    own = [t for t in (seconds(cfg.get("timeout")), budget) if t]
    options = StepOptions(errexit=False, timeout_s=min(own) if own else None, fail_fast=cfg.get("fail_fast") is True,
                          error_stops=True, skip_document_exit=skip_code if isinstance(skip_code, int) else 80,
                          run_budget_s=budget)
    if cfg.get("detached") is True:  # started in the background, never judged; stopped at the end
        text = "\n".join([*prelude(cfg), "\n".join(code)])
        return Step(id=sid, phase=phase, title=title, anchor="", lang="scrut", span=Span(b.start, b.end), end=b.end,
                    prefix="", commands=(Command(text, line),), transcript=True, attrs={"background": ""},
                    options=replace(options, background=True), skip_reason=_skip(unread))
    attrs, judged, why = run_judged(cfg, expected, want, path, load)
    clauses = (Clause(f"exit code is {want}", ClauseKind.EXIT, number=want),
               judged or Clause("output matches the scrut expectations", ClauseKind.REGEX,
                                value=expectation_regex(expected)))
    return Step(id=sid, phase=phase, title=title, anchor="", lang="scrut", span=Span(b.start, b.end), end=b.end,
                prefix="", commands=(Command(_command(code, cfg, where), line),), transcript=True,
                criteria=(Criterion("scrut: exit code and output expectations", line, False, clauses),),
                attrs=attrs, options=options, skip_reason=_skip(unread) or why)


def _skip(unread: str | None) -> str | None:
    return f"scrut: `{unread}` is not read by runbook (docs/dialects.md)" if unread else None


CLEAN_ENV = {"LANG": "C", "LANGUAGE": "C", "LC_ALL": "C", "TZ": "GMT", "COLUMNS": "80", "CDPATH": "",
             "GREP_OPTIONS": "", "TESTSHELL": "/bin/bash", "SHELL": "/bin/bash"}
"""The variables scrut sets for every test case (reference/fundamentals/environment-variables)."""


def housekeeping(phase: str, cram: bool = False) -> tuple[Step, Step]:
    """scrut's per-document working folder (``execution.*``, as scrut names it) and ``$TMPDIR``
    in it, made first and removed last; for a cram file also ``$CRAMTMP``, ``$TMP``, ``$TEMP``."""
    make = ('RUNBOOK_SCRUT_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/execution.runbook-XXXXXX") && mkdir '
            '"$RUNBOOK_SCRUT_ROOT/__tmp" "$RUNBOOK_SCRUT_ROOT/work" && export RUNBOOK_SCRUT_ROOT '
            'TMPDIR="$RUNBOOK_SCRUT_ROOT/__tmp" && cd "$RUNBOOK_SCRUT_ROOT/work"')
    make += ' && export CRAMTMP="$RUNBOOK_SCRUT_ROOT" TMP="$TMPDIR" TEMP="$TMPDIR"' if cram else ""
    remove = 'cd / && rm -rf -- "$RUNBOOK_SCRUT_ROOT"'
    return tuple(Step(id=sid, phase=phase, title=title, anchor="", lang="scrut", span=Span(0, 0), end=0, prefix="",
                      commands=(Command(cmd, 0),), transcript=False, attrs={role: ""}, options=StepOptions())
                 for sid, title, cmd, role in (("scrut-tmp", "scrut: a fresh working folder", make, "setup"),
                                               ("scrut-cleanup", "scrut: remove it", remove, "teardown")))  # type: ignore[return-value]


def cases(blocks: Sequence[Block], path: str, phase: str, title: str, defaults: dict[str, object],
           load: YamlLoader, stem: str = "") -> list[Step]:
    steps: list[Step] = []
    for b in blocks:
        if b.kind in ("heading", "para") and b.text:
            title = b.text.split("\n")[0][:120]
        elif b.kind == "fence" and b.info.strip().split(None, 1)[:1] == ["scrut"]:
            step = _case(b, f"{stem}L{b.start + 1}", title, phase, path, defaults, load)
            if step is not None:
                steps.append(step)
    return steps


def _included(path: str, names: object, phase: str, mark: str, load: YamlLoader,
              limit: dict[str, object]) -> list[Step]:
    """The cases of the documents ``prepend`` / ``append`` name (ids ``P1.L7``, ``A1.L7``), with
    the including document's ``total_timeout`` only (scrut ignores the included documents'
    own configuration, and the including one's ``defaults`` do not reach them)."""
    return [s for k, (p, bl) in enumerate(included(path, names), 1)
            for s in cases(bl, p, phase, os.path.basename(p), limit, load, f"{mark}{k}.")]


def read_scrut(doc: Document, blocks: Sequence[Block], lines: Sequence[str], load: YamlLoader) -> Document:
    """``doc`` with its steps replaced by its scrut test cases (one step per ``scrut`` block),
    those of the documents its front matter prepends before them and those it appends after."""
    phase = doc.phases[0].id if doc.phases else "0"
    fm = front_matter(lines, doc.path, load)
    given = fm.get("defaults")
    # the cases carry total_timeout: scrut's limit on them all, prepended and appended ones too
    limit: dict[str, object] = {"total_timeout": fm["total_timeout"]} if "total_timeout" in fm else {}
    defaults = {**({str(k): v for k, v in given.items()} if isinstance(given, dict) else {}), **limit}
    steps = [*_included(doc.path, fm.get("prepend"), phase, "P", load, limit),
             *cases(blocks, doc.path, phase, doc.title, defaults, load),
             *_included(doc.path, fm.get("append"), phase, "A", load, limit)]
    if steps:
        steps = [housekeeping(phase)[0], *steps, housekeeping(phase)[1]]
    phases = (Phase(phase, doc.phases[0].title if doc.phases else doc.title, 0, False, tuple(steps)),)
    folder, name = os.path.split(os.path.abspath(doc.path))
    env = dict(CLEAN_ENV, TESTDIR=folder, TESTFILE=name)
    given = doc.front_matter.get("env")
    front = dict(doc.front_matter, env=dict(env, **given) if isinstance(given, dict) else env)
    return replace(doc, phases=phases, front_matter=front, dialect="scrut")
