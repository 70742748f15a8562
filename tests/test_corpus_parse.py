"""Every real-world playbook of the corpus parses to what a person reading it would run.

``CORPUS_EXPECTATIONS`` is written per document after reading it: the steps in
order as ``(id, lang, outputs, criteria, placeholders)`` where ``outputs`` has one
character per command (``E`` expected output, ``I`` illustrative expected output,
``-`` none), ``criteria`` lists each criterion's clause kinds (``+`` joins the
clauses of one criterion, a space separates criteria) and ``placeholders`` is the
comma-joined input names. Where the spec and the document disagree the spec wins,
noted in the entry's comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from conftest import corpus_files

from runbook.model import ClauseKind, Document
from runbook.parse.markdown import parse_document, parse_file
from runbook.source import Source, split_lines

pytestmark = pytest.mark.shared

StepRow = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class Doc:
    title: str
    steps: list[StepRow]
    warnings: int = 0
    trouble: int = 0
    notes: tuple[str, ...] = field(default=())


CORPUS_EXPECTATIONS: dict[str, Doc] = {
    # An Innovation Engine scenario (its `expected_similarity` comments and nothing of
    # runbook's own format): read in that dialect, every block judged by its exit status,
    # the `date` block also by Jaro-Winkler similarity >= 0.3 with the text block after
    # <!-- expected_similarity=0.3 --> (docs/dialects.md).
    "Azure__InnovationEngine__docs__helloWorldDemo.md": Doc(
        title="Hello World Innovation Engine Demo",
        steps=[
            ("0-1", "bash", "-", "exit", ""),
            ("0-2", "bash", "-", "exit+expected", ""),
            ("0-3", "bash", "-", "exit", ""),
            ("0-4", "bash", "-", "exit", ""),
        ]),
    # `$ cmd` + output in the same block, `# comment` lines before the prompt; the
    # two untagged blocks (DNS name pattern, curl examples without prompts) are not
    # commands. `hook=` is another tool's attribute: one warning per use.
    "aws-samples__eks-workshop-v2__website__docs__introduction__basics__services__index.md": Doc(
        title="Services", warnings=2,
        steps=[
            ("0-1", "bash", "-", "", ""),
            ("0-2", "bash", "E", "", ""),
            ("0-3", "bash", "E", "manual manual", ""),
            ("0-4", "bash", "E", "manual", ""),
            ("0-5", "bash", "E", "manual", ""),
            ("0-6", "bash", "E", "", ""),
            ("0-7", "bash", "--", "", ""),
            ("0-8", "bash", "E", "", ""),
            ("0-9", "bash", "E", "", ""),
            ("0-10", "bash", "-", "", ""),
            ("0-11", "bash", "E", "manual", ""),
            ("0-12", "bash", "E", "manual", ""),
            ("0-13", "bash", "-", "", ""),
        ]),
    # "Here is an output example of running the command" makes 0-2's output
    # illustrative. The heredoc (0-4) is one command, YAML body and EOF included.
    # The pass criterion is prose ("pods in a `Running` state"): not a PASS label.
    "cert-manager__website__content__docs__installation__verify.md": Doc(
        title="Check cert-manager API",
        steps=[
            ("0-1", "bash", "E", "contains", ""),
            ("0-2", "bash", "I", "", ""),
            ("0-3", "bash", "E", "contains+contains+contains+contains", ""),
            ("0-4", "bash", "-", "", ""),
            ("0-5", "bash", "-", "", ""),
            ("0-6", "bash", "E", "manual", ""),
            ("0-7", "bash", "-", "manual", ""),
        ]),
    # Untagged blocks with `$` prompts are steps; the file tree and compose.yaml
    # blocks are not. "Listing containers should show ... as below:" is a label,
    # but the block after it is a `$` transcript, so it is a step of its own.
    "docker__awesome-compose__nginx-flask-mysql__README.md": Doc(
        title="Compose sample application",
        steps=[
            ("0-1", "", "E", "", ""),
            ("0-2", "", "E", "manual", ""),
            ("0-3", "", "E", "", ""),
            ("0-4", "", "-", "", ""),
        ]),
    # The ```scrut blocks live inside ````markdown fences: documentation, never run.
    # The three `bash title="Terminal"` transcripts are real (network) commands; the
    # third shows stderr lines a person would not compare literally, but nothing in
    # the text marks it illustrative. `title=` warns once per block.
    "facebookincubator__scrut__website__docs__tutorial__04-output-expectations.md": Doc(
        title="Output Expectations", warnings=3,
        steps=[
            ("0-1", "bash", "E", "", ""),
            ("0-2", "bash", "E", "", ""),
            ("0-3", "bash", "E", "contains", ""),
        ]),
    # `$ cmd` / `# comment` / `> output`: comments skipped, `> ` stripped from
    # output. Liquid `{% data ... %}` and `<em>USER</em>` are input a reader must
    # supply. Spec over doc: the two shell blocks holding only a URL (0-3, 0-4) are
    # steps (shell-tagged) although a person reads them as URL shapes, and the
    # "Troubleshooting:" transcripts (0-2, 0-11, 0-15) show the *error* a command
    # prints: they are steps whose expected output is that error.
    "github__docs__content__get-started__getting-started-with-git__managing-remote-repositories.md": Doc(
        title="Adding a remote repository",
        steps=[
            ("0-1", "shell", "-E", "manual", "variables.command_line.codeblock,user,repo"),
            ("0-2", "shell", "E", "", "variables.command_line.codeblock"),
            ("0-3", "shell", "-", "", "variables.command_line.backticks,USERNAME,REPOSITORY"),
            ("0-4", "shell", "-", "", "variables.command_line.codeblock,USERNAME,REPOSITORY"),
            ("0-5", "shell", "E", "", ""),
            ("0-6", "shell", "-", "", "variables.command_line.codeblock,USERNAME,REPOSITORY"),
            ("0-7", "shell", "E", "manual manual", ""),
            ("0-8", "shell", "E", "", ""),
            ("0-9", "shell", "-", "", "variables.command_line.codeblock,USERNAME,REPOSITORY"),
            ("0-10", "shell", "E", "manual manual", ""),
            ("0-11", "shell", "E", "manual", "variables.command_line.codeblock"),
            ("0-12", "shell", "E-E", "manual", ""),
            ("0-13", "shell", "E", "", ""),
            ("0-14", "shell", "E-E", "manual", ""),
            ("0-15", "shell", "E", "manual", ""),
        ]),
    # Ids from "### 1.1 ..." / "## Step 2: ..." headings, `.n` when a heading holds
    # several blocks (the macOS / Linux / verify variants). `# Expected output: 9.0.x`
    # -> regex check; "24.x.x or later" cannot be checked literally -> manual;
    # "# Should show empty list ..." has no colon: prose. "**Expected output:**" +
    # untagged block -> 5.2's expected output. The "## Success Criteria" checklist
    # follows a sentence, not the label: ignored with a warning (spec: a list right
    # after the label). The "### Issue:" troubleshooting sections are prose, not a
    # Symptom/Cause/Fix table: no troubleshooting rows. The json/csharp blocks are not run.
    "johnazariah__edumind-ai__.github__deployment__playbook__01-first-time-local-setup.md": Doc(
        title="Playbook: First-Time Local Setup", warnings=0,
        steps=[
            ("1.1.1", "bash", "-", "", ""),
            ("1.1.2", "bash", "-", "", ""),
            ("1.1.3", "bash", "I", "regex", ""),
            ("1.2", "bash", "I", "manual manual", ""),
            ("1.3.1", "bash", "-", "", ""),
            ("1.3.2", "bash", "-", "", ""),
            ("1.3.3", "bash", "-", "", ""),
            ("2", "bash", "I", "contains manual", ""),
            ("3", "bash", "I", "contains manual", ""),
            ("4", "bash", "I", "contains manual", ""),
            ("5.1", "bash", "-", "manual", ""),
            ("5.2", "bash", "E", "", ""),
            ("5.3.1", "bash", "-", "", ""),
            ("5.3.2", "bash", "-", "", "container-id"),
            ("6.2", "bash", "I", "contains manual manual manual", ""),
            ("7", "bash", "I", "contains", ""),
            ("0-17", "bash", "-", "", "process-id"),
        ]),
    # Spec over doc: a person would run `kn service create` / `kubectl apply`, but the
    # MkDocs tabs (`=== "kn"`) indent them by four spaces (CommonMark: indented code); runbook
    # opens the tabs and admonitions: the first tab's command runs with the output of its
    # `!!! Success "Expected output"`, the "YAML" tab is an alternative (skipped).
    "knative__docs__docs__versioned__getting-started__first-service.md": Doc(
        title="Deploying a Knative Service", steps=[
            ("0-1", "bash", "E", "", ""),
            ("0-2", "bash", "-", "", ""),
        ]),
    # `console` + `$` blocks without output; the Go template is not a placeholder.
    "openshift__runbooks__alerts__cluster-etcd-operator__etcdMembersDown.md": Doc(
        title="etcdMembersDown",
        steps=[
            ("0-1", "console", "-", "manual", ""),
            ("0-2", "console", "-", "manual", ""),
            ("0-3", "console", "-", "manual", ""),
            ("0-4", "console", "-", "", ""),
            ("0-5", "console", "-", "manual", ""),
            ("0-6", "console", "-", "", ""),
        ]),
    # "Expected output snippets:" + bullets -> one criterion per bullet with a
    # contains check per back-ticked fragment (`curl` / `ss` as the subject of
    # "returns"/"shows" are commands, not output; "`REACHABLE` or `STALE`" is an
    # alternative). "Expected outcome:" + bullet under the misconfiguration block.
    "parrsi01__network-engineering-security-foundation__labs__lab_01_linux_network_basics__step_by_step_guide.md": Doc(
        title="Lab 01: Linux Network Basics and Host Stack Visibility - Step-by-Step Guide",
        steps=[
            ("0-1", "bash", "-", "", ""),
            ("1", "bash", "-", "contains+contains contains contains", ""),
            ("2", "bash", "-", "contains contains+regex", ""),
            ("3", "bash", "-", "contains contains", ""),
            ("0-5", "bash", "-", "contains", ""),
            ("0-6", "bash", "-", "", ""),
        ]),
    # `shell` + `$` blocks; the `promql` queries are never run.
    "prometheus-operator__runbooks__content__runbooks__etcd__etcdBackendQuotaLowSpace.md": Doc(
        title="etcdBackendQuotaLowSpace",
        steps=[
            ("0-1", "shell", "--", "", ""),
            ("0-2", "shell", "-", "manual", ""),
            ("0-3", "shell", "-", "", ""),
            ("0-4", "shell", "-", "manual", ""),
        ]),
}

FILES = corpus_files()


def _rows(d: Document) -> list[StepRow]:
    rows = []
    for s in d.steps:
        outputs = "".join(("I" if c.expected.illustrative else "E") if c.expected else "-" for c in s.commands)
        crit = " ".join("+".join(cl.kind.value for cl in c.clauses) for c in s.criteria)
        rows.append((s.id, s.lang, outputs, crit, ",".join(s.placeholders)))
    return rows


def test_the_table_covers_the_whole_corpus():
    assert FILES, "corpus not found"
    assert sorted(p.name for p in FILES) == sorted(CORPUS_EXPECTATIONS)


@pytest.mark.parametrize("path", FILES, ids=[p.name[:40] for p in FILES])
def test_corpus_document(path):
    want = CORPUS_EXPECTATIONS[path.name]
    d = parse_file(str(path))
    assert d.title == want.title
    assert _rows(d) == want.steps
    assert len(d.warnings) == want.warnings, d.warnings
    assert len(d.troubleshooting) == want.trouble


@pytest.mark.parametrize("path", FILES, ids=[p.name[:40] for p in FILES])
def test_corpus_invariants(path):
    src = Source.read(path)
    lines = split_lines(src.text)
    d = parse_document(src.text, str(path))
    assert len({s.id for s in d.steps}) == len(d.steps)
    for s in d.steps:
        opening = lines[s.span.start]
        assert opening.startswith(s.prefix)
        assert opening[len(s.prefix):].lstrip().startswith(("```", "~~~"))
        assert s.span.end <= s.end <= len(lines)
        for c in s.commands:
            assert s.span.start < c.line < s.span.end
            if c.expected is not None and c.expected.span is not None:
                assert 0 <= c.expected.span.start < c.expected.span.end <= s.end
    # an annotation after every step and after the title changes nothing but line numbers
    out = list(lines)
    for at in sorted({s.end for s in d.steps} | {d.title_end}, reverse=True):
        out[at:at] = ["<!-- runbook:begin result x lines=3 -->\n", "body\n", "<!-- runbook:end -->\n"]
    again = parse_document("".join(out), str(path))
    assert _rows(again) == _rows(d)


def test_github_docs_transcript_details():
    d = parse_file(str(_file("github__docs")))
    first = d.steps[0]
    assert [c.text for c in first.commands] == [
        "git remote add origin https://{% data variables.command_line.codeblock %}/<em>user</em>/<em>repo</em>.git",
        "git remote -v"]
    assert first.commands[1].expected.text.splitlines()[0].startswith("origin  https://")
    assert d.steps[1].commands[0].expected.text == "fatal: remote origin already exists."
    assert d.steps[4].prefix == "  "  # fenced block inside a list item


def test_cert_manager_heredoc_and_ellipsis():
    d = parse_file(str(_file("cert-manager")))
    heredoc = d.steps[3].commands[0].text
    assert heredoc.startswith("cat <<EOF > test-resources.yaml\napiVersion: v1") and heredoc.endswith("\nEOF")
    assert d.steps[5].commands[0].expected.text.startswith("...\nSpec:")


def test_scrut_continuation_and_edumind_checks():
    scrut = parse_file(str(_file("facebookincubator")))
    assert scrut.steps[1].commands[0].text.endswith("| \\\n    jq -r '.[] | .commit.committer.date + \",\" + .commit.author.name'")
    edumind = parse_file(str(_file("johnazariah")))
    by_id = {s.id: s for s in edumind.steps}
    assert by_id["2"].criteria[0].clauses[0].value == "* main"
    assert by_id["6.2"].criteria[0].clauses[0].value == "Healthy"
    assert by_id["5.2"].commands[0].expected.origin == "label"
    assert by_id["5.2"].commands[0].expected.text.endswith("...\nDone.")


def test_parrsi_fragments():
    d = parse_file(str(_file("parrsi01")))
    step2 = next(s for s in d.steps if s.id == "2")
    clauses = [(cl.kind, cl.value) for c in step2.criteria for cl in c.clauses]
    assert clauses == [(ClauseKind.CONTAINS, "2 packets transmitted, 2 received"),
                       (ClauseKind.CONTAINS, "10.1.1.2"), (ClauseKind.REGEX, "REACHABLE|STALE")]


def _file(prefix: str):
    return next(p for p in FILES if p.name.startswith(prefix))
