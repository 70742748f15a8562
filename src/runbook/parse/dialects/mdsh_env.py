"""mdsh's ``!`` data read as variables (``env_var_line`` in ``src/parser.rs``, and
``shellexpand::env_with_context``), printed as ``export`` lines for the shell to evaluate.

Its rules, quirks included: a value is ``"…"`` or ``'…'`` (backslash escapes kept as
written), else it runs to the next space -- even one lines later -- or the line's end;
``$NAME`` / ``${NAME}`` is expanded inside quotes too; text that does not start with a
name ends the reading silently; a name without ``=`` is an error.

``python -m runbook.parse.dialects.mdsh_env`` reads the data on standard input; a line that
mdsh cannot read, or a ``$NAME`` that is set nowhere, exits 1 with mdsh's reason.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from typing import Mapping

_NAME = re.compile(r"[A-Za-z0-9_]+")
_SPACE = re.compile(r"\s+")
_DOUBLE = re.compile(r'"((?:[^\n"\\]|\\[\n"\\])*)"')
_SINGLE = re.compile(r"'((?:[^'\\]|\\['\\])*)'")
_VAR = re.compile(r"\$(?:\{(?P<braced>[^}:]*)(?::-(?P<default>[^}]*))?\}|(?P<name>[A-Za-z0-9_]+))")


def expand(value: str, known: Mapping[str, str]) -> str:
    """``$NAME`` / ``${NAME}`` / ``${NAME:-default}`` replaced, from ``known`` first, then
    the environment; a name set nowhere (and with no default) is an error, as in mdsh."""
    def one(m: re.Match[str]) -> str:
        name = m.group("braced") if m.group("braced") is not None else m.group("name")
        found = known.get(name, os.environ.get(name))
        if found is None and m.group("default") is not None:
            return m.group("default")
        if found is None:
            raise ValueError(f"expanding shell variables: ${name} is not set")
        return found
    return _VAR.sub(one, value)


def parse(data: str) -> dict[str, str]:
    """The variables ``data`` sets, in mdsh's order (``#`` lines and blank space skipped)."""
    found: dict[str, str] = {}
    at = 0
    while at < len(data):
        if data.startswith("#", at):
            eol = data.find("\n", at)
            if eol < 0:  # a last comment with no line end stops mdsh's reading, no error
                break
            at = eol + 1
            continue
        space = _SPACE.match(data, at)
        if space:
            at = space.end()
            continue
        name = _NAME.match(data, at)
        if name is None:  # mdsh's parser stops here without a word: the rest is not read
            break
        if not data.startswith("=", name.end()):
            raise ValueError(f"`!` env block: {name.group(0)!r} is not followed by `=`")
        at = name.end() + 1
        quoted = _DOUBLE.match(data, at) or _SINGLE.match(data, at)
        if quoted:  # mdsh keeps the backslashes of its escapes (nom's ``escaped``)
            raw, at = quoted.group(1), quoted.end()
        else:  # up to the next space, even lines later, else the line's end (``take_until``)
            stop = next((i for i in (data.find(" ", at), data.find("\n", at)) if i >= 0), len(data))
            raw, at = data[at:stop], stop
        at += data.startswith("\n", at)
        found[name.group(0)] = expand(raw, found)
    return found


def main() -> int:
    try:
        found = parse(sys.stdin.read())
    except ValueError as exc:
        print(f"mdsh: {exc}", file=sys.stderr)
        return 1
    for name, value in found.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
