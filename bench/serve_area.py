"""Benchmark the generated area: build time and memory, server requests per second.

    .venv/bin/python bench/serve_area.py --pages 20000 --requests 20000 --concurrency 8

Builds the area, serves it (in its own process, as tests do), then fetches normal pages (the
crawlable, counted pages of every site, shuffled) at the given concurrency: with httpx in
threads (one keep-alive Client each), cold (pages rendered on first request) then warm (served
from the response cache); with one httpx AsyncClient; and with a raw asyncio HTTP/1.1 client,
which shows the server's own capacity (httpx itself is the bottleneck on a small machine).
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demoarea import build_area, serve


def _fetch_threads(urls: list[str], concurrency: int) -> tuple[float, int, int]:
    """``concurrency`` threads, each with its own keep-alive ``httpx.Client``."""
    todo = list(reversed(urls))
    lock = threading.Lock()
    errors = 0
    nbytes = 0

    def worker() -> None:
        nonlocal errors, nbytes
        with httpx.Client(timeout=30) as client:
            while True:
                with lock:
                    if not todo:
                        return
                    url = todo.pop()
                resp = client.get(url)
                with lock:
                    nbytes += len(resp.content)
                    errors += resp.status_code != 200

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, errors, nbytes


async def _fetch_async(urls: list[str], concurrency: int) -> tuple[float, int, int]:
    """One ``httpx.AsyncClient``, ``concurrency`` tasks."""
    todo = list(reversed(urls))
    errors = 0
    nbytes = 0
    limits = httpx.Limits(max_connections=concurrency * 4,
                          max_keepalive_connections=concurrency * 4)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors, nbytes
            while todo:
                resp = await client.get(todo.pop())
                nbytes += len(resp.content)
                errors += resp.status_code != 200

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, errors, nbytes


async def _fetch_raw(urls: list[str], concurrency: int) -> float:
    """Server capacity without client overhead: raw keep-alive HTTP/1.1 over asyncio."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        parts = urlsplit(url)
        by_host.setdefault(parts.netloc, []).append(
            parts.path + ("?" + parts.query if parts.query else ""))

    async def worker(netloc: str, targets: list[str]) -> None:
        host, port = netloc.split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        for target in targets:
            writer.write(f"GET {target} HTTP/1.1\r\nHost: {netloc}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.split(b"Content-Length: ", 1)[1].split(b"\r\n", 1)[0])
            await reader.readexactly(length)
        writer.close()

    jobs = []
    for netloc, targets in by_host.items():
        per = max(1, concurrency // len(by_host))
        jobs += [worker(netloc, targets[i::per]) for i in range(per)]
    start = time.perf_counter()
    await asyncio.gather(*jobs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2004)
    parser.add_argument("--pages", type=int, default=20_000, help="pages per site")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    rss_before = _rss_mb(os.getpid()) or 0.0
    start = time.perf_counter()
    area = build_area(args.seed, args.pages)
    build_s = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_area = (_rss_mb(os.getpid()) or 0.0) - rss_before
    # Python allocations of a second build, traced (tracing slows it: timed separately).
    tracemalloc.start()
    build_area(args.seed, args.pages)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    start = time.perf_counter()
    with serve(area) as running:
        start_s = time.perf_counter() - start
        urls = [running.url(key, t) for key, site in area.sites.items()
                for t, page in site.pages.items()
                if page.counted and page.kind not in ("huge", "binary", "cookie-gate")]
        random.Random(args.seed).shuffle(urls)
        urls = (urls * (args.requests // len(urls) + 1))[: args.requests]
        cold_s, cold_err, cold_bytes = _fetch_threads(urls, args.concurrency)
        warm_s, warm_err, _ = _fetch_threads(urls, args.concurrency)
        async_s, async_err, _ = asyncio.run(_fetch_async(urls, args.concurrency))
        raw_s = asyncio.run(_fetch_raw(urls, args.concurrency))
        server_rss = _rss_mb(running.pid)
    print(json.dumps({
        "pages_per_site": args.pages,
        "sites": len(area.sites),
        "pages_total": sum(len(s.counted_pages()) for s in area.sites.values()),
        "manifest_entries": len(area.entries),
        "build_seconds": round(build_s, 2),
        "build_peak_traced_mb": round(peak / 2**20, 1),
        "area_rss_growth_mb": round(rss_area, 1),
        "parent_max_rss_mb": round(rss_mb, 1),
        "serve_start_seconds": round(start_s, 2),
        "server_rss_mb_after": server_rss,
        "requests": len(urls),
        "concurrency": args.concurrency,
        "httpx_threads_cold_req_per_s": round(len(urls) / cold_s),
        "httpx_threads_warm_req_per_s": round(len(urls) / warm_s),
        "httpx_async_req_per_s": round(len(urls) / async_s),
        "raw_client_req_per_s": round(len(urls) / raw_s),
        "mean_page_bytes": round(cold_bytes / len(urls)),
        "errors": cold_err + warm_err + async_err,
    }, indent=2))


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


if __name__ == "__main__":
    main()
