"""A site's runs over time: persistence before blame, what changed since last night, trends
and retention.

Nothing here fetches or scores. :func:`apply_persistence` runs after the crawl and before
scoring: a *transient* link failure (timeout, connection error, 5xx) that has not failed on
``nights`` consecutive runs is stored as ``caution`` (scoring reads it as "check by hand",
partner reports leave it out) with the original verdict and ``failing_since`` kept in the
check's evidence, so history is never lost and the next night can count the streak.

:func:`diff_runs` compares a run with the previous finished run of the same site (new and
fixed broken links, accessibility violations by rule and page, metadata coverage, outcome
statuses); :func:`trend` gives the figures the report charts over time; :func:`prune` keeps
the newest runs of a site.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from poaudit.findings import Finding, Kind
from poaudit.store import LinkCheckRecord, RunRecord, Store

__all__ = [
    "BROKEN_VERDICTS",
    "DEFAULT_PERSISTENCE_NIGHTS",
    "LinkChange",
    "MetadataChange",
    "PersistenceResult",
    "RunDiff",
    "StatusChange",
    "TrendPoint",
    "ViolationChange",
    "apply_persistence",
    "diff_runs",
    "is_transient",
    "original_verdict",
    "prune",
    "trend",
]

DEFAULT_PERSISTENCE_NIGHTS = 3
#: Verdicts that count as a broken link (the scorer's failing deep-link verdicts).
BROKEN_VERDICTS = frozenset({"broken", "timeout", "connection-error", "soft-404", "shallow"})
TRANSIENT_KEY = "transient"
AXE = "accessibility-axe"
EGMS = "egms-metadata"
AVAILABILITY = "availability-statement"
MAX_HISTORY = 400


def original_verdict(check: LinkCheckRecord) -> str:
    """The link checker's own verdict, before persistence turned it into ``caution``."""
    info = check.evidence.get(TRANSIENT_KEY)
    if isinstance(info, dict) and info.get("verdict"):
        return str(info["verdict"])
    return check.verdict


def is_transient(verdict: str, status: int | None) -> bool:
    """A failure that may clear by itself: timeout, connection error or a 5xx answer."""
    if verdict in ("timeout", "connection-error"):
        return True
    return verdict == "broken" and status is not None and 500 <= status < 600


def _transient_check(check: LinkCheckRecord) -> bool:
    return is_transient(original_verdict(check), check.status)


@dataclass
class PersistenceResult:
    """What :func:`apply_persistence` did: URLs held back as caution, and those now blamed."""

    held: dict[str, str] = field(default_factory=dict)  # url -> failing since (ISO)
    persistent: dict[str, str] = field(default_factory=dict)


def _earlier_runs(store: Store, run: RunRecord, limit: int) -> list[RunRecord]:
    return [r for r in store.runs(site=run.site, limit=limit + 50)
            if r.id < run.id and r.status == "finished"][:limit]


def apply_persistence(store: Store, run_id: int,
                      nights: int = DEFAULT_PERSISTENCE_NIGHTS) -> PersistenceResult:
    """Hold back transient link failures until they fail on ``nights`` consecutive runs.

    Idempotent: a check already adjusted keeps its original verdict in its evidence.
    """
    run = store.get_run(run_id)
    result = PersistenceResult()
    checks = [c for c in store.link_checks(run_id) if _transient_check(c)]
    if not checks:
        return result
    since_now = (checks[0].checked_at or run.started_at)
    streak: dict[str, int] = {c.url: 1 for c in checks}
    since: dict[str, datetime] = {c.url: c.checked_at or since_now for c in checks}
    open_ = set(streak)
    for earlier in _earlier_runs(store, run, max(nights * 4, nights)):
        if not open_:
            break
        by_url = {c.url: c for c in store.link_checks(earlier.id)}
        for url in list(open_):
            old = by_url.get(url)
            if old is None or original_verdict(old) not in BROKEN_VERDICTS:
                open_.discard(url)  # the streak starts after a night it worked (or was absent)
                continue
            streak[url] += 1
            since[url] = old.checked_at or earlier.started_at
    updates: list[LinkCheckRecord] = []
    for check in checks:
        first = since[check.url].isoformat()
        verdict = original_verdict(check)
        before = check.evidence.get(TRANSIENT_KEY)
        own = str(before.get("summary", check.summary)) if isinstance(before, dict) \
            else check.summary
        info = {"verdict": verdict, "summary": own, "failing_since": first,
                "nights": streak[check.url], "persistence_nights": nights,
                "persistent": streak[check.url] >= nights}
        evidence = {**check.evidence, TRANSIENT_KEY: info}
        if streak[check.url] >= nights:
            result.persistent[check.url] = first
            updates.append(dataclasses.replace(check, verdict=verdict, summary=own,
                                               evidence=evidence))
        else:
            result.held[check.url] = first
            summary = (f"{own} (failing since {first[:10]}; counted as broken after "
                       f"{nights} consecutive nights)").strip()
            updates.append(dataclasses.replace(check, verdict="caution", summary=summary,
                                               evidence=evidence))
    store.update_link_checks(run_id, updates)
    return result


