"""Crawl a 20,000-page generated council site with poaudit, bare Scrapy and LinkChecker.

    python bench/crawl_bench.py [--pages 20000] [--site mid-suffolk] [--json OUT]

The demo area (demoarea) is served on 127.0.0.1 by its own server process and warmed up (every
static page fetched once) so that no crawler pays for the server's first rendering. Then, one
at a time, each in its own process tree so peak memory is its own:

* **poaudit**: ``crawler.crawl()`` — the full crawl: robots.txt, probes on every page (in the
  analysis process, the default on two or more cores), store writes, then link checks of
  every outbound/partner link and probe finalisation; once more with every probe disabled, to
  show what the HTML probes cost (issue 5: ≥ 0.85×); and once with the probes on the crawl's
  own thread (``crawl.analysis: inline``), for reference;
* **bare Scrapy**: a CrawlSpider with one Rule(LinkExtractor) that does nothing but follow links
  (Scrapy's defaults; a second run with the two settings poaudit changes for speed,
  ``CONCURRENT_ITEMS=1`` and ``WARN_ON_GENERATOR_RETURN_VALUE=False``, is shown for reference);
* **Scrapy fetching the known pages and nothing else** (``scrapy-fetch-only``: no parsing, no
  link extraction), the floor of any Scrapy-based crawler's CPU per page; with the demo
  server's CPU per page it gives the most pages/s Scrapy can reach on this machine at all
  (``scrapy_ceiling_*`` in the summary);
* **LinkChecker** from PyPI, installed into its own venv under /tmp (never the project's), with
  its rate limit lifted: ``maxrequestspersecond=1000`` plus the per-host minimum wait removed —
  what LinkChecker does for a server that sends its ``LinkChecker`` header.

All use 16 concurrent requests. Bare Scrapy and LinkChecker have no trap detection, so both are
told to skip the site's endless events calendar (``month=``); poaudit finds and cuts it itself.
Prints pages/s, peak RSS and CPU per page (the tool's process tree, and the demo server's
while serving it) for each and the ratios (targets: poaudit ≥ 0.8× bare Scrapy's
pages/s and ≥ 3× LinkChecker's; poaudit's crawl process under 500 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
CONCURRENCY = 16
CALENDAR = r"month="
DEFAULT_PEER = Path(tempfile.gettempdir()) / "poaudit-bench-peers" / "linkchecker"
LINKCHECKER_SHIM = """
import sys
from linkcheck.director import aggregator
# What LinkChecker does for a host that sends its 'LinkChecker' header: no 0.1-0.6 s floor.
aggregator.Aggregate.wait_time_min_default = 0.0
aggregator.Aggregate.wait_time_max_default = 0.0
from linkcheck.command.linkchecker import linkchecker
sys.argv[0] = "linkchecker"
sys.exit(linkchecker())
"""


# -- child modes: each tool runs in a process of its own -------------------------------------
def _measure(cmd: list[str]) -> None:
    """Run ``cmd``; print its wall time, peak RSS (largest process of its tree) and output."""
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss / 1024
    print(json.dumps({"wall": wall, "peak_rss_mb": round(peak, 1), "rc": proc.returncode,
                      "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                      "stdout": proc.stdout[-20000:], "stderr": proc.stderr[-4000:]}))


def _bare(base: str, tuned: bool) -> None:
    """A bare Scrapy CrawlSpider: follow every link on the site, do nothing else."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor
    from scrapy.spiders import CrawlSpider, Rule

    count = [0]
    host = re.escape(base.split("//", 1)[1].rstrip("/"))

    class Bare(CrawlSpider):
        name = "bare"
        start_urls: ClassVar[list[str]] = [base]
        # allow_domains cannot name a port, so the site is matched by URL prefix
        rules = (Rule(LinkExtractor(allow=[rf"^http://{host}/"], deny=[CALENDAR]),
                      callback="parse_item", follow=True),)

        def parse_item(self, response: Any) -> None:
            count[0] += 1

    settings: dict[str, Any] = {
        "LOG_LEVEL": "WARNING", "REMOTE_CONTROL_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": CONCURRENCY, "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "DOWNLOAD_TIMEOUT": 10,
    }
    if tuned:
        settings.update(CONCURRENT_ITEMS=1, WARN_ON_GENERATOR_RETURN_VALUE=False)
    process = CrawlerProcess(settings)
    process.crawl(Bare)
    process.start()
    print(json.dumps({"pages": count[0]}))


