"""accessibility-axe (G20): automated WCAG 2.x checks with axe-core in headless Chromium.

What it looks for: every crawled HTML page is loaded in a real browser and axe-core (the
version bundled with axe-selenium-python, reported in every finding) runs its rules for the
tags ``wcag2a, wcag2aa, wcag21a, wcag21aa`` (``wcag22aa`` optional). Per page: one ``fail``
per violated rule (WCAG success criteria, impact, target selectors, HTML snippets), one
``warning`` per rule axe could not decide ("needs review", axe's ``incomplete``: never counted
as a failure), a summary (``pass`` when no automated failures were found, ``info`` otherwise)
and ``not assessed`` when the page could not be checked.

Why G20 asks for it. The outcome: "Conformance with level AA of W3C Web Accessibility
Initiative (WAI) standards on website accessibility": "all pages published on council websites
should conform to level AA of the W3C accessibility standards" and "Procedures should be put in
place to monitor compliance on an ongoing basis." Checklist: "Level AA of the W3C standards
achieved." / "Ongoing procedures in place."

Known limits. In 2004 "level AA" meant WCAG 1.0; axe-core has no WCAG 1.0 rules and there is
no exact mapping, so these are automated WCAG 2.x A/AA checks, not a WCAG 1.0 "WAI AA"
conformance assessment. Automated checks find only part of the barriers (GDS's 2018 audit: axe
found 41 of 142), so the wording is always "no automated failures found", never "compliant".
Frames are included (cross-origin too) up to a depth/count limit; closed shadow roots and
content behind interaction are not tested. :func:`group_template_faults` tells a fault in the
shared template (same rule, target and HTML on many pages: fix once) from a page fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from poaudit.findings import Finding, Kind
from probes.base import ProbeMeta
from probes.browser.axe import (
    DEFAULT_TAGS,
    WCAG22_TAGS,
    AxeOptions,
    AxeResult,
    axe_core_version,
    wcag_criteria,
)
from probes.browser.driver import BrowserConfig
from probes.browser.pool import BrowserPool, PageResult, PoolConfig

__all__ = ["META", "FaultGroup", "findings_for", "group_template_faults", "options_from", "run"]

META = ProbeMeta(
    id="accessibility-axe",
    code="PO400",
    outcomes=("G20",),
    scope=("page",),
    stage="browser",
    tags=("accessibility", "wcag2", "axe-core", "browser"),
    status="preview",
    title="Automated WCAG 2.x A/AA checks with axe-core",
)

PROBE_ID: str = META.id
OUTCOMES: tuple[str, ...] = META.outcomes
DISCLAIMER = ("Automated WCAG 2.x Level A/AA checks with axe-core: not a WCAG 1.0 'WAI AA' "
              "conformance assessment; full conformance needs manual testing.")
SNIPPET_CHARS = 300
MAX_NODES = 50  # per rule and page; node_count keeps the true number


def options_from(options: Mapping[str, Any] | None) -> tuple[PoolConfig, AxeOptions]:
    """Pool and axe settings from the probe's options (a site profile's ``accessibility-axe``).

    Keys: ``tags`` (list), ``wcag22`` (bool: add wcag22aa), ``rules`` ({rule: on}),
    ``iframes``, ``pool_size``, ``page_timeout``, ``recycle_after``, ``dedupe``, ``remote_url``.
    """
    o = dict(options or {})
    tags = tuple(o.get("tags") or (WCAG22_TAGS if o.get("wcag22") else DEFAULT_TAGS))
    axe = AxeOptions(tags=tags, rules=dict(o.get("rules") or {}),
                     iframes=bool(o.get("iframes", True)))
    base = PoolConfig()
    pool = PoolConfig(
        size=int(o.get("pool_size") or base.size),
        page_timeout=float(o.get("page_timeout") or base.page_timeout),
        recycle_after=int(o.get("recycle_after") or base.recycle_after),
        dedupe=bool(o.get("dedupe", True)),
        browser=BrowserConfig(remote_url=o.get("remote_url") or None),
    )
    return pool, axe


def run(urls: Iterable[str], options: Mapping[str, Any] | None = None) -> Iterator[Finding]:
    """Audit each URL in the browser stage and yield its Findings, page by page.

    ``options["pool"]`` may hold an open :class:`BrowserPool` to use (it is not closed here).
    """
    opts = dict(options or {})
    pool_cfg, axe_opts = options_from(opts)
    pool = opts.get("pool")
    if isinstance(pool, BrowserPool):
        for result in pool.run(urls, axe_opts):
            yield from findings_for(result, axe_opts.tags)
        return
    with BrowserPool(pool_cfg) as own:
        for result in own.run(urls, axe_opts):
            yield from findings_for(result, axe_opts.tags)


def _engine(res: AxeResult | None, tags: tuple[str, ...]) -> dict[str, Any]:
    return {
        "engine": "axe-core",
        "axe_version": res.axe_version if res else axe_core_version(),
        "tags": list(res.tags if res else tags),
        "checks": "automated WCAG 2.x",
        "note": DISCLAIMER,
    }


def _node(n: Mapping[str, Any]) -> dict[str, Any]:
    html = str(n.get("html") or "")
    if len(html) > SNIPPET_CHARS:
        html = html[:SNIPPET_CHARS] + "…"
    return {"target": n.get("target"), "html": html,
            "failureSummary": str(n.get("failureSummary") or "")}


def _rule_detail(rule: Mapping[str, Any]) -> dict[str, Any]:
    tags = [str(t) for t in rule.get("tags") or []]
    nodes = list(rule.get("nodes") or [])
    return {
        "rule": str(rule.get("id")),
        "impact": rule.get("impact"),
        "tags": tags,
        "wcag": wcag_criteria(tags),
        "help": str(rule.get("help") or ""),
        "helpUrl": str(rule.get("helpUrl") or ""),
        "description": str(rule.get("description") or ""),
        "node_count": len(nodes),
        "nodes": [_node(n) for n in nodes[:MAX_NODES]],
    }


def _tags_text(tags: Iterable[str]) -> str:
    return ", ".join(tags)


def findings_for(result: PageResult, tags: tuple[str, ...] = DEFAULT_TAGS) -> list[Finding]:
    """The Findings for one page's result (see the module docstring for the kinds)."""
    url = result.url
    res = result.axe
    engine = _engine(res, tags)
    if res is None or not result.assessed:
        return [Finding(
            PROBE_ID, OUTCOMES, Kind.NOT_ASSESSED,
            f"Not assessed: axe-core could not run on this page ({result.error or 'unknown'})",
            url, {**engine, "error": result.error, "attempts": result.attempts},
        )]
    page_meta: dict[str, Any] = {
        "final_url": result.final_url, "dom_hash": result.dom_hash,
        "reused_from": result.reused_from, "http_status": result.http_status,
    }
    out: list[Finding] = []
    for rule in res.violations:
        d = _rule_detail(rule)
        sc = f"WCAG {', '.join(d['wcag'])}" if d["wcag"] else "no WCAG criterion tag"
        out.append(Finding(
            PROBE_ID, OUTCOMES, Kind.FAIL,
            f"{d['rule']}: {d['help']} ({d['node_count']} element(s); {sc}; impact {d['impact']})",
            url, {**engine, **d, **page_meta},
        ))
    for rule in res.incomplete:
        d = _rule_detail(rule)
        if rule.get("error"):
            out.append(Finding(
                PROBE_ID, OUTCOMES, Kind.WARNING,
                f"Rule {d['rule']} could not run on this page (axe-core error): not assessed "
                f"for this rule",
                url, {**engine, **d, **page_meta, "needs_review": False,
                      "rule_error": str(rule["error"])},
            ))
            continue
        out.append(Finding(
            PROBE_ID, OUTCOMES, Kind.WARNING,
            f"Needs review (axe could not decide): {d['rule']}: {d['help']} "
            f"({d['node_count']} element(s))",
            url, {**engine, **d, **page_meta, "needs_review": True},
        ))
    n_fail = len(res.violations)
    errored = sorted(res.errored_rules())
    n_review = len(res.incomplete_ids())
    summary = {
        **engine, **page_meta, "summary": True,
        "rules_passed": len(res.passes), "rules_violated": n_fail,
        "rules_needing_review": n_review, "rules_errored": errored,
        "rules_inapplicable": len(res.inapplicable), "passed_rules": sorted(res.passes),
    }
    what = (f"automated WCAG 2.x checks (axe-core {engine['axe_version']}, tags "
            f"{_tags_text(engine['tags'])})")
    tail = f"; could not run: {', '.join(errored)}" if errored else ""
    if n_fail == 0:
        msg = (f"No automated failures found by {what}: {len(res.passes)} rules passed, "
               f"{n_review} need review{tail}. Not a WCAG 1.0 conformance assessment.")
        kind = Kind.PASS
    else:
        msg = (f"{n_fail} rule(s) failed in {what}; {len(res.passes)} rules passed, "
               f"{n_review} need review{tail}.")
        kind = Kind.INFO
    out.append(Finding(PROBE_ID, OUTCOMES, kind, msg, url, summary))
    return out


