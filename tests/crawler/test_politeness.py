"""Politeness on a small local site: robots.txt Crawl-delay, User-Agent, session ids."""

from __future__ import annotations

import http.server
import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

import crawler
from poaudit import __version__
from poaudit.profile import parse_profile
from poaudit.store import Store
from tests.crawler.conftest import serve_handler

PAGES = {
    "/robots.txt": "User-agent: *\nCrawl-delay: 0.3\nDisallow: /private/\n",
    "/": '<title>Home</title><a href="/a.php?PHPSESSID=1f2e">A</a> <a href="/b">B</a> '
         '<a href="/private/x">X</a> <a href="/c">C</a>',
    "/a.php": '<title>A</title><a href="/a.php?PHPSESSID=9z9z">A again</a> <a href="/b">B</a>',
    "/b": "<title>B</title>",
    "/c": "<title>C</title>",
}


class _Site(http.server.BaseHTTPRequestHandler):
    log: ClassVar[list[tuple[float, str, str]]] = []

    def do_GET(self) -> None:
        type(self).log.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
        path = self.path.split("?", 1)[0]
        body = PAGES.get(path)
        self.send_response(200 if body is not None else 404)
        kind = "text/plain" if path.endswith(".txt") else "text/html; charset=utf-8"
        self.send_header("Content-Type", kind)
        data = (body or "<title>Not found</title>").encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture()
def site() -> Iterator[str]:
    _Site.log = []
    with serve_handler(_Site) as host:
        yield host


def test_crawl_delay_user_agent_and_session_ids(site: str, tmp_path: Path) -> None:
    profile = parse_profile({
        "name": "tiny", "council": "Tiny Council", "tier": "unitary",
        "start_urls": [f"http://{site}/"], "contact_url": "https://example.org/poaudit",
        "crawl": {"requests_per_second": 100, "concurrency_per_host": 4,
                  "allow_private_addresses": True},
    })
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    run_id = store.start_run(profile.name, profile.council)
    stats = crawler.crawl(profile, store.url, run_id)
    pages = {p.url.split(site, 1)[1] for p in store.pages(run_id)}
    assert pages == {"/robots.txt", "/", "/a.php", "/b", "/c"}  # session ids stripped
    paths = [path for _, path, _ in _Site.log]
    assert not [p for p in paths if p.startswith("/private/")]
    agent = f"poaudit/{__version__} (+https://example.org/poaudit)"
    assert {ua for _, _, ua in _Site.log} == {agent}
    crawl_times = [t for t, path, _ in _Site.log
                   if not path.startswith(("/robots", "/poaudit-"))]
    gaps = [b - a for a, b in itertools.pairwise(crawl_times)]
    assert gaps and min(gaps) >= 0.13  # 0.3 s with Scrapy's 0.5-1.5x jitter
    (robots,) = store.findings(run_id, probe_id="crawl-robots")
    assert "Crawl-delay of 0.3 s was honoured" in robots.message
    (traps,) = store.findings(run_id, probe_id="crawl-traps")
    assert traps.detail["trap"] == "session-id" and traps.detail["not_crawled"] >= 2
    assert stats.pages == 5
    store.close()


def test_no_referer_warning_on_every_crawl(caplog: pytest.LogCaptureFixture,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Scrapy's redirect middleware warns at every start that no RefererMiddleware sets the
    Referer on redirects; poaudit sends no Referer at all, so its subclass says nothing."""
    import logging

    from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
    from scrapy.utils.test import get_crawler

    from crawler.middleware import SiteRedirectMiddleware

    crawler_ = get_crawler(settings_dict={"SPIDER_MIDDLEWARES": {
        "scrapy.spidermiddlewares.referer.RefererMiddleware": None}})
    monkeypatch.setattr(crawler_, "get_spider_middleware", lambda cls: None)  # none enabled
    with caplog.at_level(logging.WARNING):
        SiteRedirectMiddleware.from_crawler(crawler_)._engine_started()
    assert not caplog.records
    with caplog.at_level(logging.WARNING):  # the warning this test would otherwise see
        RedirectMiddleware.from_crawler(crawler_)._engine_started()
    assert "RefererMiddleware" in caplog.text
