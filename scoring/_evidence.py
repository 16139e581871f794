"""Evidence items: the JSON-ready records a status rests on (docs/report-schema.md).

Every item has the same keys, always present: ``type``, ``source`` (``observed``, ``attested``
or ``rule``), ``summary``, ``url``, ``probe_id``, ``kind`` and ``data``. Crawled values are kept
as data (trimmed in size); escaping is the reports' job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from poaudit.findings import Finding
from poaudit.profile import Attestation
from poaudit.store import LinkCheckRecord

__all__ = ["EVIDENCE_KEYS", "Source", "attestation", "compact", "finding", "item", "link_check"]

Source = Literal["observed", "attested", "rule"]
EVIDENCE_KEYS = ("type", "source", "summary", "url", "probe_id", "kind", "data")
MAX_TEXT = 500
MAX_ITEMS = 10
MAX_KEYS = 25
MAX_DEPTH = 3


def item(
    type_: str,
    source: Source,
    summary: str,
    *,
    url: str | None = None,
    probe_id: str | None = None,
    kind: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One evidence item with every key present."""
    return {
        "type": type_,
        "source": source,
        "summary": summary,
        "url": url,
        "probe_id": probe_id,
        "kind": kind,
        "data": dict(data or {}),
    }


def compact(value: Any, depth: int = 0) -> Any:
    """A size-bounded, JSON-ready copy of a finding's detail (long text and lists cut)."""
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= MAX_DEPTH:
        return compact(str(value), depth)
    if isinstance(value, Mapping):
        keys = list(value)[:MAX_KEYS]
        return {str(k): compact(value[k], depth + 1) for k in keys}
    if isinstance(value, list | tuple | set | frozenset):
        return [compact(v, depth + 1) for v in list(value)[:MAX_ITEMS]]
    return compact(str(value), depth)


def finding(f: Finding) -> dict[str, Any]:
    """A finding as evidence (its detail compacted)."""
    return item(
        "finding",
        "observed",
        compact(f.message),
        url=f.page_url,
        probe_id=f.probe_id,
        kind=f.kind.value,
        data=compact(f.detail),
    )


def link_check(
    check: LinkCheckRecord, *, partner: str | None, linking_page: str | None
) -> dict[str, Any]:
    """The link checker's verdict on a partner deep link's target."""
    return item(
        "link-check",
        "observed",
        compact(check.summary or check.verdict),
        url=check.url,
        kind=check.verdict,
        data={
            "verdict": check.verdict,
            "status": check.status,
            "final_url": check.final_url,
            "owner": check.owner or partner,
            "linking_page": linking_page,
            "fix": compact(check.fix),
            "checked_at": check.checked_at.isoformat() if check.checked_at else None,
        },
    )


def attestation(code: str, att: Attestation, summary: str) -> dict[str, Any]:
    """An officer's attestation, marked as attested (never as observed)."""
    doc = str(att.document_url) if att.document_url else None
    return item(
        "attestation",
        "attested",
        summary,
        url=doc,
        data={
            "outcome": code,
            "officer": att.officer,
            "date": att.date.isoformat(),
            "document_url": doc,
            "note": att.note,
        },
    )
