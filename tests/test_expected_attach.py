"""Attach what the author meant: expected output, illustrative outputs, volatile tokens.

Each rule through the real parser (``parse_document``), and the volatile-token
normalisation through the real CLI and a real shell: an illustrative output whose
stable parts match passes without drift, one whose stable parts differ is drift
(never a failure), and a literal output is still compared exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.model import Command, MatchMode
from runbook.parse.markdown import parse_document
from runbook.parse.volatile import RULES, is_volatile, mask, volatile_rules

F = "```"


def commands(text: str) -> list[Command]:
    doc = parse_document(text, "doc.md")
    return [c for s in doc.steps for c in s.commands]


def only(text: str) -> Command:
    found = commands(text)
    assert len(found) == 1, found
    return found[0]


# -- volatile-token rules -------------------------------------------------------------

@pytest.mark.parametrize("rule,sample", [
    ("timestamp", "Last Transition Time:  2019-01-29T17:34:30Z"),
    ("timestamp", "Wed Apr 20 15:35:31 PDT 2022"),
    ("timestamp", "I0508 12:26:17.905042    8672 server.go:796] GET"),
    ("timestamp", "redis  1  0.1  0.1  33308  3828 ?  Ssl  00:46   0:00 redis-server"),
    ("ip", "ui     ClusterIP   172.20.83.84    <none>        80/TCP"),
    ("ip", "Forwarding from [::1]:7000 -> 6379"),
    ("duration", "test result: ok. finished in 2.85 secs"),
    ("age", "redis-master   1/1     1            1           55s"),
    ("age", "vault-backend   Valid   True   Xm"),
    ("pod-hash", "redis-master-765d459796-258hz   1/1   Running"),
    ("hex-id", "Git commit:        0dd43dd87f"),
    ("version", "Docker version 24.x.x or later"),
    ("version", "9.0.x"),
    ("version", "Server Version: 18.09.8"),
    ("pid", "db_1 | 2018-03-21 LOG [55] listening"),
    ("elision", "Pulling db (mysql:8.0.19)..."),
    ("elision", "# etc."),
    ("placeholder", "CREATED AT <timestamp>"),
    ("placeholder", '"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"'),
    ("home-path", "~/.local/bin/stack-lint-extra-deps"),
    ("help-text", "Usage: tool [-p|--path PATH]"),
    ("uuid", "id: 123e4567-e89b-12d3-a456-426614174000"),
])
def test_each_volatile_rule_fires_on_its_real_pattern(rule, sample):
    assert rule in volatile_rules(sample)


@pytest.mark.parametrize("literal", [
    "Hello, world!", "deployment.apps/redis-master created", "6379", "PONG", "main  main.rs",
    "<div>Blog post #1</div><div>Blog post #2</div>", "The cert-manager API is ready",
    '{\n  "app.kubernetes.io/component": "service"\n}', "NAME   READY   STATUS\nweb    1/1     Running",
])
def test_literal_output_is_not_mistaken_for_volatile(literal):
    assert volatile_rules(literal) == ()
    assert not is_volatile(literal)


def test_every_rule_is_documented_in_the_format_doc():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "format.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule.name}`" in doc, rule.name


def test_mask_makes_two_runs_of_a_listing_equal_but_not_other_pods():
    a = "NAME                            READY   STATUS    RESTARTS   AGE\nredis-master-765d459796-258hz   1/1     Running   0          50s"
    b = "NAME                            READY   STATUS    RESTARTS   AGE\nredis-master-5f7c8d9b6a-x2k9q   1/1     Running   0          3m12s"
    c = "NAME                            READY   STATUS    RESTARTS   AGE\nredis-replica-765d459796-258hz   1/1     Running   0          50s"
    assert mask(a) == mask(b)
    assert mask(a) != mask(c)


def test_mask_keeps_pattern_lines_as_written():
    text = "started at \\d+:\\d+ (re)\n...\nup 5s"
    assert mask(text).split("\n")[:2] == ["started at \\d+:\\d+ (re)", "..."]


# -- attachment -----------------------------------------------------------------------

def test_volatile_sample_output_is_flagged_volatile_not_hedged():
    c = only(f"# T\n\n{F}bash\nkubectl get pods\n{F}\n\n{F}\nNAME  READY  AGE\nweb-7d4b9c8f6d-x2k9q  1/1  8s\n{F}\n")
    assert c.expected is not None and c.expected.volatile and not c.expected.illustrative


def test_literal_sample_output_without_hedge_stays_exact():
    c = only(f"# T\n\n{F}bash\necho hi\n{F}\n\nThe output is:\n\n{F}\nhi\n{F}\n")
    assert c.expected is not None and c.expected.text == "hi" and not c.expected.illustrative


def test_hedged_label_is_illustrative():
    c = only(f"# T\n\n{F}bash\necho hi\n{F}\n\nThe output is similar to:\n\n{F}\nhi\n{F}\n")
    assert c.expected is not None and c.expected.illustrative and c.expected.origin in ("label", "adjacent")


def test_should_look_label_attaches_an_untagged_block():
    c = only(f"# T\n\n{F}bash\ncowsay hi\n{F}\n\nIt should look a bit more exciting:\n\n{F}\n< hi >\n{F}\n")
    assert c.expected is not None and c.expected.text == "< hi >" and c.expected.origin == "label"


def test_expected_comment_in_a_block_is_its_expected_output():
    text = f"# T\n\n{F}bash\ndotnet --version\n# Expected output: 9.0.x\n{F}\n"
    c = only(text)
    assert c.expected is not None
    assert c.expected.origin == "comment" and c.expected.illustrative
    assert c.expected.mode is MatchMode.IGNORE  # the comment's own contains-check judges
    assert c.expected.span is not None and c.expected.span.start + 1 == 5  # 1-based line of the comment
    step = parse_document(text, "doc.md").steps[0]
    assert [cl.kind.value for cr in step.criteria for cl in cr.clauses] == ["regex"]


def test_real_output_block_wins_over_an_expected_comment():
    c = only(f"# T\n\n{F}bash\necho ok\n# Expected: ok\n{F}\n\nOutput:\n\n{F}output\nok\n{F}\n")
    assert c.expected is not None and c.expected.origin == "block" and c.expected.text == "ok"


def test_verdict_lines_in_a_transcript_are_not_expected_output_but_criteria():
    text = (f"# T\n\n{F}bash\n$ env | grep URL\nURL=postgresql://db:5432/x\n\u2705 API uses PostgreSQL\n"
            f"\n# Verify nothing is left:\n$ find . -name '*.db'\n[No output = clean]\n{F}\n")
    doc = parse_document(text, "doc.md")
    first, second = doc.steps[0].commands
    assert first.expected is not None and first.expected.text == "URL=postgresql://db:5432/x"
    assert second.expected is None
    crits = [c.text for c in doc.steps[0].criteria]
    assert any("API uses PostgreSQL" in t for t in crits)


# -- judging through the real CLI -----------------------------------------------------

def _run(tmp_path: Path, body: str, *extra: str) -> tuple[int, dict]:
    doc = tmp_path / "doc.md"
    doc.write_text(f"# T\n\n{body}", encoding="utf-8")
    out = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["execute", str(doc), "--no-annotate", "--json", str(out),
                                   "--shell", "bash --noprofile --norc", "--timeout", "30", *extra])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    return res.exit_code, json.loads(out.read_text(encoding="utf-8"))


def test_illustrative_output_with_other_volatile_values_passes_without_drift(tmp_path):
    body = (f"{F}bash\nprintf 'web-5f7c8d9b6a-x2k9q   1/1   Running   3m12s\\n'\n{F}\n\n"
            f"{F}\nweb-765d459796-258hz   1/1   Running   8s\n{F}\n")
    code, data = _run(tmp_path, body)
    step = data["steps"][0]
    assert (code, step["status"], step["drift"]) == (0, "pass", False)


def test_illustrative_output_whose_stable_part_differs_is_drift_never_a_failure(tmp_path):
    body = (f"{F}bash\nprintf 'web-5f7c8d9b6a-x2k9q   1/1   CrashLoopBackOff   3m12s\\n'\n{F}\n\n"
            f"The output is similar to:\n\n{F}\nweb-765d459796-258hz   1/1   Running   8s\n{F}\n")
    code, data = _run(tmp_path, body)
    step = data["steps"][0]
    assert (code, step["status"], step["drift"]) == (0, "pass", True)
    code, data = _run(tmp_path, body, "--strict")
    assert (code, data["steps"][0]["status"]) == (1, "fail")


def test_unhedged_volatile_output_whose_stable_part_differs_fails(tmp_path):
    """Only the varying values are masked: a crashing pod where the author shows Running is a
    failure, not drift (a verdict is never wrong)."""
    body = (f"{F}bash\nprintf 'web-5f7c8d9b6a-x2k9q   1/1   CrashLoopBackOff   3m12s\\n'\n{F}\n\n"
            f"{F}\nweb-765d459796-258hz   1/1   Running   8s\n{F}\n")
    code, data = _run(tmp_path, body)
    assert (code, data["steps"][0]["status"]) == (1, "fail")
    ok = body.replace("CrashLoopBackOff", "Running").replace("   Running   8s", "   Running   2m1s", 1)
    code, data = _run(tmp_path, ok)
    assert (code, data["steps"][0]["status"], data["steps"][0]["drift"]) == (0, "pass", False)


def test_literal_expected_output_is_still_compared_exactly(tmp_path):
    body = f"{F}bash\necho 'Hello, world?'\n{F}\n\n{F}\nHello, world!\n{F}\n"
    code, data = _run(tmp_path, body)
    step = data["steps"][0]
    assert (code, step["status"]) == (1, "fail")


def test_html_comment_between_label_and_block_keeps_the_label():
    c = only(f"# T\n\n{F}bash\necho hi\n{F}\n\nThe output is similar to:\n\n<!-- markdownlint-disable -->\n\n"
             f"{F}bash\nhi\n{F}\n")
    assert c.expected is not None and c.expected.text == "hi" and c.expected.origin == "label"
    assert c.expected.illustrative
