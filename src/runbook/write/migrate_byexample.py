"""``runbook migrate DOC --from byexample``: a byexample (shell) document in runbook's own format.

The smallest rewrite that keeps every verdict (docs/dialects.md, "Migrating"): the prose,
headings and other blocks stay as written; each block (fence or HTML comment) holding
``$`` examples is replaced by one pair per example:

* a ```` ```bash errexit=false ```` block of its code (its ``# byexample:`` comment
  dropped; ``+timeout=N`` becomes ``timeout=N``; ``+skip``, job control,
  ``+stop-on-silence``, ``+input`` / ``+type`` become ``skip="…"`` with the reason runbook
  skips them when it reads the dialect);
* (with a tag inside a line, or ``+norm-ws`` over several lines: ``PASS if: output
  matches `` RE `` `` with byexample's whole regex, as the dialect judges it)
* an ```` ```output ```` block of its expected text in runbook's line patterns (tags as
  ``...`` lines and `` (re)`` lines, ``+norm-ws`` and ``+rm=`` applied; ``+pass``: ``...``),
  then ``PASS if: output matches the expected output``, or ``PASS if: output is empty``
  when it expects nothing: byexample never judges the exit status.

A front matter gives byexample's folder (``cwd``: the folder migrate runs in, as byexample
runs in the folder it is started from) and ``fail_fast`` (below). A first ``bash setup`` block gives the shell byexample's settings (``bash --posix``,
24x80). A fence byexample does not run (no ``$`` example) but runbook would is marked
``norun``. Examples that read byexample's clipboard at run time (``+paste``, ``+if=``,
``+unless=``) have no equivalent in runbook's format: the document is refused with the
example's ``path:line``. ``+fail-fast`` becomes the front matter's ``fail_fast: true``: the
document fails exactly when byexample's does; after a first failure runbook runs nothing
more, where byexample runs on until an example with ``+fail-fast`` (and still runs the
``-skip`` ones).
"""

from __future__ import annotations

import json
import os
import re

from runbook.errors import RunbookError
from runbook.model import ClauseKind, Step
from runbook.parse.blocks import Block
from runbook.parse.dialects.byexample import SHELL_SETUP, expected_text, step_options
from runbook.parse.markdown import parse_text, scan

_RUNTIME = ("paste", "if", "on", "unless")
_SHELLISH = frozenset({"", "bash", "sh", "shell", "console", "zsh", "shell-session", "terminal", "ksh", "dash"})
_OPTION_COMMENT = re.compile(r"\s*#\s*byexample:[^\n'\"]*$")
_DETECTED = re.compile(r"((?:^|[#;]|<!--)\s*)byexample(\s*:)", re.M)


def _fence(body: str, info: str) -> list[str]:
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return [f"{ticks}{info}", *body.split("\n"), ticks, ""]


def _refuse_runtime(step: Step, path: str) -> None:
    opts = step_options(step.attrs)
    used = [o for o in _RUNTIME if o in opts and opts[o] != "-"]
    if used:
        raise RunbookError(f"{path}:{step.line}: this example uses +{used[0]}, which reads byexample's clipboard "
                           "at run time: runbook's own format has no equivalent",
                           hint="run the document as it is (runbook reads byexample's dialect), or drop the option")


def _example_blocks(step: Step) -> list[str]:
    opts = step_options(step.attrs)
    code = "\n".join(_OPTION_COMMENT.sub("", line) for line in step.commands[0].text.split("\n"))
    info = "bash errexit=false"
    if step.options.timeout_s:
        info += f" timeout={step.options.timeout_s:g}"
    if step.skip_reason:
        info += ' skip="' + step.skip_reason.replace('"', "'") + '"'
    out = _fence(code, info)
    text = "..." if "pass" in opts and opts["pass"] != "-" else expected_text(step.attrs["byexample-expected"], opts)
    clause = step.criteria[0].clauses[0] if step.criteria and step.criteria[0].clauses else None
    if clause is not None and clause.kind is ClauseKind.REGEX and clause.value:
        ticks = "``"
        while ticks in clause.value:
            ticks += "`"
        return out + [f"PASS if: output matches {ticks} {clause.value} {ticks}", ""]
    if text:
        return out + _fence("\n".join(_undetected(x) for x in text.split("\n")), "output") + ["PASS if: output matches the expected output", ""]
    return out + ["PASS if: output is empty", ""]


def _undetected(line: str) -> str:
    """An expected line that would make the new document read as byexample's again
    (``byexample: error``), written as a regex matching the same text (``byexampl[e]:``)."""
    if not _DETECTED.search(line):
        return line
    body = line[: -len(" (re)")] if line.endswith(" (re)") else re.escape(line)
    return body.replace("byexample", "byexampl[e]") + " (re)"


def _not_run(block: Block, line: str) -> str:
    """A fence runbook would run but byexample does not: marked ``norun`` (not a step)."""
    lang = block.info.strip().split(None, 1)[0].strip("{}").lower() if block.info.strip() else ""
    if block.kind != "fence" or lang not in _SHELLISH or "norun" in block.info:
        return line
    return line.rstrip("\r\n") + " norun"


def _front_matter(out: list[str], path: str, fail_fast: bool) -> list[str]:
    """byexample's folder (the one it is started from: here, migrate's) and ``+fail-fast``."""
    cwd = os.path.relpath(os.getcwd(), os.path.dirname(os.path.abspath(path)))
    keys = ([f"  cwd: {json.dumps(cwd)}"] if cwd != "." else []) + (["  fail_fast: true"] if fail_fast else [])
    if not keys:
        return out
    if out and out[0].strip() == "---":
        raise RunbookError(f"{path}:1: the document has a front matter, and runbook's settings must join it",
                           hint="add `runbook: {" + ", ".join(k.strip() for k in keys) + "}` to it by hand")
    return ["---", "runbook:", *keys, "---", "", *out]


def from_byexample(text: str, path: str) -> str:
    """The Markdown document equivalent to the byexample document ``text`` (at ``path``)."""
    doc = parse_text(text, path, dialect=("byexample", "--from"))
    examples = [s for s in doc.steps if "byexample-expected" in s.attrs]
    if doc.dialect != "byexample" or not examples:
        raise RunbookError(f"{path} is not read as a byexample document (no `byexample:` comment or no $ example)",
                           hint="byexample documents say so with a `<!-- byexample: ... -->` or `# byexample:` comment")
    for s in examples:
        _refuse_runtime(s, path)
    lines = [line.rstrip("\r\n") for line in scan(text).lines]
    blocks = [b for b in scan(text).blocks if b.kind in ("fence", "html")]
    lines = [_DETECTED.sub(r"\1byexample (migrated)\2", line) for line in lines]
    out: list[str] = []
    n, setup_done = 0, False
    for b in sorted(blocks, key=lambda b: b.start):
        inside = [s for s in examples if b.start <= s.span.start < b.end]
        out += lines[n:b.start]
        if not inside:
            out += [_not_run(b, lines[b.start]), *lines[b.start + 1:b.end]]
        else:
            if not setup_done:
                out += ["byexample's shell (bash --posix on a 24x80 terminal):", ""] + _fence(SHELL_SETUP, "bash setup")
                setup_done = True
            for s in inside:
                out += _example_blocks(s)
        n = max(n, b.end)
    out += lines[n:]
    fail_fast = any("+fail-fast" in s.attrs.get("byexample", "") for s in examples)
    out = _front_matter(out, path, fail_fast)
    body = "\n".join(out)
    return body.rstrip("\n") + "\n"
