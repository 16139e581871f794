"""Site-wide sections of the HTML report, grouped from findings (presentation only).

Accessibility by rule and by page (template faults grouped), e-GMS metadata coverage, the A–Z
and the link verdicts. Nothing here decides a status: the figures are the probes' own, counted
and sorted for reading.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from poaudit.findings import Finding, Kind
from poaudit.store import LinkCheckRecord
from reports._context import ReportContext

__all__ = [
    "AccessibilityView",
    "AtozView",
    "AxeRule",
    "LinkView",
    "MetadataView",
    "accessibility",
    "atoz",
    "link_verdicts",
    "metadata",
]

AXE = "accessibility-axe"
EGMS = "egms-metadata"
AZ = "az-index"
MAX_ROWS = 200
VERDICT_ORDER = (
    "broken", "soft-404", "shallow", "connection-error", "timeout", "fragment-missing",
    "caution", "redirected", "not-checked", "ok",
)


@dataclass
class AxeRule:
    """One axe rule across the pages it failed (or needed review) on."""

    rule: str
    impact: str
    wcag: list[str]
    help: str
    help_url: str
    pages: list[str] = field(default_factory=list)
    elements: int = 0


@dataclass
class AccessibilityView:
    """The accessibility section: honest figures from axe-core, claims kept apart."""

    versions: list[str]
    tags: list[str]
    pages_checked: int
    pages_clean: int
    pages_failing: list[tuple[str, list[str]]]
    pages_not_assessed: list[tuple[str, str]]
    rules: list[AxeRule]
    review: list[AxeRule]
    template_faults: list[dict[str, Any]]
    page_faults: int
    claim: Finding | None

    @property
    def present(self) -> bool:
        return bool(self.pages_checked or self.pages_not_assessed)


def _rule_key(f: Finding) -> tuple[str, str, list[str], str, str]:
    d = f.detail
    return (str(d.get("rule") or "?"), str(d.get("impact") or ""),
            [str(w) for w in d.get("wcag") or []], str(d.get("help") or ""),
            str(d.get("helpUrl") or ""))


def _by_rule(found: list[Finding]) -> list[AxeRule]:
    rules: dict[str, AxeRule] = {}
    for f in found:
        name, impact, wcag, help_, url = _rule_key(f)
        r = rules.setdefault(name, AxeRule(name, impact, wcag, help_, url))
        if f.page_url and f.page_url not in r.pages:
            r.pages.append(f.page_url)
        r.elements += int(f.detail.get("node_count") or 0)
    return sorted(rules.values(), key=lambda r: (-len(r.pages), -r.elements, r.rule))


def accessibility(ctx: ReportContext) -> AccessibilityView:
    """Group the accessibility-axe findings by rule and by page."""
    found = ctx.findings_of(AXE)
    summaries = [f for f in found if f.detail.get("summary")]
    fails = [f for f in found if f.kind is Kind.FAIL]
    review = [f for f in found if f.kind is Kind.WARNING and f.detail.get("needs_review")]
    failing: dict[str, list[str]] = defaultdict(list)
    for f in fails:
        failing[f.page_url or ""].append(str(f.detail.get("rule") or "?"))
    groups: list[dict[str, Any]] = []
    page_faults = 0
    if fails:
        from probes.accessibility_axe import group_template_faults

        for g in group_template_faults(fails):
            if g.template:
                groups.append(g.as_dict())
            else:
                page_faults += 1
    claim = next((f for f in ctx.findings_of(EGMS)
                  if f.kind is Kind.INFO and "claims" in f.detail), None)
    return AccessibilityView(
        versions=sorted({str(f.detail["axe_version"]) for f in found
                         if f.detail.get("axe_version")}),
        tags=sorted({str(t) for f in summaries for t in f.detail.get("tags") or []}),
        pages_checked=len({f.page_url for f in summaries}),
        pages_clean=len({f.page_url for f in summaries if f.kind is Kind.PASS}),
        pages_failing=sorted((url, sorted(set(rules))) for url, rules in failing.items()),
        pages_not_assessed=[(f.page_url or "(site)", f.message) for f in found
                            if f.kind is Kind.NOT_ASSESSED][:MAX_ROWS],
        rules=_by_rule(fails),
        review=_by_rule(review),
        template_faults=groups[:MAX_ROWS],
        page_faults=page_faults,
        claim=claim,
    )


@dataclass
class MetadataView:
    """e-GMS coverage from the egms-metadata site summary, plus per-page verdict counts."""

    summary: Finding | None
    page_kinds: Counter[str]
    elements: list[tuple[str, dict[str, Any]]]
    statuses: list[str]
    problems: list[tuple[str, dict[str, Any]]]

    @property
    def present(self) -> bool:
        return self.summary is not None or bool(self.page_kinds)


def metadata(ctx: ReportContext) -> MetadataView:
    found = ctx.findings_of(EGMS)
    summary = next((f for f in found if f.page_url is None and f.kind is not Kind.INFO
                    and "elements_pct" in f.detail), None)
    kinds = Counter(f.kind.value for f in found if f.page_url is not None)
    d = summary.detail if summary else {}
    elements = [(str(k), dict(v)) for k, v in (d.get("elements_pct") or {}).items()
                if isinstance(v, dict)]
    statuses = list(dict.fromkeys(s for _, v in elements for s in v))
    problems = [(str(k), dict(v)) for k, v in (d.get("problems") or {}).items()
                if isinstance(v, dict)][:25]
    return MetadataView(summary, kinds, elements, statuses, problems)


@dataclass
class AtozView:
    """The A–Z of services as az-index reported it, one finding per check."""

    checks: dict[str, Finding]
    entry_problems: list[Finding]
    near_misses: list[Finding]

    @property
    def present(self) -> bool:
        return bool(self.checks or self.entry_problems or self.near_misses)


def atoz(ctx: ReportContext) -> AtozView:
    checks: dict[str, Finding] = {}
    problems: list[Finding] = []
    near: list[Finding] = []
    for f in ctx.findings_of(AZ):
        check = str(f.detail.get("check") or "")
        if check in ("home-page-entry", "broken-entry"):
            problems.append(f)
        elif check == "near-miss":
            near.append(f)
        elif check:
            checks.setdefault(check, f)
    return AtozView(checks, problems[:MAX_ROWS], near)


@dataclass
class LinkView:
    """Link verdicts: counts, and every link that is not plainly ok with where it is linked."""

    counts: list[tuple[str, int]]
    problems: list[tuple[LinkCheckRecord, list[str]]]
    total: int


def link_verdicts(ctx: ReportContext) -> LinkView:
    counts = Counter(c.verdict for c in ctx.link_checks)
    rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    ordered = sorted(counts.items(), key=lambda kv: (rank.get(kv[0], 99), kv[0]))
    bad = sorted((c for c in ctx.link_checks if c.verdict != "ok"),
                 key=lambda c: (rank.get(c.verdict, 99), c.url))
    rows = [(c, sorted({link.source_url for link in ctx.linking_pages(c.url)})[:5])
            for c in bad[:MAX_ROWS]]
    return LinkView(ordered, rows, len(ctx.link_checks))
