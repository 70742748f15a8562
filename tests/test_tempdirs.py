"""``run/tempdirs.py`` stands in for ``tempfile`` (not imported by a one-step run): its folders
must be as private and as new as ``mkdtemp``'s, in the folder ``tempfile`` would pick, or the
watchdog (which looks under ``temp_root``) would miss them after a SIGKILL."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from runbook.run.tempdirs import make_folder


def test_a_run_folder_is_new_private_and_named_by_its_prefix(tmp_path) -> None:
    made = [make_folder("runbook-logs-abc-", str(tmp_path)) for _ in range(50)]
    assert len(set(made)) == 50
    for path in made:
        assert os.path.dirname(path) == str(tmp_path) and os.path.basename(path).startswith("runbook-logs-abc-")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o700 and not os.listdir(path)


def test_a_run_folder_in_a_missing_folder_fails_as_mkdtemp_does(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        make_folder("runbook-x-", str(tmp_path / "gone"))


@pytest.mark.parametrize("tmpdir", [None, "own", "missing"])
def test_the_temp_root_is_the_folder_tempfile_would_pick(tmp_path, tmpdir) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TMPDIR", "TEMP", "TMP")}
    if tmpdir == "own":
        env["TMPDIR"] = str(tmp_path)
    elif tmpdir == "missing":
        env["TMPDIR"] = str(tmp_path / "gone")  # tempfile falls back to /tmp
    code = ("import sys; from runbook.run.tempdirs import temp_root; mine = temp_root()\n"
            "loaded = 'tempfile' in sys.modules\n"
            "import tempfile; print(mine, tempfile.gettempdir(), loaded)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    mine, theirs, loaded = done.stdout.split()
    assert mine == theirs
    assert loaded == ("False" if tmpdir is None else "True")  # the plain case asks no tempfile
