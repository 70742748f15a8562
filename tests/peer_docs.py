"""The peers' own documents (tesh's fixtures, Innovation Engine's scenarios, scrut's
selftests, prysk's tests), laid out as ``tests/peers/NAME/`` describes them.

They are third-party files and are never committed here: ``tests/peers/manifest.json``
names, for each peer, its repository, the commit and every file the tests read. They are
taken, byte for byte, from a local copy of the repository: ``RUNBOOK_PEERS/NAME`` if that
is set (a folder laid out as the repository), else the git mirror
``RUNBOOK_MIRRORS/OWNER+REPO/repo`` (default: ``../.mirror`` beside the project). tesh's
fixtures also ship in the tesh wheel the test extra installs, so they are there in CI.
Without any of these the tests that need them skip, saying so.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((ROOT / "tests" / "peers" / "manifest.json").read_text())


def _from_folder(src: Path, files: dict[str, str], dest: Path) -> bool:
    if not all((src / repo).is_file() for repo in files.values()):
        return False
    for rel, repo in files.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / repo, dest / rel)
    return True


def _from_mirror(gitdir: Path, commit: str, files: dict[str, str], dest: Path, tree: bool = False) -> bool:
    if not gitdir.is_dir():
        return False
    if tree:  # the whole repository at that commit (its documents refer to its other files)
        archive = subprocess.run(["git", f"--git-dir={gitdir}", "archive", commit], capture_output=True)
        return archive.returncode == 0 and subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout,
                                                          capture_output=True).returncode == 0
    for rel, repo in files.items():
        blob = subprocess.run(["git", f"--git-dir={gitdir}", "show", f"{commit}:{repo}"], capture_output=True)
        if blob.returncode != 0:
            return False
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(blob.stdout)
    return True


def _tesh_wheel(files: dict[str, str], dest: Path) -> bool:
    spec = importlib.util.find_spec("tesh")
    if spec is None or spec.origin is None:
        return False
    fixtures = Path(spec.origin).parent / "tests" / "fixtures"
    wanted = {rel: rel[len("fixtures/"):] for rel in files if rel.startswith("fixtures/")}
    return bool(wanted) and _from_folder(fixtures, wanted, dest)


def _build(name: str, dest: Path) -> bool:
    entry = MANIFEST[name]
    files: dict[str, str] = entry["files"]
    peers = os.environ.get("RUNBOOK_PEERS")
    if peers and (Path(peers) / name).is_dir() and entry.get("tree"):
        shutil.copytree(Path(peers) / name, dest, dirs_exist_ok=True)
        return True
    if peers and _from_folder(Path(peers) / name, files, dest):
        return True
    mirrors = Path(os.environ.get("RUNBOOK_MIRRORS", ROOT.parent / ".mirror"))
    if _from_mirror(mirrors / entry["mirror"] / "repo", entry["commit"], files, dest, entry.get("tree", False)):
        return True
    return name == "tesh" and _tesh_wheel(files, dest)


def peer_tree(name: str) -> Path:
    """The folder of ``name``'s documents (built once per checkout and commit, in the temp
    folder); a folder that does not exist when they are nowhere on this machine."""
    entry = MANIFEST[name]
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]  # one cache per checkout
    home = Path(tempfile.gettempdir()) / f"runbook-peer-docs-{os.getuid()}-{checkout}"
    listed = hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()[:8]  # a new file list: rebuilt
    dest = home / f"{name}-{entry['commit'][:12]}-{listed}"
    if dest.is_dir():
        return dest
    home.mkdir(parents=True, exist_ok=True)
    part = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=home))
    if not _build(name, part):
        shutil.rmtree(part, ignore_errors=True)
        return dest
    try:
        part.rename(dest)
    except OSError:  # another worker built it first
        shutil.rmtree(part, ignore_errors=True)
    return dest


def needs(name: str) -> pytest.MarkDecorator:
    """Skip, saying why, when ``name``'s documents are not on this machine."""
    entry = MANIFEST[name]
    return pytest.mark.skipif(
        not peer_tree(name).is_dir(),
        reason=f"{name}'s own documents are third-party files, never committed here: set RUNBOOK_PEERS to a "
               f"folder holding a checkout as {name}/ (github.com/{entry['mirror'].replace('+', '/')} at "
               f"{entry['commit'][:12]}), or RUNBOOK_MIRRORS to a folder of git mirrors")
