"""The ``runbook`` console script: ``--version`` answered before anything is imported.

``runbook --version`` is what scripts and CI call to see which runbook they have; loading
click for it costs ~30 ms (84 of the 101 modules it loaded). Every other command line goes
to :func:`runbook.cli.main` unchanged, which answers ``--version`` the same way too.
"""

from __future__ import annotations

import sys

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
