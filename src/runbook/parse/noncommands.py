"""Never run what is not a command: shell-tagged blocks that are not steps to type.

After :mod:`runbook.parse.structure` has made its steps, a shell-tagged step that is not a
``$`` transcript is skipped, with the reason, when

* its fence carries the pandoc class ``.no-copy`` (MkDocs Material: shown, never copied);
* the prose right before it says it is a file to save ("Create a file named init.sh with:",
  "save this as", "add the following to pg_hba.conf", "`entrypoint.sh` consists of:"), or the
  block is a heredoc body shown without its command (it ends at a bare ``EOF``): reason
  ``file to save: NAME``;
* no command line in it reads as shell (:mod:`runbook.parse.shellish`): a table, a log, JSON,
  a URL, a tree. Reason ``not a command: reads as <what>``.

:func:`called_commands` is the other direction: the prose before an untagged block calls it
commands ("Run:", "Execute the following", "enter:"), so a block that reads as shell is a step.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from operator import attrgetter
from typing import Sequence

from runbook.lazyre import lazy
from runbook.model import Phase, Step
from runbook.parse.blocks import Block
from runbook.parse.commands import SHELL_LANGS
from runbook.parse.shellish import heredoc_body, plain_command, reading

_FILE_NAME = (r"`?(?P<name>(?:[\w~.-]+/)*[\w.-]*\.[A-Za-z][\w]{0,9}|(?:[\w.-]+/)*(?:Dockerfile|Makefile|"
              r"Gemfile|Procfile|Vagrantfile|Jenkinsfile|Containerfile|Caddyfile|Brewfile))`?")
_SAVE = [lazy(p, re.I) for p in (
    r"\b(?:create|write|make|add|edit|put|paste)\b[^.:]*?\b(?:file|script)\b[^.:]*?"
    r"(?:\bnamed\b|\bcalled\b|\bat\b|\bin\b)?\s*" + _FILE_NAME,
    r"\bsave\b[^.:]*?\b(?:as|to|in|into)\s+(?:a\s+file\s+(?:named|called)\s+)?" + _FILE_NAME,
    r"\b(?:add|append|insert|paste)\b[^.:]*?\b(?:to|in|into)\s+(?:the\s+)?(?:file\s+)?" + _FILE_NAME,
    r"\b(?:replace|update|change|set)\s+the\s+contents?\s+of\s+" + _FILE_NAME,
    _FILE_NAME + r"\s+(?:file\s+)?(?:consists\s+of|contains|should\s+(?:look\s+like|contain))\b",
    r"\bcontents?\s+(?:of|for)\s+(?:the\s+)?(?:file\s+)?" + _FILE_NAME,
)]
_RUN_WORDS = lazy(r"\b(?:run|running|execute|executing|enter|type|invoke|issue)\b|\bcommands?\b|"
                        r"\b(?:in|on|from)\s+(?:a|the|your)\s+(?:terminal|shell|console)\b", re.I)

_SHOWS_OUTPUT = lazy(
    r"\b(?:logging|logs?|prints?|shows?|returns?|reports?|receive|get|see)\s+the\s+following\s+(?:\w+\s+)?"
    r"(?:errors?|messages?|warnings?|output|log\s+lines?|lines?)\b|"
    r"\bthe\s+following\s+(?:\w+\s+)?(?:errors?|messages?|warnings?|output|log\s+lines?)\s+"
    r"(?:is|are|will\s+be|appears?|shows?)\b|\bthe\s+following\s+(?:will\s+be|is|gets?)\s+logged\b", re.I)
"""Prose that says the next block is what a program logs or prints, not something to type."""

_ELSEWHERE = lazy(r"\b(?:at|in)\s+the\s+[\w\s-]*?\bprompt\b|\binside\b|\b(?:in|into)\s+(?:the|a|your)\s+"
                        r"(?:container|pod|vm|guest|client|console\s+of)\b", re.I)
"""Prose that puts the commands in another context (a client's prompt, a container)."""


_SENTENCE_GAP = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*])")


