"""A crawl shared by many worker processes through Redis (scrapy-redis underneath).

Layout of one run's state in Redis (all keys under ``poaudit:run:<id>:``):

``requests``     the frontier: scrapy-redis's priority queue (a sorted set of pickled requests)
``dupefilter``   scrapy-redis's RFPDupeFilter (our requests set ``dont_filter``; see ``seen``)
``seen``         normalised URLs already scheduled: the crawl's real duplicate filter
``proc:<w>``     requests worker ``w`` has taken and not yet finished (a hash id -> request)
``hb:<w>``       worker ``w``'s heartbeat (a key with a TTL; gone = the worker is dead)
``workers``      ids of workers that joined the run; ``stats:<w>`` their counters
``recovered``    requests taken back from dead workers (served before the queue)
``ready``/``started``  hosts whose robots.txt and not-found baseline are known; start URLs sent
``robots``/``baseline``  those, pickled, for every worker
``facts``/``bodies``/``skipped``/``limits``/``examples:<r>``  what the coordinator needs to
                 finalise the run (page facts, page HTML for probe state, skipped URLs)

A worker pops a request and records it in ``proc:<w>`` in one Lua script; it removes it only
after the page's children are queued and its rows are committed to the store. The run is over
when the queue and ``recovered`` are empty and every worker's ``proc`` hash is empty (checked
atomically, also in Lua); a worker whose heartbeat expired has its ``proc`` entries moved to
``recovered`` by whichever process notices first.
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import redis
from scrapy.http import Request

from crawler.urls import host_of
from poaudit.profile import Profile

__all__ = [
    "ACTIVE_RUNS",
    "RunKeys",
    "cleanup",
    "connect",
    "has_room",
    "is_done",
    "reap",
    "release",
    "run_status",
    "seed",
]

ACTIVE_RUNS = "poaudit:runs"
HEARTBEAT_TTL = 15.0  # seconds without a heartbeat before a worker's requests are re-queued

POP = """
local d = redis.call('lpop', KEYS[2])
local rec = 1
if not d then
  local r = redis.call('zrange', KEYS[1], 0, 0)
  if #r == 0 then return nil end
  d = r[1]
  redis.call('zrem', KEYS[1], d)
  rec = 0
end
local id = redis.call('incr', KEYS[4])
redis.call('hset', KEYS[3], id, d)
return {id, d, rec}
"""

DONE = """
if redis.call('zcard', KEYS[1]) > 0 or redis.call('llen', KEYS[2]) > 0 then return 0 end
for _, w in ipairs(redis.call('smembers', KEYS[3])) do
  if redis.call('hlen', ARGV[1] .. w) > 0 then return 0 end
