"""mdsh documents read with mdsh's rules (docs/dialects.md): each command is a step that passes
when it succeeds and its output region stays as it is (``mdsh --frozen``); nothing else runs.

Self-contained documents here; mdsh's own (spec.processed.md, spec.clear.md, README.md) at
the end, from its repository (tests/peer_docs.py; they skip, saying why, without it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from peer_docs import needs, peer_tree
from runbook.cli import cli

F = "```"
B, E = "<!-- BEGIN mdsh -->", "<!-- END mdsh -->"


def _run(tmp_path: Path, body: str, *extra: str) -> tuple[int, str, dict[str, dict[str, object]]]:
    doc = tmp_path / "doc.md"
    doc.write_text(body)
    report = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["execute", str(doc), "--no-annotate", "--no-color", "--json", str(report),
                                   *extra], catch_exceptions=False)
    steps = {str(s["id"]): s for s in json.loads(report.read_text())["steps"]} if report.exists() else {}
    return res.exit_code, res.output, steps


def _status(steps: dict[str, dict[str, object]]) -> dict[str, object]:
    return {k: v["status"] for k, v in steps.items()}


EVERY_CONTAINER = f"""# mdsh

`> $ echo 'I am *markdown*'`

{B}
I am *markdown*
{E}

{F}md > $ sed 's/^/Hi, /'
there
{F}

{B}
Hi, there
{E}

{F}sh > yaml $
echo 'foo: true'
{F}

{B}
{F}yaml
foo: true
{F}
{E}

<!-- > $ printf 'no newline' -->

{B}
no newline{E}

<!-- > $
echo "two"
echo "lines"
-->

{B}
two
lines
{E}

[> < the file](./data.txt)

{B}
from a file
{E}

`! foo=bar`

``> $ echo "foo is $foo"``

