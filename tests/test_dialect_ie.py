"""Innovation Engine scenarios read with its rules (docs/dialects.md).

Innovation Engine is a Go binary not shipped by any registry here: the similarity is
checked against smetrics' own published values, the rest against its source's rules,
through the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.judge.similarity import jaro, jaro_winkler, ordered_json

F = "```"


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


@pytest.mark.parametrize("a, b, want_jaro, want_jw", [
    ("MARTHA", "MARHTA", 0.9444, 0.9611),
    ("DWAYNE", "DUANE", 0.8222, 0.8400),
    ("DIXON", "DICKSONX", 0.7667, 0.8133),
    ("", "", 1.0, 1.0),
    ("abc", "", 0.0, 0.0),
])
def test_similarity_is_smetrics_jaro_and_jaro_winkler(a: str, b: str, want_jaro: float, want_jw: float) -> None:
    assert jaro(a.encode(), b.encode()) == pytest.approx(want_jaro, abs=1e-4)
    assert jaro_winkler(a.encode(), b.encode()) == pytest.approx(want_jw, abs=1e-4)


def test_json_is_compared_with_sorted_keys_as_go_encodes_it() -> None:
    assert ordered_json('{"b": 2.0, "a": {"y": [1, "<x>"], "x": true}}') == \
        '{"a":{"x":true,"y":[1,"\\u003cx\\u003e"]},"b":2}'
    with pytest.raises(ValueError):
        ordered_json("[1, 2]")


def _doc(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "scenario.md"
    path.write_text("# Scenario\n\n" + body)
    return path


CASES = {  # name: (body, Innovation Engine's verdict: True = passes)
    "similar_enough": (f"{F}azurecli\necho 'Hello world'\n{F}\n\n<!-- expected_similarity=0.8 -->\n{F}text\nHello World\n{F}\n", True),
    "not_similar_enough": (f"{F}azurecli\necho 'Goodbye'\n{F}\n\n<!-- expected_similarity=0.9 -->\n{F}text\nHello world\n{F}\n", False),
    "zero_similarity_accepts_anything": (f"{F}azurecli\necho zzz\n{F}\n\n<!-- expected_similarity=0 -->\n{F}text\nabc\n{F}\n", True),
    "json_keys_in_any_order": (f"{F}azurecli\necho '{{\"b\": 2, \"a\": 1}}'\n{F}\n\n<!-- expected_similarity=1 -->\n"
                               f"{F}json\n{{\"a\": 1, \"b\": 2}}\n{F}\n", True),
    "regex_form": (f"{F}azurecli\necho 'id: 1234'\n{F}\n\n<!-- expected_similarity=\"id: \\d+\" -->\n{F}text\nid: 1\n{F}\n", True),
    "regex_form_fails": (f"{F}azurecli\necho 'id: none'\n{F}\n\n<!-- expected_similarity=\"id: \\d+\" -->\n{F}text\nid: 1\n{F}\n", False),
    "only_stdout_is_compared": (f"{F}azurecli\necho ok; echo noise >&2\n{F}\n\n<!-- expected_similarity=1 -->\n{F}text\nok\n{F}\n", True),
    "no_comment_no_comparison": (f"{F}azurecli\necho one\n{F}\n\n{F}text\nsomething else entirely\n{F}\n", True),
    "nonzero_exit_fails": (f"{F}azurecli-interactive\nfalse\n{F}\n", False),
    "set_e_a_failing_command_fails_the_block": (f"{F}azurecli\nfalse\ntrue\n{F}\n", False),
    "set_e_spares_conditions": (f"{F}bash\nif false; then echo no; fi\nfalse || true\n{F}\n", True),
    "unexported_variable_does_not_reach_the_next_block": (
        f"{F}azurecli\nMINE=1\n{F}\n\n{F}bash\ntest -z \"$MINE\"\n{F}\n", True),
    "exported_variable_reaches_the_next_block": (
        f"{F}bash\nexport MINE=1\n{F}\n\n{F}bash\ntest \"$MINE\" = 1\n{F}\n", True),
    "working_folder_reaches_the_next_block": (f"{F}bash\ncd /\n{F}\n\n{F}bash\ntest \"$PWD\" = /\n{F}\n", True),
    "function_does_not_reach_the_next_block": (
        f"{F}azurecli\ngreet() {{ echo hi; }}\n{F}\n\n{F}bash\n! type greet >/dev/null 2>&1\n{F}\n", True),
    "azurecli_block_after_a_similarity_comment_is_expected_output": (
        f"{F}bash\necho hi\n{F}\n\n<!-- expected_similarity=0 -->\n{F}azurecli\nfalse\n{F}\n", True),
    "bash_block_after_a_similarity_comment_runs": (
        f"{F}bash\necho hi\n{F}\n\n<!-- expected_similarity=1.0 -->\n{F}bash\necho there\n{F}\n\n{F}text\nthere\n{F}\n", True),
    "regex_go_cannot_compile_ends_the_reading": (
        f"{F}bash\necho hi\n{F}\n\n<!-- expected_similarity=\"^(?!x).*\" -->\n{F}text\nhi\n{F}\n\n{F}bash\nfalse\n{F}\n", True),
    "variables_comment": ("<!--\n```variables\nexport MY_NAME=world\n```\n-->\n\n"
                          f"{F}bash\ntest \"$MY_NAME\" = world\n{F}\n", True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_ie_verdict_is_innovation_engines(tmp_path: Path, name: str) -> None:
    body, passes = CASES[name]
    code, out = _runbook("execute", str(_doc(tmp_path, body)), "--no-annotate", "--no-color")
    assert code == (0 if passes else 1), f"{name}: Innovation Engine {'passes' if passes else 'fails'} it\n{out}"


def test_ie_runs_only_its_languages_and_stops_at_the_first_failure(tmp_path: Path) -> None:
    body = (f"{F}azurecli\necho start\n{F}\n\n{F}azurepowershell\nWrite-Host x\n{F}\n\n"
            f"{F}sh\ntouch {tmp_path}/sh-ran\n{F}\n\n{F}console\n$ touch {tmp_path}/console-ran\n{F}\n\n"
            f"{F}bash\nfalse\n{F}\n\n{F}terraform\ntouch {tmp_path}/after-failure-ran\n{F}\n")
    out_json = tmp_path / "r.json"
    code, out = _runbook("execute", str(_doc(tmp_path, body)), "--no-annotate", "--json", str(out_json))
    steps = json.loads(out_json.read_text())["steps"]
    assert code == 1, out
    assert [s["status"] for s in steps ] == ["pass", "fail", "skip"]
    assert not list(tmp_path.glob("*-ran"))
    assert json.loads(_runbook("list", str(tmp_path / "scenario.md"), "--format", "json")[1])["dialect"] == "ie"


def test_ie_block_is_listed_as_the_author_wrote_it_not_as_runbooks_wrapper(tmp_path: Path) -> None:
    doc = tmp_path / "scenario.md"
    doc.write_text("# S\n\n```azurecli\nexport GREETING=hi\necho \"$GREETING\"\n```\n\n"
                   "<!-- expected_similarity=0.9 -->\n```text\nhi\n```\n")
    code, out = _runbook("list", str(doc), "--format", "json")
    assert code == 0, out
    (step,) = json.loads(out)["steps"]
    assert [c["text"] for c in step["commands"]] == ['export GREETING=hi\necho "$GREETING"']
    code, out = _runbook("list", str(doc))
    assert "$ export GREETING=hi …" in out and "RUNBOOK_IE" not in out
    code, out = _runbook("execute", str(doc), "--no-annotate", "-q")
    assert code == 0, out
