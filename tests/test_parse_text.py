"""Pure text rules behind the parser: placeholders, transcripts, labels, heading tokens."""

from __future__ import annotations

import pytest

from runbook.model import ClauseKind
from runbook.parse.blocks import heading_id, phase_id, slugify
from runbook.parse.labels import (
    comment_check,
    criterion_label,
    expected_label,
    fragment_criterion,
    inline_expected,
)
from runbook.parse.placeholders import fill_placeholders, find_placeholders
from runbook.parse.transcript import is_transcript, split_transcript


# -- placeholders -----------------------------------------------------------------
@pytest.mark.parametrize("command, names", [
    ("curl https://<HOST>:<PORT>/", ("HOST", "PORT")),
    ("docker exec -it <container-id> psql", ("container-id",)),
    ("export TOKEN=YOUR_API_TOKEN; echo $YOUR_API_TOKEN", ("YOUR_API_TOKEN",)),
    ("git remote add origin https://{% data variables.command_line.codeblock %}/<em>user</em>/r.git",
     ("variables.command_line.codeblock", "user")),
    ("kubectl get pods -o go-template='{{range .items}}{{\"<NAME>\"}}{{end}}'", ()),
    ("sort <input.txt >out.txt; cat <<EOF>f\nx\nEOF\ntr a b <<<\"<X>\"", ("X",)),
    ("echo <none> <em>text</em> <br/> <div>", ("text",)),
    ("cd ~/workspace  # or C:\\Users\\<YOUR_NAME>\\workspace", ()),
    ("echo '# <KEPT>'", ("KEPT",)),
    ("echo <HOST> <HOST>", ("HOST",)),
])
def test_find_placeholders(command, names):
    assert find_placeholders(command) == names


def test_fill_placeholders():
    cmd = "curl https://<HOST>/<em>USER</em>/$YOUR_KEY <other-thing> # <HOST>"
    out = fill_placeholders(cmd, {"HOST": "example.com", "USER": "octo", "YOUR_KEY": "k"})
    assert out == "curl https://example.com/octo/$k <other-thing> # <HOST>"
    assert fill_placeholders("no placeholders", {"HOST": "x"}) == "no placeholders"


# -- transcripts ------------------------------------------------------------------
def test_is_transcript():
    assert is_transcript(["# comment", "", "$ ls"])
    assert not is_transcript(["ls", "$ not first"])
    assert not is_transcript(["$", "ls"])
    assert is_transcript(["# id"], root=True)
    assert not is_transcript(["# id"])


def _run(text: str, root: bool = False):
    return [(e.command, e.expected()) for e in split_transcript(text.split("\n"), root)]


def test_split_transcript_outputs_and_comments():
    # a "# comment" inside output stays; one right before the next prompt introduces it
    assert _run("$ a\nout\n# still output\nmore\n# next: b\n$ b\n# comment\n\n> x\n> y\n$\n") == [
        ("a", ("out\n# still output\nmore", 1, 4)),
        ("b", ("x\ny", 8, 10)),
    ]


def test_transcript_verdict_notes_are_not_expected_output():
    assert _run("$ env | grep URL\nURL=x\n\u2705 API uses it\n\n$ find .\n[No output = clean]\n") == [
        ("env | grep URL", ("URL=x", 1, 2)),
        ("find .", None),
    ]


def test_split_transcript_continuations():
    assert _run("$ echo 'a\n> b'\nab") == [("echo 'a\nb'", ("ab", 2, 3))]
    assert _run("$ ls &&\n  pwd\nout") == [("ls &&\n  pwd", ("out", 2, 3))]
    assert _run("$ git remote add x y\n> fatal: x") == [("git remote add x y", ("fatal: x", 1, 2))]
    assert _run("$ echo hi # it's fine\nhi") == [("echo hi # it's fine", ("hi", 1, 2))]


def test_split_transcript_heredocs():
    assert _run("$ cat <<-'END' > f\n\tline\n\tEND\n$ cat f\nline") == [
        ("cat <<-'END' > f\n\tline\n\tEND", None), ("cat f", ("line", 4, 5))]
    assert _run("$ cat <<<\"x\"\nx") == [('cat <<<"x"', ("x", 1, 2))]


def test_output_lines_keep_a_leading_marker_unless_all_have_it():
    assert _run("$ cmd\n> quoted\nplain") == [("cmd", ("> quoted\nplain", 1, 3))]


