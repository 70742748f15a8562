"""Steps that cannot change a shell variable: their secret query may be skipped.

After every step the shell lists the variable names that may be secret (``compgen``, ~90 µs
of bash a step, a third of what runbook costs bash per step), so that a secret set by the
step is masked before its output is judged or shown. A step made only of commands that run
outside the shell, or of ``echo``/``true``/``false``/``:``, each with literal words only
(unquoted, single-quoted, or double-quoted without ``$``, a backquote, ``\\`` or ``!``),
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

from runbook.lazyre import lazy

#: What bash reads literally: unquoted characters it neither expands, globs nor treats as an
#: operator; single-quoted text; double-quoted text without ``$``, a backquote, ``\`` or ``!``.
_LITERAL = r"""(?:[A-Za-z0-9_./,:=+%@-]|'[^'\n]*'|"[^"$`\\!\n]*")+"""
#: A separator of the commands of one line, or a literal word.
_TOKEN = lazy(rf" *(?:(;|&&|\|\|)|({_LITERAL}))")
#: The command word of a literal command: unquoted, not an assignment.
_NAME = lazy(r"[A-Za-z0-9_./+-]+|:")
#: Builtins that only print or return a status.
INERT = frozenset({"echo", "true", "false", ":"})
#: One command of unquoted literal words (its command word first).
_ONE = re.compile(r" *([A-Za-z0-9_./+-]+|:)(?: +[A-Za-z0-9_./,:=+%@-]+)* *")


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
        return None if name in builtins and name not in INERT else (name,)
    return commands_of(text, builtins)


def commands_of(text: str, builtins: frozenset[str]) -> tuple[str, ...] | None:
    """``pure_commands`` of one line of text, command by command."""
    split = split_commands(text)
    if split is None:
        return None
    names: list[str] = []
    for words in split[0]:
        name = words[0]
        if not _NAME.fullmatch(name) or (name in builtins and name not in INERT):
            return None
        if name not in names:
            names.append(name)
    return tuple(names)


def split_commands(text: str) -> tuple[list[list[str]], list[str]] | None:
    """The words of each command of a line of literal words, and the separators between the
    commands (``;``, ``&&``, ``||``); ``None`` if the line is not only that (an empty command,
    an expansion, a redirection, a pipe, ``&``, a comment, an unclosed quote)."""
    commands: list[list[str]] = [[]]
    separators: list[str] = []
    pos = 0
    while (m := _TOKEN.match(text, pos)) is not None and m.end() > pos:
        pos = m.end()
        if m.group(1):
            if not commands[-1]:
                return None
            separators.append(m.group(1))
            commands.append([])
        else:
            commands[-1].append(m.group(2))
    if text[pos:].strip(" ") or not commands[-1]:
        return None
    return commands, separators


def errexit_list(text: str) -> str | None:
    """What runs a pure step's line so that, as under errexit, its first failure ends it with
    its status: commands joined by ``;`` only are joined by ``&&``; without a ``;`` between
    commands the line as it is (in an ``&&``/``||`` list errexit ignores a failure but in the
    last command, whose status is the line's). ``None`` for both kinds of separators
    (``a && b; c`` runs ``c`` after ``a`` failed). Its words are literal: written again one
    space apart, they are the same words."""
    split = split_commands(text)
    if split is None:
        return None
    if ";" not in split[1]:
        return text
    if any(sep != ";" for sep in split[1]):
        return None
    return " && ".join(" ".join(words) for words in split[0])
