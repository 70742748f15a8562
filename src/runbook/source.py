"""Own the bytes: read a document exactly, split it into lines, write atomically.

Lines are split on ``\\r\\n``, ``\\r`` and ``\\n`` only (the same rule markdown-it
uses for ``token.map``), never ``str.splitlines`` which also splits on form feeds
and other separators. Every line keeps its terminator, so ``"".join(lines)`` is
the original text and the original bytes come back with :meth:`Source.encode`.
"""

from __future__ import annotations

import codecs
import itertools
import os
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from runbook.errors import RunbookError
from runbook.lazyre import lazy

_LINE_RE = lazy(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
BOM = "\ufeff"


_OTHER_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
"""What ``str.splitlines`` splits on besides ``\\r`` and ``\\n``."""


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines that keep their terminators."""
    if _OTHER_BREAKS.search(text) is None:  # then splitlines splits as the pattern does, 3x faster
        return text.splitlines(keepends=True)
    return _LINE_RE.findall(text)


def decode(data: bytes) -> str:
    """Bytes -> text that encodes back to the same bytes (invalid UTF-8 survives)."""
    return data.decode("utf-8", errors="surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


class Source:
    """A document's text exactly as read (a slotted class, not a dataclass: nothing compares,
    hashes or replaces one, and a dataclass costs ~0.7 ms of every start-up to create)."""

    __slots__ = ("path", "text", "bom")

    def __init__(self, path: str, text: str, bom: bool) -> None:
        self.path: Final = path
        self.text: Final = text
        """The whole document, BOM excluded, terminators as in the file."""
        self.bom: Final = bom

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

    def encode_pieces(self, pieces: Iterable[str]) -> bytes:
        """:meth:`encode` of the pieces joined, encoded one by one (the same bytes: UTF-8
        and ``surrogateescape`` work character by character)."""
        return join_encoded(itertools.chain([BOM] if self.bom else [], pieces))


def join_encoded(pieces: Iterable[str]) -> bytes:
    """``encode("".join(pieces))``, each piece encoded as it comes and added to one buffer
    (``b"".join`` of a generator would hold every piece's bytes first)."""
    buf = bytearray()
    for piece in pieces:
        buf += encode(piece)
    return bytes(buf)


def strip_newline(line: str) -> str:
    """A line without its terminator."""
    return line.rstrip("\r\n")


class DocumentChanged(RunbookError):
    """The file changed on disk after it was read: writing would lose someone's edit."""


def atomic_write(path: str | os.PathLike[str], data: bytes, mode_from: str | None = None,
                 expect: bytes | None = None) -> bool:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    A symlink is followed: the file it points to is replaced, the link stays.
    An existing file keeps its mode and (where allowed) its owner and group; a
    new one takes the mode of ``mode_from`` if given, else the umask's.
    With ``expect`` (the bytes the caller read), :class:`DocumentChanged` is
    raised instead of writing when the file no longer holds them, checked once
    more just before the rename. A file that is not a regular one (``/dev/stdout``,
    a pipe) is written in place. Nothing is written when the file already holds
    ``data``. Returns True if written.
    """
    info = _stat_or_none(path)  # follows symlinks, /dev/stdout included
    if _is_special(info):
        return _write_through(path, data)
    target = Path(os.path.realpath(path))
    if _unchanged(target, info, data, expect, str(path)):
        return False
    mode = stat.S_IMODE(info.st_mode) if info is not None else _mode_of(mode_from)
    fd, tmp = temp_beside(target, path)
    try:
        _fill_and_rename(fd, tmp, target, data, mode, info, expect, str(path))
    except BaseException as exc:
        failed_write(tmp, exc, path)
        raise
    return True


def temp_beside(target: Path, path: str | os.PathLike[str]) -> tuple[int, str]:
    """A new temporary file in ``target``'s folder (its descriptor and path), for an atomic write."""
    import tempfile  # here: a run that writes no file does not import it (nor ``random``)

    try:
        return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise RunbookError(f"cannot write: {exc.strerror or exc}", where=str(path),
                           hint="check that the folder exists and is writable") from None


def failed_write(tmp: str, exc: BaseException, path: str | os.PathLike[str]) -> None:
    """Remove the temporary file of a failed write; an OSError becomes a RunbookError
    (anything else is raised again by the caller)."""
    try:
        os.unlink(tmp)
    except OSError:
        pass
    if isinstance(exc, OSError):
        raise RunbookError(
            f"cannot write: {exc.strerror or exc}", where=str(path),
            hint="check free space and permissions; the original file is untouched",
        ) from None


def _fill_and_rename(fd: int, tmp: str, target: Path, data: bytes, mode: int,
                     info: os.stat_result | None, expect: bytes | None, where: str) -> None:
    """Write ``data`` to the temporary file, give it the old file's mode and owner, and
    rename it over ``target`` unless the file changed meanwhile."""
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, mode)
    if info is not None:
        _keep_owner(tmp, info)
    if expect is not None and _read_or_none(target) != expect:
        raise DocumentChanged("changed on disk while runbook was writing it", where=where)
    os.replace(tmp, target)


def _stat_or_none(path: str | os.PathLike[str]) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _is_special(info: os.stat_result | None) -> bool:
    """A device or a pipe (``/dev/stdout``): written in place, not replaced."""
    return info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode)


def _unchanged(target: Path, info: os.stat_result | None, data: bytes, expect: bytes | None, where: str) -> bool:
    """True when the file already holds ``data``; DocumentChanged when it no longer holds
    ``expect`` (the bytes the caller read)."""
    if expect is None:
        return _holds(target, info, data)
    current = _read_or_none(target)
    if current == data:
        return True
    if current != expect:
        raise DocumentChanged("changed on disk since runbook read it", where=where)
    return False


