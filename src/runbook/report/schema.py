"""The JSON schema of ``runbook execute --json`` results, shipped inside the package.

``python -m runbook.report.schema`` prints it; ``python -m runbook.report.schema --path``
prints where the installed file is. It is a copy of docs/results.schema.json (a test
keeps the two identical).
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

NAME = "results.schema.json"


def schema_path() -> Path:
    """The installed schema file (the package is installed from a wheel or a checkout)."""
    return Path(str(files("runbook.report").joinpath(NAME)))


def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")


if __name__ == "__main__":
    sys.stdout.write(f"{schema_path()}\n" if sys.argv[1:] == ["--path"] else schema_text())
