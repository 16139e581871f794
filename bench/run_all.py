"""``make bench``: every benchmark, side by side with the peer each issue names.

Runs each benchmark script as its own process (so one's memory does not count against
another), installs the npm/PyPI peers outside the project's virtualenv when they are missing,
and prints one summary table of figures and ratios. Everything is served on 127.0.0.1.

    python bench/run_all.py              # all
    python bench/run_all.py crawl axe    # some
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
PEERS = ROOT / "var" / "bench-peers"
PY = sys.executable


def _npm_peer(name: str, folder: Path) -> Path | None:
    """Install an npm peer (no browser download) into ``folder``; None when npm is missing."""
    if (folder / "node_modules" / ".bin").exists():
        return folder
    npm = shutil.which("npm")
    if npm is None:
        print(f"npm not found: skipping the {name} peer", file=sys.stderr)
        return None
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "CHROMEDRIVER_SKIP_DOWNLOAD": "true"}
    subprocess.run([npm, "install", "--silent", "--prefix", str(folder), name], check=True, env=env)
    return folder


BENCHES: dict[str, list[str]] = {
    # issue 4: crawl with link checking vs bare Scrapy CrawlSpider and LinkChecker, 20,000 pages
    "crawl": [PY, "bench/crawl_bench.py", "--json", str(OUT / "crawl.json")],
    # issue 4: LinkChecker's own test data, agreement on offline-scorable verdicts
    "linkchecker-corpus": [PY, "bench/linkchecker_corpus.py", "--json",
                           str(OUT / "linkchecker-corpus.json")],
    # issue 6: 300 pages, poaudit's browser pool vs @axe-core/cli on the same Chromium
    "axe": [PY, "bench/axe_bench.py", "peers", "--peer-dir", str(PEERS / "axe"), "--json",
            str(OUT / "axe.json")],
    # issue 6: GDS accessibility-tool-audit corpus counted as GDS counts
    "axe-gds": [PY, "bench/axe_bench.py", "gds", "--json", str(OUT / "axe-gds.json")],
    # issue 10: one and two scrapy-redis workers over one demo site
    "distributed": [PY, "bench/distributed_bench.py", "--json", str(OUT / "distributed.json")],
    # issue 9: second night on an unchanged 20,000-page site vs the first
    "incremental": [PY, "bench/incremental_bench.py", "--json", str(OUT / "incremental.json")],
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", choices=[*BENCHES, []], help="which (default: all)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    names = args.names or list(BENCHES)
    if "axe" in names:
        _npm_peer("@axe-core/cli", PEERS / "axe")
    failed: list[str] = []
    for name in names:
        script = ROOT / BENCHES[name][1]
        if not script.exists():
            print(f"== {name}: {script.relative_to(ROOT)} not present, skipped")
            continue
        print(f"== {name}", flush=True)
        t0 = time.monotonic()
        rc = subprocess.run(BENCHES[name], cwd=ROOT).returncode
        print(f"== {name}: exit {rc} after {time.monotonic() - t0:.0f} s", flush=True)
        if rc:
            failed.append(name)
    print("\nresults (JSON in var/bench/):")
    for path in sorted(OUT.glob("*.json")):
        data = json.loads(path.read_text())
        summary = data.get("summary", data) if isinstance(data, dict) else data
        print(f"- {path.stem}: {json.dumps(summary)[:400]}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
