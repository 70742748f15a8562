"""The HTML report in a real headless Chromium: structure, filters, deep links,
colour schemes, phone width, print, no network, no console errors, no injected script.

Screenshots land in build/test-artifacts/. Chromium is required (CI installs Debian's
``chromium``); without it these tests fail, they never skip.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, BrowserError
from report_fixtures import DOC_TEXT, make_document, make_run

from runbook.report.html import to_html
from runbook.report.json import from_json, to_json

ARTIFACTS = Path(__file__).resolve().parents[1] / "build" / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        b = Browser()
    except BrowserError as exc:
        pytest.fail(f"{exc} (CI: apt-get install chromium)")
    yield b
    b.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(to_html(make_run(), DOC_TEXT, make_document()), encoding="utf-8")
    return path.as_uri()


def visible_steps(b: Browser) -> list[str]:
    return b.eval("[...document.querySelectorAll('.step')].filter(e => e.offsetParent !== null).map(e => e.id)")


def assert_clean(b: Browser, start: int) -> None:
    """Since event ``start``: only file:// loads, no console errors, CSP violations or exceptions."""
    events = b.events[start:]
    urls = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
    assert urls and all(u.startswith(("file://", "about:")) for u in urls), urls
    saved, b.events = b.events, events
    try:
        assert b.problems() == []
    finally:
        b.events = saved


def test_structure_counts_and_badges(browser: Browser, report: str) -> None:
    start = len(browser.events)
    browser.open(report)
    assert browser.eval("document.body.dataset.ready") == "1"  # our script ran (CSP hash matches)
    totals = browser.eval(
        "Object.fromEntries([...document.querySelectorAll('#rb-totals [data-toggle-status]')]"
        ".map(b => [b.dataset.toggleStatus, +b.querySelector('.n').textContent]))")
    assert totals == {"pass": 1, "fail": 1, "error": 1, "skip": 1, "blocked": 1, "manual": 1, "drift": 1}
    assert browser.eval("document.querySelector('#rb-totals .total .n').textContent") == "6"
    badges = browser.eval("[...document.querySelectorAll('.step .result-head .badge')].map(b => b.textContent)")
    assert badges == ["pass", "fail", "manual", "blocked", "error", "skip"]
    assert visible_steps(browser) == ["A1", "A2", "A3", "B1", "C-1", "C-2"]
    assert browser.eval("document.querySelector('#rb-verdict').innerText").startswith("✗")
    assert browser.eval("document.querySelectorAll('#rb-phases .chip').length") == 6
    # Outputs start collapsed, and the long one scrolls inside its box.
    assert browser.eval("[...document.querySelectorAll('details.output')].some(d => d.open)") is False
    assert browser.eval("getComputedStyle(document.querySelector('pre.out')).maxHeight") != "none"
    assert_clean(browser, start)
    browser.screenshot(ARTIFACTS / "report-light.png")


def test_injected_markup_never_runs(browser: Browser, report: str) -> None:
    browser.open(report)
    assert "PWNED" not in browser.eval("document.title")
    assert browser.eval("typeof window.__pwned") == "undefined"
    assert browser.eval("document.body.hasAttribute('data-pwned')") is False
    assert browser.eval("document.querySelectorAll('script').length") == 1
    assert browser.eval("document.querySelectorAll('img').length") == 0
    # ... and the payloads are on screen as plain text for the reviewer to see.
    text = browser.eval("document.querySelector('#A2 .reason').textContent")
    assert "<script>document.title='PWNED'" in text and "onerror=" in text


def test_dark_scheme(browser: Browser, report: str) -> None:
    browser.open(report, dark=True)
    rgb = browser.eval("getComputedStyle(document.body).backgroundColor")
    assert sum(int(v) for v in rgb[rgb.index("(") + 1 : -1].split(",")[:3]) < 120, rgb
    browser.screenshot(ARTIFACTS / "report-dark.png")
    browser.open(report)
    rgb = browser.eval("getComputedStyle(document.body).backgroundColor")
    assert sum(int(v) for v in rgb[rgb.index("(") + 1 : -1].split(",")[:3]) > 600, rgb