def _holds(target: Path, info: os.stat_result | None, data: bytes) -> bool:
    """Whether the file holds exactly ``data``: compared by size, then 1 MiB at a time (a
    46 MB report is not read back whole next to the new one)."""
    if info is None or info.st_size != len(data):
        return False
    view, chunk = memoryview(data), 1 << 20
    try:
        with open(target, "rb") as fh:
            for start in range(0, len(data), chunk):
                if fh.read(chunk) != view[start:start + chunk]:
                    return False
            return fh.read(1) == b""
    except OSError:
        return False


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _mode_of(mode_from: str | None) -> int:
    """Mode of ``mode_from`` if it exists, else what a new file gets under the umask."""
    if mode_from:
        try:
            return stat.S_IMODE(os.stat(mode_from).st_mode)
        except OSError:
            pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _keep_owner(tmp: str, info: os.stat_result) -> None:
    """Give the new file the old one's owner and group, as far as this user may."""
    if (info.st_uid, info.st_gid) == (os.geteuid(), os.getegid()):
        return
    for uid in (info.st_uid, -1):
        try:
            os.chown(tmp, uid, info.st_gid)
            return
        except OSError:
            continue


def _write_through(path: str | os.PathLike[str], data: bytes) -> bool:
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise RunbookError(f"cannot write: {exc.strerror or exc}", where=str(path)) from None
    return True


def check_writable(path: str | os.PathLike[str], option: str, append: bool = False) -> None:
    """Raise a usage error now if ``path`` could not be written later (checked before a run).

    The folder must exist and take a new file (probed with a temporary file,
    which also catches read-only mounts and /proc, where root's permission
    bits say nothing); the path must not be a directory.
    """
    where = f"{option} {path}"
    info = _stat_or_none(path)
    if _is_special(info):
        if not os.access(path, os.W_OK):  # a device or a pipe (/dev/stdout): written through
            raise RunbookError("cannot write to it", where=where)
        return
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise RunbookError("is a directory, not a file", where=where, hint="name a file inside it")
    _check_folder(target.parent, where)
    if append and info is not None:
        try:
            with open(target, "ab"):
                pass
        except OSError as exc:
            raise RunbookError(f"cannot append to it: {exc.strerror}", where=where) from None
        return
    import tempfile

    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".probe", dir=target.parent)
    except OSError as exc:
        raise RunbookError(f"cannot create a file in {target.parent}: {exc.strerror or exc}", where=where,
                           hint="pick a writable folder") from None
    os.close(fd)
    os.unlink(probe)


def _check_folder(folder: Path, where: str) -> None:
    """The folder a file is to be written in must exist and be a folder."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise RunbookError(f"the folder {folder} does not exist", where=where,
                           hint="create it first (mkdir -p), or pick another path") from None
    except NotADirectoryError:
        raise RunbookError("a part of the path is a regular file, not a folder", where=where) from None
    except OSError as exc:
        raise RunbookError(f"cannot use the folder: {exc.strerror}", where=where) from None
    if not stat.S_ISDIR(info.st_mode):
        raise RunbookError(f"{folder} is a regular file, not a folder", where=where)


def check_outputs(files: Sequence[tuple[str, str | None]],
                  appended: Sequence[tuple[str, str | None]] = (), protect: Sequence[str] = ()) -> None:
    """:func:`check_writable` for each ``(option, path)`` given (``-``: stdout, skipped).

    No output may be one of the ``protect`` files (the document, the results read).
    """
    for option, path in [*files, *appended]:
        for kept in protect:
            if path and path != "-" and _same_file(path, kept):
                raise RunbookError(f"is {kept}, which runbook reads: writing there would overwrite it",
                                   where=f"{option} {path}", hint="pick another path")
    for option, path in files:
        if path and path != "-":
            check_writable(path, option)
    for option, path in appended:
        if path:
            check_writable(path, option, append=True)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_beside_if_changed(src: Source, target: str, data: bytes, tag: str) -> str | None:
    """Write ``data`` to ``target``, unless ``target`` is ``src``'s file and it changed since it was read.

    Then the author's file is left as it is and ``data`` goes to a new file
    beside it (:func:`beside`), whose path is returned; None when written to ``target``.
    """
    same = os.path.realpath(target) == os.path.realpath(src.path) or _same_file(target, src.path)
    try:
        atomic_write(target, data, mode_from=src.path, expect=src.encode() if same else None)
        return None
    except DocumentChanged:
        other = beside(src.path, tag)
        atomic_write(other, data, mode_from=src.path)
        return other


def beside(path: str, tag: str) -> str:
    """A free path next to ``path``: ``doc.md`` -> ``doc.TAG.md`` (then ``doc.TAG.1.md``...)."""
    p = Path(path)
    suffix = p.suffix or ".md"
    stem = p.name[: len(p.name) - len(p.suffix)] if p.suffix else p.name
    for n in range(1000):
        candidate = p.with_name(f"{stem}.{tag}{'' if n == 0 else f'.{n}'}{suffix}")
        if not os.path.lexists(candidate):
            return str(candidate)
    raise RunbookError("no free file name beside it", where=path)


def _printable(err: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: an undecodable byte (a lone surrogate) is shown as ``\\xNN``."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    bad = err.object[err.start:err.end]
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else f"\\u{ord(c):04x}"
                   for c in bad), err.end


PRINTABLE = "runbook-printable"
"""Encoding error handler for everything the CLI prints or appends: never raises on text
holding bytes that were not UTF-8 (documents, output)."""
codecs.register_error(PRINTABLE, _printable)
