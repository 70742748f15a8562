"""What a step block runs: its language class, its commands and their expected output.

Pure: takes a fence's language, attributes and content lines, returns
:class:`~runbook.model.Command` objects. A ``$`` transcript gives one Command per
prompt with the output shown under it (see :mod:`runbook.parse.transcript`); any other
block is one Command, and its ``# Expected output: ...`` comments become
contains-checks (spec §2, expected output rule 5).
"""

from __future__ import annotations

import re
from typing import Mapping

from runbook.errors import ParseError
from runbook.model import Command, Criterion, Expected, MatchMode, Span
from runbook.parse.labels import comment_check
from runbook.parse.transcript import is_transcript, split_transcript
from runbook.parse.volatile import is_volatile

SHELL_LANGS = frozenset({
    "bash", "sh", "shell", "zsh", "console", "shell-session", "shellsession", "terminal",
})
"""Fence languages that are steps."""
OTHER_PLATFORM = frozenset({"powershell", "pwsh", "cmd", "bat", "batch", "ps1"})
"""Steps for another platform: reported ``skip`` on Linux."""
OUTPUT_LANGS = frozenset({"output", "expected"})
ADJACENT_LANGS = frozenset({"text", "txt", "plaintext", "output", ""})
"""Blocks read as output when they follow a step with only blank lines between."""
DIALOG_LANGS = frozenset({"expect"})
"""``prompt-regex => reply`` blocks answering an interactive step's prompts (spec §4)."""


def transcript_shaped(lang: str, lines: list[str], attrs: Mapping[str, str]) -> bool:
    """A shell or untagged block whose first meaningful line is a prompt."""
    return (lang in SHELL_LANGS or lang == "") and is_transcript(lines, "root" in attrs)


def is_step(lang: str, shaped: bool) -> bool:
    return lang in SHELL_LANGS or lang in OTHER_PLATFORM or (lang == "" and shaped)


def skip_reason(lang: str, attrs: Mapping[str, str]) -> str | None:
    if lang in OTHER_PLATFORM:
        return f"platform: {lang} blocks do not run on Linux"
    if "skip" in attrs:
        return "marked skip" if attrs["skip"] == "true" else f"marked skip: {attrs['skip']}"
    return None


def block_commands(lines: list[str], base: int, shaped: bool, attrs: Mapping[str, str],
                   mode: MatchMode, illustrative: bool) -> tuple[list[Command], list[Criterion]]:
    """Commands of a step block whose first content line is ``base``, plus comment checks."""
    if shaped:
        commands = []
        for e in split_transcript(lines, "root" in attrs):
            exp = e.expected()
            expected = None if exp is None else Expected(
                text=exp[0], span=Span(base + exp[1], base + exp[2]), mode=mode,
                illustrative=illustrative, volatile=is_volatile(exp[0]), origin="transcript")
            commands.append(Command(text=e.command, line=base + e.line, expected=expected))
        return commands, []
    checks = [c for j, line in enumerate(lines) if (c := comment_check(line, base + j)) is not None]
    return [Command(text="\n".join(lines), line=base, expected=comment_expected(checks))], checks


def comment_expected(checks: list[Criterion]) -> Expected | None:
    """What ``# Expected output: ...`` comments in a block show, as the block's expected output.

    Illustrative and never compared (``match=ignore``): the comments' own ``output
    contains`` checks judge the step; this records where the author wrote the output.
    """
    if not checks:
        return None
    text = "\n".join(c.clauses[0].value or c.text for c in checks)
    return Expected(text=text, span=Span(checks[0].line, checks[0].line + 1), mode=MatchMode.IGNORE,
                    illustrative=True, origin="comment")


def parse_dialog(lines: list[str], base: int, path: str) -> tuple[tuple[str, str], ...]:
    """``prompt-regex => reply`` lines of an ``expect`` block (blank and ``#`` lines skipped)."""
    pairs: list[tuple[str, str]] = []
    for j, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        prompt, sep, reply = line.partition(" => ")
        where = f"{path}:{base + j + 1}"
        if not sep or not prompt.strip():
            raise ParseError("dialog line is not 'prompt-regex => reply'", where=where,
                             hint="write e.g.  Password: => s3cret  (one prompt per line)")
        try:
            re.compile(prompt.strip())
        except re.error as exc:
            raise ParseError(f"invalid prompt regex {prompt.strip()!r}: {exc}", where=where,
                             hint="escape regex characters such as ( ) [ ] ? with a backslash") from None
        pairs.append((prompt.strip(), reply.strip()))
    return tuple(pairs)
