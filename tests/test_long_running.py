"""Commands that do not return never hold a run; commands typed into another context never run
on the host; `runbook check` reports both at the right line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.lint.check import check_document
from runbook.parse.longrun import long_running
from runbook.parse.markdown import parse_document

F = "```"


@pytest.mark.parametrize("cmd", [
    "tail -f /dev/null", "tail -n 20 -F app.log", "kubectl port-forward svc/web 8080:80",
    "kubectl get pods -w", "kubectl get pods --watch", "kubectl logs -f deploy/web",
    "docker compose up", "docker-compose up --build", "npm start", "yarn run dev", "watch kubectl get pods",
    "python3 -m http.server 8000", "sudo journalctl -u kubelet -f", "ping example.com",
    "docker run -p 8080:80 nginx", "cd app && npm start", "FOO=1 npm start", "kubectl get pods -w | grep web",
    "docker stats",
])
def test_servers_and_followers_are_read_as_not_returning(cmd: str) -> None:
    found = long_running(cmd)
    assert found is not None and found.context is None


@pytest.mark.parametrize("cmd", [
    "tail -n 5 app.log", "kubectl get pods", "docker compose up -d", "npm install", "npm run build",
    "python3 -m venv .venv", "tail -f app.log &", "timeout 5 tail -f app.log", "ping -c 3 example.com",
    "docker run -d -p 8080:80 nginx", "echo 'tail -f x'", "kubectl exec -it web -- ls /", "ssh host uptime",
    "oc debug node/n1 -- chroot /host ls", "psql -c 'select 1'", "echo ping | redis-cli", "bash script.sh",
    "minikube start", "./main", "docker stats --no-stream", "psql -U postgres < dump.sql",
])
def test_commands_that_return_are_left_alone(cmd: str) -> None:
    assert long_running(cmd) is None


@pytest.mark.parametrize("cmd, where", [
    ("kubectl exec -it web-0 -- sh", "container"), ("docker exec -it web bash", "container"),
    ("docker run -it --rm ubuntu", "container"), ("ssh admin@db1", "admin@db1"),
    ("oc debug node/worker-0", "oc debug"), ("oc debug node worker-0", "oc debug"), ("oc debug node <Node-name>", "oc debug"),
    ("kubectl edit pvc data -n db", "editor"), ("oc rsh web-0", "oc rsh"), ("chroot /host", "chroot /host"),
    ("psql -U postgres", "psql"), ("redis-cli -p 7000", "redis-cli"),
])
def test_entering_commands_name_their_context(cmd: str, where: str) -> None:
    found = long_running(cmd)
    assert found is not None and found.context is not None and where in found.context


def _doc(*parts: str) -> str:
    return "# T\n\n" + "\n\n".join(parts) + "\n"


def test_a_server_followed_by_another_terminal_runs_in_the_background() -> None:
    d = parse_document(_doc(f"{F}bash\npython3 -m http.server 8000\n{F}",
                            "In a new terminal, fetch the page:", f"{F}bash\ncurl -s localhost:8000\n{F}"), "d.md")
    server, client = d.steps
    assert server.role == "background" and server.options.background and server.skip_reason is None
    assert client.skip_reason is None


def test_a_server_nothing_talks_to_runs_in_the_background_too() -> None:
    (step,) = parse_document(_doc(f"{F}bash\ntail -f /var/log/syslog\n{F}"), "d.md").steps
    assert step.skip_reason is None and step.role == "background" and step.attrs["background"] == "auto"


def test_the_authors_background_or_timeout_is_kept() -> None:
    d = parse_document(_doc(f"{F}bash timeout=5\ntail -f x.log\n{F}", f"{F}bash background\nnpm start\n{F}"), "d.md")
    bounded, served = d.steps
    assert bounded.skip_reason is None and bounded.role == "step"
    assert served.skip_reason is None and "background" in served.attrs and served.role == "background"


def test_commands_typed_inside_a_container_and_its_exit_never_run_on_the_host() -> None:
    d = parse_document(_doc(f"{F}bash\nkubectl exec -it web-0 -- sh\n{F}",
                            "Inside the container, list the data:", f"{F}bash\nls /data\n{F}",
                            "Leave the shell:", f"{F}bash\nexit\n{F}",
                            "Back on your machine:", f"{F}bash\nkubectl get pods\n{F}"), "d.md")
    enter, inside, leave, host = d.steps
    for s in (enter, inside, leave):
        assert s.skip_reason is not None and s.skip_reason.startswith("runs inside the container")
    assert "exit" in (leave.skip_reason or "")
    assert host.skip_reason is None


def test_lines_after_an_entering_command_in_the_same_block_are_not_run() -> None:
    (step,) = parse_document(_doc(f"{F}bash\ndocker run -it --rm alpine sh\napk add curl\nexit\n{F}"), "d.md").steps
    assert step.skip_reason is not None and "runs inside the container" in step.skip_reason


def test_check_reports_each_hazard_at_its_command_line() -> None:
    text = _doc(f"{F}bash\necho start\nkubectl port-forward svc/web 8080:80\n{F}",
                f"{F}bash\nssh admin@db1\n{F}")
    found = [(f.code, f.line) for f in check_document(text, "d.md") if f.code.startswith("RB8")]
    assert found == [("RB801", 5), ("RB802", 9)]


def test_check_is_silent_when_the_author_bounded_the_command() -> None:
    text = _doc(f"{F}bash timeout=3\ntail -f x.log\n{F}", f"{F}bash background\nnpm start\n{F}")
    assert not [f for f in check_document(text, "d.md") if f.code.startswith("RB8")]


def test_a_tail_f_step_does_not_wait_for_the_whole_timeout(tmp_path: Path) -> None:
    doc = tmp_path / "d.md"
    doc.write_text(_doc(f"{F}bash\ntail -f /dev/null\n{F}", f"{F}bash\necho after\n{F}\n\nPASS if: output contains `after`."),
                   encoding="utf-8")
    out = tmp_path / "r.json"
    t0 = time.monotonic()
    res = CliRunner().invoke(cli, ["execute", str(doc), "--no-annotate", "--timeout", "120",
                                   "--json", str(out), "--no-color"], catch_exceptions=False)
    elapsed = time.monotonic() - t0
    assert elapsed < 90, f"took {elapsed:.0f}s: it waited for the timeout"
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [s["status"] for s in report["steps"]] == ["pass", "pass"], res.output
    assert res.exit_code == 0, res.output
    _ = sys


def test_a_backgrounded_server_serves_the_next_step(tmp_path: Path) -> None:
    doc = tmp_path / "d.md"
    doc.write_text(_doc(f"{F}bash\npython3 -m http.server 0 --bind 127.0.0.1 2>&1 | cat > /dev/null\n{F}",
                        "In another terminal, check that it is up:",
                        f"{F}bash\necho up\n{F}\n\nPASS if: output contains `up`."), encoding="utf-8")
    out = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["execute", str(doc), "--no-annotate", "--timeout", "60",
                                   "--json", str(out), "--no-color"], catch_exceptions=False)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert "started in the background" in json.dumps(report), res.output
    assert res.exit_code == 0, res.output


def test_no_rb702_when_an_html_comment_sits_between_label_and_block() -> None:
    text = _doc(f"{F}bash\necho hi\n{F}", "Results:", "<!-- expected_similarity=0.3 -->", f"{F}output\nhi\n{F}")
    assert not [f for f in check_document(text, "d.md") if f.code == "RB702"]


def test_no_rb702_when_the_label_introduces_a_screenshot() -> None:
    text = _doc(f"{F}bash\necho hi\n{F}", "You should see a screen like this:", "![The dashboard](/img/d.png 'x')")
    assert not [f for f in check_document(text, "d.md") if f.code == "RB702"]


def test_rb702_still_reported_for_a_label_followed_by_prose() -> None:
    text = _doc(f"{F}bash\necho hi\n{F}", "Expected output:", "## Next")
    assert [f.line for f in check_document(text, "d.md") if f.code == "RB702"] == [7]
