"""Crawled content is hostile: planted script, markup and quote-breaking strings render inert.

String-level checks on every HTML output (the report, the IEG pack, the partner pages), and a
parse with lxml that proves no script, event handler or javascript: link reached the DOM.
(A Chromium test that loads the files is in test_browser.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

import reports
from reports import safe_href
from tests.reports.conftest import (
    BREAK_ATTR,
    BREAK_SINGLE,
    CLOSE_TAGS,
    JS_URL,
    SCRIPT,
    Scored,
)

# The report's own trend charts (reports._trends: numbers and escaped labels only) are the one
# inline SVG allowed; everything else that looks like SVG came from crawled content.
OWN_CHARTS = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" role="img" [^>]*'
                        r'class="trend"[^>]*>.*?</svg>', re.S)


@pytest.fixture
def html_files(scored: Scored, tmp_path: Path) -> dict[str, str]:
    paths = reports.write_reports(scored.store, scored.run_id, scored.profile, tmp_path / "out",
                                  ieg=True, partners=True)
    return {kind: p.read_text(encoding="utf-8") for kind, p in paths.items()
            if p.suffix == ".html"}


def test_all_html_outputs_are_checked(html_files: dict[str, str]) -> None:
    assert {"html", "ieg-html", "partner:suffolk-county-council:html"} <= set(html_files)


def test_no_raw_markup_from_crawled_content(html_files: dict[str, str]) -> None:
    for kind, text in html_files.items():
        lowered = OWN_CHARTS.sub("", text).lower()
        assert "<script" not in lowered, kind
        assert "<img src=x" not in lowered, kind
        assert "<svg" not in lowered, kind
        assert "onerror=" not in lowered.replace("onerror=alert(1)&gt;", ""), kind
        assert 'href="javascript:' not in lowered, kind
        assert "\x00" not in text and "\x1b" not in text, kind


def test_planted_strings_are_shown_escaped(html_files: dict[str, str]) -> None:
    report = html_files["html"]
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in report
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in report
    assert "&#39;&gt;&lt;svg onload=alert(2)&gt;" in report
    assert "&lt;/textarea&gt;&lt;/pre&gt;" in report
    # a javascript: URL is shown as text, never as a link
    assert "<code>javascript:alert(document.cookie)</code>" in report


def test_parsed_dom_has_no_active_content(html_files: dict[str, str]) -> None:
    for kind, text in html_files.items():
        doc = lxml.html.document_fromstring(text)
        assert not doc.xpath("//script|//iframe|//object|//embed|//svg[not(@class='trend')]"
                             "|//img|//form"), kind
        for chart in doc.xpath("//svg[@class='trend']"):
            assert not chart.xpath(".//script|.//foreignObject|.//a|.//*[@href]"), kind
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (kind, el.tag, name)
                if name in ("href", "src", "action"):
                    assert value.startswith(("http://", "https://", "mailto:", "#")), (
                        kind, el.tag, value)
        # markup and quotes never broke out of a text node or an attribute
        body_text = doc.text_content()
        for planted in (SCRIPT, BREAK_ATTR, BREAK_SINGLE, CLOSE_TAGS):
            if kind == "html":
                assert planted in body_text, (kind, planted)


def test_every_html_output_forbids_scripts_by_policy(html_files: dict[str, str]) -> None:
    for kind, text in html_files.items():
        doc = lxml.html.document_fromstring(text)
        csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert csp and "default-src 'none'" in csp[0], kind
        assert doc.xpath("/html/@lang") == ["en-GB"], kind
        assert not doc.xpath("//link[@rel='stylesheet']"), f"{kind}: must be self-contained"


@pytest.mark.parametrize("url", [
    JS_URL, "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>",
    "vbscript:msgbox(1)", "java\tscript:alert(1)", "http://a b/", "//evil.example/x",
    "http:///nohost", "file:///etc/passwd", "", None, 42,
])
def test_safe_href_refuses_non_web_urls(url: object) -> None:
    assert safe_href(url) is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:8100/a?b=1&c=\"2\"", "https://x.gov.uk/",
                                 "mailto:web@x.gov.uk"])
def test_safe_href_keeps_web_urls(url: str) -> None:
    assert safe_href(url) == url


def test_quotes_in_a_url_cannot_break_the_href(scored: Scored, tmp_path: Path) -> None:
    paths = reports.write_reports(scored.store, scored.run_id, scored.profile, tmp_path)
    doc = lxml.html.document_fromstring(paths["html"].read_text(encoding="utf-8"))
    hrefs = doc.xpath("//a/@href")
    assert 'http://127.0.0.1:8200/search?q="><script>alert(3)</script>' in hrefs
