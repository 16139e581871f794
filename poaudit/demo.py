"""``poaudit demo``: serve the generated two-tier area on loopback and audit its district.

This is the README's main command on a machine with no internet: it starts the demo area
(Suffolk County Council, Mid Suffolk and Babergh district councils, Peterborough City Council,
each on its own 127.0.0.1 port), audits one council exactly as a user audits a real site
(profile → crawl → probes → browser checks → scoring → reports) and returns the report paths.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from rich.console import Console

from poaudit.audit import audit
from poaudit.profile import parse_profile


def run_demo(
    out_dir: Path,
    *,
    pages_per_site: int = 60,
    site: str = "mid-suffolk",
    browser: bool = True,
    seed: int = 2004,
    console: Console | None = None,
) -> dict[str, Path]:
    """Audit ``site`` of the demo area into ``out_dir``; returns the report files by kind."""
    from demoarea import build_area, serve

    console = console or Console(stderr=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    store_path = out_dir / "demo.sqlite"
    store_path.unlink(missing_ok=True)
    from probes.active.mailbox import SmtpSink

    area = build_area(seed=seed, pages_per_site=pages_per_site)
    # Acknowledgement emails go to a loopback SMTP sink; nothing leaves the machine.
    with SmtpSink() as sink, serve(area, smtp=sink.address) as running:
        profile_data = running.profile(site)
        profile_file = out_dir / f"{site}.profile.yaml"
        profile_file.write_text(yaml.safe_dump(profile_data, sort_keys=False), encoding="utf-8")
        profile = parse_profile(profile_data, str(profile_file))
        console.print(f"demo area up: {', '.join(f'{k} {v}' for k, v in running.hosts.items())}")
        console.print(f"auditing {profile.council} ({profile.tier}) from {profile.start_urls[0]}")
        result = audit(
            profile,
            f"sqlite:///{store_path.resolve()}",
            out_dir,
            browser=browser,
            mailbox=sink,
            progress=lambda stage, info: console.print(f"  {stage} {info}") if info else None,
        )
    console.print(f"run {result.run_id}: {result.stats.get('pages', '?')} pages crawled")
    return result.reports
