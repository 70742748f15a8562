"""Own the bytes: read a document exactly, split it into lines, write atomically.

Lines are split on ``\\r\\n``, ``\\r`` and ``\\n`` only (the same rule markdown-it
uses for ``token.map``), never ``str.splitlines`` which also splits on form feeds
and other separators. Every line keeps its terminator, so ``"".join(lines)`` is
the original text and the original bytes come back with :meth:`Source.encode`.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from runbook.errors import RunbookError

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
BOM = "\ufeff"


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines that keep their terminators."""
    return _LINE_RE.findall(text)


def decode(data: bytes) -> str:
    """Bytes -> text that encodes back to the same bytes (invalid UTF-8 survives)."""
    return data.decode("utf-8", errors="surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


@dataclass(frozen=True)
class Source:
    """A document's text exactly as read."""

    path: str
    text: str
    """The whole document, BOM excluded, terminators as in the file."""
    bom: bool

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<string>") -> "Source":
        text = decode(data)
        bom = text.startswith(BOM)
        return cls(path=path, text=text[1:] if bom else text, bom=bom)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> "Source":
        p = Path(path)
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise RunbookError(
                "no such file", where=str(path), hint="check the path; runbook reads Markdown files"
            ) from None
        except IsADirectoryError:
            raise RunbookError("is a directory, not a Markdown file", where=str(path)) from None
        except OSError as exc:
            raise RunbookError(f"cannot read: {exc.strerror}", where=str(path)) from None
        return cls.from_bytes(data, str(path))

    @property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    @property
    def newline(self) -> str:
        """The document's first line terminator (``\\n`` when it has none)."""
        m = re.search(r"\r\n|\r|\n", self.text)
        return m.group(0) if m else "\n"

    def encode(self, text: str | None = None) -> bytes:
        """Bytes of ``text`` (default: this document) with the BOM restored."""
        body = self.text if text is None else text
        return encode((BOM if self.bom else "") + body)


def strip_newline(line: str) -> str:
    """A line without its terminator."""
    return line.rstrip("\r\n")


def atomic_write(path: str | os.PathLike[str], data: bytes, mode_from: str | None = None) -> bool:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    Permissions are kept from the existing file, else copied from ``mode_from``.
    Nothing is written when the file already holds ``data``. Returns True if written.
    """
    target = Path(path)
    try:
        if target.read_bytes() == data:
            return False
    except OSError:
        pass
    mode: int | None = None
    for candidate in (target, Path(mode_from) if mode_from else None):
        if candidate is None:
            continue
        try:
            mode = stat.S_IMODE(candidate.stat().st_mode)
            break
        except OSError:
            continue
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise RunbookError(f"cannot write: {exc.strerror or exc}", where=str(path),
                           hint="check that the folder exists and is writable") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise RunbookError(
                f"cannot write: {exc.strerror or exc}", where=str(path),
                hint="check free space and permissions; the original file is untouched",
            ) from None
        raise
    return True
