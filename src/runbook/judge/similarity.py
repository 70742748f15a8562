"""Similarity of an output to its expected text, computed as Azure Innovation Engine computes it.

Innovation Engine (``internal/engine/common/outputs.go``) judges ``<!-- expected_similarity=0.8 -->``
with ``smetrics.JaroWinkler(expected, actual, 0.7, 4)``; when the expected block's language is
``json`` both sides are first re-encoded with their object keys sorted (``lib.OrderJsonFields``)
and compared with ``smetrics.Jaro``. The output passes when the score is at least the threshold.
These are ports of xrash/smetrics (``jaro.go``, ``jaro-winkler.go``), over UTF-8 bytes as Go
indexes strings.

A similarity clause is a ``ClauseKind.EXPECTED`` clause with ``number`` (the threshold) and
``value`` = ``"<metric>\\n<expected text>"``, metric ``jaro-winkler`` or ``jaro-json``.
"""

from __future__ import annotations

import json
import math

METRICS = ("jaro-winkler", "jaro-json")


def jaro(a: bytes, b: bytes) -> float:
    """smetrics.Jaro."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    match_range = int(max(0, math.floor(max(len(a), len(b)) / 2.0) - 1))
    ma, mb = [False] * len(a), [False] * len(b)
    matches = 0
    for i in range(len(a)):
        for j in range(max(0, i - match_range), min(len(b) - 1, i + match_range) + 1):
            if not mb[j] and a[i] == b[j]:
                ma[i] = mb[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    unaligned = j = 0
    for i in range(len(a)):
        if not ma[i]:
            continue
        while not mb[j]:
            j += 1
        unaligned += a[i] != b[j]
        j += 1
    transpositions = unaligned // 2
    return (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3.0


def jaro_winkler(a: bytes, b: bytes, boost_threshold: float = 0.7, prefix_size: int = 4) -> float:
    """smetrics.JaroWinkler."""
    j = jaro(a, b)
    if j <= boost_threshold:
        return j
    prefix = 0
    for i in range(min(len(a), prefix_size, len(b))):
        if a[i] != b[i]:
            break
        prefix += 1
    return j + 0.1 * prefix * (1.0 - j)


def _go_number(value: float) -> object:
    return int(value) if value.is_integer() and abs(value) < 1e21 else value


def ordered_json(text: str) -> str:
    """``lib.OrderJsonFields``: a JSON object re-encoded compactly with sorted keys, as Go's
    ``encoding/json`` writes a ``map[string]interface{}`` (``<``, ``>``, ``&`` escaped). Raises
    ``ValueError`` when ``text`` is not a JSON object."""
    data = json.loads(text, parse_int=float, parse_float=float)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")

    def fix(v: object) -> object:
        if isinstance(v, float):
            return _go_number(v)
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v

    out = json.dumps(fix(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return out.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def similarity(metric: str, expected: str, actual: str) -> float:
    """The score Innovation Engine gives ``actual`` against ``expected`` (ValueError: bad JSON)."""
    if metric == "jaro-json":
        return jaro(ordered_json(actual).encode(), ordered_json(expected).encode())
    return jaro_winkler(expected.encode(), actual.encode())
