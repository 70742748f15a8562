"""scrut Markdown documents read with scrut's documented rules (docs/dialects.md).

scrut is a Rust binary that no registry here ships, so each case states the verdict
scrut's reference gives (website/docs/reference/fundamentals/output-expectations.md and
behavior/*.md) and runbook must reach it through the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

F = "```"


def _case(body: str, info: str = "") -> str:
    return f"A case\n\n{F}scrut{info}\n{body}{F}\n\n"


CASES = {  # name: (document body, scrut's verdict: True = passes)
    "equal": (_case("$ echo Hello\nHello\n"), True),
    "equal_explicit_and_quantified": (_case('$ printf "Hello\\nHello\\nHello\\n"\nHello (equal+)\n'), True),
    "optional_line_absent": (_case("$ echo a\na\nb (?)\n"), True),
    "any_number_zero": (_case("$ echo a\nx (*)\na\n"), True),
    "one_or_more_needs_one": (_case("$ echo a\nx (+)\na\n"), False),
    "glob": (_case("$ echo Hello You\nHello* (glob)\n"), True),
    "glob_plus": (_case('$ printf "Hello\\nHello There\\nHello World\\n"\nHello* (glob+)\n'), True),
    "regex_whole_line": (_case("$ echo Hello You\nHello (regex)\n"), False),
    "regex_plus": (_case('$ printf "Hello\\nEnding in Hello\\nHello Start\\n"\n.*Hello.* (regex+)\n'), True),
    "escaped_tab": (_case("$ printf 'foo\\tbar\\n'\nfoo\\tbar (escaped)\n"), True),
    "escaped_glob": (_case("$ printf 'foo\\tzz\\nbar\\tbaz\\n'\nfoo\\t* (escaped) (glob+)\nbar\\tbaz (escaped)\n"), True),
    "equal_suffix_is_literal_text": (_case("$ echo 'Hello (equal)'\nHello (equal) (equal)\n"), True),
    "no_eol": (_case("$ printf Hello\nHello (no-eol)\n"), True),
    "exit_code_line": (_case("$ sh -c 'echo out; exit 3'\nout\n[3]\n"), True),
    "nonzero_exit_without_line_fails": (_case("$ false\n"), False),
    "stderr_is_not_compared": (_case("$ echo out; echo err >&2\nout\n"), True),
    "output_stream_combined": (_case("$ echo out; echo err >&2\nout\nerr\n", " {output_stream: combined}"), True),
    "extra_output_fails": (_case("$ printf 'a\\nb\\n'\na\n"), False),
    "shared_environment": (_case("$ export FOO=bar\n") + _case("$ echo $FOO\nbar\n"), True),
    "exit_ends_only_its_case": (_case("$ echo one; exit 0\none\n") + _case("$ echo two\ntwo\n"), True),
    "clean_environment": (_case("$ echo $LANG $TZ $TESTFILE\nC GMT doc.md\n"), True),
    "comments_and_percent_config": (_case("# a comment\n% timeout: 10s\n$ echo hi\nhi\n"), True),
    "timeout_in_fence": (_case("$ sleep 5\n", " {timeout: 1s}"), False),
    "heredoc_continuation": (_case("$ cat > f.txt <<EOF\n> Hello,\n>\n> world!\n> EOF\n")
                             + _case("$ cat f.txt\nHello,\n\nworld!\n"), True),
}


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


@pytest.mark.parametrize("name", sorted(CASES))
def test_scrut_verdict_is_the_one_scrut_documents(tmp_path: Path, name: str) -> None:
    body, passes = CASES[name]
    path = tmp_path / "doc.md"
    path.write_text("# Scrut\n\n" + body)
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == (0 if passes else 1), f"{name}: scrut {'passes' if passes else 'fails'} it, runbook said {code}\n{out}"


def test_scrut_runs_only_scrut_blocks_in_a_fresh_folder(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("# S\n\n" + f"{F}bash\ntouch {tmp_path}/bash-ran\n{F}\n\n"
                    + f"{F}console\n$ touch {tmp_path}/console-ran\n{F}\n\n" + _case("$ touch here && pwd\n*/work (glob)\n"))
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == 0, out
    assert not list(tmp_path.glob("*-ran")) and not (tmp_path / "here").exists()


def test_scrut_case_with_a_key_runbook_does_not_read_is_skipped_not_misjudged(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("# S\n\n" + _case("$ echo $HOME\n$HOME\n", " {interpolated: true}"))
    out_json = tmp_path / "r.json"
    code, _ = _runbook("execute", str(path), "--no-annotate", "--json", str(out_json))
    step = next(s for s in json.loads(out_json.read_text())["steps"] if s["id"].startswith("L"))
    assert code == 0 and step["status"] == "skip" and "`interpolated`" in step["reason"]


def test_scrut_dialect_is_said_in_list(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("# S\n\n" + _case("$ echo hi\nhi\n"))
    listing = json.loads(_runbook("list", str(path), "--format", "json")[1])
    assert listing["dialect"] == "scrut"
    assert [s["lang"] for s in listing["steps"]] == ["scrut", "scrut", "scrut"]
