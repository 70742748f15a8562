"""HTML report, read as markup (no browser): self-contained, escaped, complete.

The real-browser checks are in test_report_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from conftest import corpus_files
from report_fixtures import DOC_TEXT, XSS_IMG, XSS_SCRIPT, make_document, make_run

from runbook.model import Status
from runbook.report.html import safe_id, sanitize_html, to_html


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def page() -> str:
    return to_html(make_run(), DOC_TEXT, make_document())


def test_one_script_only_ours_and_allowed_by_csp(page: str) -> None:
    tags = Tags(page)
    assert len(tags.find("script")) == 1 and len(tags.scripts) == 1
    csp = tags.find("meta", http_equiv="Content-Security-Policy")[0]["content"] or ""
    digest = base64.b64encode(hashlib.sha256(tags.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def test_hostile_strings_are_text_never_markup(page: str) -> None:
    assert XSS_SCRIPT not in page and XSS_IMG not in page
    assert "<script>document" not in page
    tags = Tags(page)
    assert not tags.find("img") and not [a for _, a in tags.tags if any(k.startswith("on") for k in a)]
    assert "&lt;script&gt;document.title=&#x27;PWNED&#x27;" in page  # shown, escaped


def test_no_network_resources(page: str) -> None:
    tags = Tags(page)
    assert not [a for _, a in tags.tags if "src" in a]
    assert not tags.find("link") and not tags.find("iframe") and not tags.find("object")
    assert not re.search(r"@import|url\(|@font-face", page)
    remote = sorted({a["href"] for _, a in tags.tags if (a.get("href") or "").startswith(("http:", "https:", "//"))})
    # Only the document's own links remain, and the image became a link.
    assert remote == ["https://example.org/arch.png", "https://example.org/guide"]


def test_document_prose_and_steps_in_order(page: str) -> None:
    order = [page.index(s) for s in (
        "<h1>Field trial</h1>", "Run this <em>before</em> every release", "<h2>Phase A — Startup</h2>",
        'id="A1"', "docker --version", "Docker version 28...", 'id="A2"', "<th>Symptom</th>",
        'id="A3"', "<h2>Phase B — Data</h2>", 'id="B1"', 'id="C-1"', 'id="C-2"', "Get-Process")]
    assert order == sorted(order)
    assert "timeout: 30" not in page  # front matter is not prose
    assert "runbook: note for the tool" not in page and "runbook: blocking" not in page  # directives


def test_step_cards_carry_status_phase_and_drift(page: str) -> None:
    steps = {a["id"]: a for a in Tags(page).find("section") if "step" in (a.get("class") or "")}
    assert {k: (v["data-status"], v["data-phase"], v["data-drift"]) for k, v in steps.items()} == {
        "A1": ("pass", "A", "1"), "A2": ("fail", "A", "0"), "A3": ("manual", "A", "0"),
        "B1": ("blocked", "B", "0"), "C-1": ("error", "C", "0"), "C-2": ("skip", "C", "0")}


def test_card_contents(page: str) -> None:
    a2 = page[page.index('id="A2"') : page.index('id="A3"')]
    assert '<span class="mark">✗</span>' in a2 and "not found in 3 lines" in a2
    assert '<span class="del">-  healthcheck:</span>' in a2 and '<span class="add">+  web:</span>' in a2
    assert "<td><code>no such file</code><br><small>matched <code>no such file</code>" in a2
    assert "3 attempts" in a2 and "retried 3 times" in a2
    assert '<details class="output"><summary>Output · 3 lines · 120 B</summary>' in a2
    c1 = page[page.index('id="C-1"') : page.index('id="C-2"')]
    assert "4.9 KB not kept (full output in the JSON)" in c1 and "timed out after 5 s" in c1
    a3 = page[page.index('id="A3"') : page.index('id="B1"')]
    assert '<li class="manual"><span class="mark">?</span>' in a3


def test_control_characters_and_surrogates_become_visible(page: str) -> None:
    assert "nul:\\x00 bell:\\x07 esc:\\x1b[31m" in page and "surrogate:\\udcff" in page
    page.encode("utf-8")  # would raise on a lone surrogate


def test_without_document_steps_stand_alone() -> None:
    page = to_html(make_run())
    steps = [a["id"] for a in Tags(page).find("section") if "step" in (a.get("class") or "")]
    assert steps == ["A1", "A2", "A3", "B1", "C-1", "C-2"]
    assert "<h2>Phase A — Startup</h2>" in page and "<h2>Phase C — Cleanup</h2>" in page
    assert "docker --version" not in page


def test_results_missing_from_document_are_still_shown() -> None:
    run = make_run(hostile=False)
    doc = make_document()
    extra = replace(run.steps[0], step_id="Z9", title="Z9. Gone")
    page = to_html(replace(run, steps=(*run.steps, extra)), DOC_TEXT, doc)
    assert 'id="Z9"' in page and "Steps not found in the document" in page
    without_a1 = replace(run, steps=run.steps[1:])
    page = to_html(without_a1, DOC_TEXT, doc)
    assert 'id="A1"' not in page and "Not run in this run." in page and "docker --version" in page


def test_header_counts_and_verdict(page: str) -> None:
    assert 'data-toggle-status="fail" title="Show only fail steps"><span class="n">1</span>' in page
    assert 'id="rb-verdict"><span class="vicon">✗</span>Failed: 1 failed, 1 errored, 1 blocked, 1 need a person' in page
    run = make_run(hostile=False)
    ok = replace(run, steps=tuple(replace(r, status=Status.PASS) for r in run.steps))
    assert "Passed: 6 of 6 steps passed" in to_html(ok)


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("<!-- runbook: blocking -->", ""),
        ("<b onclick=\"x()\">bold</b>", "<b>bold</b>"),
        ("<details open><summary>Why</summary>Because &amp; so</details>",
         "<details open><summary>Why</summary>Because &amp; so</details>"),
        ('<img src="x" onerror="alert(1)">', "&lt;img src=&quot;x&quot; onerror=&quot;alert(1)&quot;&gt;"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<div class='x'>a > b</div>", "&lt;div class=&#x27;x&#x27;&gt;a &gt; b&lt;/div&gt;"),
        ("<a href='javascript:alert(1)'>x</a>", "&lt;a href=&#x27;javascript:alert(1)&#x27;&gt;x&lt;/a&gt;"),
        ("<!-- unclosed comment", ""),
    ],
)
def test_sanitize_html(raw: str, safe: str) -> None:
    assert sanitize_html(raw) == safe


def test_document_javascript_links_are_not_links() -> None:
    doc_text = "# T\n\n[click](javascript:alert(1)) <https://ok.example/>\n"
    doc = replace(make_document(), phases=())
    page = to_html(replace(make_run(hostile=False), steps=()), doc_text, doc)
    assert 'href="javascript' not in page and 'href="https://ok.example/"' in page


def test_safe_ids() -> None:
    assert safe_id("A1") == "A1" and safe_id("A.1") == "A.1"
    assert safe_id("a b\tc") == "a-b-c" and safe_id("rb-count") == "step-rb-count" and safe_id(" ") == "step-"


@pytest.mark.shared
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:50])
def test_real_documents_render_safely(path) -> None:
    """Every real playbook of the corpus renders as prose with no live markup of its own."""
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    doc = replace(make_document(), phases=(), title=path.stem)
    page = to_html(replace(make_run(hostile=False), steps=()), text, doc)
    tags = Tags(page)
    assert len(tags.find("script")) == 1
    assert not [a for _, a in tags.tags if "src" in a or any(k.startswith("on") for k in a)]
    assert not [t for t, _ in tags.tags if t in ("iframe", "object", "embed", "link", "form", "input")]
    assert len(tags.find("style")) == 1  # the report's own


def test_step_inside_a_list_renders_as_code() -> None:
    doc_text = "# T\n\n1. Start it:\n\n   ```bash\n   make up\n   ```\n\n2. Done.\n"
    from runbook.model import Command, Phase, Span, Step

    step = Step(id="0-1", phase="0", title="T", anchor="t", lang="bash", span=Span(4, 7), end=7,
                prefix="   ", commands=(Command("make up", 5),), transcript=False)
    doc = replace(make_document(), phases=(Phase("0", "T", 0, False, (step,)),))
    run = make_run(hostile=False)
    result = replace(run.steps[0], step_id="0-1", phase="0")
    page = to_html(replace(run, steps=(result,)), doc_text, doc)
    assert '<code class="language-bash">make up\n</code>' in page
    assert page.index("Start it:") < page.index('id="0-1"') < page.index("Done.")


def test_the_page_written_piece_by_piece_is_the_page_byte_for_byte() -> None:
    # `execute --html` writes to_html_bytes (UTF-8 pieces: a 50,000-step page as one
    # string with an emoji in it is 4 bytes a character); it must be to_html's page.
    from runbook.report.html import to_html_bytes

    run = make_run()
    first = run.steps[0]
    odd = replace(first, output=replace(first.output, text="nul\x00 bell\x07 byte\udcff ✅ é\n"),
                  reason="bad\udc80 ✅")
    run = replace(run, steps=(odd, *run.steps[1:]))
    for args in ((run, DOC_TEXT, make_document()), (run,)):
        page = to_html(*args)  # type: ignore[arg-type]
        assert "\\x00" in page and "\\udcff" in page and "✅" in page
        assert to_html_bytes(*args) == page.encode("utf-8")  # type: ignore[arg-type]


# --- each piece checked and encoded in one pass (report.html.page_bytes) -----------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from runbook.report.html import html_bytes, html_pieces, page_bytes  # noqa: E402
from runbook.source import encode  # noqa: E402
from runbook.wording import visible  # noqa: E402

_invisible_or_near = st.sampled_from(["\x00", "\x01", "\x08", "\t", "\n", "\x0b", "\x0c", "\r", "\x1b", "\x1f",
                                      "\x7f", "\x80", "\ud800", "\udcff", "\udfff", "\ufffd", "\ufffe", "\uffff",
                                      "\uffef", "\uffbf", "✓", "日", "🔧", "a", "<", "&"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_invisible_or_near, st.text(max_size=5)), max_size=12).map("".join))
def test_a_piece_encoded_in_one_pass_is_the_visible_texts_bytes(text: str) -> None:
    # The fast check reads the UTF-8 bytes for what visible() would change: a control
    # character, a lone surrogate, U+FFFE / U+FFFF (EF BF BE / EF BF BF; U+FFEF and
    # U+FFBF share the first two bytes and need no change).
    assert page_bytes(text) == encode(visible(text))


def test_the_page_in_bytes_is_the_page_in_pieces_encoded() -> None:
    run, doc = make_run(), make_document()
    assert b"".join(html_bytes(run, DOC_TEXT, doc)) == b"".join(encode(p) for p in html_pieces(run, DOC_TEXT, doc))
    assert b"\\x00" in b"".join(html_bytes(run, DOC_TEXT, doc))  # the hostile run's NUL, made visible
