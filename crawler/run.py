"""One crawl of one site, in this process: crawl, check links, finalise probes.

Each phase writes to the store before the next starts and can be resumed on its own: the crawl
from stored pages (see :mod:`crawler.resume`); link checks by skipping targets already checked
(the link_checks table is unique per run and URL); probe finalisation is marked done in the job
directory. Scrapy's reactor cannot be restarted in a process, so this runs once per process:
:func:`crawler.crawl` runs it in a fresh child process.
"""

from __future__ import annotations

import json
import logging
import resource
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from crawler.analyse import (
    Analyser,
    Analyst,
    InlineAnalyser,
    ProcessAnalyser,
    Snapshot,
    choose_mode,
    probe_context,
)
from crawler.collect import CrawlData, internal_checks
from crawler.linkcheck import CheckOptions, check_links
from crawler.owners import Owners
from crawler.probestate import load_state
from crawler.resume import ResumeState, load_resume
from crawler.safety import AddressPolicy
from crawler.settings import scrapy_settings, user_agent
from crawler.spider import ROBOTS_PROBE as ROBOTS_ID
from crawler.spider import CrawlPlan, SiteSpider
from crawler.traps import PROBE_ID as TRAPS_ID
from crawler.traps import TrapGuard, TrapOptions
from crawler.writer import BatchWriter
from poaudit.findings import Finding, Kind
from poaudit.profile import Profile
from poaudit.store import Store
from poaudit.store.records import LinkCheckRecord
from probes.runner import ProbeRunner

__all__ = ["CrawlStats", "crawl_in_process"]

log = logging.getLogger(__name__)
LIMITS_ID = "crawl-limits"
LINKCHECK_OPTIONS = "link-check"
FINAL_MARKER = "finalized.json"
Progress = Callable[[dict[str, Any]], None]


@dataclass
class CrawlStats:
    """Figures for one crawl (``as_dict()`` goes into the run's stats)."""

    run_id: int
    pages: int = 0
    fetched: int = 0
    links: int = 0
    link_checks: int = 0
    problem_links: int = 0
    findings_written: int = 0
    trapped_links: int = 0
    resumed: bool = False
    replayed: int = 0
    crawl_seconds: float = 0.0
    check_seconds: float = 0.0
    elapsed_seconds: float = 0.0
    pages_per_second: float = 0.0
    peak_rss_mb: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _limits_finding(profile: Profile, data: CrawlData, pages: int) -> Finding:
    limits = profile.crawl
    hit = {k: v for k, v in data.limits.items()}
    parts = [f"Crawled {pages} URLs of {', '.join(profile.allowed_hosts)}."]
    if hit.get("max-pages"):
        parts.append(f"Stopped at max_pages ({limits.max_pages}): {hit['max-pages']} more "
                     "links were not followed.")
    if hit.get("max-depth"):
        parts.append(f"{hit['max-depth']} links deeper than max_depth ({limits.max_depth}) "
                     "were not followed.")
    if hit.get("cut-off"):
        parts.append(f"{hit['cut-off']} pages larger than max_page_bytes "
                     f"({limits.max_page_bytes:,}) were cut off and not parsed.")
    kind = Kind.WARNING if any(hit.get(k) for k in ("max-pages", "max-depth", "cut-off")) \
        else Kind.INFO
    return Finding(probe_id=LIMITS_ID, outcomes=(), kind=kind, message=" ".join(parts),
                   detail={"pages": pages, "limits": limits.model_dump(mode="json"),
                           "hit": hit, "examples": data.limit_examples})


def _write_checks(store: Store, run_id: int, checks: Iterable[LinkCheckRecord]) -> int:
    done = {c.url for c in store.link_checks(run_id)}
    fresh: dict[str, LinkCheckRecord] = {}
    for check in checks:
        if check.url not in done:
            fresh.setdefault(check.url, check)
    return store.add_link_checks(run_id, fresh.values()) if fresh else 0


def _check_options(profile: Profile) -> CheckOptions:
    limits = profile.crawl
    opts = profile.probe_options.get(LINKCHECK_OPTIONS, {})
    private_hosts = opts.get("private_hosts")
    return CheckOptions(
        user_agent=user_agent(profile), timeout=limits.timeout_seconds,
        max_redirects=limits.max_redirects, max_bytes=limits.max_page_bytes,
        per_host=limits.concurrency_per_host, total=int(opts.get("concurrency", 32)),
        policy=AddressPolicy(limits.allow_private_addresses,
                             list(private_hosts) if private_hosts is not None else None))