# -- diff --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LinkChange:
    url: str
    verdict: str
    status: int | None
    owner: str | None
    summary: str
    failing_since: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ViolationChange:
    rule: str
    page: str
    impact: str = ""
    help: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class StatusChange:
    code: str
    before: str
    after: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class MetadataChange:
    """e-GMS coverage before and after, and the pages that lost or gained their metadata."""

    before_pct: float | None
    after_pct: float | None
    before_core_pct: float | None
    after_core_pct: float | None
    pages_lost: list[str] = field(default_factory=list)
    pages_gained: list[str] = field(default_factory=list)

    @property
    def change_pct(self) -> float | None:
        if self.before_pct is None or self.after_pct is None:
            return None
        return round(self.after_pct - self.before_pct, 2)

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "change_pct": self.change_pct}


@dataclass
class RunDiff:
    """Run ``run_id`` against ``previous_id`` (the previous finished run of the site)."""

    run_id: int
    previous_id: int
    previous_started_at: datetime
    new_broken_links: list[LinkChange] = field(default_factory=list)
    fixed_broken_links: list[LinkChange] = field(default_factory=list)
    failing_transient: list[LinkChange] = field(default_factory=list)
    accessibility_compared: bool = False
    new_violations: list[ViolationChange] = field(default_factory=list)
    fixed_violations: list[ViolationChange] = field(default_factory=list)
    metadata: MetadataChange | None = None
    status_changes: list[StatusChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new_broken_links or self.fixed_broken_links or self.failing_transient
                    or self.new_violations or self.fixed_violations or self.status_changes
                    or (self.metadata is not None and (self.metadata.pages_lost
                                                       or self.metadata.pages_gained
                                                       or self.metadata.change_pct)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "previous_run_id": self.previous_id,
            "previous_started_at": self.previous_started_at.isoformat(),
            "new_broken_links": [x.as_dict() for x in self.new_broken_links],
            "fixed_broken_links": [x.as_dict() for x in self.fixed_broken_links],
            "failing_transient": [x.as_dict() for x in self.failing_transient],
            "accessibility_compared": self.accessibility_compared,
            "new_violations": [x.as_dict() for x in self.new_violations],
            "fixed_violations": [x.as_dict() for x in self.fixed_violations],
            "metadata": self.metadata.as_dict() if self.metadata else None,
            "status_changes": [x.as_dict() for x in self.status_changes],
        }


def _link_change(check: LinkCheckRecord) -> LinkChange:
    info = check.evidence.get(TRANSIENT_KEY)
    since = str(info["failing_since"]) if isinstance(info, dict) and info.get(
        "failing_since") else None
    return LinkChange(check.url, check.verdict, check.status, check.owner, check.summary, since)


def _broken(checks: list[LinkCheckRecord]) -> dict[str, LinkCheckRecord]:
    return {c.url: c for c in checks if c.verdict in BROKEN_VERDICTS}


def _violations(findings: list[Finding]) -> tuple[set[str], dict[tuple[str, str], Finding]]:
    checked = {f.page_url for f in findings if f.detail.get("summary") and f.page_url}
    fails = {(str(f.detail.get("rule") or "?"), f.page_url): f for f in findings
             if f.kind is Kind.FAIL and f.page_url is not None}
    return checked, fails


def _violation(key: tuple[str, str], f: Finding) -> ViolationChange:
    return ViolationChange(key[0], key[1], str(f.detail.get("impact") or ""),
                           str(f.detail.get("help") or ""))


def _egms(findings: list[Finding]) -> tuple[Finding | None, dict[str, dict[str, Any]]]:
    summary = next((f for f in findings if f.page_url is None and "elements_pct" in f.detail),
                   None)
    pages = {f.page_url: f.detail for f in findings if f.page_url and "meta_count" in f.detail}
    return summary, pages


def _pct(summary: Finding | None, key: str) -> float | None:
    if summary is None or summary.detail.get(key) is None:
        return None
    return float(summary.detail[key])


def _metadata_change(before: list[Finding], after: list[Finding]) -> MetadataChange | None:
    s0, p0 = _egms(before)
    s1, p1 = _egms(after)
    if s0 is None and s1 is None and not p0 and not p1:
        return None
    lost = sorted(u for u, d in p1.items()
                  if u in p0 and p0[u].get("meta_count") and not d.get("meta_count"))
    gained = sorted(u for u, d in p1.items()
                    if u in p0 and not p0[u].get("meta_count") and d.get("meta_count"))
    return MetadataChange(_pct(s0, "pages_with_metadata_pct"), _pct(s1, "pages_with_metadata_pct"),
                          _pct(s0, "core_complete_pct"), _pct(s1, "core_complete_pct"),
                          lost, gained)


def diff_runs(store: Store, run_id: int, previous_id: int | None = None) -> RunDiff | None:
    """Compare ``run_id`` with the previous finished run of its site (None: no earlier run)."""
    if previous_id is None:
        prev = store.previous_run(run_id)
        if prev is None:
            return None
    else:
        prev = store.get_run(previous_id)
    diff = RunDiff(run_id, prev.id, prev.started_at)
    now_checks = store.link_checks(run_id)
    then = _broken(store.link_checks(prev.id))
    now = _broken(now_checks)
    now_all = {c.url: c for c in now_checks}
    diff.new_broken_links = [_link_change(c) for u, c in sorted(now.items()) if u not in then]
    diff.fixed_broken_links = [_link_change(now_all[u]) for u in sorted(then)
                               if u in now_all and u not in now]
    diff.failing_transient = [_link_change(c) for c in sorted(now_checks, key=lambda c: c.url)
                              if isinstance(c.evidence.get(TRANSIENT_KEY), dict)
                              and not c.evidence[TRANSIENT_KEY].get("persistent")]
    checked0, fails0 = _violations(store.findings(prev.id, probe_id=AXE))
    checked1, fails1 = _violations(store.findings(run_id, probe_id=AXE))
    both = checked0 & checked1
    if both:
        diff.accessibility_compared = True
        diff.new_violations = [_violation(k, f) for k, f in sorted(fails1.items())
                               if k[1] in both and k not in fails0]
        diff.fixed_violations = [_violation(k, f) for k, f in sorted(fails0.items())
                                 if k[1] in both and k not in fails1]
    diff.metadata = _metadata_change(store.findings(prev.id, probe_id=EGMS),
                                     store.findings(run_id, probe_id=EGMS))
    before = {r.code: r.status for r in store.outcome_results(prev.id)}
    after = {r.code: r.status for r in store.outcome_results(run_id)}
    diff.status_changes = [StatusChange(code, before[code], status)
                           for code, status in after.items()
                           if code in before and before[code] != status]
    return diff


# -- trends ------------------------------------------------------------------------------------

@dataclass
class TrendPoint:
    """One run's figures for the trend charts."""

    run_id: int
    started_at: datetime
    statuses: dict[str, int]
    violations: int | None  # None: accessibility not checked that night
    broken_deep_links: int
    metadata_pct: float | None
    availability_pct: float | None

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "started_at": self.started_at.isoformat()}


