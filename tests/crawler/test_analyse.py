"""The analysis process gives what analysis on the crawl's thread gives, and fails loudly."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import crawler
from crawler.analyse import (
    Analysis,
    AnalysisFailed,
    Analyst,
    InlineAnalyser,
    PageInput,
    ProcessAnalyser,
    choose_mode,
    probe_context,
)
from crawler.probestate import load_state
from demoarea import RunningArea
from poaudit.profile import Profile
from poaudit.store import Store
from probes.runner import ProbeRunner
from tests.crawler.conftest import area_profile

SITE = "mid-suffolk"


def _pages(running: RunningArea, count: int = 40) -> list[PageInput]:
    """The site's first HTML pages as the spider would hand them over."""
    import httpx

    site = running.area.sites[SITE]
    out: list[PageInput] = []
    with httpx.Client(timeout=10) as client:
        for target, page in site.pages.items():
            if page.kind in ("stall", "cookie-gate") or len(out) >= count:
                continue
            url = running.url(SITE, target)
            resp = client.get(url, headers={"x-demoarea-probe": "1"})
            if resp.status_code != 200 or "html" not in resp.headers.get("content-type", ""):
                continue
            out.append(PageInput(url=url, status=200, text=resp.text,
                                 headers=dict(resp.headers), content_type="text/html",
                                 encoding="utf-8", depth=0 if target == "/" else 1))
    return out


def _inline(profile: Profile) -> Analyst:
    ctx = probe_context(profile)
    return Analyst(ctx, ProbeRunner(ctx))


def _key(analysis: Analysis) -> tuple[Any, ...]:
    return (analysis.title,
            sorted((f.probe_id, f.kind, f.message) for f in analysis.all_findings()),
            analysis.links, analysis.anchors, analysis.soft404)


def test_process_and_inline_analysis_agree_page_by_page_and_at_the_end(
        running: RunningArea) -> None:
    profile = area_profile(running, SITE)
    pages = _pages(running)
    analyst = _inline(profile)
    remote = ProcessAnalyser(profile.model_dump(mode="json"), ())
    try:
        async def both() -> list[Analysis]:
            return list(await asyncio.gather(*(remote.analyse(p) for p in pages)))

        got = asyncio.run(both())
        want = [analyst.analyse(p) for p in pages]
        assert [_key(a) for a in got] == [_key(a) for a in want]
        assert sum(len(a.links) for a in got) > 10 * len(pages)
        state, seen, inflight = remote.snapshot(("x",)).result(timeout=30)
        assert seen == len(pages) and inflight == ("x",) and state is not None
        assert set(load_state(state)) == set(analyst.ctx.state)
        verdicts: dict[str, dict[str, Any]] = {}
        finals = Counter((f.probe_id, f.kind, f.message) for f in remote.finalize(verdicts))
        assert finals == Counter((f.probe_id, f.kind, f.message)
                                 for f in analyst.finalize(verdicts))
        assert finals  # the site probes said something
    finally:
        remote.close()


def test_a_page_already_in_probe_state_is_analysed_without_counting_twice(
        running: RunningArea) -> None:
    profile = area_profile(running, SITE)
    pages = _pages(running, 12)
    once, twice = _inline(profile), _inline(profile)
    for page in pages:
        once.analyse(page)
        twice.analyse(page)
    repeat = twice.analyse(replace(pages[3], absorb=False))
    assert _key(repeat) == _key(once.analyse(replace(pages[3], absorb=False)))
    assert twice.ctx.pages_seen == len(pages)
    verdicts: dict[str, dict[str, Any]] = {}
    fresh = _inline(profile)
    for page in pages:
        fresh.analyse(page)
    assert (Counter((f.probe_id, f.message) for f in twice.finalize(verdicts))
            == Counter((f.probe_id, f.message) for f in fresh.finalize(verdicts)))


def test_a_dead_analysis_process_is_an_error_not_a_silent_gap(running: RunningArea) -> None:
    profile = area_profile(running, SITE)
    pages = _pages(running, 3)
    remote = ProcessAnalyser(profile.model_dump(mode="json"), ())
    try:
        asyncio.run(remote.analyse(pages[0]))
        assert remote.pid is not None
        os.kill(remote.pid, signal.SIGKILL)

        async def after() -> Analysis:
            return await remote.analyse(pages[1])

        with pytest.raises(AnalysisFailed, match="died"):
            for _ in range(50):  # noticed at once or on the next round trip
                asyncio.run(after())
        snapshot = remote.snapshot(())  # the writer's checkpoint: a failed future, no hang
        with pytest.raises(AnalysisFailed):
            snapshot.result(timeout=10)
        with pytest.raises(AnalysisFailed):
            remote.finalize({})
    finally:
        remote.close()


