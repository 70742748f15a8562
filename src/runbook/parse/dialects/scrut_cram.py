"""scrut's own flavour of cram ``.t`` files, read only when the file itself says it is scrut's.

A ``.t`` file is prysk's (``cram.py``) unless one of its output lines uses syntax only scrut
reads: a quantifier (``(?)``, ``(*)``, ``(+)``, ``(glob+)``, ``(re*)``…) or a kind prysk does
not have (``(escaped)``, ``(regex)``, ``(equal)``, ``(eq)``, ``(gl)``): prysk compares such a
line as literal text, which no real output ends with. Nothing else in a file tells the two
tools apart (the same ``$``/``>`` lines, ``[N]``, ``(esc)``, ``(re)``, ``(glob)``), so every
other ``.t`` file stays prysk's (docs/dialects.md).

From scrut's source (``src/parsers/cram.rs``, ``line_parser.rs``, ``rules/glob_cram.rs``,
``bin/utils/environment.rs``, ``executors/bash_script_executor.rs``, run as its CI runs its
``.t`` files: ``--cram-compat --keep-output-crlf --combine-output``):

* A line starting with ``#`` is skipped; an empty line ends a case; a line indented two
  spaces belongs to the case (``$ ``, ``> ``, expectations, ``[N]``), and each ``$ `` starts
  a new one; any other line is the title of the next case.
* Expectations are scrut's (``scrut.py``), but ``(glob)`` is cram's glob: ``*``, ``?`` and
  ``\\*``, ``\\?``, ``\\\\`` escapes.
* Every case runs in one bash, in order; standard output and error are compared together,
  CRLF kept; exit 80 skips the whole file. The environment is scrut's with ``$CRAMTMP``
  (the ``execution.*`` folder), ``$TMPDIR`` = ``$TMP`` = ``$TEMP`` (its ``__tmp``).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import Sequence

from runbook.errors import ParseError
from runbook.model import Document, Phase
from runbook.parse.blocks import Block
from runbook.parse.dialects.scrut import CLEAN_ENV, _escaped_glob, cases, housekeeping, parse_line

SCRUT_ONLY = re.compile(r"^  (?!\$ |> ).* \((?:escaped|regex|equal|eq|gl|(?:equal|eq|no-eol|escaped|esc|glob|gl|regex|re)?"
                        r"[?*+])\)\r?$", re.M)
"""An output line only scrut reads: the file is scrut's."""

CRAM_DEFAULTS: dict[str, object] = {"output_stream": "combined", "keep_crlf": True}
"""scrut's cram defaults (``TestCaseConfig::default_cram``), as its CI runs them."""


def is_scrut_cram(text: str) -> bool:
    """Whether a ``.t`` file says it is scrut's (:data:`SCRUT_ONLY`)."""
    return bool(SCRUT_ONLY.search(text))


def t_file_dialect(text: str) -> str:
    """The dialect of a ``.t`` file: ``scrut`` when it says so, else ``cram`` (prysk's)."""
    return "scrut" if is_scrut_cram(text) else "cram"


def cram_glob(pattern: str) -> str:
    """scrut's cram glob (``glob_to_regex_string``) as a Python regex over the line."""
    out, k = [], 0
    while k < len(pattern):
        c = pattern[k]
        k += 1
        if c == "\\" and k < len(pattern) and pattern[k] in "*?\\":
            out.append("\\" + pattern[k])
            k += 1
        else:
            out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
    return "".join(out)


def _as_scrut(line: str) -> str:
    """A cram expectation line in scrut's Markdown form: a cram glob becomes its regex."""
    expression, kind, q = parse_line(line)
    return f"{cram_glob(_escaped_glob(expression))} (regex{q})" if kind == "glob" else line


def _blocks(lines: Sequence[str]) -> list[Block]:
    """scrut's cram cases as the Markdown reader's blocks: a title ``para`` and a ``fence`` per case."""
    blocks: list[Block] = []
    body: list[str] = []
    start = last = 0

    def end() -> None:  # the case ends after its last line (``#`` lines inside it are skipped)
        if body:
            blocks.append(Block("fence", start - 1, last + 1, raw="\n".join(body), info="scrut"))
            body.clear()

    for n, line in enumerate(lines):
        if line.startswith("#"):
            continue
        if not line:
            end()
        elif line.startswith("  "):
            if line.startswith("  $ ") and any(x.startswith("$ ") for x in body):
                end()
            if not body:
                start = n
            last = n
            body.append(_as_scrut(line[2:]) if body and not line.startswith(("  $ ", "  > ")) and line != "  >"
                        else line[2:])
        else:
            end()
            blocks.append(Block("para", n, n + 1, raw=line, text=line))
    end()
    return blocks


def _no_yaml(text: str, path: str) -> object:
    raise ParseError("scrut's cram files hold no configuration", where=path)


def read_scrut_cram(text: str, path: str) -> Document:
    """The Document of a scrut ``.t`` file: one step per case, in one bash, in a fresh folder."""
    lines = text.replace("\r\n", "\n").split("\n")
    name = os.path.basename(path)
    title = name[:-2] if name.endswith(".t") else name
    steps = [replace(s, id=f"L{s.span.start + 2}")  # named after the `$` line, as a Markdown case after its fence
             for s in cases(_blocks(lines), path, "0", title, dict(CRAM_DEFAULTS), _no_yaml)]
    if steps:
        setup, teardown = housekeeping("0", cram=True)
        steps = [setup, *steps, teardown]
    folder = os.path.dirname(os.path.abspath(path))
    env = dict(CLEAN_ENV, TESTDIR=folder, TESTFILE=name)
    return Document(path=path, title=title, title_line=None, title_end=0,
                    phases=(Phase("0", title, 0, False, tuple(steps)),), front_matter={"env": env}, dialect="scrut")
