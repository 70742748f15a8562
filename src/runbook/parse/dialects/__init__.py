"""Dialects: the executable-document formats of other tools runbook recognises and reads.

A document says which tool it was written for by its own syntax (unless it is declared:
``--dialect``, front matter ``dialect:``, ``[tool.runbook] dialect``, :func:`declared_dialect`):
its file extension (cram / prysk ``.t``), its fence info strings (```` ```scrut ````,
``tesh-session=``, ``azurecli``, Runme's ``{name=… excludeFromRunAll=…}``) and its
comments (``# byexample: +skip``, ``<!-- expected_similarity=0.8 -->``, mdsh's
``<!-- BEGIN mdsh -->``). :func:`detect` names it; ``""`` is runbook's own format.
The exact rules and what each reader does are in docs/dialects.md.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Mapping, Sequence

from runbook.config import dialect_name
from runbook.errors import where
from runbook.lazyre import lazy
from runbook.model import Document, Phase
from runbook.parse.blocks import Block
from runbook.parse.dialects.cram import fence_steps, is_cram_path
from runbook.parse.dialects.cram import read_cram as read_prysk

if TYPE_CHECKING:
    from runbook.parse.dialects.scrut_config import YamlLoader

# Each dialect's reader is imported when a document of that dialect is read (start-up: a
# document in runbook's own format loads none of them; tests/test_startup.py).

__all__ = ["DIALECTS", "EMPTY_PASSES", "READ", "Declared", "empty_passes", "declared_dialect", "detect", "is_cram_path", "read_cram", "read_dialect",
           "read_t_file"]

DIALECTS = ("cram", "scrut", "tesh", "byexample", "ie", "runme", "mdsh")
"""Every dialect name :func:`detect` can return, in the order it tests them."""

READ = frozenset({"cram", "byexample", "tesh", "scrut", "ie", "runme", "mdsh"})
"""The dialects read with their own tool's rules; the others are recognised and named, but
read with runbook's (docs/dialects.md says what that misses)."""

_IE_LANGS = frozenset({"azurecli", "azurecli-interactive", "azurepowershell", "azurepowershell-interactive"})
_BYEXAMPLE = lazy(r"(?:^|[#;]|<!--)\s*byexample\s*:", re.M)
_IE_COMMENT = re.compile(r"<!--[^>]*?```variables", re.I)
"""An ``expected_similarity`` comment makes a scenario only in a document that uses none of
runbook's own expected-output forms or criteria: runbook's format reads the comment as an
expected-output label (docs/format.md §5), and its documents borrow it."""
_IE_SIMILARITY = re.compile(r"<!--\s*expected_similarity\s*=", re.I)
_RUNBOOK_OWN = lazy(r"\b(?:PASS|FAIL) if\b|^[ \t>*_]*Expected output", re.M | re.I)
_TESH_LINE = lazy(r'^[ \t]*```[^\n]*tesh-session="', re.M)
"""tesh reads ```` ``` ```` lines itself, also inside ``~~~`` fences (its README's examples)."""
_SCRUT_INCLUDE = re.compile(r"---\r?\n(?:(?!---)[^\n]*\n)*?(?:prepend|append):")
"""scrut front matter naming documents to run before / after (a document may hold no case itself)."""
_MDSH_CMD = r"(?:>[ \t]*[A-Za-z0-9/._-]*[ \t]*[$<]|![ \t]*[$<]?(?=[ \t\n]|-->))"
_MDSH = lazy(r"^<!-- (?:BEGIN|END) mdsh -->"  # its output regions, or one of its commands:
             r"|^[ \t]*(?:`{3,}|~{3,})[A-Za-z0-9/._-]*[ \t]*" + _MDSH_CMD  # ```sh > yaml $
             + r"|^(?:`{1,2}|<!--[ \t]*|\[)" + _MDSH_CMD, re.M)  # `> $ cmd`, <!-- > $ cmd -->, [> $ x](f)
