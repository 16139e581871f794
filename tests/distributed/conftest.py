"""Fixtures for the distributed crawl: the demo area (small), loopback Redis and PostgreSQL.

Each test session takes its own empty Redis database number (or its own redis-server), so
concurrent sessions and other users of the machine's Redis are not disturbed; every run's keys
are deleted by the code under test (the tests check that too).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from demoarea import CANARY, CANARY_IP, Area, RunningArea, build_area, serve
from poaudit.profile import Profile, parse_profile
from tests.pg import scratch_database
from tests.redis_server import redis_url

ROOT = Path(__file__).resolve().parents[2]
PAGES_PER_SITE = 40
SITES = ("mid-suffolk", "suffolk")


@pytest.fixture(scope="session")
def area() -> Area:
    return build_area(pages_per_site=PAGES_PER_SITE, stall_seconds=1.0)


@pytest.fixture(scope="session")
def running(area: Area) -> Iterator[RunningArea]:
    with serve(area) as r:
        yield r


@pytest.fixture(scope="session")
def rurl() -> Iterator[str]:
    """An empty Redis database on loopback, for this session only."""
    with redis_url() as base:
        root = base.rsplit("/", 1)[0]
        for db in range(15, 0, -1):
            url = f"{root}/{db}"
            r = redis.Redis.from_url(url)
            if r.dbsize() == 0 and r.set("poaudit:test-lock", os.getpid(), nx=True):
                try:
                    yield url
                finally:
                    r.delete("poaudit:test-lock")
                return
        pytest.skip("no empty Redis database")


@pytest.fixture(scope="session")
def pg() -> Iterator[str]:
    with scratch_database() as url:
        yield url


def area_profile(running: RunningArea, site: str, **crawl: Any) -> Profile:
    data = running.profile(site)
    data["crawl"].update(crawl)
    allowed = [h for k, h in running.all_hosts.items() if k not in (CANARY, CANARY_IP)]
    data.setdefault("probe_options", {})["link-check"] = {"private_hosts": allowed}
    return parse_profile(data, f"<area {site}>")


def fetches(running: RunningArea, before: dict[tuple[str, str, str], int],
            site: str) -> Counter[str]:
    """GETs of ``site`` since ``before`` (the random not-found baseline paths left out)."""
    out: Counter[str] = Counter()
    for (s, method, target), n in running.hits().items():
        if s != site or method != "GET" or "no-such-page" in target:
            continue
        delta = n - before.get((s, method, target), 0)
        if delta:
            out[target] = delta
    return out


def start_worker(rurl: str, pg: str, run_id: int, worker_id: str,
                 ttl: float = 5.0) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "poaudit.worker", "--redis", rurl, "--store", pg,
         "--run", str(run_id), "--once", "--in-process", "--worker-id", worker_id,
         "--heartbeat-ttl", str(ttl)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
