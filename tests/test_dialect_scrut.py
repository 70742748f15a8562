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


I = " {interpolated: true}"
SCHEMA = "---\ntype: object\nproperties:\n  foo:\n    type: string\nrequired:\n- foo\n"


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
    "no_eol_line_needs_no_final_newline": (_case("$ echo Hello\nHello (no-eol)\n"), False),
    "equal_line_needs_the_final_newline": (_case("$ printf Hello\nHello\n"), False),
    "regex_ignores_the_final_newline": (_case("$ printf Hello\nHel+o (regex)\n"), True),
    "crlf_folded_by_default": (_case("$ printf 'word\\r\\n'\nword\\r (escaped)\n"), False),
    "keep_crlf_keeps_the_cr": (_case("$ printf 'word\\r\\n'\nword\\r (escaped)\n", " {keep_crlf: true}"), True),
    "environment_is_exported_and_stays": (_case("$ echo $FOO\nbar\n", ' {environment: {"FOO": "bar"}}')
                                          + _case("$ echo $FOO\nbar\n"), True),
    "environment_in_percent_lines": (_case("% environment:\n%   FOO: baz\n$ echo $FOO\nbaz\n"), True),
    "wait_for_a_path": (_case("$ (sleep 1; touch \"$TMPDIR/ready\") >/dev/null 2>&1 &\n")
                        + _case("$ test -e \"$TMPDIR/ready\" && echo ready\nready\n", " {wait: {timeout: 10s, path: ready}}"),
                        True),
    "background_holding_stdout_is_waited_for": (_case("$ (sleep 1; echo late) &\nlate\n"), True),
    "detached_is_not_judged_nor_waited_for": (_case("$ sleep 2; echo never-judged; exit 3\n", " {detached: true}")
                                              + _case("$ echo now\nnow\n"), True),
    "fail_fast_stops_after_its_failure": (_case("$ echo a\nb\n", " {fail_fast: true}") + _case("$ echo x\nx\n"), False),
    "front_matter_defaults_apply_to_every_case": ("---\ndefaults:\n  output_stream: combined\n---\n\n"
                                                 + _case("$ echo err >&2\nerr\n"), True),
    "total_timeout_over_all_cases": ("---\ntotal_timeout: 1s\n---\n\n" + _case("$ sleep 0.7\n") + _case("$ sleep 0.7\n"),
                                     False),
    # interpolated: true (scrut's src/interpolation.rs): the case's exported environment after it ran
    "interpolated_fills_an_exported_variable": (_case("$ export FOO=bar\n")
                                                + _case('$ echo "Hello $FOO"\nHello $FOO\n', I), True),
    "interpolated_wrong_value_fails": (_case("$ export FOO=bar\n") + _case('$ echo "Hello baz"\nHello $FOO\n', I), False),
    "interpolation_off_compares_literally": (_case("$ export FOO=bar\n") + _case('$ echo "Hello bar"\nHello $FOO\n'),
                                             False),
    "interpolated_value_set_by_the_case_itself": (_case("$ export X=one; echo one\n$X\n", I), True),
    "interpolated_in_a_case_that_exits": (_case("$ export Z=zz; echo zz; exit 0\n$Z\n", I), True),
    "interpolated_dollar_dollar_is_a_dollar": (_case("$ echo 'cost $5'\ncost $$5\n", I), True),
    "interpolated_braced_name_with_underscore_stays": (_case("$ export A_B=x AB=y; echo '${A_B} ${AB}'\n${A_B} ${AB}\n",
                                                             I), False),
    "interpolated_braced_name_letters_only": (_case("$ export A_B=x AB=y; echo '${A_B} y'\n${A_B} ${AB}\n", I), True),
    "interpolated_unexported_variable_stays": (_case("$ Y=val\n") + _case("$ echo '$Y'\n$Y\n", I), True),
    "interpolated_glob_value_is_a_pattern": (_case("$ export P='He*'; echo Hello\n$P (glob)\n", I), True),
    # mode: jsonschema (scrut's src/testcase.rs): the output validates against the YAML schema
    "jsonschema_valid": (_case("% mode: jsonschema\n$ echo '{\"foo\": \"bar\"}'\n" + SCHEMA), True),
    "jsonschema_missing_required_fails": (_case("% mode: jsonschema\n$ echo '{\"other\": 1}'\n" + SCHEMA), False),
    "jsonschema_wrong_type_fails": (_case("% mode: jsonschema\n$ echo '{\"foo\": 3}'\n" + SCHEMA), False),
    "jsonschema_output_not_json_fails": (_case("% mode: jsonschema\n$ echo 'foo: bar'\n" + SCHEMA), False),
    "jsonschema_in_the_fence_and_without_final_newline": (_case("$ printf '[1, 2]'\ntype: array\nitems:\n  type: integer\n",
                                                                 " {mode: jsonschema}"), True),
    "jsonschema_exit_code_still_judged": (_case("% mode: jsonschema\n$ echo '{\"foo\": \"x\"}'; false\n" + SCHEMA), False),
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
    path.write_text(body if body.startswith("---") else "# Scrut\n\n" + body)
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
    path.write_text("# S\n\n" + _case("$ echo $HOME\n$HOME\n", " {some_future_key: true}"))
    out_json = tmp_path / "r.json"
    code, _ = _runbook("execute", str(path), "--no-annotate", "--json", str(out_json))
    step = next(s for s in json.loads(out_json.read_text())["steps"] if s["id"].startswith("L"))
    assert code == 0 and step["status"] == "skip" and "`some_future_key`" in step["reason"]


