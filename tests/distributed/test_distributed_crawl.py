"""Two workers share a crawl through Redis; a worker killed mid-run loses no page."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import crawler
import scoring
from crawler.distributed import RunKeys, cleanup, connect, release, run_status, seed
from crawler.distributed_run import finish_run, wait_until_done
from demoarea import RunningArea
from poaudit.store import Store
from tests.distributed.conftest import SITES, area_profile, fetches, start_worker

pytestmark = pytest.mark.postgres


def _single(running: RunningArea, pg: str, site: str, tmp: Path) -> tuple[int, Counter[str]]:
    profile = area_profile(running, site)
    store = Store(pg)
    run_id = store.start_run(profile.name, profile.council)
    store.close()
    before = running.hits()
    crawler.crawl(profile, pg, run_id, jobdir=tmp / f"single-{site}")
    return run_id, fetches(running, before, site)


def _redirect_targets(pg: str, run_id: int) -> set[str]:
    store = Store(pg)
    try:
        out = set()
        for page in store.pages(run_id):
            if page.redirects:
                for url in [page.final_url or "", *(h["url"] for h in page.redirects)]:
                    parts = urlsplit(url)
                    out.add(parts.path + ("?" + parts.query if parts.query else ""))
        return out
    finally:
        store.close()


def _outcomes(pg: str, run_id: int, running: RunningArea, site: str) -> dict[str, str]:
    store = Store(pg)
    try:
        results = scoring.score_run(store, run_id, area_profile(running, site))
        return {r.code: r.status for r in results}
    finally:
        store.close()


def _stored(pg: str, run_id: int) -> tuple[list[str], Counter[str], int]:
    store = Store(pg)
    try:
        urls = [p.url for p in store.pages(run_id)]
        links = Counter(x.source_url for x in store.links(run_id))
        return urls, links, len(store.findings(run_id))
    finally:
        store.close()


@pytest.mark.parametrize("site", SITES)
def test_two_workers_crawl_each_page_once_and_score_like_one_process(
        running: RunningArea, rurl: str, pg: str, tmp_path: Path, site: str) -> None:
    single_run, single_hits = _single(running, pg, site, tmp_path)
    # 100 requests/s a worker: at the area's 1,000 one worker can fetch the whole small site
    # between two looks of the other at the shared queue (every 0.25 s), and take it all
    profile = area_profile(running, site, requests_per_second=100.0)
    store = Store(pg)
    run_id = store.start_run(profile.name, profile.council)
    store.close()
    r = connect(rurl)
    seed(r, profile, run_id, pg, hold=True)
    before = running.hits()
    workers = [start_worker(rurl, pg, run_id, f"w{i}-{site}") for i in (1, 2)]
    deadline = time.monotonic() + 60
    while int(r.scard(RunKeys(run_id).workers)) < 2:  # both have started: off they go
        assert time.monotonic() < deadline
        time.sleep(0.05)
    release(r, run_id)
    wait_until_done(rurl, run_id, timeout=120)
    results = []
    for proc in workers:
        out, errors = proc.communicate(timeout=60)
        assert proc.returncode == 0, errors.decode()[-2000:]
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    status = run_status(r, run_id)
    finish_run(profile, pg, run_id, rurl)
    assert cleanup(r, run_id) > 0 and not list(r.scan_iter(match=RunKeys(run_id).prefix + "*"))
    dist_hits = fetches(running, before, site)

    # every page fetched once, as by one process; only a URL on a redirect chain may be fetched
    # twice (by the redirect and by a link to it: that depends on the order links are met, in
    # one process too), and the cookie-gated page always is (302, then again with the cookie)
    assert set(dist_hits) == set(single_hits)
    again = _redirect_targets(pg, single_run) | {t for t in single_hits if "login.php" in t}
    assert all(n == 1 for t, n in dist_hits.items() if t not in again), (dist_hits, status)
    assert all(n <= 2 for n in dist_hits.values())
    assert all(w["finished"] and w["pages"] > 0 for w in results), results  # both took pages
    assert sum(w["pages"] for w in results) == len(_stored(pg, run_id)[0])
    assert status["in_flight"] == 0 and status["queued"] == 0 and status["requeued"] == 0

    single_urls, single_links, _ = _stored(pg, single_run)
    urls, links, _ = _stored(pg, run_id)
    assert sorted(urls) == sorted(single_urls) and len(urls) == len(set(urls))
    assert links == single_links
    assert _outcomes(pg, run_id, running, site) == _outcomes(pg, single_run, running, site)


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(
        running: RunningArea, rurl: str, pg: str, tmp_path: Path) -> None:
    site = SITES[0]
    single_run, single_hits = _single(running, pg, site, tmp_path)
    # 100 requests/s a worker: at the area's 1,000 one worker can fetch the whole small site
    # between two looks of the other at the shared queue (every 0.25 s), and take it all
    profile = area_profile(running, site, requests_per_second=100.0)
    store = Store(pg)
    run_id = store.start_run(profile.name, profile.council)
    store.close()
    r = connect(rurl)
    keys = RunKeys(run_id)
    seed(r, profile, run_id, pg)
    before = running.hits()
    victim = start_worker(rurl, pg, run_id, "victim")
    deadline = time.monotonic() + 60
    while int(r.hlen(keys.facts)) < 8:  # the victim is crawling
        assert time.monotonic() < deadline and victim.poll() is None
        time.sleep(0.02)
    survivor = start_worker(rurl, pg, run_id, "survivor")
    while int(r.hlen(keys.facts)) < 16 or not r.hlen(keys.proc("victim")):
        assert time.monotonic() < deadline and victim.poll() is None
        time.sleep(0.01)
    victim.send_signal(signal.SIGSTOP)  # freeze it, so what it holds can be counted
    in_flight = int(r.hlen(keys.proc("victim")))
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    wait_until_done(rurl, run_id, timeout=120)
    _out, errors = survivor.communicate(timeout=60)
    assert survivor.returncode == 0, errors.decode()[-2000:]
    status = run_status(r, run_id)
    finish_run(profile, pg, run_id, rurl)
    cleanup(r, run_id)

    assert in_flight >= 1 and status["requeued"] == in_flight
    assert {w["worker"]: w["alive"] for w in status["workers"]} == {"victim": False,
                                                                   "survivor": False}
    single_urls, single_links, _ = _stored(pg, single_run)
    urls, links, _ = _stored(pg, run_id)
    assert sorted(urls) == sorted(single_urls)  # nothing lost
    assert len(urls) == len(set(urls)) and links == single_links  # nothing stored twice
    dist_hits = fetches(running, before, site)
    assert set(dist_hits) == set(single_hits)
    # only requests in flight at the kill may be fetched again
    again = _redirect_targets(pg, single_run)
    extra = sum(n - 1 for t, n in dist_hits.items() if t not in again and "login.php" not in t)
    assert extra <= in_flight
    assert _outcomes(pg, run_id, running, site) == _outcomes(pg, single_run, running, site)
