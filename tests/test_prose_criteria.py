"""Pass criteria written as prose (issue 12): recognised, attached to the right step, judged."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.model import ClauseKind
from runbook.parse.markdown import parse_document
from runbook.parse.prose import claim_criterion, is_claim

F = "```"


@pytest.mark.parametrize("text", [
    "You should see the pods in a `Running` state.",
    "If successful, the message `The cert-manager API is ready` is displayed.",
    "Regardless of your operating system, the string `Hello, world!` should print to the terminal.",
    "You will see one node called `minikube`.",
    "Verify that the Redis server is running in the Pod, and listening on port 6379:",
    "Validate that the `etcdctl` command is available:",
    "✅ PostgreSQL configured with persistent volume",
    "[No output = clean]",
    "If all goes well, the service answers.",
    "Success! The Node Exporter is now exposing metrics.",
    "We can check if the `state: Working` annotation is set for any of the master nodes.",
    "You'll see requests distributed across different pod hostnames.",
])
def test_claims_are_recognised(text: str) -> None:
    assert is_claim(text)


@pytest.mark.parametrize("text", [
    "Result: ~2.35 times faster",
    "This command creates a deployment in the default namespace.",
    "You can find more information in the official documentation.",
    "Note: `--privileged` is required for Docker-in-Docker, but it should be used with care.",
    "If you click around, you might notice that it's a little broken.",
    "Kubernetes clusters can be configured in many different ways.",
    "Run the following command:",
    "[Changing the logo and icons](setup/changing-the-logo.md)",
])
def test_descriptions_are_left_alone(text: str) -> None:
    assert not is_claim(text)


def test_named_values_become_contains_checks() -> None:
    c = claim_criterion("You should see the `cert-manager`, `cert-manager-webhook` pods in a `Running` state.", 3)
    assert [(cl.kind, cl.value) for cl in c.clauses] == [
        (ClauseKind.CONTAINS, "cert-manager"), (ClauseKind.CONTAINS, "cert-manager-webhook"),
        (ClauseKind.CONTAINS, "Running")]
    assert c.derived and c.line == 3


@pytest.mark.parametrize("text", [
    "Verify that `test-file` is still there.",           # an instruction: a person judges it
    "Make sure that `quay.io` is whitelisted by your firewall.",
    "Note: no `error` should appear",                     # negative: never a contains-check
    "You should see a screen like this:",
])
def test_unverifiable_claims_are_manual(text: str) -> None:
    c = claim_criterion(text, 0)
    assert all(cl.kind is ClauseKind.MANUAL for cl in c.clauses)


def _criteria(text: str) -> dict[str, list[str]]:
    d = parse_document(text, "doc.md")
    return {s.id: [c.text for c in s.criteria] for s in d.steps}


def test_a_claim_after_a_step_belongs_to_it_and_an_introduction_to_the_next() -> None:
    doc = (f"# T\n\n{F}bash\necho one\n{F}\n\nYou should see `one` printed.\n\n"
           f"Verify that the second command works:\n\n{F}bash\necho two\n{F}\n")
    got = _criteria(doc)
    assert got["0-1"] == ["You should see `one` printed."]
    assert got["0-2"] == ["Verify that the second command works:"]


def test_a_claim_introducing_output_speaks_of_the_step_before() -> None:
    doc = (f"# T\n\n{F}bash\necho one\n{F}\n\nYou should see output like this indicating it runs:\n\n"
           f"{F}text\none\n{F}\n\n## Next\n\n{F}bash\necho two\n{F}\n")
    got = _criteria(doc)
    assert got["0-1"] == ["You should see output like this indicating it runs:"]
    assert got["0-2"] == []


def test_headings_end_a_claims_reach() -> None:
    doc = f"# T\n\n{F}bash\necho one\n{F}\n\n## Other\n\nYou should see `one`.\n"
    assert _criteria(doc)["0-1"] == []


def test_an_other_platform_variant_gives_way_to_the_step_it_varies() -> None:
    doc = (f"# T\n\n{F}console\n$ ./main\nHello\n{F}\n\nOn Windows:\n\n{F}powershell\n> .\\main\n{F}\n\n"
           "Regardless of your system, the string `Hello` should print.\n")
    d = parse_document(doc, "doc.md")
    main, win = d.steps
    assert [c.text for c in main.criteria] == ["Regardless of your system, the string `Hello` should print."]
    assert win.criteria == ()


def test_verdict_lines_and_verify_comments_inside_blocks() -> None:
    doc = f"# T\n\n{F}bash\n# Verify you're on the main branch\ngit branch\n{F}\n"
    assert _criteria(doc)["0-1"] == ["Verify you're on the main branch"]
    doc = f"# T\n\n{F}bash\n# Check the service selector\nkubectl get svc\n{F}\n"
    assert _criteria(doc)["0-1"] == []  # says what the command does, not its outcome


def _execute(tmp_path, text: str) -> dict:
    doc = tmp_path / "doc.md"
    doc.write_text(text, encoding="utf-8")
    out = tmp_path / "r.json"
    CliRunner().invoke(cli, ["execute", str(doc), "--json", str(out), "--no-annotate", "--no-color"])
    return json.loads(out.read_text())


def test_prose_checks_decide_through_the_real_shell(tmp_path) -> None:
    data = _execute(tmp_path, (
        f"# T\n\n## A1. ok\n\n{F}bash\necho hello\n{F}\n\nYou should see `hello` printed.\n\n"
        f"## A2. wrong\n\n{F}bash\necho goodbye\n{F}\n\nYou should see `hello` printed.\n\n"
        f"## A3. person\n\n{F}bash\necho hi\n{F}\n\nVerify that the dashboard looks healthy.\n"))
    assert [s["status"] for s in data["steps"]] == ["pass", "fail", "manual"]