end
return 1
"""

REAP = """
if redis.call('exists', KEYS[1]) == 1 then return -1 end
local vals = redis.call('hvals', KEYS[2])
for _, v in ipairs(vals) do redis.call('rpush', KEYS[3], v) end
redis.call('del', KEYS[2])
redis.call('srem', KEYS[4], ARGV[1])
return #vals
"""


def connect(url: str) -> redis.Redis:
    """A Redis client (bytes in, bytes out)."""
    return redis.Redis.from_url(url)


@dataclass(frozen=True)
class RunKeys:
    """The Redis key names of one distributed run."""

    run_id: int

    @property
    def prefix(self) -> str:
        return f"poaudit:run:{self.run_id}:"

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.prefix + name

    def proc(self, worker: str) -> str:
        return f"{self.prefix}proc:{worker}"

    def hb(self, worker: str) -> str:
        return f"{self.prefix}hb:{worker}"

    def stats(self, worker: str) -> str:
        return f"{self.prefix}stats:{worker}"

    def examples(self, reason: str) -> str:
        return f"{self.prefix}examples:{reason}"


def _scheme_for(profile: Profile, host: str) -> str:
    for url in profile.start_urls:
        if host_of(str(url)) == host:
            return str(url).split(":", 1)[0]
    return "https"


def _encoded(request: Request, callback: str, errback: str) -> bytes:
    data = request.to_dict()
    data["callback"], data["errback"] = callback, errback
    return pickle.dumps(data, protocol=-1)


def seed(r: redis.Redis, profile: Profile, run_id: int, store_url: str,
         disabled_probes: list[str] | None = None, max_workers: int | None = None,
         hold: bool = False) -> None:
    """Register run ``run_id`` and queue its first requests (robots.txt, or the not-found
    baselines when robots.txt is not obeyed); the spider takes it from there. Idempotent: a
    run that already has state is left as it is (a restarted coordinator resumes it).

    ``max_workers`` caps how many ``poaudit worker`` processes join the run: each worker keeps
    the profile's per-host rate, so N workers on one site send N times the requests. With
    ``hold`` workers join but take nothing until :func:`release` (to start them together)."""
    keys = RunKeys(run_id)
    if not r.set(keys.seeded, "1", nx=True):
        r.sadd(ACTIVE_RUNS, run_id)
        return
    r.set(keys.profile, json.dumps(profile.model_dump(mode="json")))
    r.set(keys.store, store_url)
    r.set(keys.disabled, json.dumps(sorted(disabled_probes or [])))
    r.set(keys.created, str(time.time()))
    if hold:
        r.set(keys.hold, "1")
    if max_workers is not None:
        r.set(keys.max_workers, str(max_workers))
    for host in sorted(profile.allowed_hosts):
        scheme = _scheme_for(profile, host)
        if profile.crawl.obey_robots_txt:
            req = Request(f"{scheme}://{host}/robots.txt", dont_filter=True, priority=100,
                          meta={"host": host, "download_slot": host, "_unlimited": True})
            data = _encoded(req, "parse_robots", "robots_failed")
        else:
            req = Request(f"{scheme}://{host}/poaudit-no-such-page-{run_id}.html",
                          dont_filter=True, priority=100,
                          meta={"host": host, "download_slot": host})
            data = _encoded(req, "parse_baseline", "baseline_failed")
        r.zadd(keys.requests, {data: -req.priority})
    r.sadd(ACTIVE_RUNS, run_id)


def release(r: redis.Redis, run_id: int) -> None:
    """Let the workers of a run seeded with ``hold`` start taking requests."""
    r.delete(RunKeys(run_id).hold)


def is_done(r: redis.Redis, run_id: int) -> bool:
    """True once nothing is queued, recovered or in flight for the run (atomic check)."""
    keys = RunKeys(run_id)
    if not r.exists(keys.seeded):
        return False
    got = r.eval(DONE, 3, keys.requests, keys.recovered, keys.workers, keys.prefix + "proc:")
    return bool(got)


def reap(r: redis.Redis, run_id: int) -> int:
    """Re-queue the in-flight requests of every worker whose heartbeat expired; how many."""
    keys = RunKeys(run_id)
    moved = 0
    for raw in cast(set[bytes], r.smembers(keys.workers)):
        worker = raw.decode()
        got = int(r.eval(REAP, 4, keys.hb(worker), keys.proc(worker),
                                   keys.recovered, keys.workers, worker))
        if got >= 0:
            r.sadd(keys.dead, worker)
            moved += got
    if moved:
        r.incrby(keys.requeued, moved)
    return moved


def _scan(r: redis.Redis, pattern: str) -> Iterator[bytes]:
    yield from cast(Iterator[bytes], r.scan_iter(match=pattern, count=500))


def cleanup(r: redis.Redis, run_id: int) -> int:
    """Delete every key of the run (SCHEDULER_PERSIST=True leaves them); how many."""
    r.srem(ACTIVE_RUNS, run_id)
    names = list(_scan(r, RunKeys(run_id).prefix + "*"))
    for i in range(0, len(names), 500):
        r.delete(*names[i:i + 500])
    return len(names)


def active_runs(r: redis.Redis) -> list[int]:
    return sorted(int(x) for x in cast(set[bytes], r.smembers(ACTIVE_RUNS)))


def has_room(r: redis.Redis, run_id: int) -> bool:
    """Whether another worker may join the run (fewer live workers than its cap)."""
    keys = RunKeys(run_id)
    cap = cast(bytes | None, r.get(keys.max_workers))
    if cap is None:
        return True
    live = sum(1 for w in cast(set[bytes], r.smembers(keys.workers))
               if r.exists(keys.hb(w.decode())))
    return live < int(cap)


def run_status(r: redis.Redis, run_id: int) -> dict[str, Any]:
    """Queue depth, in-flight requests and per-worker figures of one run."""
    keys = RunKeys(run_id)
    now = time.time()
    workers: list[dict[str, Any]] = []
    names = {x.decode() for x in cast(set[bytes], r.smembers(keys.workers))}
    names |= {x.decode() for x in cast(set[bytes], r.smembers(keys.dead))}
    in_flight = 0
    for worker in sorted(names):
        stats = {k.decode(): v.decode() for k, v in
                 cast(dict[bytes, bytes], r.hgetall(keys.stats(worker))).items()}
        busy = int(r.hlen(keys.proc(worker)))
        in_flight += busy
        started = float(stats.get("started", now))
        pages = int(stats.get("pages", 0))
        last = float(stats.get("updated", now))
        alive = bool(r.exists(keys.hb(worker)))
        elapsed = max(1e-6, (last if not alive else now) - started)
        workers.append({"worker": worker, "alive": alive, "in_flight": busy, "pages": pages,
                        "errors": int(stats.get("errors", 0)),
                        "pages_per_second": round(pages / elapsed, 1),
                        "heartbeat_age": round(now - last, 1)})
    raw_profile = cast(bytes | None, r.get(keys.profile))
    site = json.loads(raw_profile).get("name") if raw_profile else None
    return {"run_id": run_id, "site": site,
            "queued": int(r.zcard(keys.requests)),
            "recovered": int(r.llen(keys.recovered)),
            "in_flight": in_flight,
            "seen": int(r.scard(keys.seen)),
            "pages": sum(w["pages"] for w in workers),
            "errors": sum(w["errors"] for w in workers),
            "requeued": int(cast(bytes, r.get(keys.requeued) or b"0")),
            "done": bool(r.exists(keys.done)) or is_done(r, run_id),
            "workers": workers}
