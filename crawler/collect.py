"""What a crawl collects besides store rows, and the verdicts on internal links it yields.

Internal links are not re-fetched: their targets were crawled, so their verdict comes from
what the crawl saw (status, redirects, soft-404 test, anchors) — the same judging code as
outbound links (:func:`crawler.assess.assess`). Only problems are stored (an internal link
that works needs no row: its target's page record says so).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crawler.assess import Baseline, assess
from crawler.items import PageFacts
from crawler.linkcheck import LinkTarget
from crawler.messages import describe
from crawler.urls import split_fragment
from poaudit.store.records import LinkCheckRecord

__all__ = ["CrawlData", "internal_checks"]

MAX_TEXTS = 3
STICKY = frozenset({"robots-disallowed", "excluded", "trap", "off-site"})
REASONS = {
    "robots-disallowed": "robots.txt disallows it",
    "excluded": "the profile's include/exclude rules skip it",
    "trap": "it is part of a crawler trap that was cut off",
    "max-depth": "it is deeper than the profile's max_depth",
    "max-pages": "the crawl reached the profile's max_pages",
}


@dataclass
class CrawlData:
    """Per-run crawl knowledge: page facts, link targets and why URLs were not crawled."""

    facts: dict[str, PageFacts] = field(default_factory=dict)
    outbound: dict[str, LinkTarget] = field(default_factory=dict)
    internal: set[str] = field(default_factory=set)
    skipped: dict[str, str] = field(default_factory=dict)
    limits: Counter[str] = field(default_factory=Counter)
    limit_examples: dict[str, list[str]] = field(default_factory=dict)

    def add_outbound(self, target: str, kind: str, owner: str | None, text: str) -> None:
        """Remember a link target to check once, with up to three of its link texts."""
        known = self.outbound.get(target)
        if known is None:
            self.outbound[target] = LinkTarget(target, kind, owner, (text,) if text else ())
        elif text and len(known.texts) < MAX_TEXTS and text not in known.texts:
            self.outbound[target] = LinkTarget(target, kind, owner, (*known.texts, text))

    def note(self, reason: str, url: str) -> None:
        """Count a limit hit (``cut-off``, ``max-depth``, ...) with a few example URLs."""
        self.limits[reason] += 1
        examples = self.limit_examples.setdefault(reason, [])
        if len(examples) < 5:
            examples.append(url)

    def skip(self, url: str, reason: str) -> None:
        """Record that ``url`` is not crawled, and why."""
        self.skipped[url] = reason
        self.note(reason, url)


def _merged(facts: dict[str, PageFacts], url: str) -> PageFacts | None:
    """The facts of ``url``, with its redirect target's page facts when it redirected."""
    own = facts.get(url)
    if own is None or not own.hops or own.final_url == url or own.problem:
        return own
    final = facts.get(own.final_url)
    if final is None:
        return own
    return PageFacts(url=url, status=final.status, final_url=own.final_url, hops=own.hops,
                     problem=final.problem, error=final.error, is_html=final.is_html,
                     soft404=final.soft404, anchors=final.anchors)


def internal_checks(data: CrawlData, council: str) -> list[LinkCheckRecord]:
    """Verdicts on internal link targets that have a problem (from the crawl's facts)."""
    out: list[LinkCheckRecord] = []
    now = datetime.now(UTC)
    for target in sorted(data.internal):
        url, fragment = split_fragment(target)
        facts = _merged(data.facts, url)
        if facts is None:
            reason = data.skipped.get(url)
            if reason is None:
                continue
            key = "robots-disallowed" if reason == "robots-disallowed" else "not-crawled"
            message = describe([key], {"reason": REASONS.get(reason, reason)})
            out.append(LinkCheckRecord(
                url=target, verdict=message.verdict, summary=message.summary,
                fix=message.fix, owner=council, checked_at=now,
                evidence={"problems": [key], "headline": key, "kind": "internal",
                          "source": "crawl", "not_crawled": reason}))
            continue
        if facts.offsite:
            continue  # checked by the link checker, which follows it off the site
        obs = facts.observed()
        problems, values = assess(url, fragment, obs, Baseline(), ())
        if problems == ["ok"]:
            continue
        values["reason"] = facts.soft404 or values.get("reason", "")
        message = describe(problems, values, redirected=bool(obs.hops))
        evidence = {"problems": problems, "headline": message.key, "kind": "internal",
                    "source": "crawl"}
        if facts.cycle:
            evidence["cycle"] = facts.cycle
        if "fragment-missing" in problems and facts.anchors is not None:
            evidence["anchors_on_page"] = sorted(facts.anchors)[:30]
        out.append(LinkCheckRecord(
            url=target, verdict=message.verdict, status=obs.status,
            final_url=obs.final_url if obs.final_url != url else None,
            summary=message.summary, fix=message.fix, owner=council,
            hops=[{"url": h["url"], "status": h["status"]} for h in obs.hops],
            evidence=evidence, checked_at=now))
    return out
