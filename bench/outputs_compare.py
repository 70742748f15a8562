"""The outputs of one run written by two trees, compared byte for byte; and their CPU time.

Usage:
  python bench/outputs_compare.py capture DOC PICKLE [execute options...]
      run ``runbook execute DOC`` in this process (this tree) and keep what the outputs
      are made from (the run result, the document, its masked text, the resume states)
  python bench/outputs_compare.py render PICKLE DIR [REPS]
      write every output of that run into DIR with this tree (annotated document, JSON,
      JUnit, HTML, summary, state file), print the CPU time (this process and the
      writers it forked) and the wall time (min of REPS)
  python bench/outputs_compare.py corpus LIST OLD_PYTHON NEW_PYTHON WORK
      for each document path in the file LIST: capture with NEW_PYTHON, render with both,
      compare every file; prints one line a document and the counts

Both trees render the same captured run, so no normalising is needed: a duration, a
timestamp, a host name are the same values in both. ``render`` is run with each tree's
Python (``OLD/.venv/bin/python bench/outputs_compare.py render ...``): the pickle holds
only model classes, which both trees share.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

NAMES = ("a.md", "a.json", "a.xml", "a.html", "summary.md", "state.json")


def capture(doc: str, pickle_path: str, extra: list[str]) -> int:
    import runbook.outputs as outputs
    import runbook.report.state_file as state_file
    from runbook.cli import main as cli_main

    box: dict[str, Any] = {}
    real_write, real_states = outputs.write_outputs, state_file.write_states

    def write_outputs(run: Any, src: Any, original: str, document: Any, outs: Any, masker: Any, **kw: Any) -> Any:
        box["outputs"] = (run, src, original, document, masker(original))
        return real_write(run, src, original, document, outs, masker, **kw)

    def write_states(paths: Any, run: Any, doc_text: str, document: Any, states: Any, origins: Any) -> Any:
        box["states"] = (run, doc_text, document, dict(states), dict(origins))
        return real_states(paths, run, doc_text, document, states, origins)

    outputs.write_outputs, state_file.write_states = write_outputs, write_states  # type: ignore[assignment]
    work = Path(pickle_path).parent
    cli_main(["execute", doc, "-q", "--no-color", "-o", str(work / "capture.md"), *extra])
    if "outputs" not in box:
        return 3
    with open(pickle_path, "wb") as fh:
        pickle.dump(box, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


def render(pickle_path: str, out_dir: str, reps: int = 1) -> dict[str, float]:
    os.environ.pop("GITHUB_STEP_SUMMARY", None)
    from runbook.outputs import Outputs, write_outputs
    from runbook.report.state_file import write_states

    with open(pickle_path, "rb") as fh:
        box = pickle.load(fh)
    run, src, original, document, masked = box["outputs"]
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    best: dict[str, float] = {}
    for _ in range(reps):
        (d / "summary.md").unlink(missing_ok=True)
        outs = Outputs(src.path, out=str(d / "a.md"), json=str(d / "a.json"), junit=str(d / "a.xml"),
                       html=str(d / "a.html"), summary=str(d / "summary.md"))
        w0, c0 = time.perf_counter(), _cpu()
        write_outputs(run, src, original, document, outs, lambda s: masked if s is original else s)
        c1 = _cpu()
        if "states" in box:
            srun, doc_text, sdoc, states, origins = box["states"]
            write_states([str(d / "state.json")], srun, doc_text, sdoc, states, origins)
        w2, c2 = time.perf_counter(), _cpu()
        for key, value in (("outputs_cpu", c1 - c0), ("states_cpu", c2 - c1), ("cpu", c2 - c0), ("wall", w2 - w0)):
            best[key] = min(best.get(key, value), value)
    return best


def _cpu() -> float:
    """User and system time of this process and of its children waited for (a forked writer)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def corpus(list_path: str, old: str, new: str, work: str) -> int:
    docs = [line.strip() for line in Path(list_path).read_text().splitlines() if line.strip()]
    same = differ = skipped = 0
    me = os.path.abspath(__file__)
    for n, doc in enumerate(docs):
        doc = os.path.abspath(doc)
        w = Path(work) / str(n)
        w.mkdir(parents=True, exist_ok=True)
        pk = w / "run.pickle"
        try:
            cap = subprocess.run([new, me, "capture", doc, str(pk)], capture_output=True, timeout=120,
                                 cwd=os.path.dirname(os.path.abspath(doc)) or ".")
        except subprocess.TimeoutExpired:
            cap = None
        if cap is None or cap.returncode != 0 or not pk.exists():
            skipped += 1
            print(f"skip   {doc}")
            continue
        for tag, py in (("old", old), ("new", new)):
            subprocess.run([py, me, "render", str(pk), str(w / tag)], check=True, capture_output=True)
        bad = [name for name in NAMES if _read(w / "old" / name) != _read(w / "new" / name)]
        if bad:
            differ += 1
            print(f"DIFFER {doc}: {' '.join(bad)}")
        else:
            same += 1
            print(f"same   {doc}")
    print(f"documents: {len(docs)}, identical: {same}, different: {differ}, not captured: {skipped}")
    return 1 if differ else 0


def _read(p: Path) -> bytes | None:
    return p.read_bytes() if p.exists() else None


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "capture":
        sys.exit(capture(args[0], args[1], args[2:]))
    elif cmd == "render":
        times = render(args[0], args[1], int(args[2]) if len(args) > 2 else 1)
        print(" ".join(f"{k}={v:.3f}s" for k, v in times.items()))
    elif cmd == "corpus":
        sys.exit(corpus(*args))
    else:
        sys.exit(__doc__)
