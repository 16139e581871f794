"""Two nights over the demo area with planted changes between them: a deep link breaks, a page
loses its e-GMS metadata, an accessibility fault is fixed. The diff must report exactly those.

The area is served twice on the same ports (so URLs are stable across nights), with the
second night's area changed. The accessibility stage is fed through stored findings (a stub
browser stage writes axe-shaped findings), so no Chromium is needed.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import demoarea._run as demo_run
from demoarea import build_area, serve
from poaudit import audit as audit_mod
from poaudit.findings import Finding, Kind
from poaudit.history import diff_runs
from poaudit.nightly import EXIT_REGRESSION, load_nightly, run_nightly
from poaudit.profile import Profile
from poaudit.store import Store

SITE = "mid-suffolk"
PAGES = 40


def _free_base(n: int) -> int:
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + n > 65000:
            continue
        socks = []
        try:
            for i in range(n):
                s = socket.socket()
                s.bind(("127.0.0.1", base + i))
                socks.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port range")


@pytest.fixture
def fixed_dead_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The refusing ('old-host') port is the same on both nights."""
    chosen: list[int] = []
    original = demo_run._reserve_refusing_port

    def reserve() -> socket.socket:
        if not chosen:
            sock = original()
            chosen.append(sock.getsockname()[1])
            return sock
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", chosen[0]))
        return sock

    monkeypatch.setattr(demo_run, "_reserve_refusing_port", reserve)
    yield


def _axe_stage(faulty: set[str]) -> Any:
    """A browser stage that stores axe-shaped findings: ``faulty`` pages fail image-alt."""

    def stage(store: Store, run_id: int, profile: Profile, progress: Any = None,
              incremental: bool = False) -> int:
        pages = [p.final_url or p.url for p in store.pages(run_id)
                 if p.status == 200 and (p.content_type or "").startswith("text/html")][:5]
        found: list[Finding] = []
        for url in [*pages, *sorted(faulty - set(pages))]:
            bad = url in faulty
            if bad:
                found.append(Finding("accessibility-axe", ("G20",), Kind.FAIL,
                                     "image-alt: Images must have alternate text", url,
                                     {"rule": "image-alt", "impact": "critical",
                                      "node_count": 1, "help": "Images must have alt text"}))
            found.append(Finding("accessibility-axe", ("G20",),
                                 Kind.INFO if bad else Kind.PASS, "summary", url,
                                 {"summary": True, "axe_version": "4.10.0",
                                  "tags": ["wcag2a"]}))
        return store.add_findings(run_id, found)

    return stage


def _plant(area: Any) -> tuple[str, str]:
    """Break one deep link (remove the county page it points to) and strip one page's
    metadata; returns (broken target path on the county site, page path on the district)."""
    deep = next(e for e in area.entries if e["kind"] == "deep-link" and e["site"] == SITE
                and e.get("target_site") == "suffolk")
    target = deep["target"]
    area.sites[target.site].pages.pop(target.target)
    page = next(p for t, p in area.sites[SITE].pages.items()
                if p.kind == "service" and p.status == 200 and not p.data.get("egms")
                and t != "/")
    page.data["egms"] = "missing"
    return target.target, page.target


def test_two_nights_report_exactly_the_planted_changes(
        tmp_path: Path, fixed_dead_port: None, monkeypatch: pytest.MonkeyPatch) -> None:
    area = build_area(seed=2004, pages_per_site=PAGES)
    base = _free_base(len(area.sites) + 2)
    store_url = f"sqlite:///{tmp_path / 'nightly.sqlite'}"
    nightly_file = tmp_path / "sites.yaml"

    def night(faulty: set[str]) -> Any:
        with serve(area, port_base=base) as running:
            profile = running.profile(SITE)
            profile["forms"] = []
            nightly_file.write_text(yaml.safe_dump({
                "store": store_url, "out_dir": str(tmp_path / "out"),
                "sites": [profile], "browser": True,
                "fail_on": {"new_broken_links": True, "status_drops": ["met"]},
                "persistence_nights": 3, "retention_runs": 10,
            }), encoding="utf-8")
            config, profiles = load_nightly(nightly_file)
            monkeypatch.setattr(audit_mod, "run_browser_stage", _axe_stage(faulty))
            return run_nightly(config, profiles), running.url

    a11y_page_path = "/"
    first, url_of = night({f"http://127.0.0.1:{base + list(area.sites).index(SITE)}"
                           f"{a11y_page_path}"})
    assert first.sites[0].error is None, first.sites[0].error
    assert first.sites[0].diff is None
    a11y_page = url_of(SITE, a11y_page_path)

    broken_path, stripped_path = _plant(area)
    second, _ = night(set())
    result = second.sites[0]
    assert result.error is None, result.error
    diff = result.diff
    assert diff is not None
    broken_url = url_of("suffolk", broken_path)
    stripped_url = url_of(SITE, stripped_path)

    assert [c.url for c in diff.new_broken_links] == [broken_url]
    assert diff.new_broken_links[0].verdict == "broken"
    assert diff.fixed_broken_links == []
    assert diff.accessibility_compared
    assert [(v.rule, v.page) for v in diff.fixed_violations] == [("image-alt", a11y_page)]
    assert diff.new_violations == []
    assert diff.metadata is not None
    assert diff.metadata.pages_lost == [stripped_url]
    assert diff.metadata.pages_gained == []
    assert diff.metadata.change_pct is not None and diff.metadata.change_pct < 0
    # transient failures (the stalling target, the refused host) are held, not newly broken
    assert all(c.failing_since for c in diff.failing_transient)
    assert {c.url for c in diff.failing_transient}.isdisjoint({broken_url})

    # the configured regression (a new broken link) makes the run exit 1
    assert any("new broken link" in r for r in result.regressions)
    assert second.exit_code == EXIT_REGRESSION

    # the same diff, recomputed from the store, and carried by the reports
    again = diff_runs(Store(store_url), result.run_id or 0)
    assert again is not None and again.as_dict() == diff.as_dict()
    data = json.loads(result.reports["json"].read_text(encoding="utf-8"))
    assert data["diff"]["new_broken_links"][0]["url"] == broken_url
    assert data["diff"]["metadata"]["pages_lost"] == [stripped_url]
    html = result.reports["html"].read_text(encoding="utf-8")
    assert html.index('id="changes"') < html.index('id="summary"')
    assert broken_url in html and 'id="trends"' in html and "<svg" in html
    assert "<script" not in html
