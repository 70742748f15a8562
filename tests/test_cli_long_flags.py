"""``cli.long_flags``: a short flag given alone is spelled by its long name before click reads
it (click's miss of it as a long option imports difflib for a "did you mean" list); the
command line means what it meant."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from runbook.cli import long_flags
from runbook.cli.execute import execute


@pytest.mark.parametrize("given, read", [
    (["doc.md", "-q", "-x", "-v"], ["doc.md", "--quiet", "--fail-fast", "--verbose"]),
    (["-o", "-q", "-q"], ["-o", "-q", "--quiet"]),  # -o's value is a path named -q
    (["--output=-q", "-q", "--json", "-v", "-v"], ["--output=-q", "--quiet", "--json", "-v", "--verbose"]),
    (["-q", "--", "-v"], ["--quiet", "--", "-v"]),  # after --, arguments
    (["-qo", "-v", "-q"], ["-qo", "-v", "-q"]),  # a cluster: -o may take -v as its value
    (["-q", "--resume", "-q"], ["--quiet", "--resume", "-q"]),  # --resume's value is optional
    (["-z", "-q"], ["-z", "-q"]),  # an unknown option: click says so, as given
    (["-", "-q"], ["-", "--quiet"]),  # - is the standard input, an argument
])
def test_only_whole_short_flags_are_spelled_long_and_only_where_the_words_are_understood(
        given: list[str], read: list[str]) -> None:
    assert long_flags(execute, given) == read


def test_a_short_flag_means_what_its_long_name_means_and_loads_no_difflib(tmp_path: Path) -> None:
    doc = tmp_path / "one.md"
    doc.write_text("# T\n\n```bash\necho step-1\n```\n\n```output\nstep-1\n```\n", encoding="utf-8")
    code = ("import sys\nfrom runbook.cli import main\n"
            "try:\n    rc = main(sys.argv[1:])\nfinally:\n    print('difflib' in sys.modules, file=sys.stderr)\n"
            "sys.exit(rc)")
    said = []
    for quiet in ("-q", "--quiet"):
        done = subprocess.run([sys.executable, "-c", code, "execute", str(doc), "--no-annotate", quiet, "--no-color"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stderr.split()[-1] == "False"
        said.append(done.stdout.replace(done.stdout.split("in ")[-1], ""))  # the time differs
    assert said[0] == said[1] and "PASSED" in said[0]
    typo = subprocess.run([sys.executable, "-m", "runbook", "execute", str(doc), "-z"], capture_output=True,
                          text=True, timeout=60)
    assert typo.returncode == 2 and "No such option '-z'" in typo.stderr
