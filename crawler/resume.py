"""Resume a crawl from what the store and the job directory hold.

Scrapy's JOBDIR is not used for this: its disk queues write their index only on a clean close
(queuelib's ``info.json``), and its seen-requests file is buffered, so after ``kill -9`` the
queue is lost and URLs it held are marked seen — a resumed crawl would silently miss pages.
poaudit's store is the source of truth instead. Stored pages are done (pages are written last
in each batch); the frontier is every stored internal link whose target was not stored, with
the trap guard replayed over the stored links in order so that it cuts the same URLs; links and
findings already written for pages that were not committed are not written again; and the job
directory's journal and checkpoint restore probe state and page facts, re-fetching ("replaying")
only the pages committed after the last checkpoint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from crawler.collect import CrawlData
from crawler.items import PageFacts
from crawler.probestate import load_state
from crawler.traps import TrapGuard
from crawler.urls import host_of, split_fragment
from crawler.writer import read_checkpoint
from poaudit.store import Store
from poaudit.store.records import PageRecord

__all__ = ["ResumeState", "load_resume"]

log = logging.getLogger(__name__)


@dataclass
class ResumeState:
    """What a resumed crawl starts from."""

    pages: dict[str, PageRecord]
    links: int
    seen: set[str]
    frontier: list[tuple[str, int, str | None]]
    replay: list[tuple[str, int]]
    sources_with_links: set[str]
    orphan_finding_pages: set[str]
    robots_stored: set[str]
    probe_state: bytes | None = None  # the checkpoint's pickled probe state, known readable
    absorbed: tuple[str, ...] = ()  # pages probe_state holds whose rows were not stored
    pages_seen: int = 0
    journal_bytes: int = 0
    data: CrawlData = field(default_factory=CrawlData)


def _is_robots(url: str, site_hosts: frozenset[str]) -> bool:
    return url.endswith("/robots.txt") and url.count("/") == 3 and host_of(url) in site_hosts


def load_resume(store: Store, run_id: int, jobdir: Path | None, site_hosts: frozenset[str],
                guard: TrapGuard, council: str) -> ResumeState | None:
    """The state to resume run ``run_id`` from, or None if nothing was stored yet."""
    records = store.pages(run_id)
    if not records:
        return None
    pages = {p.url: p for p in records}
    robots = {u for u in pages if _is_robots(u, site_hosts)}
    checkpoint, journal = read_checkpoint(jobdir, run_id) if jobdir else (None, [])
    data = CrawlData()
    for entry in journal:
        facts = PageFacts.from_json(entry)
        if facts.url in pages:
            data.facts[facts.url] = facts
    probe_state: bytes | None = None
    if checkpoint is not None and checkpoint.probe_state is not None:
        try:
            load_state(checkpoint.probe_state)
            probe_state = checkpoint.probe_state
        except Exception as exc:
            log.warning("probe state in the checkpoint is unreadable (%s): replaying", exc)
    if probe_state is None:  # probes must see every stored page again
        data.facts.clear()
    replay = [(p.url, p.depth) for p in records
              if p.url not in data.facts and p.url not in robots]

    links = store.links(run_id)
    sources = {link.source_url for link in links}
    depth = {p.url: p.depth for p in records}
    seen = set(pages)
    frontier: list[tuple[str, int, str | None]] = []
    checked: set[str] = set()
    for link in links:
        if link.kind == "internal":
            data.internal.add(link.target_url)
            url = split_fragment(link.target_url)[0]
            if url in checked:
                continue
            checked.add(url)
            # Replay the trap guard as the crawl met these links (first sightings, in stored
            # order), so calendar entry dates and pattern budgets come out the same.
            trapped = guard.check(url, link.source_url) is not None
            if url in seen:
                continue
            if trapped:
                data.skip(url, "trap")
                continue
            frontier.append((url, depth.get(link.source_url, 0) + 1, link.source_url))
        elif link.kind in ("partner", "outbound"):
            data.add_outbound(link.target_url, link.kind, link.owner, link.anchor_text)
        elif link.kind == "other" and link.target_url.lower().startswith("file:"):
            data.add_outbound(link.target_url, "other", None, link.anchor_text)
    for page in records:
        final = page.final_url
        if not final or final == page.url or not page.redirects:
            continue
        if host_of(final) not in site_hosts:  # redirects off the site: link-checked
            data.add_outbound(page.url, "internal", council, "")
        elif final not in seen and final not in checked:  # stored without its target page
            checked.add(final)
            frontier.append((final, page.depth, None))
    orphans = {f.page_url for f in store.findings(run_id)
               if f.page_url is not None and f.page_url not in pages}
    return ResumeState(
        pages=pages, links=len(links), seen=seen, frontier=frontier, replay=replay,
        sources_with_links=sources, orphan_finding_pages=orphans, robots_stored=robots,
        probe_state=probe_state,
        absorbed=checkpoint.absorbed if probe_state is not None and checkpoint else (),
        pages_seen=checkpoint.pages_seen if checkpoint else 0,
        journal_bytes=checkpoint.journal_bytes if checkpoint else 0, data=data)
