"""Shared by the v2 clause judges: the verdict triple, comparisons and how numbers are shown."""

from __future__ import annotations

Verdict = tuple[bool | None, str, str]
"""(does the clause hold? ``None``: cannot tell, what was seen, what was wanted)."""

OP_WORDS = {"==": "exactly", "!=": "other than", ">=": "at least", "<=": "at most", ">": "more than",
            "<": "under"}


def compare(left: float, op: str, right: float, upper: float | None = None) -> bool:
    """``left op right``; ``between`` is inclusive of both ends (``upper`` the top one)."""
    if op == "between":
        return right <= left <= (right if upper is None else upper)
    return {
        "==": left == right, "!=": left != right, ">=": left >= right,
        "<=": left <= right, ">": left > right, "<": left < right,
    }[op]


def fmt(number: float) -> str:
    """``3``, ``0.5``, ``612`` (no trailing ``.0``)."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def wanted(op: str, number: float, upper: float | None = None, unit: str = "") -> str:
    """``at most 200 ms``, ``between 1 and 5 %``."""
    u = f" {unit}" if unit and unit != "%" else unit
    if op == "between":
        return f"between {fmt(number)} and {fmt(upper if upper is not None else number)}{u}"
    return f"{OP_WORDS[op]} {fmt(number)}{u}"
