"""Documents, runs and renderers for the annotator's tests.

``fake_document`` is the real parser's Document; to try insertion in every context
it can also make every fence and paragraph of the real parser's block scan a step.
``fake_run`` makes a result for every step, cycling through every status and a
set of hostile outputs. ``render`` runs cmark-gfm, the independent renderer.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess

from markdown_it import MarkdownIt

from runbook.model import (
    Check,
    Command,
    Document,
    Output,
    Phase,
    PhaseResult,
    RunResult,
    Span,
    Status,
    Step,
    StepResult,
    TroubleMatch,
    TroubleRow,
)
from runbook.parse.blocks import slugify
from runbook.parse.markdown import parse_document, scan

CMARK = "/usr/bin/cmark-gfm"

#: Outputs that try to break out of the annotation (spec §6, issue 3 item 5).
HOSTILE_OUTPUTS: dict[str, str] = {
    "plain": "Docker version 28.2.2, build e6534b4\n",
    "backticks": "```\n````bash\nrm -rf /\n````\n```",
    "tildes": "~~~\n~~~~~ not a fence ~~~~~\n",
    "both_fences": "`````\n~~~~~~~\n``\n",
    "end_marker": "before\n<!-- runbook:end -->\nafter\n",
    "begin_marker": "<!-- runbook:begin result X lines=3 -->\n# Heading?\n<!-- runbook:end -->\n",
    "details": "</details>\n</summary>\n<details open>\n",
    "script": "<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n",
    "entities": "&amp; &lt;b&gt; &#x3C;script&#x3E; &copy;\n",
    "control": "nul:\x00 bell:\x07 esc:\x1b[31m vt:\x0b ff:\x0c cr:\rX del:\x7f nel:\x85\n",
    "surrogate": "bad byte: \udcff\n",
    "long_line": "x" * 5000 + "\n",
    "no_newline": "last line without newline",
    "huge": "".join(f"line {i}\n" for i in range(5000)),
    "empty": "",
    "blank_lines": "\n\n\n\na\n\n\n",
    "tabs": "\tindented\n\t\tmore\n",
    "markdown": "# not a heading\n- not a list\n| a | b |\n|---|---|\n> quote\n",
}

_STATUSES = [Status.PASS, Status.FAIL, Status.ERROR, Status.SKIP, Status.BLOCKED, Status.MANUAL]


_FENCE_LEAD = re.compile(r"[^`~]*")
_CONTAINER = re.compile(r"[ \t]*>[ ]?|[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|(?=[\r\n]|$))")


def container_prefix(line: str) -> str:
    """Blockquote markers kept, list markers turned to spaces, indentation kept."""
    prefix, pos = "", 0
    while (m := _CONTAINER.match(line, pos)) and m.end() > pos:
        token = m.group(0)
        prefix += token if ">" in token else "".join(c if c == "\t" else " " for c in token)
        pos = m.end()
    rest = re.match(r"[ \t]*", line[pos:])
    return prefix + (rest.group(0) if rest else "")


def fence_prefix(line: str) -> str:
    """What precedes a fence's markup, container characters kept, the rest as spaces."""
    lead = _FENCE_LEAD.match(line)
    return "".join(c if c in " \t>" else " " for c in (lead.group(0) if lead else ""))


def fake_document(
    text: str, path: str = "doc.md", all_fences: bool = False, paragraphs: bool = False
) -> Document:
    """The real parser's Document of ``text`` (parse.markdown.parse_document).

    To try insertion in every context, ``all_fences`` makes every fence of the real
    parser's block scan (parse.markdown.scan) a step, whatever its language, a "PASS"
    paragraph right after it extending the step; ``paragraphs`` also every paragraph
    (its end is where a criterion's result goes).
    """
    if not (all_fences or paragraphs):
        return parse_document(text, path)
    sc = scan(text)
    title, title_line, title_end = "", None, 0
    heading, anchor = "", ""
    steps: list[Step] = []
    blocks = sc.blocks
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            heading, anchor = b.text, slugify(b.text)
            if title_line is None:
                title, title_line, title_end = b.text, b.start, b.end
        first = sc.lines[b.start] if b.start < len(sc.lines) else ""
        if paragraphs and b.kind == "para":
            steps.append(_fake_step(steps, heading, anchor, "bash", Span(b.start, b.end), b.end,
                                    container_prefix(first), Command(b.raw, b.start)))
        elif all_fences and b.kind == "fence":
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            passes = (nxt is not None and nxt.kind == "para" and nxt.owner == b.owner and nxt.raw.startswith("PASS")
                      and container_prefix(sc.lines[nxt.start]).count(">") == fence_prefix(first).count(">"))
            lang = b.info.split()[0] if b.info.split() else ""
            steps.append(_fake_step(steps, heading, anchor, lang, Span(b.start, b.end),
                                    nxt.end if passes and nxt else b.end, fence_prefix(first),
                                    Command(b.raw, b.start + 1)))
    phase = Phase(id="0", title=title or path, line=0, blocking=False, steps=tuple(steps))
    return Document(path, title, title_line, title_end, (phase,))


def _fake_step(steps: list[Step], heading: str, anchor: str, lang: str, span: Span, end: int, prefix: str,
               command: Command) -> Step:
    return Step(id=f"S{len(steps) + 1}", phase="0", title=heading, anchor=anchor, lang=lang, span=span,
                end=end, prefix=prefix, commands=(command,), transcript=False)


