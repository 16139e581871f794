"""Plain records that cross the store boundary, in and out.

Stages hand the store these dataclasses and get the same back; the ORM mapping stays inside
the store package, so a crawler, a probe or a report never holds a database session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class RunRecord:
    """One audit of one site (a nightly run of several sites makes one RunRecord per site)."""

    id: int
    site: str
    council: str
    status: str  # running | finished | failed | interrupted
    started_at: datetime
    finished_at: datetime | None = None
    tool_version: str = ""
    scoring_version: str = ""
    profile: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PageRecord:
    """A fetched URL of the audited site (HTML or not), with how the fetch went."""

    url: str
    status: int | None
    final_url: str | None = None
    content_type: str | None = None
    content_length: int = 0
    content_hash: str | None = None
    depth: int = 0
    title: str | None = None
    elapsed_ms: float | None = None
    fetched_at: datetime | None = None
    redirects: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class LinkRecord:
    """One link occurrence: a page of the site pointing at a target."""

    source_url: str
    target_url: str
    kind: str  # internal | outbound | partner | mailto | other
    anchor_text: str = ""
    target_host: str | None = None
    owner: str | None = None  # council that owns the target host, when known


@dataclass(slots=True)
class LinkCheckRecord:
    """The verdict on one distinct link target, checked once per run."""

    url: str
    verdict: str  # ok | redirected | broken | timeout | connection-error | caution | soft-404 | ...
    status: int | None = None
    final_url: str | None = None
    summary: str = ""
    fix: str = ""
    owner: str | None = None
    hops: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    checked_at: datetime | None = None


@dataclass(slots=True)
class OutcomeRecord:
    """The scorer's result for one outcome in one run."""

    code: str
    status: str
    scoring_version: str
    confidence: str = ""
    reasons: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
