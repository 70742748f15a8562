"""`runbook check` on the shapes of real documents: no false findings (issue 12).

Each test is a small document of our own in the shape a real one has (a file to save, sample
output in a shell block, a screenshot after "you should see:", a closing checklist after a
lead-in sentence) and asserts the finding is absent, next to the case where it must stay.
"""

from __future__ import annotations

from runbook.lint.check import check_document
from runbook.parse.markdown import parse_document


def _codes(doc: str, code: str) -> list[int]:
    return [f.line for f in check_document(doc, "d.md") if f.code == code]


def test_variables_inside_a_file_to_save_or_sample_output_are_not_unset_variables():
    doc = ("# D\n\n## Save\n\nCreate a file named `init.sh` with:\n\n```bash\necho \"$bar\"\n```\n\n"
           "## Run\n\n```bash\necho hi\n```\n\nThe output is similar to:\n\n```bash\nNAME   VALUE\n"
           "x      $baz\n```\n\n## Use\n\n```bash\necho \"$qux\"\n```\n")
    assert _codes(doc, "RB502") == [27]  # only the command that really runs


def test_a_screenshot_after_a_label_is_not_missing_output():
    doc = ("# D\n\n```bash\nmkdocs serve &\n```\n\nPoint your browser to [localhost][lp] and you should see:\n\n"
           "[![Creating your site]][Creating your site]\n\n  [lp]: http://localhost:8000\n"
           "  [Creating your site]: shot.png\n")
    assert _codes(doc, "RB702") == []
    assert _codes(doc.replace("[![Creating your site]][Creating your site]", "Nothing here."), "RB702") == [7]


def test_a_closing_checklist_after_a_lead_in_sentence_is_neither_unlabelled_nor_orphaned():
    doc = ("# D\n\n## 1. Build\n\n```bash\necho built\n```\n\n## Success Criteria\n\n"
           "You've successfully set up the environment if:\n\n- [x] Solution builds\n- [x] Tests pass\n")
    assert _codes(doc, "RB202") == [] and _codes(doc, "RB203") == []
    assert _codes(doc.replace("You've successfully set up the environment if:\n\n", "Some words.\n\n"), "RB202") == [9]


def test_a_checklist_after_a_lead_in_inside_a_steps_section_checks_that_step():
    doc = ("# D\n\n## 1. Build\n\n```bash\necho built\n```\n\n### PASS criteria\n\n"
           "It worked if:\n\n- output contains `built`\n")
    step = parse_document(doc, "d.md").steps[0]
    assert [c.text for c in step.criteria] == ["output contains `built`"]
