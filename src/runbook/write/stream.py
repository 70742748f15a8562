"""Write a big file as it is made: :func:`~runbook.source.atomic_write` without the bytes in memory.

A 50,000-step run's HTML report is a 46 MB page and its JSON results 34 MB; made whole,
each existed as text and again as bytes (~160 MB of the run's 311 MB peak). Here the
writer is given the temporary file and writes its pieces into it; the same guarantees
as :func:`~runbook.source.atomic_write` hold (a temporary file beside the target and a
rename; mode and owner kept; nothing replaced when the file already holds those bytes;
a device or a pipe written through; a partial file removed when anything fails).
"""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Callable

from runbook.errors import RunbookError
from runbook.source import (
    BOM,
    Source,
    _is_special,
    _keep_owner,
    _mode_of,
    _stat_or_none,
    encode,
    failed_write,
    temp_beside,
    join_encoded,
    write_beside_if_changed,
)

_CHUNK = 1 << 20


def write_document_pieces(src: Source, target: str, pieces: Iterable[str], tag: str) -> str | None:
    """:func:`~runbook.source.write_beside_if_changed` of the pieces joined: written as they
    come (a 50,000-step annotated document: 16 MB, held as a buffer and its copy), except
    over the document itself, where the bytes are compared with what was read first."""
    pieces = itertools.chain([BOM] if src.bom else [], pieces)
    if os.path.realpath(target) == os.path.realpath(src.path) or _same_file(target, src.path):
        return write_beside_if_changed(src, target, join_encoded(pieces), tag)
    atomic_write_stream(target, lambda fh: write_pieces(fh, pieces), mode_from=src.path)
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def atomic_write_stream(path: str | os.PathLike[str], fill: Callable[[BinaryIO], None],
                        mode_from: str | None = None) -> bool:
    """Write what ``fill`` writes to the file it is given at ``path``; True if written
    (False: the file already held exactly those bytes and is left as it was). A new file
    takes the mode of ``mode_from`` if given, else the umask's."""
    info = _stat_or_none(path)
    if _is_special(info):
        try:
            with open(path, "wb") as fh:
                fill(fh)
        except OSError as exc:
            raise RunbookError(f"cannot write: {exc.strerror or exc}", where=str(path)) from None
        return True
    target = Path(os.path.realpath(path))
    fd, tmp = temp_beside(target, path)
    try:
        return _fill_and_rename(fd, tmp, target, fill, info, mode_from)
    except BaseException as exc:
        failed_write(tmp, exc, path)
        raise


def _fill_and_rename(fd: int, tmp: str, target: Path, fill: Callable[[BinaryIO], None],
                     info: os.stat_result | None, mode_from: str | None) -> bool:
    """Fill the temporary file; rename it over ``target`` (with its mode and owner) unless
    ``target`` already holds the same bytes (then it is removed and False returned)."""
    with os.fdopen(fd, "wb", buffering=_CHUNK) as fh:
        fill(fh)
        fh.flush()
        os.fsync(fh.fileno())
    if info is not None and _same_bytes(tmp, target, info):
        os.unlink(tmp)
        return False
    os.chmod(tmp, stat.S_IMODE(info.st_mode) if info is not None else _mode_of(mode_from))
    if info is not None:
        _keep_owner(tmp, info)
    os.replace(tmp, target)
    return True


def write_pieces(fh: BinaryIO, pieces: Iterable[str]) -> None:
    """Write each piece's :func:`~runbook.source.encode` to ``fh`` as it comes (the same
    bytes as the joined text's: UTF-8 and ``surrogateescape`` work character by character)."""
    for piece in pieces:
        fh.write(encode(piece))


def _same_bytes(tmp: str, target: Path, info: os.stat_result) -> bool:
    """Whether ``target`` holds exactly what the temporary file holds (1 MiB at a time)."""
    if os.stat(tmp).st_size != info.st_size:
        return False
    try:
        with open(tmp, "rb") as new, open(target, "rb") as old:
            while True:
                block = new.read(_CHUNK)
                if block != old.read(_CHUNK):
                    return False
                if not block:
                    return True
    except OSError:
        return False
