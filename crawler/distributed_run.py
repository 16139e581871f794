"""The coordinator of a distributed crawl: seed the run, wait for the workers, finish once.

:func:`distributed_crawl` is the distributed counterpart of :func:`crawler.crawl`: it queues
the run's first requests in Redis, optionally starts local workers, waits until the run is idle
across all workers (nothing queued, recovered or in flight; dead workers' requests are
re-queued meanwhile), then does what a single-process crawl does after its crawl phase, once:
the crawl findings (traps replayed over the stored links, limits), internal link verdicts,
outbound link checks and probe finalisation. Probe state is rebuilt by running the probes
again over the pages' HTML the workers left in Redis, in store order (probe state cannot be
merged across processes; no page is fetched again for it).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, cast

from crawler.collect import CrawlData, internal_checks
from crawler.distributed import HEARTBEAT_TTL, RunKeys, cleanup, connect, is_done, reap, seed
from crawler.items import PageFacts
from crawler.resume import load_resume
from crawler.run import LIMITS_ID, CrawlStats, _Crawl, _limits_finding, _write_checks
from crawler.spider import ROBOTS_PROBE
from crawler.traps import PROBE_ID as TRAPS_ID
from poaudit.profile import Profile
from poaudit.store import Store
from probes.base import Page

__all__ = ["distributed_crawl", "finish_run", "wait_until_done"]

log = logging.getLogger(__name__)
Progress = Callable[[dict[str, Any]], None]


def _local_worker(redis_url: str, run_id: int, store_url: str, ttl: float) -> None:
    from crawler.distributed_spider import worker_crawl

    worker_crawl(redis_url, run_id, store_url=store_url, heartbeat_ttl=ttl)


def wait_until_done(redis_url: str, run_id: int, *, poll: float = 0.25,
                    timeout: float | None = None, progress: Progress | None = None) -> None:
    """Block until the run is idle across every worker (reaping dead workers meanwhile)."""
    r = connect(redis_url)
    keys = RunKeys(run_id)
    deadline = None if timeout is None else time.monotonic() + timeout
    last = 0.0
    while True:
        reap(r, run_id)
        if is_done(r, run_id):
            r.set(keys.done, "1")
            return
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"distributed run {run_id} not done after {timeout} s")
        if progress is not None and time.monotonic() - last >= 1.0:
            last = time.monotonic()
            progress({"phase": "crawl", "pages": int(r.hlen(keys.facts)),
                      "queued": int(r.zcard(keys.requests))})
        time.sleep(poll)


def _crawl_data(r: Any, keys: RunKeys, base: CrawlData, stored: set[str]) -> CrawlData:
    data = base
    for url, raw in cast(dict[bytes, bytes], r.hgetall(keys.facts)).items():
        data.facts[url.decode()] = PageFacts.from_json(json.loads(raw))
    for url, reason in cast(dict[bytes, bytes], r.hgetall(keys.skipped)).items():
        u = url.decode()
        if u not in stored:
            data.skipped[u] = reason.decode()
    limits = Counter({k.decode(): int(v) for k, v in
                      cast(dict[bytes, bytes], r.hgetall(keys.limits)).items()})
    data.limits = limits
    data.limit_examples = {reason: [u.decode() for u in cast(
        list[bytes], r.lrange(keys.examples(reason), 0, 4))] for reason in limits}
    return data


def finish_run(profile: Profile, store_url: str, run_id: int, redis_url: str, *,
               disabled_probes: Iterable[str] = (), progress: Progress | None = None,
               log_level: str = "WARNING") -> CrawlStats:
    """After the workers: crawl findings, link checks and probe finalisation, once."""
    started = time.monotonic()
    r = connect(redis_url)
    keys = RunKeys(run_id)
    store = Store(store_url)
    try:
        run = _Crawl(profile, store, run_id, None, disabled_probes, progress, log_level)
        site_hosts = frozenset(profile.allowed_hosts)
        resume = load_resume(store, run_id, None, site_hosts, run.guard, profile.council)
        pages = resume.pages if resume else {}
        run.data = _crawl_data(r, keys, resume.data if resume else CrawlData(), set(pages))
        # probe state: the probes see every page again, from the HTML the workers kept
        for url in pages:
            raw = cast(bytes | None, r.hget(keys.bodies, url))
            if raw is None:
                continue
            args = json.loads(zlib.decompress(raw))
            run.runner.on_page(Page(site_hosts=site_hosts, **args))
        stats = run.stats
        stats.pages = len(pages)
        stats.links = resume.links if resume else 0
        stats.fetched = sum(int(cast(bytes, r.hget(keys.stats(w.decode()), "pages") or b"0"))
                            for w in cast(set[bytes], r.smembers(keys.workers) |
                                          r.smembers(keys.dead)))
        if not store.findings(run_id, probe_id=LIMITS_ID):
            findings = [*run.guard.findings(), _limits_finding(profile, run.data, stats.pages)]
            present = {pid for pid in (TRAPS_ID, ROBOTS_PROBE)
                       if store.findings(run_id, probe_id=pid)}
            fresh = [f for f in findings if f.probe_id not in present]
            stats.trapped_links = sum(c.count for c in run.guard.cuts.values())
            _write_checks(store, run_id, internal_checks(run.data, profile.council))
            stats.findings_written += store.add_findings(run_id, fresh)
        stats.crawl_seconds = round(time.monotonic() - started, 2)
        run.check()
        run.finalize()
    finally:
        store.close()
    stats.elapsed_seconds = round(time.monotonic() - started, 2)
    return stats


def distributed_crawl(profile: Profile, store_url: str, run_id: int, redis_url: str, *,
                      disabled_probes: Iterable[str] = (), local_workers: int = 0,
                      max_workers: int | None = None,
                      progress: Progress | None = None, timeout: float | None = None,
                      heartbeat_ttl: float = HEARTBEAT_TTL, keep_keys: bool = False,
                      log_level: str = "WARNING") -> CrawlStats:
    """Crawl run ``run_id`` with ``poaudit worker`` processes (``local_workers`` of them
    started here), then check links and finalise probes once; the run's Redis keys are
    deleted afterwards unless ``keep_keys``."""
    started = time.monotonic()
    r = connect(redis_url)
    seed(r, profile, run_id, store_url, list(disabled_probes), max_workers)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_local_worker, name=f"poaudit-worker-{run_id}-{i}",
                         args=(redis_url, run_id, store_url, heartbeat_ttl))
             for i in range(local_workers)]
    for proc in procs:
        proc.start()
    try:
        wait_until_done(redis_url, run_id, timeout=timeout, progress=progress)
    finally:
        for proc in procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.kill()
    crawl_seconds = time.monotonic() - started
    stats = finish_run(profile, store_url, run_id, redis_url, disabled_probes=disabled_probes,
                       progress=progress, log_level=log_level)
    stats.crawl_seconds = round(crawl_seconds, 2)
    stats.elapsed_seconds = round(time.monotonic() - started, 2)
    if crawl_seconds:
        stats.pages_per_second = round(stats.pages / crawl_seconds, 1)
    if not keep_keys:
        cleanup(r, run_id)
    return stats
