"""The shell lexer behind RB4xx / RB502: quotes, comments, heredocs, substitutions."""

from __future__ import annotations

from runbook.lint.check import check_document
from runbook.lint.rules_shell import assigned, hazards, label, uses


def _names(text: str) -> list[str]:
    return [n for _, _, n in uses(text)]


def test_single_quotes_escapes_comments_and_literal_heredocs_hide_variables():
    assert _names("echo '$A' \\$B # $C\n") == []
    assert _names("awk '{print $NF}' f; X=\"$(awk '{print $2}' g)\"") == []
    assert _names("cat <<'EOF'\n$D\nEOF\ncat <<EOF\n$E\nEOF\n") == ["E"]
    assert _names('echo "$F ${G} ${H:-x} ${I:=y} ${J+z} ${#K} ${L[@]}" $1 $? $$ $@') == ["F", "G", "K", "L"]


def test_assignments_seen_in_every_form():
    names, opaque = assigned(
        "A=1 B+=2; export C D=4; local E\nread -r -p 'Name: ' F G\nmapfile -t H < f\n"
        "for I in 1 2; do :; done\nprintf -v J '%s' x\ndeclare -a K=()\n")
    assert {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"} <= names
    assert "Name" not in names and not opaque
    assert assigned("source ./env.sh")[1] and assigned("set -a; . .env")[1] and assigned("eval \"$(x)\"")[1]


def test_variables_set_by_front_matter_or_sourced_files_are_not_reported():
    doc = ("---\nrunbook:\n  env: {PORT: 80}\n  requires: [TOKEN]\n---\n# T\n\n## 1. A\n\n"
           "```bash\necho $PORT $TOKEN $HOME\nsource ./vars.sh\n```\n\n## 2. B\n\n```bash\necho $FROM_VARS\n```\n")
    assert [f.code for f in check_document(doc, "d.md") if f.code == "RB502"] == []
    assert [f.line for f in check_document(doc.replace("source ./vars.sh\n", ""), "d.md")
            if f.code == "RB502"] == [17]


def test_hazards_ignore_quoted_text_and_comments():
    assert hazards("echo 'it’s' \"say “hi”\" # don’t", transcript=False) == []
    assert [h.code for h in hazards("kubectl delete pod x —force", transcript=False)] == ["RB403"]
    assert hazards("echo a-–b", transcript=False) == []
    assert [h.code for h in hazards("cat <<EOF\n\tx\nEOF", transcript=False)] == ["RB406"]
    assert hazards("$ echo hi", transcript=True) == []
    assert [h.code for h in hazards("echo hi\n$ ls", transcript=False)] == ["RB404"]
    assert hazards("echo 'a\\'", transcript=False) == []


def test_leading_tabs_of_a_dash_heredoc_are_required_not_a_hazard():
    # `<<-` strips leading tabs: they are why the author chose it (issue 12, RB406 false finding)
    assert hazards("if true; then\n\tcat <<-EOF\n\thello\n\tEOF\nfi", transcript=False) == []
    assert [(h.code, h.line) for h in hazards("cat <<-EOF\n\ta\tb\nEOF", transcript=False)] == [("RB406", 1)]
    assert [h.line for h in hazards("cat <<-EOF\nx\nEOF\ncat <<EOF\n\ty\nEOF", transcript=False)] == [4]


def test_labels_cover_every_character():
    text = "echo \"$(printf '%s' x)\" <<EOF\nbody\nEOF\n"
    assert len(label(text)) == len(text)
