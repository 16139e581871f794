"""Pacing: a host gets the profile's requests per second, never more, and (unlike Scrapy's
DOWNLOAD_DELAY) a late timer does not lower the rate for every request after it."""

from __future__ import annotations

import http.server
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar, cast

import pytest

import crawler
from crawler.pacing import PacedAutoThrottle, Pacer
from poaudit.profile import parse_profile
from poaudit.store import Store
from tests.crawler.conftest import serve_handler


def test_starts_are_an_interval_apart_and_idle_time_is_not_banked() -> None:
    pacer = Pacer(0.01)
    assert [round(pacer.reserve("h", 100.0), 6) for _ in range(4)] == [0, 0.01, 0.02, 0.03]
    assert pacer.reserve("other", 100.0) == 0  # hosts are paced apart
    # the reactor was late: the next reservation is from its own slot, lateness not added
    assert round(pacer.reserve("h", 100.035), 6) == 0.005
    # after a pause the schedule restarts at now: no burst of banked requests
    assert pacer.reserve("h", 200.0) == 0
    assert round(pacer.reserve("h", 200.0), 6) == 0.01


def test_autothrottle_delay_longer_than_the_rate_spaces_the_host() -> None:
    pacer = Pacer(0.01)
    pacer.throttle["slow"] = 0.5
    assert pacer.reserve("slow", 0.0) == 0
    assert pacer.reserve("slow", 0.0) == 0.5
    assert pacer.reserve("fast", 0.0) == 0 and pacer.reserve("fast", 0.0) == 0.01


def test_paced_autothrottle_applies_scrapys_policy_to_the_pacer() -> None:
    settings = {"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_TARGET_CONCURRENCY": 4.0,
                "AUTOTHROTTLE_DEBUG": False, "DOWNLOAD_DELAY": 0.0,
                "AUTOTHROTTLE_MAX_DELAY": 60.0, "AUTOTHROTTLE_START_DELAY": 0.1,
                "POAUDIT_REQUESTS_PER_SECOND": 10.0}

    class _Settings(dict[str, Any]):
        def getbool(self, key: str) -> bool:
            return bool(self[key])

        def getfloat(self, key: str, default: float = 0.0) -> float:
            return float(self.get(key, default))

    fake = SimpleNamespace(settings=_Settings(settings),
                           signals=SimpleNamespace(connect=lambda *a, **k: None))
    throttle = PacedAutoThrottle(cast(Any, fake))
    throttle._spider_opened(cast(Any, None))

    def seen(latency: float, status: int = 200) -> float:
        request = SimpleNamespace(meta={"download_slot": "h", "download_latency": latency})
        throttle._response_downloaded(cast(Any, SimpleNamespace(status=status, body=b"")),
                                      cast(Any, request), cast(Any, None))
        return throttle.pacer.throttle["h"]

    assert seen(2.0) == 0.5  # a slow server: latency / target concurrency at once
    assert seen(0.4) == pytest.approx(0.3)  # faster again: halfway down per response
    assert seen(0.0, status=500) == pytest.approx(0.3)  # error pages never shorten it
    assert throttle.pacer.interval_for("h") == pytest.approx(0.3)  # longer than 1/10 s


class _Site(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[float]] = []
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        type(self).hits.append(time.monotonic())
        name = self.path.strip("/").split(".")[0] or "0"
        status = 200
        if self.path == "/robots.txt":
            body = b"User-agent: *\nDisallow:\n"
        elif name.isdigit():  # a binary tree of pages: each links to the next two
            body = b"".join(b'<a href="/%d.htm">p</a>' % k
                            for k in (2 * int(name) + 1, 2 * int(name) + 2) if k < PAGES)
        else:
            status, body = 404, b"<title>Not found</title>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


PAGES = 60
RATE = 40.0


@pytest.fixture()
def site() -> Iterator[str]:
    _Site.hits = []
    with serve_handler(_Site) as host:
        yield host


def test_the_server_never_sees_more_than_the_rate(site: str, tmp_path: Path) -> None:
    profile = parse_profile({
        "name": "paced", "council": "Paced Council", "tier": "unitary",
        "start_urls": [f"http://{site}/"], "contact_url": "https://example.org/poaudit",
        "crawl": {"requests_per_second": RATE, "concurrency_per_host": 8,
                  "allow_private_addresses": True},
    })
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    stats = crawler.crawl(profile, store.url, store.start_run(profile.name, profile.council))
    assert stats.pages >= PAGES
    hits = sorted(_Site.hits)
    # in any stretch of time the server saw at most one request per interval (+ the first)
    for i, start in enumerate(hits):
        for j in range(i + 1, len(hits)):
            assert j - i <= (hits[j] - start) * RATE + 1.05, (i, j, hits[j] - start)
    store.close()
