"""The scrut cases judged only once they have run: ``mode: jsonschema`` and ``interpolated: true``.

From scrut's source (``src/testcase.rs``, ``src/interpolation.rs``, ``src/parsers/line_parser.rs``,
``src/executors/bash_runner.template``):

* ``mode: jsonschema``: the lines after the command (but an ``[N]`` line) are a JSON Schema
  written in YAML; the case's compared output, trimmed, must parse as JSON and validate
  against it (Rust ``jsonschema`` 0.17: the ``$schema`` draft, else draft 7). runbook judges
  it with the ``jsonschema`` package (``judge/json_schema.py``) only where both agree: a
  schema whose YAML reads the same in YAML 1.1 (PyYAML) as in 1.2 (scrut's serde_yaml), that
  names drafts 4, 6 or 7 or none, and uses no ``format``, ``content*``, remote ``$ref`` nor a
  ``pattern`` beyond the syntax Python's and Rust's regexes share. Any other case is skipped,
  saying why.
* ``interpolated: true``: after the case ran, each expectation's expression has its ``$VAR``
  / ``${VAR}`` filled from the case's exported environment (``$$`` is ``$``), then is made
  again with its kind (``scrut.interpolated_regex``).

Both carry a MANUAL clause at parse time (a run that did not judge them can never pass them);
``run/scrut_cases.py`` judges them after the case and replaces it.
"""

from __future__ import annotations

import json
import re
from typing import Sequence

from runbook.errors import ParseError
from runbook.model import Clause, ClauseKind
from runbook.parse.dialects.scrut_config import YamlLoader

SCHEMA, EXPECTED, EXIT = "scrut-jsonschema", "scrut-expected", "scrut-exit"
"""The step attributes the run reads: the schema (JSON), the expectation lines, the exit code."""

DRAFTS = frozenset(f"http://json-schema.org/draft-0{n}/schema{end}" for n in (4, 6, 7) for end in ("#", ""))

_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
_YAML11 = re.compile(r"(?<![\w.:/-])(?:(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)(?![\w./-])|<<|[-+]?(?:0[0-7]+"
                     r"|0b[01_]+|[0-9][0-9_]*_[0-9_]*|[0-9]+[eE][-+]?[0-9]+|[0-9]+(?::[0-5]?[0-9])+)(?![\w.:/-]))")
"""Plain scalars YAML 1.1 and 1.2 read differently (booleans, octal, binary, ``1_000``, ``1e3``,
sexagesimal numbers, merge keys): in a schema, such a case is not judged."""
_SAFE_PATTERN = re.compile(r"(?:[A-Za-z0-9 _\-^$.*+?()\[\]{}|,:/@#=!<>%&~']|\\[dDwWsSbB.\-\\/()\[\]{}+*?^$|nt])*")


def _yaml_differs(source: str) -> bool:
    for line in source.split("\n"):
        line = re.sub(r"(?:^|\s)#.*", "", _QUOTED.sub('""', line))
        if _YAML11.search(line):
            return True
    return False


def _walk(node: object) -> list[tuple[str, object]]:
    """Every ``(key, value)`` of every mapping in ``node``."""
    found: list[tuple[str, object]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found += [(str(k), v) for k, v in item.items()]
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item
    return found


def _json_only(node: object) -> bool:
    if isinstance(node, dict):
        return all(isinstance(k, str) and _json_only(v) for k, v in node.items())
    if isinstance(node, list):
        return all(_json_only(v) for v in node)
    return node is None or isinstance(node, (str, int, float, bool))


def unjudged(schema: object, source: str) -> str | None:
    """Why runbook cannot judge a case with this schema exactly as scrut does (None: it can)."""
    if _yaml_differs(source):
        return "the schema holds YAML that YAML 1.1 and 1.2 read differently"
    if not isinstance(schema, (dict, bool)) or not _json_only(schema):
        return "the schema is not a JSON Schema object"
    for key, value in _walk(schema):
        if key == "$schema" and value not in DRAFTS:
            return f"the schema names {value!r}, not draft 4, 6 or 7"
        if key in ("format", "contentEncoding", "contentMediaType"):
            return f"`{key}` is checked differently by scrut's validator"
        if key == "$ref" and not str(value).startswith("#"):
            return "the schema refers to another document"
        patterns = [value] if key == "pattern" else list(value) if key == "patternProperties" and isinstance(
            value, dict) else []
        if any(not isinstance(p, str) or not _SAFE_PATTERN.fullmatch(p) for p in patterns):
            return "a `pattern` whose syntax Python's and Rust's regexes may read differently"
    return None


def run_judged(cfg: dict[str, object], expected: Sequence[str], want: int, path: str,
               load: YamlLoader) -> tuple[dict[str, str], Clause | None, str | None]:
    """(step attributes, the clause standing for the judgement, why the case is skipped) of a
    case judged after it runs; ``({}, None, None)`` for every other case."""
    if cfg.get("mode") == "jsonschema":
        source = "\n".join(expected)
        try:
            schema = load(source, path)
        except ParseError:
            return {}, None, "scrut: the case's JSON Schema is not YAML runbook can read"
        why = unjudged(schema, source)
        if why:
            return {}, None, f"scrut: mode: jsonschema is not judged here: {why} (docs/dialects.md)"
        clause = Clause("output validates against the case's JSON Schema (scrut mode: jsonschema)", ClauseKind.MANUAL)
        return {SCHEMA: json.dumps(schema), EXIT: str(want)}, clause, None
    if cfg.get("interpolated") is True and any("$" in x for x in expected):
        clause = Clause("output matches the scrut expectations, $VARs interpolated", ClauseKind.MANUAL)
        return {EXPECTED: "\n".join(expected), EXIT: str(want)}, clause, None
    return {}, None, None
