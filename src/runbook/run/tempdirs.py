"""Temp folders without :mod:`tempfile`, which imports ``random`` (~1.5 ms of every start-up)
for names that ``os.urandom`` gives as well.

:func:`make_folder` is ``tempfile.mkdtemp(prefix=..., dir=...)``: a new folder, mode 0700,
its name the prefix and a random suffix, never one that exists. :func:`temp_root` is
``tempfile.gettempdir()`` when that answer is plain (no ``TMPDIR``, ``TEMP`` or ``TMP``
set, ``/tmp`` a writable folder, ``tempfile`` not already loaded, where someone may have set
``tempfile.tempdir``); else it asks ``tempfile`` itself.
"""

from __future__ import annotations

import errno
import os
import sys


def temp_root() -> str:
    """The usual temporary folder, as ``tempfile.gettempdir()`` names it."""
    loaded = sys.modules.get("tempfile")
    if loaded is None and not any(os.environ.get(v) for v in ("TMPDIR", "TEMP", "TMP")) \
            and os.path.isdir("/tmp") and os.access("/tmp", os.W_OK | os.X_OK):
        return "/tmp"
    import tempfile

    return tempfile.gettempdir()


def make_folder(prefix: str, parent: str | None = None) -> str:
    """A new folder ``PARENT/PREFIX<random>`` (mode 0700), its path; ``parent`` defaults to
    :func:`temp_root`. ``OSError`` as ``os.mkdir`` raises it (no such parent, no room)."""
    parent = temp_root() if parent is None else parent
    for _ in range(100):
        path = os.path.join(parent, prefix + os.urandom(6).hex())
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(errno.EEXIST, "no unused temporary folder name found", parent)
