"""``runbook migrate DOC --from scrut``: a scrut Markdown document in runbook's own format.

The smallest change that keeps every verdict (docs/dialects.md, "Migrating"): every line
outside the ```` ```scrut ```` fences stays as written, except that other fences runbook
would run are marked ``norun`` (scrut runs none of them). Each case becomes:

* a ```` ```bash errexit=false ```` block (``exit=N`` from its ``[N]`` line, ``timeout=`` from
  its ``timeout``; ``environment`` and ``wait`` as shell lines first) whose command runs in
  a group with standard error dropped (scrut compares standard output only;
  ``output_stream`` changes that), in a subshell when it calls ``exit``;
* then its expectations: an ```` ```output ```` block in runbook's line patterns when every
  line has one (``(equal)``, ``(glob)``, ``(regex)``, ``(escaped)``), else one
  ``PASS if: … output matches `REGEX` `` clause with the anchored regular expression the
  scrut reader judges; ``PASS if: exit code is N and output is empty`` without any.

A front matter gives scrut's environment and a ``setup`` / ``teardown`` pair its fresh
working folder. What runbook's format cannot say is refused (exit 2, path:line):
``detached``, ``fail_fast``, ``skip_document_code``, ``keep_crlf: true``, ``total_timeout``, ``interpolated``, ``mode: jsonschema``,
``prepend`` / ``append``, the keys the reader does not read either, a command that exits 80
(scrut skips the document) or leaves a process in the background (scrut waits for what
holds its output), and ``(no-eol)``. Not kept (runbook's own rules): trailing whitespace
on output lines, a timeout ending the document, a missing final newline on an equal line.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import Sequence

from runbook.errors import RunbookError, where
from runbook.parse.dialects.scrut import CLEAN_ENV, expectation_regex, split_case
from runbook.parse.dialects.scrut import _MOD, _unescape
from runbook.parse.dialects.scrut_config import case_config, fences, front_matter, prelude, seconds, unread_key
from runbook.parse.markdown import _yaml as load_yaml
from runbook.source import split_lines

_REFUSED = ("detached", "fail_fast", "skip_document_code", "total_timeout")
_RUN_JUDGED: dict[str, object] = {"interpolated": True, "mode": "jsonschema"}
"""Judged after the case ran (``run/scrut_cases.py``): runbook's own format cannot say them."""
_UNSAYABLE = ((r"(?<![&>|])&(?![&>])", "a command left in the background (scrut waits for what holds its output)"),
              (r"\bexit\s+80\b", "a command that exits 80 (scrut skips the whole document)"),
              (r"(?m)\(no-eol\)$", "`(no-eol)` (runbook's output form ignores a final newline)"))
_RUNS = frozenset({"", "bash", "sh", "shell", "zsh", "console", "shell-session", "terminal", "cram", "prysk"})


def _fence(body: Sequence[str], info: str) -> list[str]:
    ticks = "```"
    while any(line.startswith(ticks) for line in body):
        ticks += "`"
    return [f"{ticks}{info}", *body, ticks]


def _literal(text: str) -> str:
    """A literal expected line runbook would read as a pattern gets `` (equal)``."""
    return text + " (equal)" if re.search(r"\.\.\.|…| \((?:re|regex|glob|equal)\)$", text) else text


def _pattern(line: str) -> str | None:
    """One scrut expectation as a runbook expected-output line (None: runbook has no such line)."""
    m = _MOD.match(line)
    if line != line.rstrip():
        return None  # runbook's lines ignore trailing whitespace, scrut's do not
    if not m or (m.group("kind") is None and m.group("q") is None):
        return _literal(line)
    body, kind = m.group("body"), m.group("kind")
    if m.group("q"):
        return None  # a quantifier: only the whole-output regex says it
    if kind in ("glob", "gl"):
        return None if re.search(r" \((?:escaped|esc)\)$", body) else body.replace("\\", "\\\\") + " (glob)"
    if kind in ("regex", "re"):
        return None if "|" in body else body + " (re)"
    if kind in ("escaped", "esc"):
        text = _unescape(body)
        return _literal(text) if text.isprintable() else None
    return _literal(body)  # equal, eq, no-eol (runbook's output form ignores the final newline)


def _expectations(expected: Sequence[str], want: int) -> list[str]:
    if not expected:
        return [f"PASS if: exit code is {want} and output is empty"]
    lines = [_pattern(x) for x in expected]
    if all(x is not None for x in lines):
        return _fence([x for x in lines if x is not None], "output")
    # a control character (or a backtick) in the clause as \xHH: Markdown would fold it away
    regex = re.sub(r"\\?([\x00-\x1f\x7f`])", lambda m: f"\\x{ord(m.group(1)):02x}", expectation_regex(expected))
    return [f"PASS if: exit code is {want} and output matches `{regex}`"]


