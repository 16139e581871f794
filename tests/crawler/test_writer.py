"""The batch writer stores the same rows, journal and checkpoint in its thread or its process."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from crawler.items import PageFacts, PageItem, seal
from crawler.writer import BatchWriter, read_checkpoint
from poaudit.findings import Finding, Kind
from poaudit.store import Store
from poaudit.store.records import LinkRecord, PageRecord

SITE = "http://www.example.gov.uk"


def _item(i: int) -> PageItem:
    url = f"{SITE}/page-{i}.htm"
    return PageItem(
        page=PageRecord(url=url, status=200, final_url=url, title=f"Page {i}",
                        redirects=[{"url": f"{SITE}/old-{i}", "status": 301}]),
        links=[LinkRecord(url, f"{SITE}/page-{i + 1}.htm", "internal", f"Next {i}"),
               LinkRecord(url, "http://www.county.gov.uk/", "partner", "County",
                          "www.county.gov.uk", "Example County Council")],
        findings=[Finding(probe_id="egms-metadata", outcomes=("G21",), kind=Kind.WARNING,
                          message=f"page {i} has no DC.subject", page_url=url,
                          detail={"missing": ["subject"]})],
        facts=PageFacts(url, 200, url, anchors=frozenset({"top"})))


def _stored(store: Store, run_id: int) -> tuple[object, ...]:
    return (sorted((p.url, p.title, str(p.redirects)) for p in store.pages(run_id)),
            sorted((x.source_url, x.target_url, x.kind, x.owner) for x in store.links(run_id)),
            sorted((f.page_url, f.message, str(f.detail)) for f in store.findings(run_id)))


@pytest.mark.parametrize("process", [False, True], ids=["thread", "process"])
def test_rows_journal_and_checkpoint_come_out_the_same(tmp_path: Path, process: bool) -> None:
    store = Store(f"sqlite:///{tmp_path / 'w.sqlite'}")
    run_id = store.start_run("example", "Example District Council")
    jobdir = tmp_path / "job"
    writer = BatchWriter(store, run_id, jobdir=jobdir, batch_pages=7,
                         state=lambda inflight: (b"state", 42, inflight),
                         inflight={f"{SITE}/page-30.htm"}, process=process)
    for i in range(25):
        writer.add(_item(i))
    writer.close()
    assert (writer.written_pages, writer.written_links, writer.written_findings) == (25, 50, 25)
    pages, links, findings = _stored(store, run_id)
    assert len(pages) == 25 and len(links) == 50 and len(findings) == 25
    assert pages[0] == (f"{SITE}/page-0.htm", "Page 0",
                        str([{"url": f"{SITE}/old-0", "status": 301}]))
    checkpoint, journal = read_checkpoint(jobdir, run_id)
    assert checkpoint is not None and checkpoint.written_pages == 25
    assert (checkpoint.probe_state, checkpoint.pages_seen) == (b"state", 42)
    assert checkpoint.absorbed == (f"{SITE}/page-30.htm",)
    assert [entry["u"] for entry in journal] == [f"{SITE}/page-{i}.htm" for i in range(25)]
    store.close()


@pytest.mark.parametrize("process", [False, True], ids=["thread", "process"])
def test_sealed_findings_are_stored_like_open_ones_and_skipped_on_resume(
        tmp_path: Path, process: bool) -> None:
    """The analysis process's findings reach the writer pickled (the crawl process never opens
    them); a resumed run still leaves out the findings of pages stored before the crash."""
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    want_run = store.start_run("example", "Example District Council")
    writer = BatchWriter(store, want_run, batch_pages=4)
    for i in range(10):
        writer.add(_item(i))
    writer.close()
    got_run = store.start_run("example", "Example District Council")
    done = {f"{SITE}/page-{i}.htm" for i in (2, 7)}  # their findings were stored already
    writer = BatchWriter(store, got_run, batch_pages=4, skip_finding_pages=done,
                         process=process)
    for i in range(10):
        item = _item(i)
        writer.add(replace(item, findings=[], sealed=seal(item.findings)))
    writer.close()
    want = _stored(store, want_run)
    got = _stored(store, got_run)
    assert got[:2] == want[:2]
    assert got[2] == [f for f in want[2] if f[0] not in done] and len(got[2]) == 8
    store.close()


def test_a_failed_write_in_the_writer_process_is_raised_not_lost(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'w.sqlite'}")
    run_id = store.start_run("example", "Example District Council")
    writer = BatchWriter(store, run_id, batch_pages=1, process=True)
    writer.add(_item(1))
    writer.add(_item(1))  # the same page twice: the (run, url) unique index refuses it
    with pytest.raises(RuntimeError, match="store writer"):
        writer.close()
    assert [p.url for p in store.pages(run_id)] == [f"{SITE}/page-1.htm"]
    store.close()