# -- labels -----------------------------------------------------------------------
@pytest.mark.parametrize("text, strong, illustrative", [
    ("**Expected output:**", True, False),
    ("Expected:", True, False),
    ("Output:", True, False),
    ("You should see:", True, False),
    ("Sample response:", True, True),
    ("The output should be similar to:", True, True),
    ("The command should print something like:", True, True),
    ("<!-- expected_similarity=0.3 -->", True, True),
    ("<!-- expected_similarity=1.0 -->", True, False),
    ("Here is an output example of running the command:", False, True),
    ("📋 **Result**", True, False),
])
def test_expected_labels(text, strong, illustrative):
    label = expected_label(text)
    assert label is not None
    assert (label.strong, label.illustrative) == (strong, illustrative)


@pytest.mark.parametrize("text", ["Check service status:", "Example:", "Run this:", "Deploy the service:",
                                  " ".join(["output"] * 45)])
def test_not_expected_labels(text):
    assert expected_label(text) is None


def test_inline_expected():
    assert inline_expected("**Expected output**: Test step 1") == "Test step 1"
    assert inline_expected("**Expected output:** `PONG`") == "PONG"
    assert inline_expected("Expected output snippets:") is None
    assert inline_expected("**Expected output:**") is None


@pytest.mark.parametrize("text, result", [
    ("PASS if exit code is 0", (False, "exit code is 0")),
    ("**PASS if:** output contains `x`", (False, "output contains `x`")),
    ("**PASS**: succeeds", (False, "succeeds")),
    ("✅ Pass criteria: succeeds", (False, "succeeds")),
    ("[x] Success criteria:", (False, "")),
    ("Acceptance criteria: exits 0", (False, "exits 0")),
    ("Passes when output is empty", (False, "output is empty")),
    ("FAIL if output contains `panic`", (True, "output contains `panic`")),
    ("❌ **FAIL:** exits 1", (True, "exits 1")),
    ("Fail criteria: fails", (True, "fails")),
    ("Pass the salt", None),
    ("Failover is automatic", None),
])
def test_criterion_labels(text, result):
    assert criterion_label(text) == result


def test_comment_checks():
    c = comment_check("# Expected output: Docker version 24.x.x or later", 4)
    assert c is not None and c.clauses[0].kind is ClauseKind.MANUAL and c.line == 4
    c = comment_check("  # Should show: * main", 0)
    assert c is not None and (c.clauses[0].kind, c.clauses[0].value) == (ClauseKind.CONTAINS, "* main")
    c = comment_check('# Expected response: "Healthy"', 0)
    assert c is not None and c.clauses[0].value == "Healthy"
    assert comment_check("# Should show empty list or running containers (no error)", 0) is None
    assert comment_check("echo '# Expected output: x'", 0) is None


def test_fragment_criterion():
    c = fragment_criterion("`veth-l01` state is `UP`", 3)
    assert [(cl.kind, cl.value) for cl in c.clauses] == [(ClauseKind.CONTAINS, "veth-l01"),
                                                         (ClauseKind.CONTAINS, "UP")]
    c = fragment_criterion("`curl` returns `HTTP/1.0 200 OK`", 3)
    assert [(cl.kind, cl.value) for cl in c.clauses] == [(ClauseKind.CONTAINS, "HTTP/1.0 200 OK")]


# -- headings ---------------------------------------------------------------------
@pytest.mark.parametrize("text, token", [
    ("A1. Check docker", "A1"), ("A.1 Dotted", "A.1"), ("Step 3: Build", "3"), ("step 12 - x", "12"),
    ("B2 — Deploy", "B2"), ("B2: Deploy", "B2"), ("B2.1) sub", "B2.1"), ("1.1 Install .NET 9.0 SDK", "1.1"),
    ("Phase A — Startup", None), ("Install kubectl", None), ("Lab 01: Basics", None), ("B2xy rollout", None), ("3a. Sub", "3a"),
])
def test_heading_id(text, token):
    assert heading_id(text) == token


@pytest.mark.parametrize("text, pid", [
    ("Phase A — Startup", "A"), ("Phase B: x", "B"), ("Phase 2. x", "2"), ("Phase 3) x", "3"),
    ("phase c", "c"), ("Phase D–E", "D"), ("Phase A1", None), ("Phases", None), ("The Phase A", None),
])
def test_phase_id(text, pid):
    assert phase_id(text) == pid


@pytest.mark.parametrize("text, slug", [
    ("A1. Check docker", "a1-check-docker"), ("Phase A — Startup", "phase-a--startup"),
    ("Changing a remote repository's URL", "changing-a-remote-repositorys-url"),
    ("Issue: \"Port already in use\"", "issue-port-already-in-use"), ("snake_case ok", "snake_case-ok"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_should_look_like_is_not_a_hedge_but_might_look_like_is():
    should = expected_label("The output should look like:")
    might = expected_label("Your output might look like:")
    assert should is not None and not should.illustrative
    assert might is not None and might.illustrative