def test_failures_filter_from_url_hides_passes_and_prose(browser: Browser, report: str) -> None:
    browser.open(report + "?filter=failures")
    assert visible_steps(browser) == ["A2", "A3", "B1", "C-1"]
    assert browser.eval("[...document.querySelectorAll('.prose')].every(p => p.offsetParent === null)")
    assert browser.eval("document.getElementById('rb-count').textContent") == "Showing 4 of 6 steps"
    assert browser.eval("document.querySelector('[data-filter=failures]').getAttribute('aria-pressed')") == "true"
    browser.screenshot(ARTIFACTS / "report-failures.png", full_page=False)


def test_filters_by_click_status_and_phase(browser: Browser, report: str) -> None:
    browser.open(report)
    browser.eval("document.querySelector('.toolbar [data-filter=failures]').click()")
    assert visible_steps(browser) == ["A2", "A3", "B1", "C-1"]
    assert browser.eval("location.search") == "?filter=failures"  # shareable
    browser.eval("document.querySelector('.toolbar [data-filter=all]').click()")
    assert len(visible_steps(browser)) == 6
    browser.eval("document.querySelector('#rb-totals [data-toggle-status=skip]').click()")
    browser.eval("document.querySelector('.toolbar [data-toggle-status=drift]').click()")
    assert visible_steps(browser) == ["A1", "C-2"]
    browser.eval("var s = document.getElementById('rb-phase'); s.value = 'C'; s.dispatchEvent(new Event('change'))")
    assert visible_steps(browser) == ["C-2"]
    browser.open(report + "?status=blocked&phase=A")
    assert visible_steps(browser) == []
    assert browser.eval("document.querySelector('.empty-filter').offsetParent !== null")
    browser.open(report + "?phase=B")
    assert visible_steps(browser) == ["B1"]


def test_deep_link_opens_and_scrolls_to_step(browser: Browser, report: str) -> None:
    browser.open(report + "#C-1", height=800)
    assert browser.eval("document.getElementById('C-1').classList.contains('targeted')")
    assert browser.eval("document.querySelector('#C-1 details.output').open") is True
    top = browser.eval("document.getElementById('C-1').getBoundingClientRect().top")
    assert 0 <= top < 200, top
    assert browser.eval("document.querySelector('#A2 details.output').open") is False
    browser.screenshot(ARTIFACTS / "report-deeplink.png", full_page=False)
    # A link to a step the filter hides clears the filter instead of going nowhere.
    browser.open(report + "?filter=failures#A1")
    assert "A1" in visible_steps(browser)
    assert browser.eval("document.getElementById('A1').classList.contains('targeted')")


def test_phone_width_has_no_horizontal_scroll(browser: Browser, report: str) -> None:
    browser.open(report, width=390, height=844)
    assert browser.eval("document.documentElement.scrollWidth") <= 390
    browser.screenshot(ARTIFACTS / "report-phone.png", full_page=False)


def test_print_expands_outputs_and_hides_toolbar(browser: Browser, report: str) -> None:
    browser.open(report)
    browser.send("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.eval("getComputedStyle(document.getElementById('rb-toolbar')).display") == "none"
        browser.eval("window.dispatchEvent(new Event('beforeprint'))")
        assert browser.eval("[...document.querySelectorAll('details')].every(d => d.open)")
        pdf = browser.send("Page.printToPDF", {"printBackground": True})["data"]
        import base64

        (ARTIFACTS / "report.pdf").write_bytes(base64.b64decode(pdf))
        assert (ARTIFACTS / "report.pdf").read_bytes().startswith(b"%PDF")
        browser.eval("window.dispatchEvent(new Event('afterprint'))")
        assert browser.eval("[...document.querySelectorAll('details.output')].some(d => d.open)") is False
    finally:
        browser.send("Emulation.setEmulatedMedia", {"media": ""})


def test_report_rerendered_from_json(browser: Browser, tmp_path: Path) -> None:
    run = from_json(to_json(make_run()))
    path = tmp_path / "from-json.html"
    path.write_text(to_html(run), encoding="utf-8")
    start = len(browser.events)
    browser.open(path.as_uri() + "?filter=failures")
    assert visible_steps(browser) == ["A2", "A3", "B1", "C-1"]
    assert browser.eval("document.querySelector('#A2 .reason').textContent").startswith(
        "output does not contain `services:`")
    assert_clean(browser, start)
    browser.open(path.as_uri())
    browser.screenshot(ARTIFACTS / "report-from-json.png")
    json.dumps(browser.requests())  # the recorder stays serialisable for debugging
