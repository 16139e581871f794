"""The pool: hangs and crashes are killed, retried once, then not assessed; dedupe is exact."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator

import pytest

from bench.axe_bench import LoopbackServer, loopback_pool
from poaudit.findings import Kind
from probes import accessibility_axe
from probes.browser.pool import BrowserPool

pytestmark = pytest.mark.browser


def test_hanging_page_times_out_is_retried_then_not_assessed(server: LoopbackServer) -> None:
    urls = [server.url("fixtures/clean.html"), server.base + "/hang/forever",
            server.url("fixtures/faults.html"), server.url("fixtures/review.html")]
    with loopback_pool(size=2, page_timeout=3, dedupe=False) as pool:
        results = {r.url: r for r in pool.run(urls)}
        stats = pool.stats
    hung = results[urls[1]]
    assert hung.status == "not assessed"
    assert hung.attempts == 2
    assert hung.error is not None and hung.error.count("timed out") == 2
    assert all(results[u].assessed for u in urls if u != urls[1])  # the pool kept going
    assert stats.browsers_killed == 2 and stats.retries == 1
    (finding,) = accessibility_axe.findings_for(hung)
    assert finding.kind is Kind.NOT_ASSESSED and "timed out" in finding.message


def test_crashed_tab_is_replaced_and_recorded(server: LoopbackServer) -> None:
    with loopback_pool(size=1, page_timeout=10) as pool:
        results = list(pool.run(["chrome://crash", server.url("fixtures/clean.html")]))
        stats = pool.stats
    crashed, ok = results
    assert crashed.status == "not assessed" and crashed.attempts == 2
    assert "crash" in (crashed.error or "")
    assert ok.assessed
    assert stats.browsers_killed == 2 and stats.browsers_started == 3


def test_unresponsive_driver_is_killed_by_the_watchdog(server: LoopbackServer) -> None:
    with loopback_pool(size=1, page_timeout=2, kill_grace=1) as pool:
        pool.warm_up()
        stuck = pool._idle[0]
        assert stuck.pid is not None
        os.killpg(stuck.pid, signal.SIGSTOP)  # chromedriver and Chromium stop answering
        (res,) = list(pool.run([server.url("fixtures/clean.html")]))
        stats = pool.stats
    assert res.assessed and res.attempts == 2
    assert stats.browsers_killed == 1


def test_dedupe_reuses_only_identical_doms(server: LoopbackServer) -> None:
    names = ["same_a.html", "same_b.html", "same_a.html?utm=1", "different.html",
             "sub/same_a.html"]
    urls = [server.url(f"fixtures/{n}") for n in names]
    with loopback_pool(size=2, page_timeout=20) as pool:
        results = {r.url: r for r in pool.run(urls)}
        assert pool.stats.reused == 2
    a, b, q, diff, sub = (results[u] for u in urls)
    assert a.dom_hash == b.dom_hash == q.dom_hash
    reused = [r for r in (a, b, q) if r.reused_from]
    assert len(reused) == 2 and {r.reused_from for r in reused} <= {a.url, b.url, q.url}
    for r in (a, b, q):
        assert r.axe is not None and r.axe.url == r.final_url
    assert diff.dom_hash != a.dom_hash and diff.reused_from is None  # one word differs
    assert sub.dom_hash != a.dom_hash and sub.reused_from is None  # relative URLs differ


def test_browsers_are_recycled_after_k_pages(server: LoopbackServer) -> None:
    urls = [server.url(f"fixtures/clean.html?{i}") for i in range(5)]
    with loopback_pool(size=1, page_timeout=20, recycle_after=2, dedupe=False) as pool:
        assert all(r.assessed for r in pool.run(urls))
        assert pool.stats.browsers_recycled == 2 and pool.stats.browsers_started == 3


def test_pool_is_reusable_and_closes_its_browsers(server: LoopbackServer) -> None:
    pool: BrowserPool = loopback_pool(size=2, page_timeout=20)
    with pool:
        first = list(pool.run([server.url("fixtures/clean.html")]))
        second = list(pool.run([server.url("fixtures/faults.html")]))
        idle = list(pool._idle)
    assert first[0].assessed and second[0].assessed
    assert idle and all(b.pid is not None for b in idle)
    for b in idle:
        assert b.pid is not None
        with pytest.raises(ProcessLookupError):
            os.kill(b.pid, 0)
        assert b.user_data_dir is not None and not os.path.exists(b.user_data_dir)


def test_page_errors_do_not_replace_the_browser(server: LoopbackServer) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    refused = f"http://127.0.0.1:{port}/nothing-listens-here"  # closed again: refused
    with loopback_pool(size=1, page_timeout=10) as pool:
        results = list(pool.run([server.url("fixtures/notes.txt"), refused,
                                 server.url("fixtures/clean.html")]))
        stats = pool.stats
    text, down, ok = results
    assert text.status == "not assessed" and text.attempts == 1  # not HTML: no retry
    assert "not an HTML page (text/plain)" in (text.error or "")
    assert down.status == "not assessed" and down.attempts == 2
    assert "ERR_CONNECTION_REFUSED" in (down.error or "")
    assert ok.assessed
    assert stats.browsers_started == 1 and stats.browsers_killed == 0


def test_error_in_the_url_source_reaches_the_caller(server: LoopbackServer) -> None:
    def urls() -> Iterator[str]:
        yield server.url("fixtures/clean.html")
        raise ValueError("crawler failed")

    with loopback_pool(size=1, page_timeout=10) as pool, pytest.raises(ValueError):
        list(pool.run(urls()))