def _poaudit(profile_file: str, store_file: str, probes: bool, analysis: str) -> None:
    """poaudit's public entry point, as ``poaudit audit`` calls it (optionally no probes,
    to show what the crawl and link checks cost on their own; ``analysis`` as the profile's
    ``crawl.analysis``)."""
    import crawler
    from poaudit.profile import parse_profile
    from poaudit.store import Store
    from probes.registry import registry

    data = json.loads(Path(profile_file).read_text())
    data["crawl"]["analysis"] = analysis
    profile = parse_profile(data, profile_file)
    store = Store(f"sqlite:///{store_file}")
    run_id = store.start_run(profile.name, profile.council)
    disabled = () if probes else tuple(registry())
    stats = crawler.crawl(profile, store.url, run_id, disabled_probes=disabled)
    caller = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": stats.fetched, "caller_rss_mb": round(caller, 1),
                      **stats.as_dict()}))


# -- the benchmark -----------------------------------------------------------------------------
def _fetch_only(url_file: str) -> None:
    """Scrapy fetching a known list of the site's pages with a callback that does nothing:
    no parsing, no link extraction, no scheduling of discovered URLs. No Scrapy-based
    crawler can do less per page, so its CPU per page is the floor of any of them."""
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess

    urls = Path(url_file).read_text().split()
    count = [0]

    class FetchOnly(Spider):
        name = "fetch-only"

        async def start(self) -> Any:
            for url in urls:
                yield Request(url, callback=self.got, dont_filter=True)

        def got(self, response: Any) -> None:
            count[0] += 1

    process = CrawlerProcess({
        "LOG_LEVEL": "WARNING", "REMOTE_CONTROL_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": CONCURRENCY, "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "DOWNLOAD_TIMEOUT": 10, "CONCURRENT_ITEMS": 1, "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "ROBOTSTXT_OBEY": False})
    process.crawl(FetchOnly)
    process.start()
    print(json.dumps({"pages": count[0]}))


