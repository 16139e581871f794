"""``python -m demoarea serve --seed S --pages N --port-base P``: serve the area and block.

Prints each site's base URL (and, with ``--manifest``/``--profiles``, writes the manifest and
one poaudit site profile per council), then serves until interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from pathlib import Path

import yaml

from . import DEFAULT_PAGES, DEFAULT_SEED, build_area, serve


def _smtp(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("give the SMTP server as HOST:PORT")
    return host, int(port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demoarea", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the area on 127.0.0.1 until interrupted")
    s.add_argument("--seed", type=int, default=DEFAULT_SEED)
    s.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="pages per site")
    s.add_argument("--port-base", type=int, default=None,
                   help="first port (sites, then the portal stand-in and the canary, follow "
                        "consecutively); default: free ports")
    s.add_argument("--smtp", type=_smtp, default=None, help="send acknowledgement email here")
    s.add_argument("--stall-seconds", type=float, default=10.0)
    s.add_argument("--manifest", type=Path, help="write the manifest (JSON) here")
    s.add_argument("--profiles", type=Path, help="write a site profile per council here")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    area = build_area(args.seed, args.pages, stall_seconds=args.stall_seconds)
    built = time.perf_counter() - start
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with serve(area, smtp=args.smtp, port_base=args.port_base) as running:
        for key, site in area.sites.items():
            print(f"{key:14} {site.tier:9} {running.base_url(key)}  {site.name}", flush=True)
        if args.manifest:
            args.manifest.write_text(json.dumps(running.manifest(), indent=1), "utf-8")
            print(f"manifest: {args.manifest}", flush=True)
        if args.profiles:
            args.profiles.mkdir(parents=True, exist_ok=True)
            for key in area.sites:
                path = args.profiles / f"{key}.yaml"
                path.write_text(yaml.safe_dump(running.profile(key), sort_keys=False), "utf-8")
            print(f"profiles: {args.profiles}", flush=True)
        print(f"built in {built:.1f}s; serving {len(area.sites)} sites x "
              f"{args.pages} pages (seed {args.seed}); Ctrl-C to stop", flush=True)
        try:
            while not stop.wait(0.5):
                if not running.running:
                    print("server process stopped", file=sys.stderr)
                    return 1
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
