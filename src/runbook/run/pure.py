"""Steps that cannot change a shell variable: their secret query may be skipped.

After every step the shell lists the variable names that may be secret (``compgen``, ~90 µs
of bash a step, a third of what runbook costs bash per step), so that a secret set by the
step is masked before its output is judged or shown. A step made only of commands that run
outside the shell, or of ``echo``/``true``/``false``/``:``, each with literal words only,
cannot create, unset or change any variable of the shell. Such a step's line skips the
listing, if bash confirms right after the step what the text cannot show
(``shell_lines.pure_check``): no alias is defined, no function is named like one of its
commands, and no trap is set (a trap's code runs in the shell: a ``CHLD`` trap when an outside command
ends). The session adds what it knows: ``xtrace`` is off (``PS4`` is expanded for every
traced command, and can assign), traps are not watched.

Not covered: a builtin loaded later with ``enable -f`` under the name of an outside command
(runbook reads bash's builtins once, at start-up).
"""

from __future__ import annotations

import re

#: A literal word: nothing bash expands, quotes, globs, redirects or treats as an operator.
_WORD = re.compile(r"[A-Za-z0-9_./,:=+%@-]+")
#: The command word of a literal command: not an assignment.
_NAME = re.compile(r"[A-Za-z0-9_./+-]+|:")
#: Builtins that only print or return a status.
_INERT = frozenset({"echo", "true", "false", ":"})
#: One command of literal words (its command word first).
_ONE = re.compile(r" *([A-Za-z0-9_./+-]+|:)(?: +[A-Za-z0-9_./,:=+%@-]+)* *")
#: Separators of the commands of one line.
_SEPARATORS = re.compile(r" *(?:;|&&|\|\|) *")


def pure_commands(code: str, builtins: frozenset[str]) -> tuple[str, ...] | None:
    """The command words of ``code`` if it cannot change a variable of the shell, given that
    none of them is an alias or a function (bash checks that after the step); ``None`` if it
    may. ``builtins``: bash's builtins and keywords (``compgen -b -k``)."""
    text = code[:-1] if code.endswith("\n") else code
    if not text.strip() or "\n" in text or not builtins:
        return None
    one = _ONE.fullmatch(text)
    if one is not None:  # the usual case: one command (the same answer as ``commands_of``, faster)
        name = one.group(1)
        return None if name in builtins and name not in _INERT else (name,)
    return commands_of(text, builtins)


def commands_of(text: str, builtins: frozenset[str]) -> tuple[str, ...] | None:
    """``pure_commands`` of one line of text, command by command."""
    names: list[str] = []
    for command in _SEPARATORS.split(text.strip()):
        words = command.split(" ")
        if not all(_WORD.fullmatch(w) for w in words if w):
            return None
        name = next((w for w in words if w), "")
        if not _NAME.fullmatch(name) or (name in builtins and name not in _INERT):
            return None
        if name not in names:
            names.append(name)
    return tuple(names)


def errexit_list(text: str) -> str | None:
    """A pure step's commands joined by ``;`` only, joined by ``&&``: under errexit the
    first failure ends the step with its status, and so it does here. ``None`` when the
    text has ``&&`` or ``||`` too (errexit ignores a failure there but in the last command:
    ``a && b; c`` runs ``c`` after ``a`` failed). The words of a pure step are literal: a
    ``;`` can only be a separator."""
    if "&&" in text or "||" in text:
        return None
    return " && ".join(part.strip() for part in text.split(";"))
