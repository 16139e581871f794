"""Builders for synthetic scoring inputs: profiles of each tier, findings, link verdicts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from poaudit.findings import Finding, Kind
from poaudit.profile import Profile, parse_profile
from poaudit.store import LinkCheckRecord

COUNTY = "http://127.0.0.1:8100"
DISTRICT = "http://127.0.0.1:8200"
ADMISSIONS_URL = f"{COUNTY}/schools/admissions/apply"


def profile(tier: str = "unitary", **extra: Any) -> Profile:
    """A profile for a council of ``tier`` (districts and counties get each other as partner)."""
    data: dict[str, Any] = {
        "name": f"test-{tier}",
        "council": {"district": "Mid Suffolk District Council",
                    "county": "Suffolk County Council"}.get(tier, "Peterborough City Council"),
        "tier": tier,
        "start_urls": [DISTRICT + "/" if tier == "district" else COUNTY + "/"],
    }
    if tier == "district":
        data["partners"] = [{"name": "Suffolk County Council", "hosts": ["127.0.0.1:8100"],
                             "relation": "county"}]
    elif tier == "county":
        data["partners"] = [{"name": "Mid Suffolk District Council",
                             "hosts": ["127.0.0.1:8200"], "relation": "district"}]
    data.update(extra)
    return parse_profile(data)


def attestation(**extra: Any) -> dict[str, Any]:
    return {"officer": "A. Officer, Head of ICT", "date": date(2005, 11, 30),
            "document_url": "https://intranet.example.gov.uk/policies/r20.pdf", **extra}


def finding(probe: str, outcomes: str | tuple[str, ...], kind: str = "pass",
            page: str | None = None, message: str = "", **detail: Any) -> Finding:
    codes = (outcomes,) if isinstance(outcomes, str) else outcomes
    return Finding(probe, codes, Kind(kind), message or f"{probe} {kind}", page, detail)


def check(url: str, verdict: str = "ok", **extra: Any) -> LinkCheckRecord:
    return LinkCheckRecord(url=url, verdict=verdict, status=200 if verdict == "ok" else 404,
                           summary=extra.pop("summary", f"{verdict} summary"),
                           fix=extra.pop("fix", ""), owner=extra.pop("owner", None),
                           checked_at=extra.pop("checked_at", datetime(2005, 12, 1, tzinfo=UTC)),
                           **extra)
