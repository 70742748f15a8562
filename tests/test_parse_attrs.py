"""Info strings, directive comments and attribute validation (spec §5)."""

from __future__ import annotations

import pytest

from runbook.errors import ParseError
from runbook.parse.attrs import (
    KNOWN_ATTRIBUTES,
    check_attrs,
    parse_directive,
    parse_info,
    parse_seconds,
)


@pytest.mark.parametrize("info, lang, attrs", [
    ("bash", "bash", {}),
    ("", "", {}),
    ("Bash", "bash", {}),
    ("bash id=A1 timeout=300 retry=20 delay=3 match=contains", "bash",
     {"id": "A1", "timeout": "300", "retry": "20", "delay": "3", "match": "contains"}),
    ('bash ready="curl -fsS localhost:8080/health" background', "bash",
     {"ready": "curl -fsS localhost:8080/health", "background": "true"}),
    ("bash ready='a b'", "bash", {"ready": "a b"}),
    ("bash skip norun setup teardown interactive root expected", "bash",
     {k: "true" for k in ("skip", "norun", "setup", "teardown", "interactive", "root", "expected")}),
    ("bash {#A1 timeout=300 .class}", "bash", {"id": "A1", "timeout": "300", "class": "class"}),
    ("bash{#A1}", "bash", {"id": "A1"}),
    ("{ .bash .no-copy }", "bash", {"class": "no-copy"}),
    ("{.console}", "console", {}),
    ('bash {"id": "A1", "retry": 3, "errexit": false}', "bash", {"id": "A1", "retry": "3", "errexit": "false"}),
    ('bash title="Terminal" {3-5}', "bash", {"title": "Terminal", "highlight": "3-5"}),
    ("bash hook=ready", "bash", {"hook": "ready"}),
    ("bash setup=false root=yes", "bash", {"root": "true"}),  # false flags are dropped
    ('bash skip="needs a GPU"', "bash", {"skip": "needs a GPU"}),
    ("scrut {interpolated: true}", "scrut", {"interpolated:": "true", "true": "true"}),  # never crashes
])
def test_parse_info(info, lang, attrs):
    assert parse_info(info) == (lang, attrs)


def test_parse_directive():
    assert parse_directive("<!-- runbook: timeout=300 retry=20 -->\n") == {"timeout": "300", "retry": "20"}
    assert parse_directive("<!--runbook:blocking-->") == {"blocking": "true"}
    assert parse_directive("<!-- runbook: setup -->") == {"setup": "true"}
    assert parse_directive("<!-- runbook:begin result A1 lines=4 -->") is None
    assert parse_directive("<!-- runbook:end -->") is None
    assert parse_directive("<!-- expected_similarity=0.3 -->") is None
    assert parse_directive("<!-- runbook: a -->\n<p>more</p>") is None


@pytest.mark.parametrize("value, seconds", [
    ("30", 30.0), ("30s", 30.0), ("2m", 120.0), ("1.5h", 5400.0), ("500ms", 0.5), ("abc", None), ("", None)])
def test_parse_seconds(value, seconds):
    assert parse_seconds(value) == seconds


def test_check_attrs_accepts_valid_values_and_warns_on_unknown():
    ok = {"id": "A.1", "timeout": "5m", "retry": "0", "delay": "0.5", "exit": "255", "match": "UNORDERED",
          "errexit": "false", "ready": "true", "skip": "why", "class": "no-copy", "highlight": "1-3"}
    assert check_attrs(ok, "d.md:3") == []
    warnings = check_attrs({"timout": "5", "title": "Terminal"}, "d.md:3")
    assert warnings == ["d.md:3: unknown attribute 'timout' is ignored (did you mean 'timeout'?)",
                        "d.md:3: unknown attribute 'title' is ignored"]


@pytest.mark.parametrize("key, value", [
    ("timeout", "abc"), ("timeout", "0"), ("timeout", "-1"), ("retry", "1.5"), ("retry", "x"),
    ("delay", "soon"), ("exit", "256"), ("exit", "-1"), ("match", "fuzzy"), ("errexit", "maybe"),
    ("id", ""), ("id", "a b"), ("ready", " "), ("setup", "sometimes"),
])
def test_check_attrs_rejects_bad_values(key, value):
    with pytest.raises(ParseError) as err:
        check_attrs({key: value}, "d.md:7")
    assert err.value.where == "d.md:7"
    assert err.value.message == f"invalid value {value!r} for {key}="
    assert err.value.hint


def test_known_attributes():
    assert {"id", "timeout", "retry", "delay", "exit", "match", "errexit", "skip", "norun", "setup",
            "teardown", "background", "interactive", "root", "expected", "ready", "skip_unless", "confirm"} == set(KNOWN_ATTRIBUTES)


def test_step_options_are_typed_once_from_fence_directive_and_phase_defaults() -> None:
    """The runner reads typed options: a string attribute misread at run time cannot happen."""
    from runbook.model import MatchMode, StepOptions
    from runbook.parse.markdown import parse_document

    doc = parse_document(
        "# D\n\n## Phase A\n\n<!-- runbook: timeout=5m -->\n\n"
        "<!-- runbook: retry=2 delay=0 -->\n"
        "```bash exit=3 errexit=false match=contains interactive root skip_unless=\"test -d /\"\n"
        "echo hi\n```\n\n"
        "```bash background ready=\"true\" delay=250ms\nsleep 1\n```\n", "o.md")
    first, second = doc.steps
    assert first.options == StepOptions(
        timeout_s=300.0, retry=2, delay_s=0.0, exit=3, errexit=False, match=MatchMode.CONTAINS,
        interactive=True, root=True, skip_unless="test -d /")
    assert second.options == StepOptions(timeout_s=300.0, delay_s=0.25, background=True, ready="true")
