"""Start-up cost: ``runbook --version`` loads no engine module and none of the heavy
standard or third-party modules (markdown-it, pexpect, rich, yaml, tempfile, pathlib);
the numbers (milliseconds) live in bench/README.md, this guards what is imported."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("markdown_it", "pexpect", "rich", "yaml", "psutil", "tempfile", "pathlib", "runbook.source",
         "runbook.parse", "runbook.run", "runbook.report", "runbook.model")


def _loaded_by(args: list[str]) -> set[str]:
    code = ("import sys; from runbook.cli import main\n"
            "try:\n    main(sys.argv[1:])\nfinally:\n    print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


def test_version_imports_no_engine_or_heavy_module() -> None:
    loaded = _loaded_by(["--version"])
    assert "click" in loaded  # the check sees real imports
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(HEAVY)}
