"""What the spider hands the pipeline for each fetched URL."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any

from crawler.assess import Observed
from poaudit.findings import Finding
from poaudit.store.records import LinkRecord, PageRecord

__all__ = ["PageFacts", "PageItem"]


@dataclass(slots=True)
class PageFacts:
    """What internal link verdicts need to know about a crawled URL (kept per run).

    ``problem`` is a link-problem key when the fetch itself failed (``timeout``,
    ``redirect-loop``, ...); ``soft404`` the reason a 200 page is a 'not found' page;
    ``anchors`` the fragments the page offers (None when it was not parsed).
    """

    url: str
    status: int | None
    final_url: str
    hops: list[dict[str, Any]] = field(default_factory=list)
    problem: str | None = None
    error: str = ""
    is_html: bool = False
    soft404: str | None = None
    anchors: frozenset[str] | None = None
    cycle: list[str] = field(default_factory=list)
    offsite: bool = False  # redirects off the site (then checked by the link checker)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"u": self.url, "s": self.status}
        if self.final_url != self.url:
            out["f"] = self.final_url
        for key, value in (("h", self.hops), ("p", self.problem), ("e", self.error),
                           ("x", self.soft404), ("c", self.cycle), ("o", self.offsite)):
            if value:
                out[key] = value
        if self.is_html:
            out["html"] = 1
        if self.anchors is not None:
            out["a"] = sorted(self.anchors)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageFacts:
        anchors = data.get("a")
        return cls(
            url=data["u"], status=data.get("s"), final_url=data.get("f", data["u"]),
            hops=list(data.get("h", [])), problem=data.get("p"), error=data.get("e", ""),
            is_html=bool(data.get("html")), soft404=data.get("x"),
            anchors=frozenset(anchors) if anchors is not None else None,
            cycle=list(data.get("c", [])), offsite=bool(data.get("o")),
        )

    def observed(self) -> Observed:
        """The facts as an :class:`Observed` for :func:`crawler.assess.assess`."""
        return Observed(url=self.url, status=self.status, final_url=self.final_url,
                        hops=self.hops, problem=self.problem, error=self.error,
                        is_html=self.is_html, anchors=self.anchors, cycle=self.cycle,
                        soft404=self.soft404 or "")


@dataclass(slots=True)
class PageItem:
    """One fetched URL: its page record, the links on it, probe findings and facts.

    ``replay`` items re-fetch a page already stored before a crash, only to rebuild probe
    state and facts: the pipeline writes nothing for them. ``sealed`` holds more findings,
    pickled by the analysis process: the crawl process forwards them to the writer unopened.
    """

    page: PageRecord
    links: list[LinkRecord]
    findings: list[Finding]
    facts: PageFacts
    replay: bool = False
    sealed: bytes = b""


def seal(findings: list[Finding]) -> bytes:
    """Findings pickled for the trip from the analysis process to the store writer."""
    return pickle.dumps(findings, pickle.HIGHEST_PROTOCOL) if findings else b""


def unseal(sealed: bytes) -> list[Finding]:
    """The findings :func:`seal` packed (only ever from poaudit's own analysis process)."""
    found: list[Finding] = pickle.loads(sealed) if sealed else []
    return found
