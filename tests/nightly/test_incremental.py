"""Incremental nightly runs: the browser stage reuses axe results for pages whose content hash
is unchanged since the previous finished run, and checks only the others."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pytest

import probes.accessibility_axe as axe
from crawler.incremental import conditional_headers, reuse_page_findings
from poaudit.audit import AXE_ID, run_browser_stage
from poaudit.findings import Finding, Kind
from poaudit.profile import parse_profile
from poaudit.store import PageRecord, Store

PROFILE = {"name": "s", "council": "Mid Suffolk District Council", "tier": "district",
           "start_urls": ["http://x/"]}
A, B = "http://x/a", "http://x/b"


def _run(store: Store, hashes: Mapping[str, str], profile: Mapping[str, Any] = PROFILE) -> int:
    run = store.start_run("s", "C", dict(profile))
    store.add_pages(run, [PageRecord(u, 200, u, "text/html", content_hash=h)
                          for u, h in hashes.items()])
    return run


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def fake_run(urls: Iterable[str], options: Mapping[str, Any] | None = None
                 ) -> Iterator[Finding]:
        for url in urls:
            seen.append(url)
            yield Finding(AXE_ID, ("G20",), Kind.FAIL, "x", url, {"rule": "label"})
            yield Finding(AXE_ID, ("G20",), Kind.INFO, "s", url, {"summary": True})

    monkeypatch.setattr(axe, "run", fake_run)
    return seen


def test_unchanged_pages_reuse_axe_results(store: Store, checked: list[str]) -> None:
    profile = parse_profile(PROFILE)
    first = _run(store, {A: "h1", B: "h2"})
    assert run_browser_stage(store, first, profile, incremental=True) == 4
    store.finish_run(first, "finished")
    assert checked == [A, B]
    second = _run(store, {A: "h1", B: "changed"})
    checked.clear()
    assert run_browser_stage(store, second, profile, incremental=True) == 4
    assert checked == [B]  # only the changed page went to the browser
    found = store.findings(second, probe_id=AXE_ID)
    assert {(f.page_url, f.kind) for f in found} == {(A, Kind.FAIL), (A, Kind.INFO),
                                                       (B, Kind.FAIL), (B, Kind.INFO)}
    assert all(f.detail.get("reused_from_run") == first for f in found if f.page_url == A)
    # not incremental: everything is checked again
    checked.clear()
    third = _run(store, {A: "h1", B: "changed"})
    run_browser_stage(store, third, profile)
    assert checked == [A, B]


def test_other_axe_options_or_no_previous_run_mean_no_reuse(store: Store,
                                                            checked: list[str]) -> None:
    first = _run(store, {A: "h1"})
    run_browser_stage(store, first, parse_profile(PROFILE), incremental=True)
    unfinished = _run(store, {A: "h1"})  # the first run never finished: nothing to reuse
    assert reuse_page_findings(store, unfinished, AXE_ID, [A], ("axe_tags",)) == ([], [A])
    store.finish_run(first, "finished")
    other = {**PROFILE, "axe_tags": ["wcag2a"]}
    changed = _run(store, {A: "h1"}, other)
    assert reuse_page_findings(store, changed, AXE_ID, [A], ("axe_tags",)) == ([], [A])
    same = _run(store, {A: "h1"})
    reused, todo = reuse_page_findings(store, same, AXE_ID, [A], ("axe_tags",))
    assert todo == [] and len(reused) == 2


def test_conditional_headers() -> None:
    page = PageRecord(A, 200, etag='"abc"', last_modified="Mon, 14 Nov 2005 00:00:00 GMT")
    assert conditional_headers(page) == {"If-None-Match": '"abc"',
                                         "If-Modified-Since": "Mon, 14 Nov 2005 00:00:00 GMT"}
    assert conditional_headers(PageRecord(A, 200)) == {}
