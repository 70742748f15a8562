"""A command's output validated against a JSON Schema: scrut's ``mode: jsonschema``, pure.

The only user of the ``jsonschema`` package (optional: ``pip install runbook-md[scrut]``);
without it such a case cannot be judged and is skipped, saying so. scrut (``src/testcase.rs``)
trims the output, parses it as JSON (serde_json) and validates it with the draft the schema's
``$schema`` names, else draft 7. Where Python's reading of the output could differ from
serde_json's (``NaN``, a lone surrogate, an integer past 64 bits, a fraction where the schema
asks for integers), the answer is ``None``: not judged.
"""

from __future__ import annotations

import json
import re

INSTALL = "the jsonschema package is not installed (pip install 'runbook-md[scrut]')"
_UNSURE = re.compile(r"\\u[dD][89abAB]|\d{19,}")


def _reject(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def validate(schema: object, text: str) -> tuple[bool | None, str]:
    """(does ``text`` validate against ``schema``? ``None``: cannot tell, and why / what was seen)."""
    try:
        import jsonschema
    except ImportError:
        return None, INSTALL
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return False, f"invalid JSON Schema: {exc.message}"
    body = text.strip()
    try:
        value = json.loads(body, parse_constant=_reject)
    except ValueError as exc:
        return False, f"command output is not valid JSON: {exc}"
    if _UNSURE.search(body) or ('"integer"' in json.dumps(schema) and re.search(r"\d[.eE]", body)):
        return None, "the output holds numbers or escapes Python's JSON reader may read unlike scrut's"
    errors = sorted(e.message for e in cls(schema).iter_errors(value))
    if errors:
        return False, "; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else "")
    return True, "the output validates against the schema"
