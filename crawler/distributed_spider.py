"""One worker's share of a distributed crawl: the site spider on a Redis frontier.

:class:`DistributedSpider` is :class:`crawler.spider.SiteSpider` with its per-process state moved
to Redis (see :mod:`crawler.distributed` for the keys): the set of scheduled URLs, robots.txt
rules, not-found baselines and the "all hosts ready" step. Each callback runs to completion
before anything is acknowledged: its requests are queued (in Redis), its page rows are
committed to the store in one transaction (skipped if the page is already stored, so a
re-queued request never writes twice), the page's facts, HTML and skip reasons go to Redis for
the coordinator, and only then is the request removed from this worker's in-flight hash.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import socket
import threading
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, cast

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from twisted.internet import task
from twisted.python.failure import Failure

from crawler.analyse import Analyst, InlineAnalyser, probe_context
from crawler.collect import CrawlData
from crawler.distributed import HEARTBEAT_TTL, POP, RunKeys, connect, is_done, reap
from crawler.items import PageItem
from crawler.owners import Owners
from crawler.settings import scrapy_settings, user_agent
from crawler.spider import CrawlPlan, SiteSpider
from crawler.traps import PROBE_ID as TRAPS_ID
from crawler.traps import TrapGuard, TrapOptions
from poaudit.findings import Finding
from poaudit.profile import Profile, parse_profile
from poaudit.store import Store, as_row
from poaudit.store import models as m
from probes.base import Page
from probes.runner import ProbeRunner

__all__ = ["DistributedSpider", "new_worker_id", "worker_crawl"]

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class RedisSeen(set[str]):
    """The run's scheduled URLs, in Redis (a local cache of known members in front)."""

    def __init__(self, r: redis.Redis, key: str) -> None:
        super().__init__()
        self.r = r
        self.key = key
        self.last_new = True

    def __contains__(self, url: object) -> bool:
        if super().__contains__(url):
            return True
        if bool(self.r.sismember(self.key, cast(str, url))):
            super().add(cast(str, url))
            return True
        return False

    def add(self, url: str) -> None:
        self.last_new = bool(self.r.sadd(self.key, url))
        super().add(url)

    def __len__(self) -> int:
        return int(self.r.scard(self.key))


class RedisMap(dict[str, Any]):
    """Per-host knowledge (robots.txt rules, not-found baselines) shared through a Redis hash."""

    def __init__(self, r: redis.Redis, key: str) -> None:
        super().__init__()
        self.r = r
        self.key = key

    def __setitem__(self, host: str, value: Any) -> None:
        super().__setitem__(host, value)
        self.r.hset(self.key, host, pickle.dumps(value, protocol=-1))

    def get(self, host: str, default: Any = None) -> Any:
        if host in self:
            return self[host]
        raw = cast(bytes | None, self.r.hget(self.key, host))
        if raw is None:
            return default
        value = pickle.loads(raw)
        super().__setitem__(host, value)
        return value


class _AnchorSet(set[int]):
    """A calendar's entry months, as stored in Redis when read; additions go to Redis."""

    def __init__(self, r: redis.Redis, key: str) -> None:
        super().__init__(int(x) for x in cast(set[bytes], r.smembers(key)))
        self.r = r
        self.key = key

    def add(self, month: int) -> None:
        super().add(month)
        self.r.sadd(self.key, month)


class SharedAnchors(dict[str, set[int]]):
    """The trap guard's calendar entry months, shared by all workers of a run (so the
    calendar window is the one a single process would use, whoever meets the calendar)."""

    def __init__(self, r: redis.Redis, prefix: str) -> None:
        super().__init__()
        self.r = r
        self.prefix = prefix

    def setdefault(self, pattern: str, default: set[int] | None = None) -> set[int]:
        return _AnchorSet(self.r, self.prefix + pattern)


class RecordingData(CrawlData):
    """Crawl data that also remembers this callback's skips and limit hits for Redis."""

    def __init__(self) -> None:
        super().__init__()
        self.pending_skips: list[tuple[str, str]] = []
        self.pending_notes: list[tuple[str, str]] = []

    def note(self, reason: str, url: str) -> None:
        super().note(reason, url)
        self.pending_notes.append((reason, url))

    def skip(self, url: str, reason: str) -> None:
        self.skipped[url] = reason
        self.note(reason, url)
        self.pending_skips.append((url, reason))


