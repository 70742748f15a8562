"""The manifest of an evidence bundle: the sha256 of every file, and its check.

``MANIFEST.sha256`` lists one ``<sha256>  <relative path>`` line per file (the format
``sha256sum -c`` reads), sorted by path; the manifest itself is not listed.
:func:`verify` reports every file that differs, is missing or is not listed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

MANIFEST = "MANIFEST.sha256"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(root: Path) -> list[str]:
    out = []
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            rel = (Path(dirpath) / n).relative_to(root).as_posix()
            if rel != MANIFEST:
                out.append(rel)
    return sorted(out)


def write_manifest(root: str) -> str:
    """Write ``MANIFEST.sha256`` for every file under ``root``; returns its path."""
    base = Path(root)
    text = "".join(f"{_digest(base / rel)}  {rel}\n" for rel in _files(base))
    path = base / MANIFEST
    path.write_text(text, encoding="utf-8")
    return str(path)


def verify(root: str) -> list[str]:
    """Problems found, one line each (``[]``: every file is as the manifest says)."""
    base = Path(root)
    try:
        lines = (base / MANIFEST).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        return [f"{base / MANIFEST}: cannot read the manifest ({exc.strerror or exc})"]
    listed: dict[str, str] = {}
    problems = []
    for n, line in enumerate(lines, 1):
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64:
            problems.append(f"{base / MANIFEST}:{n}: not a `<sha256>  <path>` line")
            continue
        listed[rel] = digest
    for rel, digest in sorted(listed.items()):
        path = base / rel
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif _digest(path) != digest:
            problems.append(f"{path}: differs from the manifest (sha256 {digest[:12]}...)")
    problems += [f"{base / rel}: not in the manifest" for rel in _files(base) if rel not in listed]
    return problems
