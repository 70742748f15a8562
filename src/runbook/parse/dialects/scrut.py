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
* Only standard output is compared, unless ``output_stream: combined`` (or ``stderr``).
* Expectations match line by line, exactly: ``X`` or ``X (equal)`` / ``(eq)``,
  ``X (no-eol)``, ``X (escaped)`` / ``(esc)`` (``\\t``, ``\\xAB`` escapes), ``X (glob)`` /
  ``(gl)`` (``*``, ``?``; no escaping), ``X (regex)`` / ``(re)`` (the whole line), a
  quantifier on the kind or alone: ``(?)`` optional, ``(*)`` any number, ``(+)`` at
  least one (``(glob+)``, ``(equal*)``), and ``X (escaped) (glob)``.
* Per test case configuration, in the fence (```` ```scrut {timeout: 10s} ````) or in
  ``%`` lines: ``timeout`` and ``output_stream`` are read (``keep_crlf`` changes nothing
  here: runbook folds CRLF); a case with any other key is skipped, with that reason.

The whole expectation becomes one anchored regular expression over the output (the
quantifiers need more than a line pattern), judged with the exit code.
"""

from __future__ import annotations

import codecs
import os
import re
import shlex
from dataclasses import replace
from typing import Sequence

from runbook.config import parse_seconds
from runbook.model import Clause, ClauseKind, Command, Criterion, Document, Phase, Span, Step, StepOptions
from runbook.parse.blocks import Block

_MOD = re.compile(r"^(?P<body>.*?) \((?P<kind>equal|eq|no-eol|escaped|esc|glob|gl|regex|re)?(?P<q>[?*+])?\)$")
_EXIT = re.compile(r"\[(\d+)\]")
_READ_KEYS = frozenset({"timeout", "output_stream", "keep_crlf"})
"""Per-case keys runbook honours; a case using any other (``wait``, ``detached``, ``mode:
jsonschema``, ``environment``, ``interpolated``…) is skipped with that reason, never misjudged."""


_TERMINAL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-~]|[\x1b\x07]")


def _unescape(text: str) -> str:
    """``\\t``, ``\\xAB``, ``\\e`` decoded, then cleaned as runbook cleans the output it judges
    (ANSI codes and bells removed, a carriage return overwriting the line)."""
    try:
        raw = codecs.escape_decode(text.replace("\\e", "\\x1b").encode("utf-8", "surrogateescape"))[0]
        text = raw.decode("utf-8", "surrogateescape")
    except ValueError:
        return text
    return _TERMINAL.sub("", text).rsplit("\r", 1)[-1]


def _glob(text: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


def line_regex(line: str) -> str:
    """One scrut expectation as a regex over its line(s), newline included."""
    m = _MOD.match(line)
    if not m or (m.group("kind") is None and m.group("q") is None):
        return re.escape(line) + r"(?:\n|\Z)"
    body, kind, q = m.group("body"), m.group("kind") or "equal", m.group("q") or ""
    if kind in ("glob", "gl"):
        esc = re.match(r"^(.*) \((?:escaped|esc)\)$", body)
        piece = _glob(_unescape(esc.group(1)) if esc else body)
    elif kind in ("regex", "re"):  # scrut searches the line with ^BODY$ (written around the text, ungrouped)
        piece = f"(?=[^\\n]*?(?:^{body}$))[^\\n]*"
    elif kind in ("escaped", "esc"):
        piece = re.escape(_unescape(body))
    else:
        piece = re.escape(body)
    return f"(?:(?:{piece})(?:\\n|\\Z)){q}"


def expectation_regex(lines: Sequence[str]) -> str:
    """The whole expected output as one anchored regular expression."""
    return r"\A" + "".join(line_regex(x) for x in lines) + r"\Z"


def _config(info: str, lines: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    brace = re.search(r"\{(.*)\}", info)
    parts = brace.group(1).split(",") if brace else []
    parts += [x[2:] for x in lines if x.startswith("% ")]
    for part in parts:
        key, sep, value = part.partition(":")
        if sep:
            found[key.strip()] = value.strip().strip("\"'")
    return found


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


def _command(code: Sequence[str], cfg: dict[str, str], where: str) -> str:
    text = "\n".join(code)
    # scrut runs each case in its own bash: an `exit` ends the case, not the document's shell
    group = ("( ", "\n)") if re.search(r"\bexit\b", text) else ("{ ", "\n}")
    redirect = {"stdout": " 2>/dev/null", "stderr": " 2>&1 >/dev/null"}.get(cfg.get("output_stream", "stdout"))
    if redirect or group[0] == "( ":
        text = group[0] + text + group[1] + (redirect or "")
    return f"export SCRUT_TEST={shlex.quote(where)} COLUMNS=80\n{text}"


def _case(b: Block, sid: str, title: str, phase: str, path: str) -> Step | None:
    parts = split_case(b.raw.split("\n"))
    if parts is None:
        return None
    first, config, code, expected, want = parts
    cfg = _config(b.info, config)
    line = b.start + 1 + first
    clauses = (Clause(f"exit code is {want}", ClauseKind.EXIT, number=want),
               Clause("output matches the scrut expectations", ClauseKind.REGEX, value=expectation_regex(expected)))
    unread = next((k for k in cfg if k not in _READ_KEYS and not (k == "mode" and cfg[k] == "output")), None)
    text = _command(code, cfg, f"{os.path.abspath(path)}:{line + 1}")
    return Step(id=sid, phase=phase, title=title, anchor="", lang="scrut", span=Span(b.start, b.end), end=b.end,
                prefix="", commands=(Command(text, line),), transcript=True,
                criteria=(Criterion("scrut: exit code and output expectations", line, False, clauses),),
                attrs={}, options=StepOptions(errexit=False, timeout_s=parse_seconds(cfg.get("timeout", "")) or None),
                skip_reason=f"scrut: `{unread}` is not read by runbook (docs/dialects.md)" if unread else None)


CLEAN_ENV = {"LANG": "C", "LANGUAGE": "C", "LC_ALL": "C", "TZ": "GMT", "COLUMNS": "80", "CDPATH": "",
             "GREP_OPTIONS": "", "TESTSHELL": "/bin/bash", "SHELL": "/bin/bash"}
"""The variables scrut sets for every test case (reference/fundamentals/environment-variables)."""


def _housekeeping(phase: str) -> tuple[Step, Step]:
    """scrut's per-document working folder and ``$TMPDIR``, made first and removed last."""
    make = ('RUNBOOK_SCRUT_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/runbook-scrut-XXXXXX") && mkdir '
            '"$RUNBOOK_SCRUT_ROOT/__tmp" "$RUNBOOK_SCRUT_ROOT/work" && export RUNBOOK_SCRUT_ROOT '
            'TMPDIR="$RUNBOOK_SCRUT_ROOT/__tmp" && cd "$RUNBOOK_SCRUT_ROOT/work"')
    remove = 'cd / && rm -rf -- "$RUNBOOK_SCRUT_ROOT"'
    return tuple(Step(id=sid, phase=phase, title=title, anchor="", lang="scrut", span=Span(0, 0), end=0, prefix="",
                      commands=(Command(cmd, 0),), transcript=False, attrs={role: ""}, options=StepOptions())
                 for sid, title, cmd, role in (("scrut-tmp", "scrut: a fresh working folder", make, "setup"),
                                               ("scrut-cleanup", "scrut: remove it", remove, "teardown")))  # type: ignore[return-value]


def read_scrut(doc: Document, blocks: Sequence[Block]) -> Document:
    """``doc`` with its steps replaced by its scrut test cases (one step per ``scrut`` block)."""
    phase = doc.phases[0].id if doc.phases else "0"
    steps: list[Step] = []
    title = doc.title
    for b in blocks:
        if b.kind in ("heading", "para") and b.text:
            title = b.text.split("\n")[0][:120]
        elif b.kind == "fence" and b.info.strip().split(None, 1)[:1] == ["scrut"]:
            step = _case(b, f"L{b.start + 1}", title, phase, doc.path)
            if step is not None:
                steps.append(step)
    if steps:
        steps = [_housekeeping(phase)[0], *steps, _housekeeping(phase)[1]]
    phases = (Phase(phase, doc.phases[0].title if doc.phases else doc.title, 0, False, tuple(steps)),)
    folder, name = os.path.split(os.path.abspath(doc.path))
    env = dict(CLEAN_ENV, TESTDIR=folder, TESTFILE=name)
    given = doc.front_matter.get("env")
    front = dict(doc.front_matter, env=dict(env, **given) if isinstance(given, dict) else env)
    return replace(doc, phases=phases, front_matter=front, dialect="scrut")
