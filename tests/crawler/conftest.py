"""Fixtures: the demo area on loopback, crawled once per site for the whole session.

The area's profile allows private addresses (everything is on 127.0.0.1) but only for the
area's own hosts: the canary listener stands for an intranet host and must never be fetched.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from demoarea import CANARY, CANARY_IP, Area, RunningArea, build_area, serve
from poaudit.profile import Profile, parse_profile
from poaudit.store import Store

STALL_SECONDS = 1.0


@pytest.fixture(scope="session")
def area() -> Area:
    return build_area(stall_seconds=STALL_SECONDS)


@pytest.fixture(scope="session")
def running(area: Area) -> Iterator[RunningArea]:
    with serve(area) as r:
        yield r


@pytest.fixture(scope="session")
def manifest(running: RunningArea) -> list[dict[str, Any]]:
    return running.manifest()


def area_profile(running: RunningArea, site: str, **crawl: Any) -> Profile:
    """The area's profile for ``site``, private addresses allowed for the area's hosts only."""
    data = running.profile(site)
    data["crawl"].update(crawl)
    allowed = [h for k, h in running.all_hosts.items() if k not in (CANARY, CANARY_IP)]
    data.setdefault("probe_options", {})["link-check"] = {"private_hosts": allowed}
    return parse_profile(data, f"<area {site}>")


@contextlib.contextmanager
def serve_handler(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` served on a loopback port from a thread; yields ``127.0.0.1:port``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Crawled:
    store: Store
    runs: dict[str, int]
    stats: dict[str, Any]


@pytest.fixture(scope="session")
def crawled(running: RunningArea, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """Every site of the area crawled once (each crawl in its own child process)."""
    import crawler

    base = tmp_path_factory.mktemp("crawl")
    store = Store(f"sqlite:///{base / 'area.sqlite'}")
    runs: dict[str, int] = {}
    stats: dict[str, Any] = {}
    for site in running.hosts:
        profile = area_profile(running, site)
        run_id = store.start_run(profile.name, profile.council)
        stats[site] = crawler.crawl(profile, store.url, run_id, jobdir=Path(base / site))
        runs[site] = run_id
    yield Crawled(store, runs, stats)
    store.close()


def of_kind(manifest: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    found = [e for e in manifest if e["kind"] == kind]
    assert found, f"no {kind} in the manifest"
    return found