def _availability(findings: list[Finding]) -> float | None:
    for f in findings:
        if f.page_url is None and f.detail.get("percentage") is not None:
            try:
                return float(f.detail["percentage"])
            except (TypeError, ValueError):
                continue
    for f in findings:
        value = f.detail.get("percentage")
        if isinstance(value, int | float):
            return float(value)
    return None


def trend(store: Store, run_id: int, limit: int = 60) -> list[TrendPoint]:
    """The finished runs of ``run_id``'s site up to and including it, oldest first."""
    run = store.get_run(run_id)
    runs = [r for r in store.runs(site=run.site, limit=min(limit * 2 + 10, MAX_HISTORY))
            if r.id <= run_id and (r.status == "finished" or r.id == run_id)][:limit]
    points: list[TrendPoint] = []
    for r in reversed(runs):
        counts: dict[str, int] = {}
        for o in store.outcome_results(r.id):
            counts[o.status] = counts.get(o.status, 0) + 1
        axe = store.findings(r.id, probe_id=AXE)
        checked = any(f.detail.get("summary") for f in axe)
        summary, _ = _egms(store.findings(r.id, probe_id=EGMS))
        broken = sum(1 for c in store.link_checks(r.id)
                     if c.verdict in BROKEN_VERDICTS and c.owner)
        points.append(TrendPoint(
            r.id, r.started_at, counts,
            sum(1 for f in axe if f.kind is Kind.FAIL and f.page_url) if checked else None,
            broken, _pct(summary, "core_complete_pct"),
            _availability(store.findings(r.id, probe_id=AVAILABILITY))))
    return points


# -- retention ---------------------------------------------------------------------------------

def prune(store: Store, site: str, keep: int) -> list[int]:
    """Delete all but the newest ``keep`` runs of ``site`` (running ones are never deleted)."""
    if keep < 1:
        raise ValueError("keep at least one run")
    old = [r for r in store.runs(site=site)[keep:] if r.status != "running"]
    for r in old:
        store.delete_run(r.id)
    return [r.id for r in old]
