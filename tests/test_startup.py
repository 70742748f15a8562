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


def _console(args: list[str]) -> tuple[str, set[str]]:
    code = ("import sys; from runbook.console import main\n"
            "try:\n    rc = main()\nfinally:\n    print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
            "sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout, set(done.stderr.split())


def test_console_version_loads_not_even_click_and_says_what_click_says() -> None:
    for flag in ("--version", "-V"):
        said, loaded = _console([flag])
        assert "runbook" in loaded and "click" not in loaded and "runbook.cli" not in loaded
        clicks = subprocess.run([sys.executable, "-c", "import sys; from runbook.cli import main; "
                                 "sys.exit(main(sys.argv[1:]))", flag], capture_output=True, text=True, timeout=60)
        assert said == clicks.stdout and said.startswith("runbook ")


def test_console_passes_every_other_command_line_to_the_cli() -> None:
    said, loaded = _console(["--help"])
    assert "click" in loaded and "Usage:" in said and "execute" in said