{B}
foo is bar
{E}
"""


def test_mdsh_commands_in_every_container_pass_when_their_regions_stay(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("from a file\n")
    code, out, steps = _run(tmp_path, EVERY_CONTAINER)
    assert code == 0, out
    assert len(steps) == 8 and set(_status(steps).values()) == {"pass"}, _status(steps)
    assert "unknown attribute" not in out


def test_mdsh_region_that_differs_fails_that_command_and_the_rest_still_run(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("from a file\n")
    body = EVERY_CONTAINER.replace("Hi, there\n", "Hi, here\n")
    code, out, steps = _run(tmp_path, body)
    assert code == 1
    failed = [k for k, v in _status(steps).items() if v == "fail"]
    assert failed == ["L9"], _status(steps)
    assert sum(v == "pass" for v in _status(steps).values()) == 7


def test_mdsh_output_is_compared_byte_for_byte_final_newline_and_trailing_blanks_too(tmp_path: Path) -> None:
    body = (f"# x\n\n`> $ printf 'x'`\n\n{B}\nx\n{E}\n\n`> $ printf 'y  \\n'`\n\n{B}\ny\n{E}\n\n"
            f"`> $ printf 'z'`\n\n{B}\nz{E}\n")
    code, _, steps = _run(tmp_path, body)
    assert code == 1
    assert _status(steps) == {"L3": "fail", "L9": "fail", "L15": "pass"}


def test_mdsh_plain_blocks_are_never_run_only_its_commands(tmp_path: Path) -> None:
    body = (f"# x\n\n{F}bash\ntouch {tmp_path}/never\n{F}\n\n"
            f"`> $ echo ok`\n\n{B}\nok\n{E}\n")
    code, out, steps = _run(tmp_path, body)
    assert code == 0, out
    assert list(steps) == ["L7"]
    assert not (tmp_path / "never").exists()


def test_mdsh_command_without_its_region_fails_as_mdsh_frozen_would(tmp_path: Path) -> None:
    code, _, steps = _run(tmp_path, "# x\n\n`> $ echo ok`\n\nsome text\n")
    assert code == 1
    checks = steps["L3"]["checks"]
    assert isinstance(checks, list)
    assert any("no output region follows it" in c["clause"] and not c["ok"] for c in checks)


def test_mdsh_region_no_command_makes_or_a_missing_blank_line_fails(tmp_path: Path) -> None:
    orphan = f"# x\n\n`> $ echo ok`\n\n{B}\nok\n{E}\n\ntext\n\n{B}\nstale\n{E}\n"
    code, _, steps = _run(tmp_path, orphan)
    assert code == 1
    checks = steps["L3"]["checks"]
    assert isinstance(checks, list)
    assert any("the document would change at line 11" in c["clause"] and not c["ok"] for c in checks)
    tight = f"# x\n\n`> $ echo ok`\n{B}\nok\n{E}\n"
    assert _run(tmp_path, tight)[0] == 1


def test_mdsh_failing_command_stops_the_run_and_shows_its_standard_error(tmp_path: Path) -> None:
    body = (f"# x\n\n`> $ echo oops >&2; false`\n\n{B}\n{E}\n\n"
            f"`> $ touch {tmp_path}/after`\n\n{B}\n{E}\n")
    code, _, steps = _run(tmp_path, body)
    assert code == 1
    assert steps["L3"]["status"] == "fail" and "oops" in str(steps["L3"]["output"])
    assert steps["L8"]["status"] == "skip" and not (tmp_path / "after").exists()


def test_mdsh_one_liner_runs_with_set_euo_pipefail_and_a_script_block_without(tmp_path: Path) -> None:
    strict = f"# x\n\n`> $ false | true; echo after`\n\n{B}\n{E}\n"
    assert _status(_run(tmp_path, strict)[2]) == {"L3": "fail"}
    script = f"# x\n\n{F}sh > $\nfalse | true\necho after\n{F}\n\n{B}\nafter\n{E}\n"
    assert _status(_run(tmp_path, script)[2]) == {"L3": "pass"}


def test_mdsh_variables_reach_later_commands_with_its_quoting_and_expansion(tmp_path: Path) -> None:
    body = (f"# x\n\n{F}env !\n# a comment\nB=\"x y\"\nA=one\n{F}\n\n`! C=$A-$B`\n\n"
            f"`> $ echo \"$A|$B|$C\"`\n\n{B}\none|x y|one-x y\n{E}\n")
    code, out, steps = _run(tmp_path, body)
    assert code == 0, (out, steps)
    assert len(steps) == 3


def test_mdsh_unquoted_value_runs_to_the_next_space_even_lines_later_as_in_mdsh(tmp_path: Path) -> None:
    body = (f"# x\n\n{F}env !\nA=one\nB=two three=3\n{F}\n\n"
            f"`> $ echo \"[$A] $three\"`\n\n{B}\n[one\nB=two] 3\n{E}\n")
    code, out, steps = _run(tmp_path, body)
    assert code == 0, (out, steps)


def test_mdsh_unset_variable_in_env_data_fails_and_stops(tmp_path: Path) -> None:
    body = f"# x\n\n`! A=$RUNBOOK_SURELY_UNSET_VAR`\n\n`> $ echo hi`\n\n{B}\nhi\n{E}\n"
    code, _, steps = _run(tmp_path, body)
    assert code == 1
    assert steps["L3"]["status"] == "fail" and "is not set" in str(steps["L3"]["output"])
    assert steps["L5"]["status"] == "skip"


def test_mdsh_document_annotated_by_runbook_stays_frozen_and_passes_again(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("from a file\n")
    doc = tmp_path / "doc.md"
    doc.write_text(EVERY_CONTAINER)
    first = CliRunner().invoke(cli, ["execute", str(doc), "--in-place", "--no-color"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    text = doc.read_text()
    assert text.count("runbook:begin result") == 8
    assert f"{E}\n\n<!-- runbook:begin result" in text  # after the blank line mdsh keeps there
    code, out, steps = _run(tmp_path, text)
    assert code == 0 and len(steps) == 8, out


def test_mdsh_text_mdsh_cannot_read_is_refused_with_its_line(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, f"# x\n\n`> $ echo ok`\n\n{B}\nok\n")
    assert code == 2
    assert "doc.md:5" in out and "never closed" in out


def test_mdsh_list_names_the_dialect_and_shows_the_authors_command(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f"# x\n\n{F}sh > yaml $\necho 'foo: true'\n{F}\n")
    res = CliRunner().invoke(cli, ["list", str(doc)], catch_exceptions=False)
    assert res.output.startswith("dialect: mdsh")
    assert "$ ```sh > yaml $" in res.output and "RUNBOOK_MDSH" not in res.output


MDSH = peer_tree("mdsh")


@needs("mdsh")
def test_mdsh_own_processed_spec_passes_every_command() -> None:
    res = CliRunner().invoke(cli, ["execute", str(MDSH / "spec.processed.md"), "--no-annotate", "--no-color", "-q"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "61 steps: 61 pass" in res.output


@needs("mdsh")
@pytest.mark.parametrize("name, code", [("spec.clear.md", 1), ("README.md", 0)])
def test_mdsh_own_documents_get_the_frozen_verdict(tmp_path: Path, name: str, code: int) -> None:
    report = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["execute", str(MDSH / name), "--no-annotate", "--no-color", "--json",
                                   str(report)], catch_exceptions=False)
    assert res.exit_code == code, res.output
    steps = json.loads(report.read_text())["steps"]
    assert all(s["id"].startswith("L") for s in steps)  # mdsh's commands, never its ```bash install blocks
    if name == "spec.clear.md":  # no region yet: every command that writes one fails, `!` ones pass
        assert sum(s["status"] == "fail" for s in steps) == 45 and sum(s["status"] == "pass" for s in steps) == 16
