"""``runbook migrate``: a document written for another tool, rewritten in runbook's own format.

The rewrite keeps the author's words and commands and changes only what runbook reads
differently, so the new document gets the same verdicts as the old one read in its
dialect (docs/dialects.md, "Migrating"). cram / prysk is written here (scrut in
write/migrate_scrut.py):

* each comment paragraph stays a paragraph; each command becomes a ```` ```bash ```` block
  (its ``  > `` lines joined as script lines) with ``errexit=false`` and ``exit=N`` from its
  ``[N]`` line, followed by an ```` ```output ```` block of its expected lines, or by
  ``PASS if: exit code is N and output is empty`` when it has none;
* expected lines in runbook's line patterns: `` (re)`` and `` (glob)`` unchanged, `` (esc)``
  decoded, ``(no-eol)`` dropped, a literal line runbook would read as a pattern escaped;
* a front matter gives prysk's shell and environment, and a ``setup`` / ``teardown`` pair
  gives its fresh temporary folder.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import Callable

from runbook.errors import RunbookError
from runbook.judge.normalise import strip_ansi
from runbook.parse.dialects.cram import CLEAN_ENV, CramCommand, commands, expected_line, test_name
from runbook.source import split_lines
from runbook.write.migrate_scrut import from_scrut
from runbook.write.migrate_ie import from_ie
from runbook.write.migrate_tesh import from_tesh

_EXIT = re.compile(r"\[(\d+)\]")


def _fence(body: str, info: str) -> list[str]:
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return [f"{ticks}{info}", *body.split("\n"), ticks, ""]


def _printable(line: str) -> str:
    """An expected line with control characters: a regex naming them as ``\\xHH``."""
    return "".join(re.escape(c) if c.isprintable() else f"\\x{ord(c):02x}" for c in line) + " (re)"


def _expected(line: str) -> str:
    out = expected_line(line)
    if out.endswith((" (re)", " (glob)")) and not line.endswith(" (esc)"):
        return out
    text = strip_ansi(out)
    return text if text.isprintable() or not text else _printable(text)


def _command_blocks(c: CramCommand) -> list[str]:
    output = list(c.output)
    want = int(output.pop()[1:-1]) if output and _EXIT.fullmatch(output[-1]) else 0
    attrs = f" errexit=false exit={want}" if want else " errexit=false"
    out = _fence("\n".join(c.text), "bash" + attrs)
    if output:
        out += _fence("\n".join(_expected(x) for x in output), "output")
    else:
        out += [f"PASS if: exit code is {want} and output is empty", ""]
    return out


def _front_matter(path: str) -> list[str]:
    env = ", ".join(f"{k}: {shlex.quote(v) if v else chr(39) * 2}" for k, v in CLEAN_ENV.items())
    return ["---", "runbook:", "  shell: /bin/sh", f"  env: {{{env}, TESTFILE: {test_name(path)}, TESTSHELL: /bin/sh}}",
            "---", ""]


def _housekeeping(path: str) -> tuple[list[str], list[str]]:
    name = shlex.quote(test_name(path))
    make = ('export TESTDIR="$PWD" CRAMTMP="$(mktemp -d "${TMPDIR:-/tmp}/runbook-cram-XXXXXX")" && '
            f'mkdir "$CRAMTMP/"{name} && cd "$CRAMTMP/"{name}')
    return (["A fresh temporary folder, as prysk gives every test:", ""] + _fence(make, "bash setup"),
            ["Remove it:", ""] + _fence('cd "$TESTDIR" && rm -rf -- "$CRAMTMP"', "bash teardown"))


def from_cram(text: str, path: str) -> str:
    """The Markdown document equivalent to the cram file ``text`` (at ``path``)."""
    lines = split_lines(text)
    cmds = commands(lines)
    if not cmds:
        raise RunbookError(f"{path} has no cram command (a line starting with two spaces and '$ ')",
                           hint="cram commands are written '  $ cmd' with two leading spaces")
    out = _front_matter(path) + [f"# {os.path.splitext(test_name(path))[0]}", ""]
    setup, teardown = _housekeeping(path)
    out += setup
    starts = {c.line: c for c in cmds}
    n = 0
    while n < len(lines):
        c = starts.get(n)
        if c is not None:
            out += _command_blocks(c)
            n = c.end
            continue
        line = lines[n].rstrip("\r\n")
        if not line.startswith("  "):
            out.append(line)
        n += 1
    out += ["", *teardown]
    return "\n".join(re.sub(r"\n{3,}", "\n\n", "\n".join(out)).split("\n")).rstrip("\n") + "\n"


#: The writer of each dialect ``runbook migrate --from`` writes today: one line per dialect
#: (each other dialect's writer lives in its own module, ``write/migrate_<dialect>.py``).
WRITERS: dict[str, Callable[[str, str], str]] = {
    "cram": from_cram,
    "scrut": from_scrut,
    "tesh": from_tesh,
    "ie": from_ie,
}
SOURCES = tuple(WRITERS)
"""The dialects ``runbook migrate --from`` writes today."""


def migrate(text: str, path: str, source: str) -> str:
    """``text`` (a document in dialect ``source``) in runbook's own format."""
    writer = WRITERS.get(source)
    if writer is None:
        raise RunbookError(f"runbook migrate cannot write --from {source} yet",
                           hint=f"supported: {', '.join(SOURCES)}; the others are read as they are (docs/dialects.md)")
    return writer(text, path)