class _Crawl:
    """The phases of one crawl in this process (see the module docstring)."""

    def __init__(self, profile: Profile, store: Store, run_id: int, jobdir: Path | None,
                 disabled: Iterable[str], progress: Progress | None, log_level: str) -> None:
        self.profile = profile
        self.store = store
        self.run_id = run_id
        self.jobdir = jobdir
        self.progress = progress
        self.log_level = log_level
        self.owners = Owners(profile)
        self.disabled = {*disabled, *profile.probes_disabled}
        self.ctx = probe_context(profile)
        self.runner = ProbeRunner(self.ctx, self.disabled)
        self.analyser: Analyser = InlineAnalyser(Analyst(self.ctx, self.runner))
        self.guard = TrapGuard(TrapOptions.from_options(profile.probe_options.get(TRAPS_ID, {})))
        self.stats = CrawlStats(run_id)
        self.data = CrawlData()

    def _emit(self, info: dict[str, Any]) -> None:
        if self.progress is not None:
            try:
                self.progress(info)
            except Exception:  # a broken progress display must not stop the audit
                log.exception("progress callback failed")

    def crawl(self) -> None:
        profile = self.profile
        site_hosts = frozenset(profile.allowed_hosts)
        resume: ResumeState | None = load_resume(self.store, self.run_id, self.jobdir,
                                                 site_hosts, self.guard, profile.council)
        if resume is not None:
            self.stats.resumed = True
            self.stats.replayed = len(resume.replay)
            self.data = resume.data
        state = resume.probe_state if resume is not None else None
        pages_seen = resume.pages_seen if resume is not None and state is not None else 0
        if choose_mode(profile.crawl.analysis, bool(self.runner.probes),
                       profile.crawl.max_pages) == "process":
            self.analyser = ProcessAnalyser(profile.model_dump(mode="json"), self.disabled,
                                            state, pages_seen)
        elif state is not None:
            self.ctx.state.update(load_state(state))
            self.ctx.pages_seen = pages_seen
        if self._crawl_done():
            self.stats.pages = len(resume.pages) if resume else 0
            self.stats.links = resume.links if resume else 0
            return
        inflight: set[str] = set()  # handed to the analyser, not yet to the writer
        absorbed = set(resume.absorbed) if resume else set()

        def snapshot(pending: tuple[str, ...]) -> Snapshot | Future[Snapshot]:
            # pages a resumed state holds but the crawl has not stored yet stay listed
            return self.analyser.snapshot(tuple({*pending, *absorbed}))

        writer = BatchWriter(
            self.store, self.run_id, jobdir=self.jobdir,
            skip_link_sources=resume.sources_with_links if resume else None,
            skip_finding_pages=resume.orphan_finding_pages if resume else None,
            state=snapshot if self.jobdir is not None else None, inflight=inflight,
            journal_bytes=resume.journal_bytes if resume else 0,
            process=choose_mode(profile.crawl.analysis, True, profile.crawl.max_pages)
            == "process")
        plan = CrawlPlan(
            profile=profile, user_agent=user_agent(profile), owners=self.owners,
            guard=self.guard, analyser=self.analyser, data=self.data, sink=writer.add,
            progress=self.progress, seen=resume.seen if resume else set(),
            frontier=resume.frontier if resume else [],
            replay=resume.replay if resume else [],
            robots_stored=resume.robots_stored if resume else set(), inflight=inflight,
            absorbed=absorbed)
        started = time.monotonic()
        spider_ref: list[SiteSpider] = []
        try:
            self._run_scrapy(plan, spider_ref)
        finally:
            writer.close()
        if spider_ref and spider_ref[0].fatal:
            raise RuntimeError(spider_ref[0].fatal)
        self.stats.crawl_seconds = round(time.monotonic() - started, 2)
        self.stats.fetched = spider_ref[0].fetched if spider_ref else 0
        self.stats.pages = (len(resume.pages) if resume else 0) + writer.written_pages
        self.stats.links = (resume.links if resume else 0) + writer.written_links
        findings = [*plan.robots_findings, *self.guard.findings(),
                    _limits_finding(profile, self.data, self.stats.pages)]
        self.stats.trapped_links = sum(c.count for c in self.guard.cuts.values())
        _write_checks(self.store, self.run_id, internal_checks(self.data, profile.council))
        present = {pid for pid in (TRAPS_ID, ROBOTS_ID)
                   if self.store.findings(self.run_id, probe_id=pid)}
        fresh = [f for f in findings if f.probe_id not in present]
        self.stats.findings_written += writer.written_findings + len(fresh)
        self.store.add_findings(self.run_id, fresh)

    def _crawl_done(self) -> bool:
        return bool(self.store.findings(self.run_id, probe_id=LIMITS_ID))

    def _run_scrapy(self, plan: CrawlPlan, spider_ref: list[SiteSpider]) -> None:
        from scrapy import signals
        from scrapy.crawler import CrawlerProcess

        process = CrawlerProcess(scrapy_settings(self.profile, self.log_level))
        crawler = process.create_crawler(SiteSpider)

        def opened(spider: SiteSpider) -> None:
            spider_ref.append(spider)

        crawler.signals.connect(opened, signal=signals.spider_opened)
        process.crawl(crawler, plan=plan)
        process.start()

    def check(self) -> None:
        done = {c.url for c in self.store.link_checks(self.run_id)}
        targets = [t for t in self.data.outbound.values() if t.url not in done]
        if not targets:
            return
        total = len(targets)
        pending: list[LinkCheckRecord] = []
        count = 0
        started = time.monotonic()

        def on_result(record: LinkCheckRecord) -> None:
            nonlocal count
            count += 1
            pending.append(record)
            if len(pending) >= 200:
                self.store.add_link_checks(self.run_id, list(pending))
                pending.clear()
            if count % 50 == 0 or count == total:
                self._emit({"phase": "linkcheck", "checked": count, "total": total})

        self._emit({"phase": "linkcheck", "checked": 0, "total": total})
        check_links(targets, _check_options(self.profile), on_result)
        if pending:
            self.store.add_link_checks(self.run_id, pending)
        self.stats.check_seconds = round(time.monotonic() - started, 2)

    def finalize(self) -> None:
        marker = self.jobdir / FINAL_MARKER if self.jobdir else None
        nights = self.profile.probe_options.get(LINKCHECK_OPTIONS, {}).get("persistence_nights")
        if isinstance(nights, int) and nights > 0:  # nightly runs: see poaudit.history
            from poaudit.history import apply_persistence

            apply_persistence(self.store, self.run_id, nights)
        checks = self.store.link_checks(self.run_id)
        self.stats.link_checks = len(checks)
        self.stats.problem_links = sum(1 for c in checks if c.verdict not in ("ok",))
        if marker is not None and marker.exists():
            return
        self._emit({"phase": "finalize"})
        verdicts = {
            c.url: {"verdict": c.verdict, "status": c.status, "final_url": c.final_url,
                    "owner": c.owner, "summary": c.summary,
                    "kind": c.evidence.get("kind"), "problems": c.evidence.get("problems", [])}
            for c in checks}
        findings = self.analyser.finalize(verdicts)
        if findings:
            self.stats.findings_written += self.store.add_findings(self.run_id, findings)
        if marker is not None:
            marker.write_text(json.dumps({"findings": len(findings)}))


def crawl_in_process(profile: Profile, store_url: str, run_id: int, *,
                     jobdir: Path | None = None, disabled_probes: Iterable[str] = (),
                     progress: Progress | None = None, log_level: str = "WARNING") -> CrawlStats:
    """Crawl, check links and finalise probes for ``run_id``, in this process (once only:
    Scrapy's reactor cannot restart). Resumes whatever the store already holds for the run."""
    started = time.monotonic()
    store = Store(store_url)
    try:
        run = _Crawl(profile, store, run_id, jobdir, disabled_probes, progress, log_level)
        if jobdir is not None:
            jobdir.mkdir(parents=True, exist_ok=True)
        try:
            run.crawl()
            run.check()
            run.finalize()
        finally:
            run.analyser.close()
        stats = run.stats
    finally:
        store.close()
    stats.elapsed_seconds = round(time.monotonic() - started, 2)
    if stats.elapsed_seconds:
        stats.pages_per_second = round(stats.fetched / stats.elapsed_seconds, 1)
    stats.peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    run._emit({"phase": "done", **stats.as_dict()})
    return stats