def test_a_full_pipe_each_way_is_backpressure_not_a_deadlock(running: RunningArea) -> None:
    """Far more pages in flight than the pipes hold (a slow analysis, a fast crawl): the crawl
    thread blocks writing while the receiver keeps reading answers, and all complete."""
    profile = area_profile(running, SITE)
    page = _pages(running, 1)[0]
    links = "".join(f'<a href="/p{i}.htm">page number {i}</a> ' for i in range(2000))
    big = replace(page, text=page.text.replace("</body>", f"<p>{links}</p></body>"))
    # each request and each answer about 100 KB: both pipes fill many times over
    pages = [replace(big, url=f"{page.url}?copy={i}") for i in range(60)]
    remote = ProcessAnalyser(profile.model_dump(mode="json"), ())
    done: list[Analysis] = []

    def crawl_thread() -> None:
        async def flood() -> list[Analysis]:
            return list(await asyncio.gather(*(remote.analyse(p) for p in pages)))

        done.extend(asyncio.run(flood()))

    try:
        worker = threading.Thread(target=crawl_thread, daemon=True)
        worker.start()
        worker.join(timeout=120)
        if worker.is_alive():  # deadlocked: free the test before failing it
            assert remote.pid is not None
            os.kill(remote.pid, signal.SIGKILL)
        assert not worker.is_alive(), "deadlocked"
        assert len(done) == len(pages) and all(a.title == done[0].title for a in done)
        assert remote.snapshot(()).result(timeout=30)[1] == len(pages)
    finally:
        remote.close()


def test_auto_mode_uses_a_process_only_where_it_pays() -> None:
    assert choose_mode("inline") == "inline" and choose_mode("process", False) == "process"
    assert choose_mode("auto", False) == "inline"  # no probes: nothing worth sending
    assert choose_mode("auto", True, 60) == "inline"  # a small crawl: not worth a process
    expected = "process" if len(os.sched_getaffinity(0)) >= 2 else "inline"
    assert choose_mode("auto", True, 5000) == expected


def test_a_crawl_stores_the_same_with_either_analyser(running: RunningArea,
                                                     tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'modes.sqlite'}")
    stored = {}
    for mode in ("inline", "process"):
        profile = area_profile(running, SITE, analysis=mode)
        run_id = store.start_run(profile.name, profile.council)
        crawler.crawl(profile, store.url, run_id, jobdir=tmp_path / mode)
        stored[mode] = (
            Counter((p.url, p.status, p.title, p.content_hash) for p in store.pages(run_id)),
            Counter((x.source_url, x.target_url, x.kind) for x in store.links(run_id)),
            Counter((f.probe_id, f.kind, f.page_url, f.message)
                    for f in store.findings(run_id)))
    assert stored["inline"][0] and stored["inline"][2]
    for part, (inline, process) in enumerate(zip(stored["inline"], stored["process"],
                                                 strict=True)):
        assert inline == process, (part, inline - process, process - inline)
    store.close()


def test_inline_analyser_is_the_same_analyst(running: RunningArea) -> None:
    profile = area_profile(running, SITE)
    analyst = _inline(profile)
    inline = InlineAnalyser(analyst)
    page = _pages(running, 1)[0]
    assert _key(asyncio.run(inline.analyse(page))) == _key(_inline(profile).analyse(page))
    assert inline.runner is analyst.runner


def test_the_soft_404_baseline_reaches_the_analysis_process_once_per_host(
        running: RunningArea) -> None:
    from crawler.assess import Observed, summarise_html

    profile = area_profile(running, SITE)
    host = running.url(SITE, "/").split("/")[2]
    missing = ("<html><head><title>Page not found</title></head><body><h1>Sorry, we cannot "
               "find that page</h1><p>Try the A to Z or search the site.</p></body></html>")
    baseline = summarise_html(Observed(url=f"http://{host}/nope", status=404,
                                       final_url=f"http://{host}/nope", is_html=True),
                              None, missing)
    pages = [PageInput(url=f"http://{host}/gone-{i}.htm", status=200, text=missing, headers={},
                       content_type="text/html", encoding="utf-8", depth=1,
                       not_found=baseline) for i in range(3)]
    pages.append(replace(_pages(running, 1)[0], not_found=baseline))
    want = [_inline(profile).analyse(p).soft404 for p in pages]
    assert all(want[:3]) and want[3] is None
    remote = ProcessAnalyser(profile.model_dump(mode="json"), ())
    try:
        async def each() -> list[Analysis]:
            return [await remote.analyse(p) for p in pages]

        assert [a.soft404 for a in asyncio.run(each())] == want
        assert list(remote._baselines) == [host]
    finally:
        remote.close()