_RUNME = re.compile(r"\{[^{}]*(?:excludeFromRunAll|\"id\"\s*:\s*\"01|\binteractive\s*=\s*(?:true|false)"
                    r"|\bname\s*=|\bcwd\s*=|terminalRows|closeTerminalOnSuccess|promptEnv)")


def read_cram(text: str, path: str, dialect: str = "") -> Document:
    """A ``.t`` file: scrut's when one of its lines says so (``scrut_cram.py``) or ``dialect`` is
    declared ``scrut``, else prysk's."""
    from runbook.parse.dialects.scrut_cram import is_scrut_cram, read_scrut_cram

    scrut = dialect == "scrut" or (not dialect and is_scrut_cram(text))
    return read_scrut_cram(text, path) if scrut else read_prysk(text, path)


def _lang(info: str) -> str:
    words = info.strip().split(None, 1)
    return words[0].strip("{}").lower() if words else ""


def _ie_similarity_only(langs: set[str], text: str) -> bool:
    """An ``expected_similarity`` comment in a document with none of runbook's own ways of
    giving expected output or criteria: an Innovation Engine scenario written with ``bash``
    blocks only (its own test scenarios are)."""
    return bool(_IE_SIMILARITY.search(text)) and not langs & {"output", "expected"} \
        and not _RUNBOOK_OWN.search(text)


EMPTY_PASSES = frozenset({"tesh", "byexample", "ie", "mdsh"})
"""The dialects whose tool passes a document with nothing to run in it (tesh, byexample,
``ie test``, ``mdsh --frozen``): declared, such a document exits 0 as there, not 5."""


def empty_passes(doc: Document) -> bool:
    """Whether ``doc``, with no step at all, passes: its dialect is declared and its tool
    passes an empty document. Detected or not, runbook's own rule stays: no step, exit 5."""
    return bool(doc.dialect_from) and doc.dialect in EMPTY_PASSES and not doc.steps


Declared = tuple[str, str]
"""A declared dialect: ``(name, where it was declared)``; ``runbook`` is runbook's own format."""


def read_t_file(text: str, path: str, given: Declared | None, default: Declared | None = None) -> Document:
    """A ``.t`` file (or a document declared cram's): scrut's when it says so, prysk's
    otherwise, unless ``scrut`` or ``cram`` is declared (``--dialect`` (``given``) or the
    project's setting (``default``): that tool reads it, as ``scrut test FILE.t`` or
    ``prysk FILE`` would); any other declaration leaves the file to its own syntax."""
    declared = given or default
    if declared is not None and declared[0] in ("scrut", "cram"):
        return replace(read_cram(text, path, declared[0]), dialect_from=declared[1])
    return read_cram(text, path)


def declared_dialect(front_matter: Mapping[str, object], fm_lines: Mapping[str, int], path: str,
                     dialect: Declared | None, default: Declared | None) -> Declared | None:
    """The dialect a document is declared in (``None``: :func:`detect` it): ``dialect``
    (``--dialect``), else the front matter's ``dialect:``, else ``default`` (the project's
    ``dialect``); an unknown name is a ConfigError naming where it was given."""
    if dialect is None and "dialect" in front_matter:
        line = fm_lines.get("dialect")
        dialect = (dialect_name(front_matter["dialect"], "front matter `dialect`",
                                where(path, line if line is not None else 0)), "front matter `dialect`")
    found = dialect or default
    return (dialect_name(found[0], found[1]), found[1]) if found else None


