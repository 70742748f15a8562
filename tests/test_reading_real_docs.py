"""How runbook reads documents written without it in mind (issue 12): small documents of our
own in the shapes real ones have, each through the real parser."""

from __future__ import annotations

from runbook.parse.markdown import parse_document


def _rows(doc: str) -> list[tuple[int, str | None]]:
    return [(s.commands[0].line + 1, s.skip_reason) for s in parse_document(doc, "d.md").steps]


def test_a_new_section_brings_the_reader_back_from_a_guest_console():
    doc = ("# D\n\n## Diagnosis\n\n```bash\n$ virtctl console vmi-1\n```\n\nIn the guest OS, run:\n\n"
           "```bash\n$ df -h\n```\n\n```yaml\n# a comment in a file, not a heading\nkey: v\n```\n\n"
           "In the guest again:\n\n```bash\n$ du -sh /tmp\n```\n\n## Mitigation\n\n"
           "Free up space in the guest file system.\n\nThen check the class:\n\n```bash\n$ kubectl get sc\n```\n")
    rows = _rows(doc)
    assert [r[0] for r in rows] == [6, 12, 23, 33]
    assert all(why is not None and why.startswith("runs inside the VM guest") for _, why in rows[:3])
    assert rows[3][1] is None  # the yaml comment kept the context; the heading ended it
    inside = doc.replace("Then check the class:", "Inside the guest, check the class:")
    assert _rows(inside)[3][1] == "runs inside the VM guest (`virtctl console`): the document typed it there"


def test_a_block_the_prose_calls_logged_errors_is_not_run():
    doc = ("# D\n\n```console\noc logs pod-1\n```\n\n- If the pod is logging the following errors, the network "
           "is down.\n\n   ```console\n  received unexpected HTTP status: 500 Internal Server Error\n   ```\n\n"
           "Check the following logs by running:\n\n```console\nreceived_logs --all\n```\n")
    rows = _rows(doc)
    assert rows[0][1] is None
    assert rows[1][1] == "not a command: the prose before calls it output"
    assert rows[2][1] is None  # "by running": the prose calls it a command


MKDOCS = '''# D

=== "kn"

    Deploy it by running the command:

    ```bash
    echo created
    ```
    !!! Success "Expected output"
        ```{ .bash .no-copy }
        Service hello created at URL:
        http://hello.example
        ```

=== "YAML"

    ```bash
    echo applied
    ```

```markdown
=== "Not a tab"

    inside a fence: left as it is
```
'''


def test_mkdocs_tabs_and_admonitions_are_read_inside_and_only_the_first_tab_runs():
    d = parse_document(MKDOCS, "d.md")
    first, second = d.steps
    assert (first.commands[0].line + 1, first.commands[0].text, first.skip_reason) == (8, "echo created", None)
    exp = first.commands[-1].expected
    assert exp is not None and exp.span is not None and (exp.span.start + 1, exp.span.end) == (12, 13)
    assert exp.text.splitlines()[0] == "Service hello created at URL:"
    assert second.commands[0].text == "echo applied"
    assert second.skip_reason == 'alternative: tab "YAML" (runbook runs the first tab, "kn")'
    assert len(d.steps) == 2  # the fenced example of the syntax is not opened