def test_scrut_dialect_is_said_in_list(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("# S\n\n" + _case("$ echo hi\nhi\n"))
    listing = json.loads(_runbook("list", str(path), "--format", "json")[1])
    assert listing["dialect"] == "scrut"
    assert [s["lang"] for s in listing["steps"]] == ["scrut", "scrut", "scrut"]


def _statuses(tmp_path: Path, text: str) -> tuple[int, dict[str, tuple[str, str]]]:
    path, report = tmp_path / "doc.md", tmp_path / "r.json"
    path.write_text(text)
    code, _ = _runbook("execute", str(path), "--no-annotate", "--json", str(report))
    return code, {s["id"]: (s["status"], s["reason"]) for s in json.loads(report.read_text())["steps"]}


def test_scrut_skip_document_code_skips_earlier_failures_too(tmp_path: Path) -> None:
    code, steps = _statuses(tmp_path, "# S\n\n" + _case("$ echo a\nb\n") + _case("$ exit 42\n", " {skip_document_code: 42}")
                            + _case("$ echo c\nd\n"))
    cases = {k: v for k, v in steps.items() if k.startswith("L")}
    assert code == 0 and [v[0] for v in cases.values()] == ["skip"] * 3
    assert all("exited 42, which skips the whole document" in v[1] for v in cases.values())


def test_scrut_timeout_ends_the_document(tmp_path: Path) -> None:
    code, steps = _statuses(tmp_path, "# S\n\n" + _case("$ sleep 5\n", " {timeout: 300ms}") + _case("$ echo x\nx\n"))
    cases = [v for k, v in steps.items() if k.startswith("L")]
    assert code == 1 and cases[0][0] == "error" and cases[1][0] == "skip" and "not reached" in cases[1][1]


def test_scrut_prepend_and_append_run_the_named_documents_cases(tmp_path: Path) -> None:
    (tmp_path / "first.md").write_text("# F\n\n" + _case("$ echo first > \"$TMPDIR/order\"\n"))
    (tmp_path / "last.md").write_text("# L\n\n" + _case("$ cat \"$TMPDIR/order\"\nfirst\nmine\n"))
    code, steps = _statuses(tmp_path, "---\nprepend: [first.md]\nappend: [last.md]\n---\n\n# D\n\n"
                            + _case("$ echo mine >> \"$TMPDIR/order\"\n"))
    assert code == 0 and [k for k in steps if k not in ("scrut-tmp", "scrut-cleanup")] == ["P1.L5", "L10", "A1.L5"]


def test_scrut_prepend_of_a_missing_document_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("---\nprepend: [nope.md]\n---\n\n# D\n")
    code, out = _runbook("execute", str(path), "--no-annotate")
    assert code == 2 and "nope.md" in out and "Traceback" not in out


def test_scrut_case_whose_configuration_is_not_yaml_is_skipped_not_run_without_it(tmp_path: Path) -> None:
    code, steps = _statuses(tmp_path, "# S\n\n" + _case("$ echo out; echo err >&2\nout\nerr\n", " {output_stream: [combined}"))
    status, reason = next(v for k, v in steps.items() if k.startswith("L"))
    assert code == 0 and status == "skip" and "not a YAML mapping" in reason


@pytest.mark.parametrize("schema, why", [
    ("type: string\nformat: date\n", "`format`"),
    ("type: object\nproperties:\n  on:\n    type: string\n", "YAML 1.1 and 1.2"),
    ('"$schema": https://json-schema.org/draft/2020-12/schema\ntype: object\n', "not draft 4, 6 or 7"),
    ("$ref: other.json\n", "another document"),
])
def test_scrut_jsonschema_case_runbook_cannot_judge_exactly_is_skipped_not_misjudged(tmp_path: Path, schema: str,
                                                                                   why: str) -> None:
    code, steps = _statuses(tmp_path, "# S\n\n" + _case("% mode: jsonschema\n$ echo '\"x\"'\n" + schema))
    status, reason = next(v for k, v in steps.items() if k.startswith("L"))
    assert code == 0 and status == "skip" and why in reason, reason


def test_scrut_jsonschema_output_with_control_bytes_is_skipped_not_misjudged(tmp_path: Path) -> None:
    code, steps = _statuses(tmp_path, "# S\n\n" + _case("% mode: jsonschema\n$ printf '\"a\\033[1mb\"\\n'\ntype: string\n"))
    status, reason = next(v for k, v in steps.items() if k.startswith("L"))
    assert code == 0 and status == "skip" and "control bytes" in reason, reason


def test_scrut_interpolated_value_holding_a_newline_is_skipped_not_misjudged(tmp_path: Path) -> None:
    code, steps = _statuses(tmp_path, "# S\n\n" + _case("$ export V=$'a\\nb'; printf 'a\\nb\\n'\n$V\n", I))
    status, reason = next(v for k, v in steps.items() if k.startswith("L"))
    assert code == 0 and status == "skip" and "newline" in reason, reason


def test_scrut_interpolated_secret_is_compared_masked_and_never_reported(tmp_path: Path) -> None:
    path, report = tmp_path / "doc.md", tmp_path / "r.json"
    path.write_text("# S\n\n" + _case("$ export API_TOKEN=s3cr3t-value-42; echo s3cr3t-value-42\n$API_TOKEN\n", I))
    code, out = _runbook("execute", str(path), "--no-annotate", "--json", str(report))
    assert code == 0, out
    assert "s3cr3t-value-42" not in report.read_text() and "s3cr3t-value-42" not in out


SCRUT_T = {  # name: (a .t file saying it is scrut's by one `(escaped)` / quantified line, scrut's verdict)
    "bash_and_combined_output": ("A\n  $ [[ a == a ]] && echo out && echo err >&2\n  out\n  err\n  \\x65rr (escaped) (?)\n",
                                 True),
    "stderr_is_compared": ("A\n  $ echo err >&2\n  x (?)\n", False),
    "scrut_environment": ("A\n  $ echo \"$TMPDIR|$TMP|$TEMP|$CRAMTMP|$TESTFILE|$TESTSHELL\"\n"
                          "  *execution.*__tmp|*__tmp|*__tmp|*execution.*|doc.t|*bash* (glob)\n  x (?)\n", True),
    "cram_glob_escapes": ("A\n  $ echo 'a*b?'\n  a\\*b\\? (glob)\n  x (?)\n", True),
    "cram_glob_escaped_star_is_literal": ("A\n  $ echo 'aXb'\n  a\\*b (glob)\n  x (?)\n", False),
    "cases_share_one_shell": ("A\n  $ export V=1\n  $ echo $V\n  1\n  x (?)\n", True),
    "hash_lines_are_skipped": ("# a comment\nA\n  $ echo a\n# between\n  a\n  x (?)\n", True),
    "empty_line_ends_the_case": ("A\n  $ echo a\n\n  a\n  x (?)\n", False),
    "crlf_kept": ("A\n  $ printf 'a\\r\\n'\n  a\\r (escaped)\n", True),
    "exit_code_line": ("A\n  $ (exit 3)\n  [3]\n  x (?)\n", True),
    "wrong_output_fails": ("A\n  $ echo a\n  b (equal)\n", False),
}


@pytest.mark.parametrize("name", sorted(SCRUT_T))
def test_scrut_t_file_gets_scrut_verdict(tmp_path: Path, name: str) -> None:
    text, passes = SCRUT_T[name]
    path = tmp_path / "doc.t"
    path.write_text(text)
    assert json.loads(_runbook("list", str(path), "--format", "json")[1])["dialect"] == "scrut"
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == (0 if passes else 1), f"{name}: scrut {'passes' if passes else 'fails'} it, runbook said {code}\n{out}"


def test_scrut_t_file_exit_80_skips_it(tmp_path: Path) -> None:
    path, report = tmp_path / "doc.t", tmp_path / "r.json"
    path.write_text("A\n  $ echo a\n  b\n  $ exit 80\n  $ echo c\n  c (equal)\n")
    code, _ = _runbook("execute", str(path), "--no-annotate", "--json", str(report))
    cases = [s for s in json.loads(report.read_text())["steps"] if s["id"].startswith("L")]
    assert code == 0 and [s["status"] for s in cases] == ["skip"] * 3 and [s["id"] for s in cases] == ["L2", "L4", "L5"]


def test_t_file_without_scrut_syntax_stays_prysks(tmp_path: Path) -> None:
    path = tmp_path / "doc.t"
    path.write_text("A\n  $ echo \"$TESTSHELL\"\n  /bin/sh\n  $ printf 'a\\tb\\n'\n  a\\tb (esc)\n")
    assert json.loads(_runbook("list", str(path), "--format", "json")[1])["dialect"] == "cram"
    assert _runbook("execute", str(path), "--no-annotate")[0] == 0


def test_scrut_interpolated_variable_runbooks_shell_sets_is_skipped_not_misjudged(tmp_path: Path) -> None:
    code, steps = _statuses(tmp_path, "# S\n\n" + _case("$ echo \"$PAGER\"\n$PAGER\n", I))
    status, reason = next(v for k, v in steps.items() if k.startswith("L"))
    assert code == 0 and status == "skip" and "$PAGER" in reason, reason


def test_scrut_interpolated_case_whose_shell_exits_stays_failed(tmp_path: Path) -> None:
    """A case decided by the run (its shell exited) is not judged again after it ran."""
    path = tmp_path / "doc.md"
    path.write_text("# S\n\n" + _case("$ exec false\n[1]\n", I))
    code, out = _runbook("execute", str(path), "--no-annotate")
    assert code == 1, out


def test_scrut_jsonschema_output_holding_a_secret_is_skipped_not_judged_masked(tmp_path: Path) -> None:
    """The schema would see runbook's mask where the secret was: scrut validates the value itself."""
    path, report = tmp_path / "doc.md", tmp_path / "r.json"
    schema = "---\ntype: object\nproperties:\n  t:\n    type: string\n    pattern: '^[0-9]+$'\n"
    path.write_text("# S\n\n" + _case("$ export API_TOKEN=12345678901; printf '{\"t\": \"%s\"}\\n' \"$API_TOKEN\"\n"
                                      + schema, " {mode: jsonschema}"))
    code, out = _runbook("execute", str(path), "--no-annotate", "--json", str(report))
    assert code == 0, out
    step = [s for s in json.loads(report.read_text())["steps"] if s["id"] not in ("scrut-tmp", "scrut-cleanup")][-1]
    assert step["status"] == "skip" and "secret" in step["reason"], step
    assert "12345678901" not in report.read_text()


def test_scrut_t_file_result_is_written_after_the_whole_case_even_with_a_comment_inside(tmp_path: Path) -> None:
    t = tmp_path / "c.t"
    t.write_text("A\n  $ echo a\n# comment\n  a (re+)\n\nB\n  $ echo b\n  b (?)\n")
    code, out = _runbook("execute", str(t), "--no-color")
    assert code == 0, out
    annotated = (tmp_path / "c.t.annotated.md").read_text()
    assert "# comment\n  a (re+)\n<!-- runbook:begin result L2" in annotated, annotated
