"""A crawl killed with SIGKILL resumes and ends with what an uninterrupted crawl stores."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import crawler
from crawler.process import _child
from demoarea import RunningArea, build_area, serve
from poaudit.store import Store
from tests.crawler.conftest import area_profile

SITE = "mid-suffolk"


@pytest.fixture(scope="module")
def bigger() -> Iterator[RunningArea]:
    with serve(build_area(pages_per_site=500, stall_seconds=1.0)) as running:
        yield running


def _snapshot(store: Store, run_id: int) -> tuple[Counter[tuple[object, ...]], ...]:
    pages = Counter((p.url, p.status, p.final_url, p.error) for p in store.pages(run_id))
    links = Counter((x.source_url, x.target_url, x.kind, x.anchor_text, x.owner)
                    for x in store.links(run_id))
    checks = Counter((c.url, c.verdict, c.status) for c in store.link_checks(run_id))
    return pages, links, checks


def _kill_mid_crawl(store: Store, run_id: int, profile_data: dict[str, object],
                    jobdir: Path, delay: float) -> int:
    ctx = multiprocessing.get_context("spawn")
    channel = ctx.Queue()
    proc = ctx.Process(target=_child, args=(profile_data, store.url, run_id, str(jobdir), [],
                                            "WARNING", channel))
    proc.start()
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and proc.is_alive():
        stored = len(store.page_urls(run_id))
        if stored >= 150:
            time.sleep(delay)
            break
        time.sleep(0.02)
    assert proc.pid is not None and proc.is_alive(), "the crawl finished before it was killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    channel.close()
    return len(store.page_urls(run_id))


@pytest.mark.parametrize(("delay", "analysis"), [(0.0, "process"), (0.3, "process"),
                                               (0.3, "inline")],
                         ids=["right-after-a-commit", "later", "later-inline"])
def test_resume_after_sigkill_matches_an_uninterrupted_crawl(bigger: RunningArea,
                                                             tmp_path: Path, delay: float,
                                                             analysis: str) -> None:
    profile = area_profile(bigger, SITE, requests_per_second=250.0, concurrency_per_host=4,
                           analysis=analysis)
    store = Store(f"sqlite:///{tmp_path / 'resume.sqlite'}")
    reference = store.start_run(profile.name, profile.council)
    whole = crawler.crawl(profile, store.url, reference, jobdir=tmp_path / "ref")
    assert not whole.resumed and whole.pages > 400

    run_id = store.start_run(profile.name, profile.council)
    jobdir = tmp_path / "job"
    stored = _kill_mid_crawl(store, run_id, profile.model_dump(mode="json"), jobdir, delay)
    assert 0 < stored < whole.pages, "the kill did not land mid-crawl"

    resumed = crawler.crawl(profile, store.url, run_id, jobdir=jobdir)
    assert resumed.resumed
    # pages stored before the kill are not fetched again, except those committed after the
    # last checkpoint, which are re-fetched only to rebuild probe state ("replayed")
    assert resumed.fetched - resumed.replayed < whole.fetched

    want_pages, want_links, want_checks = _snapshot(store, reference)
    got_pages, got_links, got_checks = _snapshot(store, run_id)
    assert got_pages == want_pages  # none lost, none doubled
    assert max(got_pages.values()) == 1
    assert got_links == want_links
    assert got_checks == want_checks
    per_page = Counter((f.probe_id, f.page_url, f.message) for f in store.findings(run_id)
                       if f.page_url)
    reference_findings = Counter((f.probe_id, f.page_url, f.message)
                                 for f in store.findings(reference) if f.page_url)
    # a page's findings are written once (site-level findings may name another page as
    # where a form was first seen: crawl order differs, so compare duplicates only)
    doubled = [k for k, n in per_page.items() if n > max(1, reference_findings.get(k, 0))]
    assert not doubled, doubled[:5]
    assert sum(per_page.values()) == sum(reference_findings.values()), (
        per_page - reference_findings, reference_findings - per_page)
    # probe state came back whole: no page lost from it or counted twice (pages in flight to
    # the analysis process at the checkpoint are in its state, not in the store)
    site = Counter((f.probe_id, f.kind, f.message) for f in store.findings(run_id)
                   if not f.page_url)
    reference_site = Counter((f.probe_id, f.kind, f.message)
                             for f in store.findings(reference) if not f.page_url)
    assert site == reference_site, (site - reference_site, reference_site - site)
    store.close()


def test_resume_of_a_finished_run_fetches_nothing(bigger: RunningArea, tmp_path: Path) -> None:
    profile = area_profile(bigger, "peterborough", max_pages=60)
    store = Store(f"sqlite:///{tmp_path / 'again.sqlite'}")
    run_id = store.start_run(profile.name, profile.council)
    first = crawler.crawl(profile, store.url, run_id, jobdir=tmp_path / "j")
    before = _snapshot(store, run_id)
    again = crawler.crawl(profile, store.url, run_id, jobdir=tmp_path / "j")
    assert again.resumed and again.fetched == 0 and first.fetched > 0
    assert _snapshot(store, run_id) == before
    store.close()


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_killed_helper_processes_fail_the_crawl_and_a_resume_completes_it(
        bigger: RunningArea, tmp_path: Path) -> None:
    """The analysis and writer processes die mid-crawl: the run fails with an error (never a
    silent gap), and resuming it ends with what an uninterrupted crawl stores."""
    profile = area_profile(bigger, SITE, requests_per_second=250.0, concurrency_per_host=4,
                           analysis="process")
    store = Store(f"sqlite:///{tmp_path / 'helpers.sqlite'}")
    reference = store.start_run(profile.name, profile.council)
    crawler.crawl(profile, store.url, reference, jobdir=tmp_path / "ref")
    run_id = store.start_run(profile.name, profile.council)
    jobdir = tmp_path / "job"
    failure: list[BaseException] = []

    def run() -> None:
        try:
            crawler.crawl(profile, store.url, run_id, jobdir=jobdir)
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 60
    while len(store.page_urls(run_id)) < 150 and time.monotonic() < deadline:
        time.sleep(0.02)
    crawls = [p for p in multiprocessing.active_children() if p.name.startswith("poaudit-crawl")]
    assert crawls and crawls[0].pid is not None, "the crawl finished before the kill"
    helpers = _children(crawls[0].pid)
    assert len(helpers) >= 2  # the analysis process and the writer process
    for pid in helpers:
        os.kill(pid, signal.SIGKILL)
    worker.join(timeout=120)
    assert failure and isinstance(failure[0], crawler.CrawlError), failure
    assert "resume" in str(failure[0]), failure[0]  # says how to carry on
    assert 0 < len(store.page_urls(run_id)) < len(store.page_urls(reference))

    resumed = crawler.crawl(profile, store.url, run_id, jobdir=jobdir)
    assert resumed.resumed
    got_pages, got_links, got_checks = _snapshot(store, run_id)
    want_pages, want_links, want_checks = _snapshot(store, reference)
    assert got_pages == want_pages and max(got_pages.values()) == 1
    assert got_links == want_links
    assert got_checks == want_checks
    store.close()
