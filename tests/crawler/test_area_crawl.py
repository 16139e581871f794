"""The crawl of the demo area: robots.txt, traps, limits, encodings, odd content."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from crawler.decode import binary_kind, decode_html
from demoarea import RunningArea
from tests.crawler.conftest import Crawled, of_kind


def _pages(crawled: Crawled, site: str) -> dict[str, Any]:
    return {p.url: p for p in crawled.store.pages(crawled.runs[site])}


def test_robots_txt_is_obeyed_and_recorded(crawled: Crawled, running: RunningArea,
                                           manifest: list[dict[str, Any]]) -> None:
    hits = running.hits()
    for e in of_kind(manifest, "robots-disallowed"):
        pages = _pages(crawled, e["site"])
        assert pages[e["url"]].status == 200  # robots.txt itself is a page record
        for url in e["urls"]:
            assert url not in pages
            target = urlsplit(url).path
            assert not hits.get((e["site"], "GET", target)), f"fetched {url}"
        (finding,) = crawled.store.findings(crawled.runs[e["site"]], probe_id="crawl-robots")
        assert finding.detail["disallow"] == e["expected"]["disallow"]
        checks = {c.url: c for c in crawled.store.link_checks(crawled.runs[e["site"]])}
        linked = [u for u in e["urls"] if u in checks]
        assert linked, "the planted link to the disallowed section has no verdict"
        assert all(checks[u].evidence["headline"] == "robots-disallowed" for u in linked)
    (missing,) = of_kind(manifest, "robots-txt")
    assert _pages(crawled, missing["site"])[missing["url"]].status == 404


def test_user_agent_names_poaudit_and_a_contact(running: RunningArea) -> None:
    from crawler.settings import user_agent
    from tests.crawler.conftest import area_profile

    ua = user_agent(area_profile(running, "suffolk"))
    assert ua.startswith("poaudit/") and "(+http" in ua


def test_calendar_trap_is_cut_off_with_a_finding(crawled: Crawled,
                                                 manifest: list[dict[str, Any]]) -> None:
    for e in of_kind(manifest, "infinite-calendar"):
        run_id = crawled.runs[e["site"]]
        path = e["expected"]["path"]
        months = [u for u in _pages(crawled, e["site"]) if urlsplit(u).path == path]
        assert 1 <= len(months) <= 13  # the entry month and six either side
        assert e["target"] in months
        findings = crawled.store.findings(run_id, probe_id="crawl-traps")
        calendar = [f for f in findings if f.detail["trap"] == "calendar"]
        assert len(calendar) == 1 and calendar[0].kind == "warning"
        assert path in calendar[0].detail["pattern"] and calendar[0].detail["not_crawled"] >= 1
        assert calendar[0].detail["examples"][0]["linked_from"]


def test_crawls_finish_inside_their_limits(crawled: Crawled, running: RunningArea) -> None:
    for site, run_id in crawled.runs.items():
        stats = crawled.stats[site]
        assert stats.pages <= running.profile(site)["crawl"]["max_pages"]
        assert stats.pages == len(crawled.store.pages(run_id))
        (limits,) = crawled.store.findings(run_id, probe_id="crawl-limits")
        assert limits.detail["pages"] == stats.pages


def test_huge_page_is_cut_off_at_max_page_bytes(crawled: Crawled,
                                                manifest: list[dict[str, Any]]) -> None:
    (e,) = of_kind(manifest, "huge-page")
    page = _pages(crawled, e["site"])[e["url"]]
    assert page.status == 200 and "cut off" in (page.error or "")
    assert 5_000_000 < page.content_length < e["expected"]["min_bytes"]
    (limits,) = crawled.store.findings(crawled.runs[e["site"]], probe_id="crawl-limits")
    assert limits.detail["hit"]["cut-off"] == 1


def test_binary_served_as_html_is_recorded_not_parsed(crawled: Crawled,
                                                      manifest: list[dict[str, Any]]) -> None:
    (e,) = of_kind(manifest, "binary-as-html")
    page = _pages(crawled, e["site"])[e["url"]]
    assert page.content_type == "text/html" and page.content_length > 40_000
    assert "binary content (PDF)" in (page.error or "") and page.title is None
    assert not [x for x in crawled.store.links(crawled.runs[e["site"]]) if x.source_url == e["url"]]


def test_windows_1252_page_without_charset(crawled: Crawled,
                                           manifest: list[dict[str, Any]]) -> None:
    (e,) = of_kind(manifest, "legacy-encoding")
    response = httpx.get(e["url"])
    assert "charset" not in response.headers["content-type"]
    decoded = decode_html(response.content, response.headers["content-type"])
    assert decoded.encoding == "cp1252" and decoded.source == "fallback"
    for text in e["expected"]["text"]:
        assert text in decoded.text
    page = _pages(crawled, e["site"])[e["url"]]
    assert page.title and page.title.startswith("Fees and charges 2005/06")
    links = [x for x in crawled.store.links(crawled.runs[e["site"]]) if x.source_url == e["url"]]
    assert links, "the page was not parsed"


def test_non_html_is_recorded_with_type_and_size(crawled: Crawled) -> None:
    for run_id in crawled.runs.values():
        for page in crawled.store.pages(run_id):
            if page.content_type and "html" not in page.content_type and page.status == 200:
                assert page.content_length > 0 and page.title is None
                assert page.content_hash


def test_decode_order_bom_header_meta_utf8_fallback() -> None:
    assert decode_html("£".encode("utf-8-sig"), "text/html; charset=cp1252").source == "bom"
    assert decode_html("£".encode("cp1252"), "text/html; charset=ISO-8859-1").text == "£"
    meta = b'<meta charset="windows-1252"><p>\x93quoted\x94</p>'
    got = decode_html(meta, "text/html")
    assert got.source == "meta" and "\u201cquoted\u201d" in got.text
    assert decode_html("café".encode(), "text/html").source == "utf-8-valid"
    assert decode_html(b"caf\xe9", "").text == "café"
    assert binary_kind(b"%PDF-1.4\n...") == "PDF"
    assert binary_kind(b"<html>\x00\x00</html>") == "binary data (NUL bytes)"
    assert binary_kind("<html>£</html>".encode()) is None
