"""One audit of one site, stage by stage: crawl (+ HTML probes, link checks), browser checks,
scoring, reports. Each stage reads what the previous one wrote to the store, so a stage can be
re-run on its own (``poaudit report RUN`` re-scores and re-reports without re-crawling).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from poaudit.findings import Finding, Kind
from poaudit.profile import Profile
from poaudit.store import Store

log = logging.getLogger(__name__)
Progress = Callable[[str, dict[str, Any]], None]
AXE_ID = "accessibility-axe"


@dataclass
class AuditResult:
    """What an audit produced: the run id, crawl figures and report files."""

    run_id: int
    stats: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, Path] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)


def state_dir(store_url: str) -> Path:
    """Where resumable crawl state (Scrapy JOBDIR) lives: beside a SQLite store, else ./var."""
    if store_url.startswith("sqlite:///"):
        return Path(store_url.removeprefix("sqlite:///")).resolve().parent / "poaudit-state"
    return Path("var/poaudit-state").resolve()


def _noop(stage: str, info: dict[str, Any]) -> None:
    return None


def run_browser_stage(
    store: Store, run_id: int, profile: Profile, progress: Progress = _noop,
    incremental: bool = False,
) -> int:
    """Load every crawled HTML page in headless Chromium and run axe-core (G20).

    ``incremental``: copy the previous run's results for pages whose content is unchanged
    (same URL, same content hash, same axe options; see :mod:`crawler.incremental`)."""
    if AXE_ID in profile.probes_disabled:
        return 0
    html = [
        p.final_url or p.url
        for p in store.pages(run_id)
        if p.status == 200 and (p.content_type or "").startswith("text/html") and not p.error
    ]
    options: dict[str, Any] = {
        "tags": list(profile.axe_tags),
        **profile.probe_options.get(AXE_ID, {}),
    }
    limit = options.pop("max_pages", None)
    if isinstance(limit, int):
        html = sorted(html)[:limit]  # the same pages every night, whatever the crawl order
    reused: list[Finding] = []
    if incremental:
        from crawler.incremental import reuse_page_findings

        reused, html = reuse_page_findings(store, run_id, AXE_ID, html, ("axe_tags",))
        store.add_findings(run_id, reused)
    progress("browser", {"pages": len(html), "reused": len(reused)})
    if reused and not html:
        return len(reused)
    try:
        from probes import accessibility_axe

        findings = list(accessibility_axe.run(html, options))
    except Exception as exc:  # the stage could not start at all (no Chromium, bad Grid URL)
        log.warning("accessibility stage could not run: %s", exc)
        findings = [
            Finding(
                probe_id=AXE_ID,
                outcomes=("G20",),
                kind=Kind.NOT_ASSESSED,
                message=f"Accessibility checks could not run: {exc}",
                detail={"error": repr(exc)[:500], "pages": len(html)},
            )
        ]
    return len(reused) + store.add_findings(run_id, findings)


def run_active_stage(
    store: Store, run_id: int, profile: Profile, mailbox: Any = None, progress: Progress = _noop
) -> int:
    """Submit the forms the profile lists (none by default) and read their acknowledgements.

    The probe writes its own findings (each submission log the moment it is made).
    """
    from probes import form_acknowledgement

    progress("forms", {"listed": len(profile.forms)})
    return len(form_acknowledgement.run(profile, store, run_id, mailbox=mailbox))


def audit(
    profile: Profile,
    store_url: str,
    out_dir: Path,
    *,
    resume_run: int | None = None,
    browser: bool = True,
    ieg: bool = True,
    partners: bool = True,
    mailbox: Any = None,
    progress: Progress = _noop,
    persistence_nights: int | None = None,
    incremental: bool = False,
) -> AuditResult:
    """Audit one site end to end and write its reports under ``out_dir``.

    ``persistence_nights``: hold transient link failures (timeout, connection error, 5xx) as
    "caution" until they fail on that many consecutive runs (nightly audits; see
    :func:`poaudit.history.apply_persistence`). None: every failure counts at once.
    ``incremental``: reuse the previous run's browser results for unchanged pages.
    """
    import crawler
    import reports
    import scoring

    if persistence_nights is not None:  # the crawler holds transient failures before probes
        options = {**profile.probe_options}  # finalise (crawler.run reads it from here)
        options["link-check"] = {**options.get("link-check", {}),
                                 "persistence_nights": persistence_nights}
        profile = profile.model_copy(update={"probe_options": options})
    store = Store(store_url)
    if resume_run is not None:
        store.reopen_run(resume_run)
        run_id = resume_run
    else:
        run_id = store.start_run(
            profile.name,
            profile.council,
            profile.model_dump(mode="json"),
            scoring.SCORING_VERSION,
        )
    jobdir = state_dir(store.url) / f"run-{run_id}"
    progress("crawl", {"run_id": run_id, "site": profile.name})
    try:
        stats = crawler.crawl(
            profile,
            store.url,
            run_id,
            jobdir=jobdir,
            disabled_probes=profile.probes_disabled,
            progress=lambda info: progress("crawl", info),
        )
        stats_dict = stats.as_dict()
        stats_dict["form_findings"] = run_active_stage(store, run_id, profile, mailbox, progress)
        if browser:
            started = time.monotonic()
            stats_dict["browser_findings"] = run_browser_stage(
                store, run_id, profile, progress, incremental=incremental)
            stats_dict["browser_seconds"] = round(time.monotonic() - started, 2)
        if persistence_nights is not None:
            from poaudit.history import apply_persistence

            held = apply_persistence(store, run_id, persistence_nights)
            stats_dict["transient_held"] = len(held.held)
        progress("score", {})
        results = scoring.score_run(store, run_id, profile)
    except BaseException:
        store.finish_run(run_id, "interrupted")
        raise
    store.finish_run(run_id, "finished", stats_dict)
    shutil.rmtree(jobdir, ignore_errors=True)
    progress("report", {})
    paths = reports.write_reports(store, run_id, profile, out_dir, ieg=ieg, partners=partners)
    return AuditResult(run_id, stats_dict, paths, {r.code: r.status for r in results})