def _last_sentence(prose: str) -> str:
    parts = _SENTENCE_GAP.split(" ".join(prose.split()))
    return parts[-1] if parts else ""


def file_to_save(prose: str) -> str | None:
    """The file name when ``prose`` introduces a file to save, else None."""
    sentence = _last_sentence(prose)
    if not sentence.rstrip("*_ ").endswith(":") and "following" not in sentence.lower():
        return None
    for pattern in _SAVE:
        m = pattern.search(sentence)
        if m:
            return m.group("name")
    return None


def called_commands(prose: str) -> bool:
    """``prose`` (the paragraph right before a block) calls that block commands to type."""
    sentence = _last_sentence(prose)
    if not sentence.rstrip("*_ ").endswith(":") or file_to_save(prose) is not None \
            or _ELSEWHERE.search(sentence):
        return False
    return _RUN_WORDS.search(sentence) is not None or sentence.rstrip("*_ ").lower().endswith(" with:")


def untagged_step(prose: str, content: str) -> bool:
    """An untagged block of plain commands that the prose before calls commands."""
    return called_commands(prose) and reading(content.split("\n")).is_shell


def _prose(b: Block) -> str:
    if b.kind in ("para", "heading"):
        return b.text or b.raw
    if b.kind == "list" and b.items:
        return b.items[-1][0]
    return ""


_START, _END = attrgetter("start"), attrgetter("end")


class _Before:
    """The paragraph, heading or last list item right before a line (one sort, then bisection)."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        # by (end, -start): two stable sorts on C-level keys (the later one decides, the earlier
        # breaks its ties), each linear on blocks already in reading order
        self.blocks = sorted([b for b in blocks if b.kind != "html"], key=_START, reverse=True)
        self.blocks.sort(key=_END)
        self.ends = list(map(_END, self.blocks))

    def prose(self, start: int) -> str:
        i = bisect_right(self.ends, start)
        return _prose(self.blocks[i - 1]) if i else ""


def not_a_command(step: Step, prose: str) -> str | None:
    """Why ``step`` must not run although its block is shell-tagged; None when it may."""
    if step.attrs and "no-copy" in step.attrs.get("class", "").split():
        return "shown, not run (class .no-copy)"
    if step.transcript or step.lang not in SHELL_LANGS:
        return None
    cmds = step.commands
    text = cmds[0].text if len(cmds) == 1 else "\n".join(c.text for c in cmds)
    name = file_to_save(prose) if prose else None
    if name is not None:
        return f"file to save: {name}"
    if not plain_command(text):  # plain command lines are neither a heredoc body nor output
        lines = text.split("\n")
        if heredoc_body(lines):
            return "file to save: a heredoc body shown without its command"
        r = reading(lines)
        if r.output_like:
            return f"not a command: reads as {r.reason}"
    if prose and _SHOWS_OUTPUT.search(_last_sentence(prose) or prose) and not _RUN_WORDS.search(_last_sentence(prose)):
        return "not a command: the prose before calls it output"
    return None


def with_non_commands(phases: Sequence[Phase], blocks: Sequence[Block]) -> tuple[Phase, ...]:
    """``phases`` with every step that is not a command skipped, with the reason."""
    before, out = _Before(blocks), []
    for p in phases:
        steps = []
        for s in p.steps:
            why = None if s.skip_reason else not_a_command(s, before.prose(s.span.start))
            steps.append(replace(s, skip_reason=why) if why else s)
        out.append(replace(p, steps=tuple(steps)))
    return tuple(out)


def output_like(lang: str, content: str) -> bool:
    """A shell-tagged block none of whose command lines reads as shell: sample output."""
    return lang in SHELL_LANGS and not plain_command(content) and reading(content.split("\n")).output_like