def _found(text: str, needles: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    """``pattern`` is in ``text``, each of whose matches holds one of ``needles`` (a substring
    test first: most documents hold none, and the pattern's scan of a big one is the cost)."""
    return any(n in text for n in needles) and pattern.search(text) is not None


def detect(path: str, blocks: Sequence[Block], text: str) -> str:
    """The dialect of a document (``""``: runbook's own), from its path, fence info strings and text.

    The first rule that holds wins, in :data:`DIALECTS` order, so a document is read in one
    dialect only.
    """
    if is_cram_path(path):
        from runbook.parse.dialects.scrut_cram import t_file_dialect

        return t_file_dialect(text)
    infos = {b.info for b in blocks if b.kind == "fence" and b.info.strip()}  # each distinct one once
    langs = {_lang(i) for i in infos}
    if "scrut" in langs or _SCRUT_INCLUDE.match(text):
        return "scrut"
    if langs & {"cram", "prysk"}:
        return "cram"
    if any("tesh-" in i for i in infos) or _found(text, ('tesh-session="',), _TESH_LINE):
        return "tesh"
    if _found(text, ("byexample",), _BYEXAMPLE):
        return "byexample"
    if langs & _IE_LANGS or _IE_COMMENT.search(text) or _ie_similarity_only(langs, text):
        return "ie"
    if any(_RUNME.search(i) for i in infos):
        return "runme"
    if _found(text, ("!", ">"), _MDSH):  # every mdsh marker and command has one
        return "mdsh"
    return ""


def read_dialect(doc: Document, blocks: Sequence[Block], lines: Sequence[str],
                 load_yaml: "YamlLoader" = lambda text, path: None, original: str | None = None) -> Document:
    """``doc`` read again with its dialect's rules, where runbook has them (:data:`READ`);
    ``load_yaml`` is the parser's YAML reader (scrut's configuration is YAML); ``original``
    is the text as written, runbook's result regions included (mdsh reads those as text)."""
    if doc.dialect == "byexample":
        from runbook.parse.dialects.byexample import read_byexample
        return read_byexample(doc, blocks, lines)
    if doc.dialect == "tesh":
        from runbook.parse.dialects.tesh import read_tesh
        return read_tesh(doc, blocks, lines)
    if doc.dialect == "scrut":
        from runbook.parse.dialects.scrut import read_scrut
        return read_scrut(doc, blocks, lines, load_yaml)
    if doc.dialect == "ie":
        from runbook.parse.dialects.ie import read_ie
        return read_ie(doc, blocks)
    if doc.dialect == "cram":
        return _cram_fences(doc, blocks, lines)
    if doc.dialect == "runme":
        from runbook.parse.dialects.runme import read_runme
        return read_runme(doc)
    if doc.dialect == "mdsh":
        from runbook.parse.dialects.mdsh import read_mdsh
        return read_mdsh(doc, blocks, "".join(lines) if original is None else original)
    return doc


def _cram_fences(doc: Document, blocks: Sequence[Block], lines: Sequence[str]) -> Document:
    """A Markdown document's ```` ```cram ```` / ```` ```prysk ```` fences read as cram tests;
    its other steps stay as runbook reads them."""
    by_start = {s.span.start: s for s in doc.steps}
    phases = list(doc.phases) or [Phase("0", doc.title, 0, False, ())]
    steps = {p.id: [s for s in p.steps if not (s.span.start in _cram_starts(blocks))] for p in phases}
    for b in blocks:
        if b.kind != "fence" or _lang(b.info) not in ("cram", "prysk"):
            continue
        base = by_start.get(b.start)
        phase = base.phase if base else next((p.id for p in reversed(phases) if p.line <= b.start), phases[0].id)
        prefix = re.match(r"[ \t>]*", lines[b.start]).group(0) if b.start < len(lines) else ""  # type: ignore[union-attr]
        title = base.title if base else next((p.title for p in phases if p.id == phase), doc.title)
        steps[phase] += fence_steps(b.raw, b.start + 1, base.id if base else f"L{b.start + 1}", title, phase,
                                    b.end, prefix)
    new = tuple(replace(p, steps=tuple(sorted(steps[p.id], key=lambda s: s.span.start))) for p in phases)
    return replace(doc, phases=new)


def _cram_starts(blocks: Sequence[Block]) -> set[int]:
    return {b.start for b in blocks if b.kind == "fence" and _lang(b.info) in ("cram", "prysk")}
