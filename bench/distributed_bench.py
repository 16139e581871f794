"""Pages/s of the distributed crawl with one and two workers (and the single-process crawl).

One demo-area site (``--pages`` crawlable pages, served on loopback), loopback Redis and a
scratch PostgreSQL database. For each worker count the run is seeded, the workers are started
as separate processes (``python -m poaudit.worker --once``), and the crawl phase is timed from
seeding until the run is idle across all workers; the coordinator's finish (link checks, probe
finalisation) is timed separately. Pages/s = pages stored / crawl-phase seconds.

    python bench/distributed_bench.py                 # table
    python bench/distributed_bench.py --json out.json # and JSON (also printed with --json -)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.distributed import cleanup, connect, seed  # noqa: E402
from crawler.distributed_run import finish_run, wait_until_done  # noqa: E402
from demoarea import CANARY, CANARY_IP, RunningArea, build_area, serve  # noqa: E402
from poaudit.profile import Profile, parse_profile  # noqa: E402
from poaudit.store import Store  # noqa: E402
from tests.pg import scratch_database  # noqa: E402
from tests.redis_server import redis_url  # noqa: E402


def _profile(running: RunningArea, site: str) -> Profile:
    data = running.profile(site)
    allowed = [h for k, h in running.all_hosts.items() if k not in (CANARY, CANARY_IP)]
    data.setdefault("probe_options", {})["link-check"] = {"private_hosts": allowed}
    return parse_profile(data, f"<area {site}>")


def _distributed(running: RunningArea, site: str, rurl: str, pg: str, workers: int
                 ) -> dict[str, Any]:
    profile = _profile(running, site)
    store = Store(pg)
    run_id = store.start_run(profile.name, profile.council)
    r = connect(rurl)
    seed(r, profile, run_id, pg)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    procs = [subprocess.Popen(
        [sys.executable, "-m", "poaudit.worker", "--redis", rurl, "--store", pg, "--run",
         str(run_id), "--once", "--in-process", "--worker-id", f"bench-{workers}-{i}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for i in range(workers)]
    wait_until_done(rurl, run_id, poll=0.05, timeout=1800)
    crawl = time.monotonic() - started
    per_worker = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        per_worker.append(json.loads(out.decode().strip().splitlines()[-1]))
    finish_started = time.monotonic()
    finish_run(profile, pg, run_id, rurl)
    finish = time.monotonic() - finish_started
    cleanup(r, run_id)
    pages = len(store.pages(run_id))
    store.close()
    return {"workers": workers, "pages": pages, "crawl_seconds": round(crawl, 2),
            "pages_per_second": round(pages / crawl, 1), "finish_seconds": round(finish, 2),
            "per_worker": [{"pages": w["pages"], "pages_per_second": w["pages_per_second"]}
                           for w in per_worker]}


def _single(running: RunningArea, site: str, pg: str, tmp: Path) -> dict[str, Any]:
    import crawler

    profile = _profile(running, site)
    store = Store(pg)
    run_id = store.start_run(profile.name, profile.council)
    store.close()
    stats = crawler.crawl(profile, pg, run_id, jobdir=tmp / f"single-{run_id}")
    return {"workers": "single process", "pages": stats.pages,
            "crawl_seconds": stats.crawl_seconds,
            "pages_per_second": round(stats.pages / stats.crawl_seconds, 1),
            "finish_seconds": round(stats.check_seconds, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1500, help="crawlable pages of the site")
    parser.add_argument("--site", default="suffolk")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--json", default=None, help="write JSON here ('-' for stdout)")
    args = parser.parse_args(argv)
    import tempfile

    area = build_area(pages_per_site=args.pages, stall_seconds=1.0)
    results: list[dict[str, Any]] = []
    with serve(area) as running, redis_url() as base, scratch_database() as pg, \
            tempfile.TemporaryDirectory() as tmp:
        rurl = base.rsplit("/", 1)[0] + "/14"
        results.append(_single(running, args.site, pg, Path(tmp)))
        for n in (int(x) for x in args.workers.split(",")):
            results.append(_distributed(running, args.site, rurl, pg, n))
    report = {"site": args.site, "pages_per_site": args.pages, "cpus": os.cpu_count(),
              "results": results}
    for row in results:
        print(f"{row['workers']!s:>15}: {row['pages']} pages in {row['crawl_seconds']} s "
              f"= {row['pages_per_second']} pages/s (finish {row['finish_seconds']} s)",
              file=sys.stderr)
    if args.json == "-":
        print(json.dumps(report, indent=2))
    elif args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