class CapturingRunner(ProbeRunner):
    """Runs the probes and keeps each page's inputs, so the coordinator can rebuild probe
    state from every worker's pages (probe state itself cannot be merged)."""

    captured: list[dict[str, Any]]

    def on_page(self, page: Page) -> list[Finding]:
        self.captured.append({
            "url": page.url, "final_url": page.final_url, "status": page.status,
            "text": page.text, "headers": dict(page.headers),
            "content_type": page.content_type, "encoding": page.encoding, "depth": page.depth})
        return super().on_page(page)


class RecoveringQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis's priority queue, but every pop is recorded in this worker's in-flight
    hash (atomically, in Lua) and requests recovered from dead workers come first; a recovered
    request whose page is already stored is acknowledged without fetching it again."""

    def push(self, request: Request) -> None:
        """Queue a request; a request re-issued from one in flight here (a redirect, a retry)
        replaces it: queued and acknowledged in one transaction."""
        spider = cast(DistributedSpider, self.spider)
        old = request.meta.pop("_proc", None)
        data = self._encode_request(request)
        pipe = self.server.pipeline()
        pipe.zadd(self.key, {data: -request.priority})
        if old is not None:
            pipe.hdel(spider.keys.proc(spider.worker_id), old)
        pipe.execute()

    def pop(self, timeout: int = 0) -> Request | None:
        spider = cast(DistributedSpider, self.spider)
        keys = spider.keys
        if spider.held:
            if self.server.exists(keys.hold):
                return None
            spider.held = False
        while True:
            got = self.server.eval(POP, 4, self.key, keys.recovered,
                                   keys.proc(spider.worker_id), keys.seq)
            if not got:
                return None
            ident, data, recovered = got
            request = cast(Request, self._decode_request(data))
            request.meta["_proc"] = ident.decode() if isinstance(ident, bytes) else str(ident)
            if int(recovered) and spider.already_stored(request):
                spider.ack(request.meta)
                continue
            return request


class RecoveringScheduler(Scheduler):  # type: ignore[misc]
    """The scrapy-redis scheduler (kept persistent: the coordinator cleans the keys)."""

    def close(self, reason: str) -> None:
        return None


class DistributedSpider(SiteSpider):
    """The site spider as one of many workers on a shared Redis frontier."""

    name = "poaudit"

    def __init__(self, plan: CrawlPlan, *, redis_url: str, run_id: int, worker_id: str,
                 store: Store, heartbeat_ttl: float = HEARTBEAT_TTL, **kwargs: Any) -> None:
        super().__init__(plan, **kwargs)
        self.r = connect(redis_url)
        self.keys = RunKeys(run_id)
        self.run_id = run_id
        self.worker_id = worker_id
        self.store = store
        self.heartbeat_ttl = heartbeat_ttl
        self.seen = plan.seen = RedisSeen(self.r, self.keys.seen)
        self.robots = RedisMap(self.r, self.keys.robots)
        self.not_found = RedisMap(self.r, self.keys.baseline)
        self.guard._anchors = SharedAnchors(self.r, self.keys.prefix + "anchors:")
        self.pages_written = 0
        self.errors = 0
        self.held = True  # until the run's hold key is gone (see crawler.distributed.seed)
        self.finished = False
        self.redis_url = redis_url
        self._beat: task.LoopingCall | None = None
        self._stop = threading.Event()
        self._pulse = threading.Thread(target=self._heartbeat, name="poaudit-heartbeat",
                                       daemon=True)
        self._register()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> DistributedSpider:
        spider = cast(DistributedSpider, super().from_crawler(crawler, *args, **kwargs))
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # -- membership, heartbeat, termination ---------------------------------------------------
    def _register(self) -> None:
        now = str(time.time())
        self.r.set(self.keys.hb(self.worker_id), now, px=int(self.heartbeat_ttl * 1000))
        self.r.hset(self.keys.stats(self.worker_id),
                    mapping={"started": now, "updated": now, "pages": 0, "errors": 0,
                             "pid": os.getpid(), "host": socket.gethostname()})
        self.r.sadd(self.keys.workers, self.worker_id)

    def _opened(self, spider: Any) -> None:
        self._beat = task.LoopingCall(self._tick)
        self._beat.start(0.25, now=True)
        self._pulse.start()

    def _closed(self, spider: Any) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        self._stop.set()
        self._pulse.join(timeout=5)
        self.r.hset(self.keys.stats(self.worker_id),
                    mapping={"updated": str(time.time()), "pages": self.pages_written,
                             "errors": self.errors})
        self.r.delete(self.keys.hb(self.worker_id))

    def _heartbeat(self) -> None:
        """The heartbeat, on its own thread: a reactor busy parsing a big page is not dead
        (a killed process stops beating at once; a hung one is not detected)."""
        r = connect(self.redis_url)
        while not self._stop.wait(self.heartbeat_ttl / 5):
            try:
                now = str(time.time())
                pipe = r.pipeline()
                pipe.set(self.keys.hb(self.worker_id), now, px=int(self.heartbeat_ttl * 1000))
                pipe.hset(self.keys.stats(self.worker_id),
                          mapping={"updated": now, "pages": self.pages_written,
                                   "errors": self.errors})
                pipe.execute()
            except Exception:  # a Redis hiccup: the next beat retries
                log.exception("heartbeat failed")

    def _tick(self) -> None:
        """On the reactor: re-queue dead workers' requests, and look at the shared queue
        now rather than at Scrapy's 5 s engine heartbeat."""
        try:
            reap(self.r, self.run_id)
            engine = self.crawler.engine
            slot = getattr(engine, "_slot", None)
            if slot is not None:  # look at the shared queue now, not at the 5 s heartbeat
                slot.nextcall.schedule()
        except Exception:  # a Redis hiccup must not stop the worker; the next tick retries
            log.exception("reaping failed")

    def _idle(self, spider: Any) -> None:
        reap(self.r, self.run_id)
        if is_done(self.r, self.run_id) or self.r.exists(self.keys.done):
            self.finished = True
            return
        raise DontCloseSpider

    # -- shared state -------------------------------------------------------------------------
    async def start(self) -> Any:  # the coordinator queued the first requests
        return
        yield  # pragma: no cover

    def schedule(self, url: str, depth: int, referrer: str | None) -> Request | None:
        request = super().schedule(url, depth, referrer)
        if request is not None and not cast(RedisSeen, self.seen).last_new:
            return None  # another worker scheduled it between our check and our add
        return request

    def _begin(self, host: str) -> Iterator[Request]:
        pipe = self.r.pipeline()
        pipe.sadd(self.keys.ready, host)
        pipe.scard(self.keys.ready)
        _, ready = pipe.execute()
        if int(ready) >= len(self.site_hosts) and self.r.set(self.keys.started, "1", nx=True):
            yield from self._start()

    def already_stored(self, request: Request) -> bool:
        url = request.meta.get("url") or request.url
        with self.store.engine.connect() as conn:
            row = conn.execute(select(m.Page.id).where(m.Page.run_id == self.run_id,
                                                       m.Page.url == url)).first()
        return row is not None

    def ack(self, meta: dict[str, Any]) -> None:
        ident = meta.get("_proc")
        if ident is not None:
            self.r.hdel(self.keys.proc(self.worker_id), ident)

    # -- callbacks: run to completion, then acknowledge ---------------------------------------
    async def parse(self, response: Response) -> AsyncIterator[Any]:
        try:
            results = [out async for out in super().parse(response)]
        except Exception:  # acknowledged all the same; the page is not stored
            self.errors += 1
            log.exception("callback for %s failed", response.meta.get("url"))
            results = []
        for out in self._complete(results, response.meta):
            yield out

    def failed(self, failure: Failure) -> Iterator[Any]:
        return self._complete(super().failed(failure), failure.request.meta)  # type: ignore[attr-defined]

    def parse_robots(self, response: Response) -> Iterator[Any]:
        return self._complete(super().parse_robots(response), response.meta)

    def robots_failed(self, failure: Failure) -> Iterator[Any]:
        return self._complete(super().robots_failed(failure),
                              failure.request.meta)  # type: ignore[attr-defined]

    def parse_baseline(self, response: Response) -> Iterator[Any]:
        return self._complete(super().parse_baseline(response), response.meta)

    def baseline_failed(self, failure: Failure) -> Iterator[Any]:
        return self._complete(super().baseline_failed(failure),
                              failure.request.meta)  # type: ignore[attr-defined]

    def _complete(self, outputs: Iterable[Any], meta: dict[str, Any]) -> Iterator[Any]:
        try:
            results = list(outputs)
            for out in results:
                if isinstance(out, Request):
                    self.crawler.engine.crawl(out)
            for out in results:
                if isinstance(out, PageItem):
                    self._write(out)
            self._flush_extras()
        except Exception:
            self.errors += 1
            log.exception("callback for %s failed", meta.get("url"))
        finally:
            self.ack(meta)
        return iter(())

    def _write(self, item: PageItem) -> None:
        """Commit one page with its links and findings, unless it is already stored."""
        run_id = self.run_id
        try:
            with self.store.engine.begin() as conn:
                exists = conn.execute(select(m.Page.id).where(
                    m.Page.run_id == run_id, m.Page.url == item.page.url)).first()
                if exists is not None:
                    return
                if item.findings:
                    conn.execute(insert(m.FindingRow),
                                 [{**f.as_dict(), "run_id": run_id} for f in item.findings])
                if item.links:
                    conn.execute(insert(m.Link), [{**as_row(x), "run_id": run_id}
                                                  for x in item.links])
                conn.execute(insert(m.Page), [{**as_row(item.page),
                                               "run_id": run_id}])
        except IntegrityError:  # another worker stored it first (after a re-queue)
            return
        self.pages_written += 1
        self.r.hset(self.keys.facts, item.facts.url, json.dumps(item.facts.to_json()))

    def _flush_extras(self) -> None:
        runner = cast(CapturingRunner, cast(InlineAnalyser, self.plan.analyser).runner)
        data = cast(RecordingData, self.data)
        pipe = self.r.pipeline(transaction=False)
        for page in runner.captured:
            pipe.hset(self.keys.bodies, page["url"],
                      zlib.compress(json.dumps(page).encode("utf-8"), 3))
        runner.captured.clear()
        for url, reason in data.pending_skips:
            pipe.hset(self.keys.skipped, url, reason)
        for reason, url in data.pending_notes:
            pipe.hincrby(self.keys.limits, reason, 1)
            pipe.rpush(self.keys.examples(reason), url)
            pipe.ltrim(self.keys.examples(reason), 0, 4)
        data.pending_skips.clear()
        data.pending_notes.clear()
        pipe.execute()
        if self.plan.robots_findings:
            self.store.add_findings(self.run_id, self.plan.robots_findings)
            self.plan.robots_findings.clear()


