"""``runbook execute -v``: a running step's output, shown as it arrives, with secrets masked.

The runner's chunks are not masked yet, and the values of secret variables a step sets are
learned only when its command ends. So the output of a step that may set a secret (its
commands name a secret-looking or listed variable, or read variables in bulk: ``source``,
``.``, ``eval``, ``read``, ``mapfile``, ``set -a``, ``export $(...)``) is not streamed: it is
shown, masked, when the step ends. Other steps' complete lines are masked with the secrets
known so far and shown once ``HOLD`` newer lines have arrived, so a value (or its encoding)
wrapped over several lines is masked whole; the held lines follow when the step ends.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from runbook.config import SECRET_NAME_RE
from runbook.lazyre import lazy
from runbook.model import Step

HOLD = 8
"""Complete lines kept back before they are shown."""
_BULK = lazy(r"(?:^|[;&|(`\s])(?:source|\.|eval|read|mapfile|readarray|set\s+-a|export\s+\$\()(?=\s|$)",
             re.M)
_NAME = lazy(r"[A-Za-z_][A-Za-z0-9_]*")


def may_set_secret(step: Step, listed: Sequence[str] = ()) -> bool:
    """Whether ``step``'s commands could give a secret variable a value runbook learns only
    after the command (so its output must not be shown before it ends)."""
    text = "\n".join(c.text for c in step.commands)
    if _BULK.search(text):
        return True
    return any(SECRET_NAME_RE.search(name) or name in listed for name in _NAME.findall(text))


class LiveOutput:
    """The lines of one step's output that may be shown now."""

    def __init__(self, masker: Callable[[str], str]) -> None:
        self.mask = masker
        self.held = ""
        self.shown = 0

    def feed(self, chunk: str) -> list[str]:
        """Lines to show after ``chunk`` arrived (masked; the last ``HOLD`` complete lines wait)."""
        self.held += chunk.replace("\r\n", "\n")
        lines = self.held.split("\n")
        complete, rest = lines[:-1], lines[-1]
        if len(complete) <= HOLD:
            return []
        window = "\n".join(complete)
        masked = self.mask(window)
        if masked == window:
            out, keep = complete[:-HOLD], complete[-HOLD:]
        elif len(complete) >= 4 * HOLD:
            out, keep = masked.split("\n"), []
        else:
            return []
        self.held = "\n".join([*keep, rest])
        self.shown += len(out)
        return out

    def finish(self) -> list[str]:
        """The lines still held when the step ends (masked; a last unterminated line too)."""
        held, self.held = self.held, ""
        text = self.mask(held).rstrip("\n")
        return text.split("\n") if text else []