def _refused(cfg: dict[str, object], text: str, expected: Sequence[str]) -> str | None:
    """What of a case runbook's own format cannot say (None: it can say it all)."""
    return next((f"`{k}`" for k in cfg if k in _REFUSED or k in _RUN_JUDGED and cfg[k] == _RUN_JUDGED[k]
                 or k == "keep_crlf" and cfg[k] is True), None) or (
        f"`{unread_key(cfg)}`" if unread_key(cfg) else None) or next((why for rule, why in _UNSAYABLE if re.search(
            rule, text if why.startswith("a command") else "\n".join(expected))), None)


def _case(raw: Sequence[str], info: str, path: str, line: int, defaults: dict[str, object]) -> list[str]:
    parts = split_case(raw)
    if parts is None:
        return _fence(raw, info)  # no `$` line: scrut has no case here, runbook runs nothing either
    _, config, code, expected, want = parts
    cfg = case_config(info, config, defaults, path, load_yaml)
    text = "\n".join(code)
    bad = _refused(cfg, text, expected)
    if bad:
        raise RunbookError(f"scrut case uses {bad}, which runbook's own format cannot say", where=where(path, line),
                           hint="keep running the document as it is: runbook reads it as scrut")
    body = ["(", *code, ")"] if re.search(r"\bexit\b", text) else ["{", *code, "}"]
    stream = str(cfg.get("output_stream", "stdout"))
    body[-1] += {"stdout": " 2>/dev/null", "stderr": " 2>&1 >/dev/null"}.get(stream, "")
    attrs = "bash errexit=false" + (f" exit={want}" if want else "")
    limit = seconds(cfg.get("timeout"))
    attrs += f" timeout={limit:g}s" if limit else ""
    comments = [x for x in config if not x.startswith("%")]
    return [*_fence([*comments, *prelude(cfg), *body], attrs), "", *_expectations(expected, want)]


def _front(path: str) -> list[str]:
    env = ", ".join(f"{k}: {shlex.quote(v) if v else chr(39) * 2}" for k, v in
                    {**CLEAN_ENV, "TESTFILE": os.path.basename(path)}.items())
    return ["---", "runbook:", "  shell: bash", f"  env: {{{env}}}", "---", ""]


def _housekeeping() -> tuple[list[str], list[str]]:
    make = ('shopt -u checkwinsize; export TESTDIR="$PWD" COLUMNS=80 SCRUT_ROOT="$(mktemp -d)" && '
            'mkdir "$SCRUT_ROOT/work" "$SCRUT_ROOT/__tmp" && export TMPDIR="$SCRUT_ROOT/__tmp" && cd "$SCRUT_ROOT/work"')
    return (["A fresh working folder, as scrut gives every document:", "", *_fence([make], "bash setup"), ""],
            ["", "Remove it:", "", *_fence(['cd "$TESTDIR" && rm -rf -- "$SCRUT_ROOT"'], "bash teardown")])


def from_scrut(text: str, path: str) -> str:
    """The runbook document equivalent to the scrut document ``text`` (at ``path``)."""
    lines = [x.rstrip("\r\n") for x in split_lines(text)]
    fm = front_matter(split_lines(text), path, load_yaml)
    for key in ("prepend", "append", "total_timeout"):
        if key in fm:
            raise RunbookError(f"scrut front matter `{key}` has no equivalent in runbook's own format",
                               where=where(path, 0), hint="keep running the document as it is: runbook reads it as scrut")
    defaults = fm.get("defaults") if isinstance(fm.get("defaults"), dict) else {}
    start = next((n + 1 for n in range(1, len(lines)) if lines[0] == "---" and lines[n] == "---"), 0)
    out, n = _front(path), start
    setup, teardown = _housekeeping()
    for b in [b for b in fences(lines) if b.kind == "fence" and b.start >= start]:
        lang = b.info.strip().split(None, 1)[0].lower() if b.info.strip() else ""
        out += lines[n:b.start]
        if lang == "scrut":
            out += (setup if setup else []) + _case(b.raw.split("\n"), b.info, path, b.start, defaults)  # type: ignore[arg-type]
            setup = []
        else:
            out += [lines[b.start] + (" norun" if lang.strip("{}") in _RUNS else ""), *lines[b.start + 1:b.end]]
        n = b.end
    out += lines[n:] + (teardown if not setup else [])
    return "\n".join(out).rstrip("\n") + "\n"
