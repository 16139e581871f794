"""A scored run in a SQLite store with hostile crawled content, partner links and history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from poaudit.findings import Finding
from poaudit.profile import Profile
from poaudit.store import LinkCheckRecord, LinkRecord, PageRecord, Store
from scoring import SCORING_VERSION, score_run
from tests.scoring.helpers import COUNTY, DISTRICT, attestation, check, finding, profile

# Hostile strings planted in crawled content: markup, script, quote breaking, javascript: URLs.
SCRIPT = "<script>alert('xss')</script>"
BREAK_ATTR = "\"><img src=x onerror=alert(1)>"
BREAK_SINGLE = "'><svg onload=alert(2)>"
JS_URL = "javascript:alert(document.cookie)"
HOSTILE_PAGE = f"{DISTRICT}/search?q=\"><script>alert(3)</script>"
CLOSE_TAGS = "</textarea></pre></code></style></title><script>alert(4)</script>"
FORMULA = "=HYPERLINK(\"http://evil.example/\",\"click\")"
CONTROL = "bad\x00\x08byte\x1b[31m"
MARKERS = ("alert('xss')", "onerror=alert(1)", "onload=alert(2)", "alert(3)", "alert(4)",
           "document.cookie")

BROKEN = f"{COUNTY}/libraries/old-catalogue"
SHALLOW = f"{COUNTY}/"
SOFT = f"{COUNTY}/roads/roadworks-map"
WORKING = f"{COUNTY}/schools/admissions/apply"
T0 = datetime(2005, 10, 1, 2, 0, tzinfo=UTC)
T1 = datetime(2005, 10, 2, 2, 0, tzinfo=UTC)
NOW = datetime(2005, 10, 3, 2, 0, tzinfo=UTC)


@dataclass
class Scored:
    store: Store
    run_id: int
    profile: Profile
    earlier_runs: list[int]


def _axe(page: str, kind: str, **detail: object) -> Finding:
    base = {"engine": "axe-core", "axe_version": "4.10.2",
            "tags": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
    return finding("accessibility-axe", "G20", kind, page, message=f"axe {kind}",
                   **base, **detail)


def hostile_findings() -> list[Finding]:
    logo_fault = {"rule": "image-alt", "impact": "critical", "wcag": ["1.1.1"],
                  "help": f"Images must have alternate text {SCRIPT}",
                  "helpUrl": JS_URL, "node_count": 1,
                  "nodes": [{"target": ["#logo"],
                             "html": f"<img src=\"logo.gif\" title='{BREAK_SINGLE}'>",
                             "failureSummary": CLOSE_TAGS}]}
    return [
        finding("council-meetings", "R5", page=HOSTILE_PAGE,
                message=f"Meetings diary {SCRIPT} found {BREAK_ATTR}",
                snippet=CLOSE_TAGS, link=JS_URL, title=BREAK_SINGLE),
        finding("school-admissions", ("R1", "G1"), page=f"{DISTRICT}/schools",
                message="Deep link to the county's admissions pages",
                via_partner={"url": WORKING, "partner": "Suffolk County Council"}),
        finding("library-catalogue", "R12", page=f"{DISTRICT}/libraries",
                message="Deep link to the county's library catalogue",
                via_partner={"url": BROKEN, "partner": "Suffolk County Council"}),
        finding("email-alerts", "G3", "fail", None, message=FORMULA),
        finding("e-consultation", ("G3",), page=JS_URL, message=f"Consult {CONTROL}"),
        _axe(f"{DISTRICT}/", "pass", summary=True, rules_passed=30),
        _axe(f"{DISTRICT}/a", "info", summary=True),
        _axe(f"{DISTRICT}/b", "info", summary=True),
        _axe(f"{DISTRICT}/a", "fail", **logo_fault),
        _axe(f"{DISTRICT}/b", "fail", **logo_fault),
        _axe(f"{DISTRICT}/b", "warning", rule="color-contrast", needs_review=True,
             help="Elements must meet minimum color contrast ratio thresholds"),
        finding("egms-metadata", "G21", "warning", None,
                message="e-GMS: 80% of 3 pages carry the mandatory set",
                pages=3, elements_pct={"title": {"present": 100.0, "absent": 0.0},
                                       "subject": {"present": 66.7, "absent": 33.3}},
                problems={f"unknown-term {SCRIPT}": {"pages": 1, "pct": 33.3,
                                                     "sample_urls": [JS_URL]}}),
        finding("egms-metadata", "G20", "info", None,
                message="Accessibility claimed in e-GMS metadata (not verified): "
                        "Double-A (WCAG 1.0) on 100%.",
                claims={"Double-A (WCAG 1.0)": 3}, verified=False),
        finding("az-index", "R3", "pass", f"{DISTRICT}/a-z", check="found",
                message="A–Z of services found: 120 entries on 26 page(s).", entries=120),
        finding("az-index", "R3", "fail", f"{DISTRICT}/a-z/l", check="home-page-entry",
                message=f"A–Z entry '{SCRIPT}' links to a home page",
                entries=[SCRIPT], target_url=SHALLOW),
    ]


def link_checks(when: datetime = NOW) -> list[LinkCheckRecord]:
    owner = "Suffolk County Council"
    return [
        check(WORKING, "ok", owner=owner, checked_at=when),
        check(BROKEN, "broken", owner=owner, summary=f"404 Not Found {SCRIPT}",
              fix="Ask Suffolk County Council for the new address",
              evidence={"title": BREAK_ATTR}, checked_at=when),
        check(SHALLOW, "shallow", owner=owner, summary="Lands on the home page", checked_at=when),
        check(SOFT, "soft-404", owner=owner, summary="200 but the page says 'Page not found'",
              checked_at=when),
        check("http://elsewhere.example/x", "broken", summary="404 Not Found", checked_at=when),
    ]


def links() -> list[LinkRecord]:
    return [
        LinkRecord(f"{DISTRICT}/libraries", BROKEN, "partner", f"Library catalogue {BREAK_ATTR}",
                   "127.0.0.1:8100", "Suffolk County Council"),
        LinkRecord(f"{DISTRICT}/a-z/l", BROKEN, "partner", "Libraries", "127.0.0.1:8100",
                   "Suffolk County Council"),
        LinkRecord(f"{DISTRICT}/a-z/l", SHALLOW, "partner", FORMULA, "127.0.0.1:8100",
                   "Suffolk County Council"),
        LinkRecord(f"{DISTRICT}/roads", SOFT, "partner", "Roadworks", "127.0.0.1:8100",
                   "Suffolk County Council"),
        LinkRecord(f"{DISTRICT}/schools", WORKING, "partner", "Apply for a school place",
                   "127.0.0.1:8100", "Suffolk County Council"),
    ]


def _run(store: Store, prof: Profile, checks: list[LinkCheckRecord]) -> int:
    run = store.start_run(prof.name, prof.council, prof.model_dump(mode="json"), SCORING_VERSION)
    store.add_link_checks(run, checks)
    store.finish_run(run, "finished")
    return run


@pytest.fixture
def scored(tmp_path: Path) -> Iterator[Scored]:
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    prof = profile("district", attestations={"R20": attestation(note=f"Policy {SCRIPT}")})
    # Two earlier nightly runs: BROKEN was already broken in both; SOFT was fine in the first.
    first = _run(store, prof, [c for c in link_checks(T0) if c.url != SOFT]
                 + [check(SOFT, "ok", checked_at=T0)])
    second = _run(store, prof, link_checks(T1))
    run = store.start_run(prof.name, prof.council, prof.model_dump(mode="json"), SCORING_VERSION)
    store.add_pages(run, [PageRecord(url=f"{DISTRICT}/", status=200, title=SCRIPT)])
    store.add_findings(run, hostile_findings())
    store.add_link_checks(run, link_checks())
    store.add_links(run, links())
    score_run(store, run, prof)
    store.finish_run(run, "finished")
    yield Scored(store, run, prof, [first, second])
    store.close()

