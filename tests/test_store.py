"""Store round trips on SQLite and PostgreSQL, and schema/migration agreement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from poaudit.findings import Finding, Kind
from poaudit.store import (
    LinkCheckRecord,
    LinkRecord,
    OutcomeRecord,
    PageRecord,
    Store,
    StoreError,
)
from poaudit.store.models import Base


def test_round_trip(store: Store) -> None:
    run = store.start_run("mid-suffolk", "Mid Suffolk District Council", {"tier": "district"}, "s1")
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    pages = [
        PageRecord(
            url=f"http://h/{i}",
            status=200,
            content_type="text/html",
            content_length=i,
            content_hash=f"{i:064x}",
            depth=1,
            title=f"Page ‘{i}’ £",
            fetched_at=when,
            redirects=[{"url": "http://h/old", "status": 301}],
        )
        for i in range(2500)  # more than one insert batch
    ]
    assert store.add_pages(run, pages) == 2500
    links = [LinkRecord("http://h/1", "http://county/x", "partner", "Schools", "county", "Suffolk")]
    store.add_links(run, links)
    checks = [
        LinkCheckRecord(
            "http://county/x",
            "broken",
            404,
            None,
            "Not found",
            "Ask the county for the new URL",
            "Suffolk",
            [{"url": "u", "status": 404}],
            {"title": "<script>x</script>"},
            when,
        )
    ]
    store.add_link_checks(run, checks)
    findings = [
        Finding(
            "egms-metadata",
            ("G21",),
            Kind.FAIL,
            "DC.subject missing",
            "http://h/1",
            {"missing": ["Subject"], "nested": {"n": [1, 2]}},
        )
    ]
    store.add_findings(run, findings)
    results = [OutcomeRecord("G21", "partly met", "s1", "high", ["80% of pages"], [{"url": "x"}])]
    store.replace_outcome_results(run, results)
    store.finish_run(run, "finished", {"pages": 2500})

    assert store.pages(run) == pages
    assert store.links(run) == links
    assert store.link_checks(run) == checks
    assert store.findings(run) == findings
    assert store.findings(run, probe_id="az-index") == []
    assert store.outcome_results(run) == results
    rec = store.get_run(run)
    assert rec.status == "finished" and rec.stats == {"pages": 2500}
    assert rec.profile == {"tier": "district"} and rec.scoring_version == "s1"
    assert rec.started_at.tzinfo is not None and rec.finished_at is not None


def test_rescoring_replaces_results(store: Store) -> None:
    run = store.start_run("s", "C")
    store.replace_outcome_results(run, [OutcomeRecord("R3", "met", "1")])
    store.replace_outcome_results(run, [OutcomeRecord("R3", "not met", "2")])
    assert [r.status for r in store.outcome_results(run)] == ["not met"]


def test_duplicate_page_rejected(store: Store) -> None:
    run = store.start_run("s", "C")
    store.add_pages(run, [PageRecord("http://h/", 200)])
    with pytest.raises(Exception):  # noqa: B017 - the unique index, whatever the driver calls it
        store.add_pages(run, [PageRecord("http://h/", 200)])
    assert len(store.pages(run)) == 1


def test_runs_previous_and_delete(store: Store) -> None:
    a = store.start_run("s", "C")
    store.finish_run(a, "finished")
    other = store.start_run("t", "D")
    store.finish_run(other, "finished")
    b = store.start_run("s", "C")
    assert [r.id for r in store.runs("s")] == [b, a]
    prev = store.previous_run(b)
    assert prev is not None and prev.id == a
    assert store.previous_run(a) is None
    store.add_pages(b, [PageRecord("http://h/", 200)])
    store.delete_run(b)
    with pytest.raises(StoreError, match=f"no run {b}"):
        store.get_run(b)


def test_models_match_migrations(store: Store) -> None:
    insp = inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        db_cols = {c["name"]: c for c in insp.get_columns(table.name)}
        assert set(db_cols) == set(table.columns.keys()), table.name
        for col in table.columns:
            assert db_cols[col.name]["nullable"] == col.nullable, (table.name, col.name)


def test_reopening_is_idempotent(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    Store(url).start_run("s", "C")
    assert len(Store(url).runs()) == 1


def test_bad_url_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store("nonsense://")
    with pytest.raises(StoreError, match="cannot open store"):
        Store("postgresql://nobody@127.0.0.1:1/none")