def fake_run(doc: Document, seed: int = 0, interrupted_after: int | None = None) -> RunResult:
    """A result for every step: statuses and hostile outputs in rotation."""
    outputs = list(HOSTILE_OUTPUTS.values())
    results = []
    for n, step in enumerate(doc.steps):
        k = n + seed
        status = _STATUSES[k % len(_STATUSES)]
        reason = ""
        if interrupted_after is not None and n >= interrupted_after:
            status, reason = Status.SKIP, "not reached"
        failing = status in (Status.FAIL, Status.ERROR)
        out = outputs[k % len(outputs)]
        results.append(
            StepResult(
                step_id=step.id,
                status=status,
                phase=step.phase,
                title=step.title,
                line=step.line,
                drift=k % 4 == 1,
                exit_code=None if status in (Status.SKIP, Status.BLOCKED) else k % 3,
                duration_s=0.25 * k,
                attempts=0 if status in (Status.SKIP, Status.BLOCKED) else 1 + k % 2,
                output=Output(out, total_bytes=len(out), lines=out.count("\n")),
                checks=(
                    Check("exit code is 0", not failing),
                    Check("output contains `ok | <b>`", not failing, "not found in 3 lines\n<!-- runbook:end -->"),
                    Check("the dashboard looks right", False, manual=True),
                )
                if status is not Status.SKIP
                else (),
                diff="--- expected\n+++ actual\n@@ -1 +1 @@\n-ok\n+" + out[:200] if failing or k % 4 == 1 else None,
                reason=reason or ("timed out after 5 s <script>" if status is Status.ERROR else ""),
                troubleshooting=(
                    TroubleMatch(TroubleRow("`ECONNREFUSED` | port", "service *down*", "run `make up` <x>", 3), "ECONNREFUSED"),
                )
                if failing
                else (),
                notes=("shell restarted",) if k % 5 == 2 else (),
            )
        )
    phases = tuple(PhaseResult(p.id, p.title, p.blocking, Status.PASS) for p in doc.phases)
    return RunResult(
        document=doc.path,
        runbook_version="0.1.0",
        started_at="2026-11-26T10:00:00Z",
        duration_s=12.5,
        host="ci-<host>|1",
        phases=phases,
        steps=tuple(results),
        interrupted=interrupted_after is not None,
    )


@functools.lru_cache(maxsize=256)
def render(text: str) -> str:
    """HTML from cmark-gfm (raw HTML kept), the independent renderer of the checks."""
    if not shutil.which(CMARK):
        raise AssertionError(f"{CMARK} is missing: apt-get install cmark-gfm (CI installs it)")
    done = subprocess.run(
        [CMARK, "--unsafe", "-e", "table", "-e", "strikethrough"],
        input=text.encode("utf-8", "surrogateescape"),
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8", "surrogateescape")


REGION_HTML = re.compile(r"[ \t]*<!-- runbook:begin .*?<!-- runbook:end -->\n?", re.S)
_PRE = re.compile(r"<pre><code[^>]*>.*?</code></pre>", re.S)


_MDIT = MarkdownIt("commonmark", {"html": True}).enable("table")


def render_mdit(text: str) -> str:
    """HTML from markdown-it-py, the parser's own reading of the document."""
    return _MDIT.render(text)


def renderers_agree(text: str) -> bool:
    """cmark-gfm and markdown-it see the same blocks (they differ on a few edge cases)."""
    def norm(html: str) -> str:
        return re.sub(r"\s*\n\s*", "", html)
    return norm(render(text)) == norm(render_mdit(text))


def assert_renders_same(original: str, annotated: str) -> None:
    """Every original block renders the same: annotated HTML minus the regions == original HTML.

    Checked with cmark-gfm (independent) and markdown-it (what the parser sees).
    """
    before = _same_blocks(render(original))
    after = _same_blocks(REGION_HTML.sub("", render(annotated)))
    assert after == before, "cmark-gfm"
    # markdown-it puts a newline after tight text only when a block follows it.
    before = _around_tags(render_mdit(original))
    after = _around_tags(REGION_HTML.sub("", render_mdit(annotated)))
    assert after == before, "markdown-it"


def _around_tags(html: str) -> str:
    return re.sub(r"\n(?=<)|(?<=>)\n", "", html)


def _same_blocks(html: str) -> str:
    # In a tight item, cmark ends the last text with "\n" only when a block follows it.
    return html.replace("\n</li>", "</li>")


def assert_regions_render_as_intended(annotated: str) -> list[str]:
    """Each region renders to HTML blocks only: details with a code block, tables, no stray syntax."""
    html = render(annotated)
    chunks = [m.group(0) for m in REGION_HTML.finditer(html)]
    assert len(chunks) == annotated.count("<!-- runbook:begin "), "a region did not render as one piece"
    for chunk in chunks:
        assert chunk.strip().endswith("<!-- runbook:end -->")
        outside_code = _PRE.sub("<pre/>", chunk)
        assert outside_code.count("<details>") == outside_code.count("</details>")
        assert outside_code.count("<details>") == outside_code.count("<pre/>") - chunk.count("language-diff")
        for stray in ("&lt;!-- output", "&lt;!-- troubleshooting", "&lt;!-- runbook results", "&lt;details&gt;"):
            assert stray not in outside_code, (stray, chunk)
        # Fence or table syntax left as text at a line start: a block that did not form.
        assert not re.search(r"(?m)^(?:<p>|<li>)?(?:```|~~~|\| -)", outside_code), chunk
        for tag in ("<script", "<img", "<b>", "<x>", "<host>"):
            assert tag not in outside_code, (tag, chunk)
        if "runbook:begin summary" in chunk:
            assert "<table>" in chunk and "<strong>" in chunk
        else:
            assert "<strong>" in chunk
    return chunks
