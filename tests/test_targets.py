"""Targets: the same playbook through ssh (a real sshd on loopback), dash and zsh."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

DOC = """# Target

### S1. state

```bash
export KEEP=kept-value
cd /tmp
mkdir -p runbook-target-check
```

### S2. state carries over

```bash
echo "$KEEP in $(pwd)"
```

Expected output:

```text
kept-value in /tmp
```

### S3. exit status is seen

```bash exit=4
sh -c 'exit 4'
```

### S4. output contains

```bash
printf 'alpha\\nbeta\\n'
```

PASS if: output contains `beta` and output has 2 lines.
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory):
    """A private sshd on 127.0.0.1 with its own host key, accepting one generated client key."""
    sshd_bin = shutil.which("sshd") or "/usr/sbin/sshd"
    if not os.path.exists(sshd_bin) or not shutil.which("ssh"):
        pytest.fail("sshd/ssh not installed: run `bash scripts/system-deps.sh` (apt-get install openssh-server)")
    d = tmp_path_factory.mktemp("sshd")
    for key in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / key)], check=True)
    port = _free_port()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host'}\nAuthorizedKeysFile {d / 'client.pub'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        "PermitRootLogin prohibit-password\nStrictModes no\nLogLevel ERROR\n"
        f"PidFile {d / 'sshd.pid'}\n")
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", exist_ok=True)
    proc = subprocess.Popen([sshd_bin, "-D", "-f", str(d / "sshd_config"), "-E", str(d / "sshd.log")])
    ssh = (f"ssh -tt -i {d / 'client'} -p {port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
           f"-o BatchMode=yes -o LogLevel=ERROR {getpass.getuser()}@127.0.0.1")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        probe = subprocess.run(ssh.replace("-tt ", "").split() + ["true"], capture_output=True)
        if probe.returncode == 0:
            break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("sshd did not accept a connection: " + (d / "sshd.log").read_text())
    yield ssh
    proc.terminate()
    proc.wait(timeout=5)


def _run(doc: Path, shell: str) -> tuple[int, dict]:
    out = doc.with_suffix(".json")
    res = CliRunner().invoke(cli, ["execute", str(doc), "--shell", shell, "--json", str(out), "--no-color",
                                   "--timeout", "20"], catch_exceptions=False)
    assert out.exists(), res.output
    return res.exit_code, json.loads(out.read_text())


def _assert_all_pass(code: int, data: dict) -> None:
    statuses = {s["id"]: (s["status"], s["reason"], s["output"]) for s in data["steps"]}
    assert all(v[0] == "pass" for v in statuses.values()), statuses
    assert code == 0


def test_ssh_target_runs_the_playbook_remotely(sshd, write_doc):
    doc = write_doc(DOC)
    code, data = _run(doc, sshd + " bash --norc --noprofile")
    _assert_all_pass(code, data)


def test_dash_as_the_shell(write_doc):
    if not shutil.which("dash"):
        pytest.fail("dash not installed: apt-get install dash")
    code, data = _run(write_doc(DOC), "dash")
    _assert_all_pass(code, data)


def test_zsh_as_the_shell(write_doc):
    if not shutil.which("zsh"):
        pytest.fail("zsh not installed: run `bash scripts/system-deps.sh` (apt-get install zsh)")
    code, data = _run(write_doc(DOC), "zsh -f")
    _assert_all_pass(code, data)
