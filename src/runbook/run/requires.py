"""Front matter ``requires:``: the commands and variables a document needs, checked in its
shell before anything runs (one script, so a long list costs one round trip)."""

from __future__ import annotations

from typing import Sequence

from runbook.errors import ConfigError
from runbook.lazyre import lazy
from runbook.run.protocol import Session

_VARIABLE = lazy(r"[A-Z][A-Z0-9_]*")


def check_requires(session: Session, requires: Sequence[str], where: str) -> None:
    """Raise ConfigError naming every missing command (not on PATH) and variable (unset)."""
    cmds = [r for r in requires if not _VARIABLE.fullmatch(r)]
    vars_ = [r for r in requires if _VARIABLE.fullmatch(r)]
    script = "".join(f"command -v {_sh(c)} >/dev/null 2>&1 || printf 'command %s\\n' {_sh(c)}\n" for c in cmds)
    script += "".join(f"[ -n \"${{{v}+x}}\" ] || printf 'variable %s\\n' {v}\n" for v in vars_)
    ex = session.run(script + "true\n", timeout=30, errexit=False)
    missing = [ln.split(" ", 1) for ln in ex.output.text.splitlines() if " " in ln]
    if missing:
        listed = ", ".join(f"{kind} `{name}`" for kind, name in missing)
        raise ConfigError(
            f"missing requirements: {listed}", where=where,
            hint="install the commands, set the variables (--env NAME=value or front matter env:), "
                 "or remove them from `requires:`")


def _sh(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"
