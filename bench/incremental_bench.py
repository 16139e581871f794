"""First night vs second night of a nightly audit on an unchanged generated site.

    python bench/incremental_bench.py [--pages 20000] [--site mid-suffolk]
                                      [--browser] [--browser-pages 300] [--json OUT]

The demo area is served on 127.0.0.1 by its own server process. Two audits of the same site run
one after the other into a fresh SQLite store, as ``poaudit nightly`` runs them (incremental,
persistence of transient failures): crawl + link checks + probes, then (``--browser``) axe-core
in Chromium on the first ``--browser-pages`` HTML pages, then scoring and reports. Prints each
night's wall time and stage times, the second night's ratio to the first (target ≤ 0.25) and
whether every outcome's status is identical on both nights; ``--json`` writes the figures.

It also measures the *revalidation floor*: a bare Scrapy spider (same concurrency) that does
nothing but re-request every URL the second night stored, with that URL's ``If-None-Match`` /
``If-Modified-Since`` validators, so the server answers 304 with no body. No Scrapy-based
incremental night that asks the server about every page can be faster than that.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET = 0.25


def _night(profile: Any, store_url: str, out: Path, browser: bool) -> dict[str, Any]:
    from poaudit.audit import audit

    started = time.monotonic()
    result = audit(profile, store_url, out, browser=browser, ieg=False, partners=False,
                   persistence_nights=3, incremental=True)
    wall = round(time.monotonic() - started, 2)
    stats = result.stats
    return {
        "run_id": result.run_id,
        "wall_seconds": wall,
        "pages": stats.get("pages"),
        "crawl_seconds": stats.get("crawl_seconds"),
        "check_seconds": stats.get("check_seconds"),
        "browser_seconds": stats.get("browser_seconds"),
        "statuses": result.statuses,
    }


def _floor_child(store_url: str, run_id: int, concurrency: int) -> None:
    """In a fresh process: a bare Scrapy spider revalidating every stored 200 page."""
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess

    from crawler.incremental import conditional_headers
    from poaudit.store import Store

    store = Store(store_url)
    pages = [p for p in store.pages(run_id) if p.status == 200 and (p.etag or p.last_modified)]
    store.close()
    answered: dict[int, int] = {}

    class Revalidate(Spider):
        name = "revalidate"

        async def start(self) -> Any:
            for page in pages:
                yield Request(page.url, headers=conditional_headers(page), dont_filter=True,
                              callback=self.parse, meta={"dont_redirect": True})

        def parse(self, response: Any, **kwargs: Any) -> None:
            answered[response.status] = answered.get(response.status, 0) + 1

    process = CrawlerProcess({
        "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "HTTPERROR_ALLOW_ALL": True, "ROBOTSTXT_OBEY": False})
    process.crawl(Revalidate)
    process.start()
    print(json.dumps({"requests": len(pages), "statuses": answered}))


def _floor(store_url: str, run_id: int, concurrency: int) -> dict[str, Any]:
    started = time.monotonic()
    out = subprocess.run([sys.executable, __file__, "_floor", store_url, str(run_id),
                          str(concurrency)], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    wall = round(time.monotonic() - started, 2)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return {"wall_seconds": wall, **result}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20000, help="pages per generated site")
    ap.add_argument("--site", default="mid-suffolk")
    ap.add_argument("--browser", action="store_true", help="run axe-core in Chromium too")
    ap.add_argument("--browser-pages", type=int, default=300,
                    help="HTML pages axe-core checks per night (with --browser)")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()

    from demoarea import build_area, serve
    from poaudit.profile import parse_profile

    t0 = time.monotonic()
    area = build_area(seed=2004, pages_per_site=args.pages)
    print(f"built {args.pages}-page area in {time.monotonic() - t0:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="poaudit-incr-") as tmp, serve(area) as running:
        data = running.profile(args.site)
        data["forms"] = []
        if args.browser:
            data["probe_options"] = {"accessibility-axe": {"max_pages": args.browser_pages}}
        profile = parse_profile(data, "<bench profile>")
        store_url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        nights = []
        for n in (1, 2):
            night = _night(profile, store_url, Path(tmp) / f"night{n}", args.browser)
            nights.append(night)
            print(f"night {n}: {night['wall_seconds']:.1f} s wall ({night['pages']} pages; "
                  f"crawl {night['crawl_seconds']} s, link checks {night['check_seconds']} s, "
                  f"browser {night['browser_seconds']} s)", flush=True)
        floor = _floor(store_url, nights[1]["run_id"], profile.crawl.concurrency_per_host)
        print(f"revalidation floor (bare Scrapy, {floor['requests']} conditional requests, "
              f"answers {floor['statuses']}): {floor['wall_seconds']:.1f} s", flush=True)
    first, second = nights
    ratio = round(second["wall_seconds"] / first["wall_seconds"], 3)
    floor_ratio = round(floor["wall_seconds"] / first["wall_seconds"], 3)
    identical = first["statuses"] == second["statuses"]
    differ = sorted(c for c in first["statuses"]
                    if first["statuses"][c] != second["statuses"].get(c))
    browser_ratio = (round(second["browser_seconds"] / first["browser_seconds"], 3)
                     if args.browser and first["browser_seconds"] else None)
    print(f"second night / first night: {ratio:.3f}x wall time (target <= {TARGET}x): "
          f"{'met' if ratio <= TARGET else 'NOT met'}")
    if browser_ratio is not None:
        print(f"browser stage alone: {browser_ratio:.3f}x")
    print(f"revalidation floor / first night: {floor_ratio:.3f}x")
    print(f"outcome statuses identical: {identical}"
          + (f" (differ: {', '.join(differ)})" if differ else ""))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "bench": "incremental", "pages_per_site": args.pages, "site": args.site,
            "browser": args.browser, "browser_pages": args.browser_pages if args.browser
            else 0,
            "nights": [{k: v for k, v in n.items() if k != "statuses"} for n in nights],
            "ratio": ratio, "browser_ratio": browser_ratio, "target": TARGET,
            "revalidation_floor": floor, "floor_ratio": floor_ratio,
            "target_met": ratio <= TARGET, "statuses_identical": identical,
            "statuses_differ": differ,
        }, indent=1) + "\n", encoding="utf-8")
    return 0 if identical else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_floor":
        _floor_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit(main())