def _settings(profile: Profile, redis_url: str, run_id: int, log_level: str) -> dict[str, Any]:
    settings = scrapy_settings(profile, log_level)
    keys = RunKeys(run_id)
    settings.update({
        "SCHEDULER": "crawler.distributed_spider.RecoveringScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed_spider.RecoveringQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "REDIS_URL": redis_url,
        "ITEM_PIPELINES": {},  # the spider commits its own items (see _complete)
    })
    return settings


def worker_crawl(redis_url: str, run_id: int, *, worker_id: str | None = None,
                 store_url: str | None = None, heartbeat_ttl: float = HEARTBEAT_TTL,
                 log_level: str = "WARNING") -> dict[str, Any]:
    """Work on run ``run_id`` in this process until the run is done (once per process:
    Scrapy's reactor cannot restart). Returns this worker's figures."""
    from scrapy.crawler import CrawlerProcess

    r = connect(redis_url)
    keys = RunKeys(run_id)
    raw = cast(bytes | None, r.get(keys.profile))
    if raw is None:
        raise RuntimeError(f"run {run_id} is not in Redis (not seeded, or already finished)")
    profile = parse_profile(json.loads(raw), f"<redis run {run_id}>")
    store_url = store_url or cast(bytes, r.get(keys.store)).decode()
    disabled = json.loads(cast(bytes, r.get(keys.disabled) or b"[]"))
    worker_id = worker_id or new_worker_id()
    store = Store(store_url)
    owners = Owners(profile)
    ctx = probe_context(profile)
    runner = CapturingRunner(ctx, {*disabled, *profile.probes_disabled})
    runner.captured = []
    guard = TrapGuard(TrapOptions.from_options(profile.probe_options.get(TRAPS_ID, {})))
    plan = CrawlPlan(profile=profile, user_agent=user_agent(profile), owners=owners,
                     guard=guard, analyser=InlineAnalyser(Analyst(ctx, runner)),
                     data=RecordingData(), sink=lambda item: None)
    process = CrawlerProcess(_settings(profile, redis_url, run_id, log_level))
    crawler = process.create_crawler(DistributedSpider)
    spiders: list[DistributedSpider] = []
    crawler.signals.connect(lambda spider: spiders.append(spider), signal=signals.spider_opened,
                            weak=False)
    started = time.monotonic()
    try:
        process.crawl(crawler, plan=plan, redis_url=redis_url, run_id=run_id,
                      worker_id=worker_id, store=store, heartbeat_ttl=heartbeat_ttl)
        process.start()
    finally:
        store.close()
    spider = spiders[0] if spiders else None
    elapsed = time.monotonic() - started
    pages = spider.pages_written if spider else 0
    return {"worker": worker_id, "run_id": run_id, "pages": pages,
            "fetched": spider.fetched if spider else 0,
            "errors": spider.errors if spider else 0, "seconds": round(elapsed, 2),
            "pages_per_second": round(pages / elapsed, 1) if elapsed else 0.0,
            "finished": bool(spider and spider.finished)}