def _server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the demo server process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(cmd: list[str], ok_codes: tuple[int, ...] = (0,)) -> dict[str, Any]:
    out = subprocess.run([PY, __file__, "_measure", "--", *cmd], capture_output=True,
                         text=True, cwd=ROOT, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    if result["rc"] not in ok_codes:
        raise SystemExit(f"{cmd[:3]} failed:\n{result['stderr']}")
    return result


def _one_run(name: str, cmd: list[str], server_pid: int) -> dict[str, Any]:
    # LinkChecker exits 1 when it found broken links (the site has planted ones)
    server_before = _server_cpu(server_pid)
    result = _run(cmd, (0, 1) if name == "linkchecker" else (0,))
    server_cpu = _server_cpu(server_pid) - server_before
    if name == "linkchecker":
        found = re.search(r"links in (\d+) URLs checked", result["stdout"])
        pages = int(found.group(1)) if found else 0
        extra: dict[str, Any] = {}
    else:
        extra = _last_json(result["stdout"])
        pages = int(extra["pages"])
    out = {"pages": pages, "seconds": round(result["wall"], 1),
           "pages_per_second": round(pages / result["wall"], 1),
           "peak_rss_mb": result["peak_rss_mb"],
           # CPU time per page: the tool's whole process tree, and the demo server's for it
           "cpu_ms_per_page": round(1000 * result["cpu_s"] / max(pages, 1), 2),
           "server_cpu_ms_per_page": round(1000 * server_cpu / max(pages, 1), 2)}
    if name.startswith("poaudit"):
        out.update(peak_rss_mb=extra["peak_rss_mb"], caller_rss_mb=extra["caller_rss_mb"],
                   link_checks=extra["link_checks"], findings=extra["findings_written"],
                   crawl_seconds=extra["crawl_seconds"], check_seconds=extra["check_seconds"])
    return out


def _last_json(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            data: dict[str, Any] = json.loads(line)
            return data
    raise ValueError(f"no JSON line in output: {text[-500:]}")


def linkchecker_peer(folder: Path) -> Path:
    """LinkChecker from PyPI in its own venv (created on first use); returns its python."""
    python = folder / "bin" / "python"
    if not (folder / "bin" / "linkchecker").exists():
        print(f"installing LinkChecker into {folder} (not the project's venv)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "linkchecker"], check=True)
    return python


def _warm(urls: list[str]) -> float:
    import httpx

    async def go() -> None:
        limits = httpx.Limits(max_connections=CONCURRENCY)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            sem = asyncio.Semaphore(CONCURRENCY)

            async def one(url: str) -> None:
                async with sem:
                    with contextlib.suppress(httpx.HTTPError):
                        await client.get(url)

            await asyncio.gather(*(one(u) for u in urls))

    started = time.monotonic()
    asyncio.run(go())
    return time.monotonic() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20_000)
    ap.add_argument("--site", default="mid-suffolk")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--peer-dir", type=Path, default=DEFAULT_PEER)
    ap.add_argument("--rounds", type=int, default=1,
                    help="run every crawler this many times, interleaved; keep each one's best "
                         "(the machine may be shared: the best run is the least disturbed)")
    ap.add_argument("--skip", nargs="*", default=[],
                    choices=["bare", "bare-tuned", "scrapy-fetch-only", "poaudit",
                             "poaudit-no-probes", "poaudit-inline", "linkchecker"])
    args = ap.parse_args()

    from demoarea import CANARY, CANARY_IP, build_area, serve

    lc_python = None if "linkchecker" in args.skip else linkchecker_peer(args.peer_dir)
    area = build_area(seed=2004, pages_per_site=args.pages)
    work = Path(tempfile.mkdtemp(prefix="poaudit-crawl-bench-"))
    runs: dict[str, list[dict[str, Any]]] = {}
    with serve(area) as running:
        base = running.base_url(args.site)
        site = area.sites[args.site]
        warm = _warm([running.url(args.site, t) for t in site.pages if not t.startswith(
            site.disallowed or ("\0",))])
        print(f"{args.site}: {len(site.counted_pages())} pages at {base} "
              f"(server warmed in {warm:.0f} s)", flush=True)

        profile = running.profile(args.site)
        profile["crawl"].update(concurrency_per_host=CONCURRENCY, requests_per_second=1000.0,
                                max_pages=args.pages * 2)
        profile.setdefault("probe_options", {})["link-check"] = {"private_hosts": [
            h for k, h in running.all_hosts.items() if k not in (CANARY, CANARY_IP)]}
        profile_file = work / "profile.json"
        profile_file.write_text(json.dumps(profile))
        url_file = work / "urls.txt"
        url_file.write_text("\n".join(running.url(args.site, t)
                                      for t in site.counted_pages()))

        plan: list[tuple[str, list[str]]] = [
            ("bare", [PY, __file__, "_bare", base]),
            ("bare-tuned", [PY, __file__, "_bare", base, "--tuned"]),
            # the floor of any Scrapy crawler: fetch the known pages, nothing else
            ("scrapy-fetch-only", [PY, __file__, "_fetch_only", str(url_file)]),
            ("poaudit", [PY, __file__, "_poaudit", str(profile_file), str(work / "s.sqlite")]),
            ("poaudit-no-probes", [PY, __file__, "_poaudit", str(profile_file),
                                   str(work / "n.sqlite"), "--no-probes"]),
            # for reference: the probes on the crawl's own thread, as on a one-core machine
            ("poaudit-inline", [PY, __file__, "_poaudit", str(profile_file),
                                str(work / "i.sqlite"), "--analysis=inline"]),
        ]
        if lc_python is not None:
            config = work / "linkcheckerrc"
            config.write_text("[checking]\nmaxrequestspersecond=1000\n")
            shim = work / "linkchecker_shim.py"
            shim.write_text(LINKCHECKER_SHIM)
            for path in (work, config, shim):  # LinkChecker drops root to 'nobody'
                path.chmod(0o755 if path.is_dir() else 0o644)
            plan.append(("linkchecker", [
                str(lc_python), str(shim), "-f", str(config), "-t", str(CONCURRENCY),
                "--timeout", "10", "--no-status", "--no-warnings", "--ignore-url", CALENDAR,
                "-o", "text", base]))
        for round_no in range(1, args.rounds + 1):
            for name, cmd in plan:
                if name in args.skip:
                    continue
                print(f"-- {name} (round {round_no}) ...", flush=True)
                run = _one_run(name, cmd, running.pid)
                print(f"   {json.dumps(run)}", flush=True)
                runs.setdefault(name, []).append(run)
    shutil.rmtree(work, ignore_errors=True)
    results = {name: max(rs, key=lambda r: r["pages_per_second"]) for name, rs in runs.items()}
    summary = _summary(results)
    summary["load_average_1min"] = round(os.getloadavg()[0], 2)
    summary["cpus"] = os.cpu_count()
    _print(results, summary)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"site": args.site, "pages": args.pages,
                                         "results": results, "runs": runs,
                                         "summary": summary}, indent=1))
    return 0


