"""Commands meant for another shell than runbook's: a container's, a database client's.

A transcript whose prompt is ``root@redis:/data#`` or busybox's ``/ #`` shows commands typed
inside a container (after ``kubectl exec -it … -- bash`` or ``docker run -it``); a block that
starts at a ``postgres=#``, ``mysql>``, ``sqlite>`` or ``127.0.0.1:6379>`` prompt shows a
database client's commands. Run on the host they would do something else, or harm it. Such a
step is skipped with the reason "runs inside <context>", unless the document says how to reach
that context: front matter ``shell:`` makes the whole document run in the shell it names, and
then such steps run as written.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from runbook.lazyre import lazy
from runbook.model import Phase, Step
from runbook.parse.transcript import find_prompt

_CLIENT_PROMPT = lazy(
    r"^\s*(?P<p>[\w-]+=[#>]|mysql>|mariadb>|sqlite>|\d{1,3}(?:\.\d{1,3}){3}:\d+>|redis(?:-cli)?>|"
    r"[\w-]+\(main\):\d+:\d+>|>>>)\s")
_PROMPT_MARKS = frozenset("$#%>\u276f")
_CLIENTS = {"=": "psql", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite3", ">>>": "python"}


def _first_filled(lines: Sequence[str], start: int, stop: int) -> str:
    """The first line of ``lines[start:stop]`` that is not blank (``""``: none), as
    :func:`context_of` finds it in a block without a container prefix."""
    for k in range(start, min(stop, len(lines))):
        ln = lines[k].rstrip("\r\n")
        if ln.strip():
            return ln
    return ""


def context_of(step: Step, lines: Sequence[str]) -> str | None:
    """Where the step's commands must run, when that is not runbook's shell (``None``)."""
    start = step.span.start + 1
    if not step.prefix and (not _PROMPT_MARKS.intersection("".join(lines[start:step.span.end - 1]))
                            or not _PROMPT_MARKS.intersection(_first_filled(lines, start, step.span.end - 1))):
        return None  # a client's prompt and a transcript's both end in one of these (the common case):
        # none in the whole block (one test at C speed), or none in its first line that is not blank
    body = [ln.rstrip("\r\n") for ln in lines[start:max(start, step.span.end - 1)]]
    if step.prefix:
        body = [ln[len(step.prefix):] if ln.startswith(step.prefix) else ln.lstrip(" >") for ln in body]
    first = next((ln for ln in body if ln.strip()), "")
    if not _PROMPT_MARKS.intersection(first):
        return None
    m = _CLIENT_PROMPT.match(first)
    if m:
        p = m.group("p")
        client = next((v for k, v in _CLIENTS.items() if k in p), "redis-cli" if p.endswith(">") else "a client")
        return f"{client} (prompt `{p}`)"
    prompt = find_prompt(body, "root" in step.attrs)
    if prompt is None:
        return None
    if prompt.host and prompt.sign == "#":
        return f"a container or another machine as root (prompt `{prompt.literal}:…#`)"
    if prompt.literal == "/ #":
        return "a container (prompt `/ #`)"
    return None


def with_contexts(phases: Sequence[Phase], lines: Sequence[str], shell_given: bool) -> tuple[Phase, ...]:
    """``phases`` with steps meant for another shell skipped, unless the document names a shell."""
    if shell_given:
        return tuple(phases)
    out = []
    for p in phases:
        steps = []
        for s in p.steps:
            where = None if s.skip_reason else context_of(s, lines)
            steps.append(replace(s, skip_reason=f"runs inside {where}: give runbook a way in "
                                 "(front matter shell:) to run it") if where else s)
        out.append(replace(p, steps=tuple(steps)))
    return tuple(out)
