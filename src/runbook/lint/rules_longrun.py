"""Lint rules about commands that do not return (RB801) and commands typed into another
context (RB802), from the parser's shell-word view (:mod:`runbook.parse.longrun`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from runbook.lint.codes import Finding
from runbook.parse.foreground import step_long_run

if TYPE_CHECKING:
    from runbook.lint.codes import Context

_AUTHOR_KEYS = ("background", "interactive", "timeout", "skip", "norun")


def longrun_rules(ctx: Context) -> list[Finding]:
    return list(_not_returning(ctx)) + list(_other_context(ctx))


def _col(ctx: Context, line: int) -> int:
    text = ctx.lines[line] if line < len(ctx.lines) else ""
    return len(text) - len(text.lstrip()) + 1


def _not_returning(ctx: Context) -> Iterator[Finding]:
    for s in ctx.doc.steps:
        if (s.attrs and any(k in s.attrs and s.attrs[k] != "auto" for k in _AUTHOR_KEYS)) or s.dialog:
            continue
        if s.options.timeout_s is not None:
            continue
        found = step_long_run(s)
        if found is None or found[1].context is not None:
            continue
        line, why = found
        done = ("runbook runs it in the background, as the prose sends the reader to another terminal"
                if s.attrs.get("background") == "auto" else "runbook skips it")
        yield Finding(ctx.path, line + 1, _col(ctx, line), "RB801",
                      f"command does not return: {why.why}; {done}",
                      "mark the step `background` (a later step talks to it) or give it `timeout=`")


def _other_context(ctx: Context) -> Iterator[Finding]:
    for s in ctx.doc.steps:
        reason = s.skip_reason or ""
        if not reason.startswith("runs inside "):
            continue
        first = s.commands[0].line if s.commands else s.span.start
        yield Finding(ctx.path, first + 1, _col(ctx, first), "RB802",
                      f"meant for another context: {reason.split(':', 1)[0]}; runbook skips it",
                      "give runbook a way in (front matter `shell:`), or mark it `skip` if it is only shown")
