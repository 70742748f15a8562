"""Do two runbook trees read documents the same? ``list`` and ``check`` outputs, byte for byte.

Usage: .venv/bin/python bench/same_bytes.py --baseline /tmp/base/.venv/bin/python DOC_OR_DIR...

Each interpreter (this one, and the baseline's: a virtualenv with the other tree installed)
runs ``list``, ``list --format json``, ``check``, ``check --format json`` and three selections
(``--ignore RB102``; ``--select RB1 --format json``; ``--select RB10,RB7 --ignore RB103``) on
every document in-process (click's CliRunner: standard output, standard error and exit code),
then the two dumps are compared; the differing outputs are listed. Folders give their ``*.md``
and ``*.t`` files. Nothing is run in a shell. Exit 1 when an output differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ARGS = (["list"], ["list", "--format", "json"], ["check"], ["check", "--format", "json"],
        ["check", "--ignore", "RB102"], ["check", "--select", "RB1", "--format", "json"],
        ["check", "--select", "RB10,RB7", "--ignore", "RB103"])


def _dump(out: str, docs: list[str]) -> None:
    from click.testing import CliRunner

    from runbook.cli import cli

    runner, res = CliRunner(), {}
    for doc in docs:
        for args in ARGS:
            r = runner.invoke(cli, [*args, doc])
            failed = r.exception is not None and not isinstance(r.exception, SystemExit)
            res[" ".join([*args, doc])] = [r.exit_code, r.stdout, r.stderr, repr(r.exception) if failed else ""]
    Path(out).write_text(json.dumps(res), encoding="utf-8")


def _documents(paths: list[str]) -> list[str]:
    docs: list[str] = []
    for p in map(Path, paths):
        docs += sorted(str(f) for f in p.rglob("*") if f.suffix in (".md", ".t")) if p.is_dir() else [str(p)]
    return docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", required=True, help="the other tree's Python interpreter")
    ap.add_argument("--dump", help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    if a.dump:
        _dump(a.dump, a.paths)
        return 0
    docs = _documents(a.paths)
    with tempfile.TemporaryDirectory() as tmp:
        dumps = []
        for n, python in enumerate((sys.executable, a.baseline)):
            out = f"{tmp}/{n}.json"
            subprocess.run([python, __file__, "--baseline", "-", "--dump", out, *docs], check=True)
            dumps.append(json.loads(Path(out).read_text(encoding="utf-8")))
    new, old = dumps
    differ = sorted(k for k in old if old[k] != new.get(k))
    crashed = sorted(k for k in new if new[k][3])
    for k in differ:
        print(f"differs: {k}")
    for k in crashed:
        print(f"crashed: {k}: {new[k][3]}")
    print(f"{len(docs)} documents, {len(old)} outputs, {len(differ)} differ, {len(crashed)} crashed")
    return 1 if differ or crashed else 0


if __name__ == "__main__":
    sys.exit(main())