@dataclass
class FaultGroup:
    """One failing element (rule + target + HTML) and every page it fails on."""

    rule: str
    target: Any
    html: str
    impact: str | None
    help: str
    wcag: list[str]
    pages: list[str] = field(default_factory=list)

    @property
    def template(self) -> bool:
        """True when the same failure is on more than one page (fix it once, in the template)."""
        return len(self.pages) > 1

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"rule": self.rule, "target": self.target, "html": self.html,
                "impact": self.impact, "help": self.help, "wcag": self.wcag,
                "pages": self.pages, "page_count": len(self.pages),
                "scope": "template" if self.template else "page"}


def _freeze(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def group_template_faults(findings: Iterable[Finding]) -> list[FaultGroup]:
    """Group identical failing elements across pages (only ``fail`` findings of this probe).

    Identical = same rule, same target selector and same HTML snippet. Groups on several pages
    are template faults; the rest are page faults. Sorted: most pages first.
    """
    groups: dict[tuple[Any, ...], FaultGroup] = {}
    for f in findings:
        if f.probe_id != PROBE_ID or f.kind is not Kind.FAIL:
            continue
        d = f.detail
        for node in d.get("nodes") or []:
            key = (d.get("rule"), _freeze(node.get("target")), node.get("html"))
            g = groups.get(key)
            if g is None:
                g = groups[key] = FaultGroup(
                    rule=str(d.get("rule")), target=node.get("target"),
                    html=str(node.get("html") or ""), impact=d.get("impact"),
                    help=str(d.get("help") or ""), wcag=list(d.get("wcag") or []),
                )
            page = f.page_url or ""
            if page not in g.pages:
                g.pages.append(page)
    return sorted(groups.values(), key=lambda g: (-len(g.pages), g.rule, str(g.target)))