def _summary(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ours = results.get("poaudit")
    if ours is None:
        return out
    pps = ours["pages_per_second"]
    for peer in ("bare", "bare-tuned", "linkchecker"):
        if peer in results and results[peer]["pages_per_second"]:
            out[f"vs_{peer.replace('-', '_')}"] = round(pps / results[peer]["pages_per_second"], 2)
    plain = results.get("poaudit-no-probes")
    if plain and plain["pages_per_second"]:  # issue 5: what the HTML probes cost
        out["probes_on_vs_off"] = round(pps / plain["pages_per_second"], 2)
    out["poaudit_pages_per_second"] = pps
    out["poaudit_peak_rss_mb"] = ours["peak_rss_mb"]
    out.update(_ceilings(results))
    out["targets_met"] = {
        "vs_bare_scrapy>=0.8": out.get("vs_bare", 0) >= 0.8,
        "vs_linkchecker>=3": out.get("vs_linkchecker", 0) >= 3,
        "peak_rss<500MB": ours["peak_rss_mb"] < 500,
        "probes_on_vs_off>=0.85": out.get("probes_on_vs_off", 0) >= 0.85,
    }
    return out


def _ceilings(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The most pages/s any Scrapy-based crawler can reach on this machine, from the CPU per
    page of Scrapy fetching known pages and doing nothing else (``scrapy-fetch-only``):

    * one crawl process runs Scrapy on one thread, so it cannot pass 1000 / its CPU ms a page;
    * however many processes share the work, the machine's cores must also run the demo
      server: cores x 1000 / (Scrapy's + the server's CPU ms a page).

    Compared with LinkChecker's pages/s, this says which ratios the hardware allows at all."""
    floor = results.get("scrapy-fetch-only")
    if not floor or not floor["cpu_ms_per_page"]:
        return {}
    cores = len(os.sched_getaffinity(0))
    one_process = 1000 / floor["cpu_ms_per_page"]
    machine = cores * 1000 / (floor["cpu_ms_per_page"] + floor["server_cpu_ms_per_page"])
    out: dict[str, Any] = {
        "scrapy_floor_cpu_ms_per_page": floor["cpu_ms_per_page"],
        "server_cpu_ms_per_page": floor["server_cpu_ms_per_page"],
        "scrapy_ceiling_one_process_pages_per_second": round(one_process, 1),
        "scrapy_ceiling_machine_pages_per_second": round(machine, 1),
    }
    lc = results.get("linkchecker")
    if lc and lc["pages_per_second"]:
        out["scrapy_ceiling_vs_linkchecker"] = round(
            min(one_process, machine) / lc["pages_per_second"], 2)
    return out


def _print(results: dict[str, dict[str, Any]], summary: dict[str, Any]) -> None:
    print(f"\n{'crawler':<18}{'pages':>8}{'seconds':>9}{'pages/s':>9}{'peak RSS MB':>13}"
          f"{'CPU ms/page':>13}{'server CPU ms/page':>20}")
    for name, r in results.items():
        print(f"{name:<18}{r['pages']:>8}{r['seconds']:>9}{r['pages_per_second']:>9}"
              f"{r['peak_rss_mb']:>13}{r['cpu_ms_per_page']:>13}"
              f"{r['server_cpu_ms_per_page']:>20}")
    if "poaudit" in results:
        print(f"(poaudit's peak is its crawl process; the calling process peaked at "
              f"{results['poaudit']['caller_rss_mb']} MB)")
    print(json.dumps(summary))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_measure":
        _measure(sys.argv[sys.argv.index("--") + 1:])
    elif len(sys.argv) > 1 and sys.argv[1] == "_fetch_only":
        _fetch_only(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "_bare":
        _bare(sys.argv[2], "--tuned" in sys.argv)
    elif len(sys.argv) > 1 and sys.argv[1] == "_poaudit":
        _poaudit(sys.argv[2], sys.argv[3], "--no-probes" not in sys.argv,
                 "inline" if "--analysis=inline" in sys.argv else "auto")
    else:
        os.environ.setdefault("PYTHONHASHSEED", "0")
        raise SystemExit(main())
