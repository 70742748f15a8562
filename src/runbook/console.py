"""The ``runbook`` console script: ``--version`` answered before anything is imported.

``runbook --version`` is what scripts and CI call to see which runbook they have; loading
click for it costs ~30 ms (84 of the 101 modules it loaded). Every other command line goes
to :func:`runbook.cli.main` unchanged, which answers ``--version`` the same way too; the
script itself is :func:`run`, which ends the process without the interpreter's teardown.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from runbook import __version__
from runbook.collector import starting

_VERSION_FLAGS = (["--version"], ["-V"])


def main() -> int:
    """Console entry point; returns the exit status."""
    if sys.argv[1:] in _VERSION_FLAGS:
        sys.stdout.write(f"runbook {__version__}\n")
        return 0
    starting()  # the collector nearly idle while runbook imports (runbook/collector.py)
    from runbook.cli import main as cli_main
    return cli_main()


def run() -> NoReturn:
    """The console script (and ``python -m runbook``): :func:`main`, its output flushed, then
    the process ends at once.

    When ``main`` returns, everything runbook does is done: the outputs written, flushed and
    closed, the shell and every process of the run stopped, its temporary folders removed,
    the forked writers waited for. What is left is the interpreter taking apart what the
    start-up and the run made (modules, the document, the results: 5-10 ms, more for a big
    document), which nobody waits for: ``os._exit`` skips it. A flush of standard output that
    fails ends with status 120, as Python's own exit does."""
    code = main()
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        code = code or 120
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)
