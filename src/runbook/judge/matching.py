"""Expected-output matching (spec §3): ``...`` lines, in-line ``...``, `` (re)``, `` (glob)``, modes, diffs.

Both sides are normalised first (:func:`runbook.judge.normalise.normalise`). In the
default ``lines`` mode every expected line is one of:

- ``...`` (or ``…``) alone on its line: zero or more actual lines;
- a line ending in `` (re)`` or `` (regex)``: the rest is a Python regex that
  must match the whole actual line (``re.fullmatch``);
- a line ending in `` (glob)``: ``*`` is any text, ``?`` one character,
  ``\\*``, ``\\?`` and ``\\\\`` are literal; ``[`` is literal too, because real
  outputs are full of brackets (``dependabot[bot]``) and classes buy little;
- a line ending in `` (equal)`` (scrut's spelling): the rest, literally;
- a line containing ``...``: each ``...`` is any text on that line;
- anything else: the same text.

An actual line equal to the expected line as written always matches, so an
invalid regex is simply compared literally (and a note says so), and an actual
line pasted verbatim as expected output keeps matching even when it happens to
look like a pattern.

Whole-output matching treats ``...`` lines as sequence wildcards and runs in
linear time on typical inputs (greedy matching with backtracking to the last
``...``, as in glob matching, worst case O(expected x actual)). Other modes:
``exact`` compares the normalised texts, no wildcards; ``contains`` is ``lines``
with a ``...`` around every expected line; ``unordered`` pairs expected lines
with actual lines in any order (a maximum bipartite matching), a ``...`` line
allowing extra actual lines; ``ignore`` always matches.

Line patterns are read in :mod:`runbook.judge.patterns`. Diffs are ``difflib.unified_diff`` of the expected side against the actual
lines, where expected lines that matched (wildcards, ``...``) are shown with
the actual text, as cram does, so only real mismatches stand out.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from runbook.judge.normalise import normalise_lines
from runbook.judge.patterns import Pattern as _Pattern
from runbook.judge.patterns import compile_pattern as _compile, pattern_notes as _notes
from runbook.judge.patterns import line_matches  # noqa: F401  (re-exported: part of this API)
from runbook.model import MatchMode
from runbook.record import record


@record(slots=False)
class MatchResult:
    """Outcome of comparing expected output with actual output."""

    ok: bool
    diff: str | None
    """Unified diff expected vs actual (both normalised); ``None`` when ok."""
    notes: tuple[str, ...] = ()
    """Remarks about the expected text itself (an invalid regex compared literally)."""


def _sequence_match(pats: Sequence[_Pattern], actual: Sequence[str]) -> bool:
    """Glob matching over lines: ``...`` patterns absorb any run of lines."""
    i = j = 0
    star = -1
    mark = 0
    m, n = len(pats), len(actual)
    while j < n:
        if i < m and pats[i].ellipsis:
            star, mark = i, j
            i += 1
        elif i < m and pats[i].matches(actual[j]):
            i += 1
            j += 1
        elif star >= 0:
            mark += 1
            i, j = star + 1, mark
        else:
            return False
    while i < m and pats[i].ellipsis:
        i += 1
    return i == m


class Op(NamedTuple):
    """One step of an alignment of expected patterns with actual lines.

    ``match``: pattern ``i`` matched line ``j``; ``absorb``: the ``...`` pattern
    ``i`` swallowed line ``j``; ``keep``: the ``...`` pattern ``i`` ends (once per
    ``...``); ``sub``: pattern ``i`` stands where line ``j`` is but does not match
    it; ``del``: pattern ``i`` has no line; ``ins``: line ``j`` has no pattern.
    """

    kind: str
    i: int | None
    j: int | None


#: Alignments with up to this many DP cells are computed exactly.
_DP_CELLS = 150_000


def align(pats: Sequence[_Pattern], actual: Sequence[str], prefer_pairs: bool = True) -> list[Op]:
    """Align expected patterns with actual lines, fewest edits first.

    Among alignments with as few edits, ``prefer_pairs`` pairs a stale pattern
    with the actual line in its place (``sub``) rather than letting a ``...``
    swallow that line; without it a missing line is shown as just missing
    (what ``contains`` mode wants).

    Small inputs get an exact dynamic programme over (pattern, line) pairs. For
    large ones, ``difflib.SequenceMatcher`` first anchors expected lines equal to
    actual lines, then each gap between anchors gets the exact programme when
    it is small enough, or a positional pairing otherwise. Either way the cost
    stays bounded on multi-MB outputs; only the diff's prettiness degrades.
    """
    m, n = len(pats), len(actual)
    if (m + 1) * (n + 1) <= _DP_CELLS:
        return _dp(pats, actual, 0, m, 0, n, prefer_pairs)
    import difflib  # here: a run whose outputs all match never loads it

    real = [k for k, p in enumerate(pats) if not p.ellipsis]
    sm = difflib.SequenceMatcher(None, [pats[k].text for k in real], list(actual))
    anchors = [(real[a + k], b + k) for a, b, size in sm.get_matching_blocks() for k in range(size)]
    ops: list[Op] = []
    pi, pj = 0, 0
    for ai, aj in [*anchors, (m, n)]:
        if (ai - pi + 1) * (aj - pj + 1) <= _DP_CELLS:
            ops.extend(_dp(pats, actual, pi, ai, pj, aj, prefer_pairs))
        else:
            ops.extend(_positional(pats, actual, pi, ai, pj, aj))
        if ai < m:
            ops.append(Op("match", ai, aj))
        pi, pj = ai + 1, aj + 1
    return ops


def _dp(pats: Sequence[_Pattern], act: Sequence[str], i1: int, i2: int, j1: int, j2: int,
        prefer_pairs: bool = True) -> list[Op]:
    """Exact alignment of ``pats[i1:i2]`` with ``act[j1:j2]``.

    Cost of an alignment = edits x big + substitutions + 2 x lines absorbed by
    ``...`` (absorbing is free without ``prefer_pairs``), where an edit is a
    substituted, deleted or inserted line and ``big`` exceeds any tie-breaker
    sum: edits are minimised first; then a pattern that still matches a line is
    kept rather than two patterns shifted onto the wrong lines, and a stale line
    is paired with the line in its place rather than swallowed by ``...``.
    """
    m, n = i2 - i1, j2 - j1
    big = m + 2 * n + 1
    absorb, sub = (2 if prefer_pairs else 0), big + 1
    cost = _dp_costs(pats, act, i1, j1, m, n, big, absorb, sub)
    return _dp_trace(pats, act, i1, j1, m, n, cost, big, sub)


def _dp_costs(pats: Sequence[_Pattern], act: Sequence[str], i1: int, j1: int, m: int, n: int,
              big: int, absorb: int, sub: int) -> list[list[int]]:
    """``cost[i][j]``: the cheapest alignment of the patterns from ``i`` with the lines from ``j``."""
    cost = [[0] * (n + 1) for _ in range(m + 1)]
    last = cost[m]
    for j in range(n - 1, -1, -1):
        last[j] = last[j + 1] + big
    for i in range(m - 1, -1, -1):
        p, row, nxt = pats[i1 + i], cost[i], cost[i + 1]
        if p.ellipsis:
            row[n] = nxt[n]
            for j in range(n - 1, -1, -1):
                row[j] = min(nxt[j], row[j + 1] + absorb)
        else:
            row[n] = nxt[n] + big
            for j in range(n - 1, -1, -1):
                pair = nxt[j + 1] if p.matches(act[j1 + j]) else nxt[j + 1] + sub
                row[j] = min(pair, nxt[j] + big, row[j + 1] + big)
    return cost


def _ellipsis_op(cost: list[list[int]], i: int, j: int, n: int, i1: int, j1: int) -> Op:
    """At a ``...`` pattern: it ends here (``keep``) or takes line ``j`` (``absorb``)."""
    if j == n or cost[i][j] == cost[i + 1][j]:
        return Op("keep", i1 + i, None)
    return Op("absorb", i1 + i, j1 + j)


def _dp_trace(pats: Sequence[_Pattern], act: Sequence[str], i1: int, j1: int, m: int, n: int,
              cost: list[list[int]], big: int, sub: int) -> list[Op]:
    """The operations of one cheapest alignment, read off the cost table from the start."""
    ops: list[Op] = []
    i = j = 0
    while i < m or j < n:
        if i < m and pats[i1 + i].ellipsis:
            op = _ellipsis_op(cost, i, j, n, i1, j1)
            ops.append(op)
            i, j = (i + 1, j) if op.kind == "keep" else (i, j + 1)
        elif i < m and j < n and cost[i][j] == cost[i + 1][j + 1] and pats[i1 + i].matches(act[j1 + j]):
            ops.append(Op("match", i1 + i, j1 + j))
            i, j = i + 1, j + 1
        elif i < m and j < n and cost[i][j] == cost[i + 1][j + 1] + sub:
            ops.append(Op("sub", i1 + i, j1 + j))
            i, j = i + 1, j + 1
        elif i < m and cost[i][j] == cost[i + 1][j] + big:
            ops.append(Op("del", i1 + i, None))
            i += 1
        else:
            ops.append(Op("ins", None, j1 + j))
            j += 1
    return ops


def _positional(pats: Sequence[_Pattern], act: Sequence[str], i1: int, i2: int, j1: int, j2: int) -> list[Op]:
    """Cheap alignment of a huge gap: pair lines in order; ``...`` takes the surplus."""
    ops: list[Op] = []
    i, j = i1, j1
    while i < i2 or j < j2:
        if i < i2 and pats[i].ellipsis:
            needed = sum(1 for p in pats[i + 1:i2] if not p.ellipsis)
            while j2 - j > needed:
                ops.append(Op("absorb", i, j))
                j += 1
            ops.append(Op("keep", i, None))
            i += 1
        elif i < i2 and j < j2:
            ops.append(Op("match" if pats[i].matches(act[j]) else "sub", i, j))
            i, j = i + 1, j + 1
        elif i < i2:
            ops.append(Op("del", i, None))
            i += 1
        else:
            ops.append(Op("ins", None, j))
            j += 1
    return ops


def _contains_pats(pats: Sequence[_Pattern]) -> list[_Pattern]:
    """``contains`` mode is ``lines`` mode with a ``...`` around every expected line."""
    gap = _Pattern("...", True, None)
    out = [gap]
    for p in pats:
        out.extend((p, gap))
    return out


def _rendered(pats: Sequence[_Pattern], actual: Sequence[str], ops: Sequence[Op]) -> list[str]:
    """The expected side of the diff: lines that matched show the actual text (as cram does)."""
    out: list[str] = []
    for op in ops:
        if op.kind in ("match", "absorb"):
            assert op.j is not None
            out.append(actual[op.j])
        elif op.kind in ("sub", "del"):
            assert op.i is not None
            if not pats[op.i].ellipsis:
                out.append(pats[op.i].text)
    return out


def _unified(expected: Sequence[str], actual: Sequence[str]) -> str:
    import difflib

    return "\n".join(difflib.unified_diff(list(expected), list(actual), "expected", "actual", lineterm=""))


def _with_notes(diff: str, notes: Sequence[str]) -> str:
    return diff + "".join(f"\nnote: {n}" for n in notes)


#: Beyond this many lines a mismatch is shown as a bounded diff, without alignment.
BIG = 50_000
_WINDOW = 200


def _bounded_diff(expected: Sequence[str], actual: Sequence[str]) -> str:
    """A diff of huge texts: identical head and tail lines skipped, at most 200 lines a side."""
    n = min(len(expected), len(actual))
    i = 0
    while i < n and expected[i] == actual[i]:
        i += 1
    j = 0
    while j < n - i and expected[-1 - j] == actual[-1 - j]:
        j += 1
    e = list(expected[i:len(expected) - j])
    a = list(actual[i:len(actual) - j])
    more = max(len(e), len(a)) > _WINDOW
    import difflib

    body = "\n".join(difflib.unified_diff(e[:_WINDOW], a[:_WINDOW], "expected", "actual", lineterm=""))
    head = f"note: {i} identical leading lines and {j} trailing lines not shown\n" if i or j else ""
    tail = f"\nnote: diff cut after {_WINDOW} lines" if more else ""
    return head + body + tail


def _lines_mode(pats: list[_Pattern], exp: list[str], act: list[str], notes: tuple[str, ...],
                contains: bool = False) -> MatchResult:
    if _sequence_match(pats, act):
        return MatchResult(True, None, notes)
    if len(pats) > BIG or len(act) > BIG:
        return MatchResult(False, _with_notes(_bounded_diff(exp, act), notes), notes)
    rendered = _rendered(pats, act, align(pats, act, prefer_pairs=not contains))
    if rendered == act:  # cannot happen for a real mismatch; show the raw texts then
        rendered = exp
    return MatchResult(False, _with_notes(_unified(rendered, act), notes), notes)


def _unordered(pats: list[_Pattern], act: list[str], notes: tuple[str, ...]) -> MatchResult:
    """Same lines in any order; a ``...`` line allows extra actual lines."""
    allow_extra = any(p.ellipsis for p in pats)
    real = [p for p in pats if not p.ellipsis]
    pairs = _bipartite(real, act)
    taken = set(pairs.values())
    ok = len(pairs) == len(real) and (allow_extra or len(taken) == len(act))
    if ok:
        return MatchResult(True, None, notes)
    rendered = [act[pairs[k]] if k in pairs else p.text for k, p in enumerate(real)]
    ordered = [act[pairs[k]] for k in range(len(real)) if k in pairs]
    ordered += [a for j, a in enumerate(act) if j not in taken]
    return MatchResult(False, _with_notes(_unified(rendered, ordered), notes), notes)


def _bipartite(pats: Sequence[_Pattern], act: Sequence[str]) -> dict[int, int]:
    """Maximum matching expected line -> actual line (exact text first, then Kuhn's augmenting paths)."""
    free: dict[str, list[int]] = {}
    for j, a in enumerate(act):
        free.setdefault(a, []).append(j)
    pairs: dict[int, int] = {}
    rest: list[int] = []
    for k, p in enumerate(pats):
        slots = free.get(p.text)
        if slots:
            pairs[k] = slots.pop(0)
        else:
            rest.append(k)
    if not rest:
        return pairs
    left = sorted(j for slots in free.values() for j in slots)
    owner: dict[int, int] = {}
    # Augmenting paths cost O(rest x left) each; bounded to keep huge mismatches fast.
    budget = 2_000_000

    def augment(k: int, seen: set[int]) -> bool:
        nonlocal budget
        for j in left:
            budget -= 1
            if budget < 0:
                return False
            if j in seen or not pats[k].matches(act[j]):
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = k
                return True
        return False

    for k in rest:
        augment(k, set())
    pairs.update({k: j for j, k in owner.items()})
    return pairs


def match_output(expected: str, actual: str, mode: MatchMode = MatchMode.LINES) -> MatchResult:
    """Compare a step's expected output with what it printed (spec §3)."""
    if mode is MatchMode.IGNORE:
        return MatchResult(True, None)
    exp = normalise_lines(expected)
    act = normalise_lines(actual)
    if exp == act:  # every mode matches a text with itself (the usual passing step): at once
        return MatchResult(True, None, () if mode is MatchMode.EXACT else _notes(exp))
    if mode is MatchMode.EXACT:
        big = len(exp) > BIG or len(act) > BIG
        return MatchResult(False, _bounded_diff(exp, act) if big else _unified(exp, act))
    pats = [_compile(line) for line in exp]
    notes = _notes(exp)
    if mode is MatchMode.UNORDERED:
        return _unordered(pats, act, notes)
    if mode is MatchMode.CONTAINS:
        return _lines_mode(_contains_pats(pats), exp, act, notes, contains=True)
    return _lines_mode(pats, exp, act, notes)


def expected_lines_kept(expected: str, actual: str) -> str:
    """New expected text for ``runbook update``: author lines that still match are kept.

    When the whole expected output still matches, it is returned unchanged.
    Otherwise both sides are normalised and aligned by
    :func:`align` (a minimum-edit alignment in which a ``...``
    line absorbs actual lines for free, preferring to pair lines over absorbing
    them); then every author line aligned with an actual line it matches is kept
    as written (literal, in-line ``...``, `` (re)``, `` (glob)``), a ``...`` line
    is kept, and every other author line is replaced by the actual line(s)
    aligned with it. Actual lines nothing was aligned with are inserted in
    place. The result matches ``actual`` in ``lines`` mode.
    """
    exp = normalise_lines(expected)
    act = normalise_lines(actual)
    pats = [_compile(line) for line in exp]
    if _sequence_match(pats, act):
        return expected
    out: list[str] = []
    for op in align(pats, act):
        if op.kind in ("match", "keep"):
            assert op.i is not None
            out.append(exp[op.i])
        elif op.kind in ("sub", "ins"):
            assert op.j is not None
            out.append(act[op.j])
    return "\n".join(out) + ("\n" if out and expected.endswith("\n") else "")
