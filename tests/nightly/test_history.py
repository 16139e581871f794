"""Persistence before blame, the diff, trends and retention on synthetic stored runs (both
backends), and the nightly file, lock and regression rules."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from poaudit.findings import Finding, Kind
from poaudit.history import apply_persistence, diff_runs, prune, trend
from poaudit.nightly import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_REGRESSION,
    FailOn,
    LockHeld,
    NightlyConfigError,
    load_nightly,
    regressions,
    run_nightly,
    site_lock,
)
from poaudit.store import LinkCheckRecord, OutcomeRecord, Store
from reports._trends import Chart, Series, svg

FLAKY = "http://partner.example/slow"
DEAD = "http://partner.example/gone"


def _night(store: Store, checks: list[LinkCheckRecord], statuses: dict[str, str] | None = None,
           findings: list[Finding] | None = None, site: str = "s") -> int:
    run = store.start_run(site, "Council")
    store.add_link_checks(run, checks)
    if findings:
        store.add_findings(run, findings)
    store.replace_outcome_results(
        run, [OutcomeRecord(c, s, "t") for c, s in (statuses or {"R3": "met"}).items()])
    return run


def _timeout() -> LinkCheckRecord:
    return LinkCheckRecord(FLAKY, "timeout", None, summary="timed out", owner="County")


def test_transient_failure_counts_only_after_three_nights(store: Store) -> None:
    runs = []
    for night in range(3):
        run = _night(store, [_timeout(), LinkCheckRecord(DEAD, "broken", 404, owner="County")])
        held = apply_persistence(store, run, nights=3)
        once = store.link_checks(run)
        apply_persistence(store, run, nights=3)  # idempotent (the crawl and audit both apply it)
        assert store.link_checks(run) == once
        store.finish_run(run, "finished")
        runs.append(run)
        check = {c.url: c for c in store.link_checks(run)}
        info = check[FLAKY].evidence["transient"]
        assert info["nights"] == night + 1
        if night < 2:
            assert check[FLAKY].verdict == "caution"
            assert FLAKY in held.held and "failing since" in check[FLAKY].summary
        else:
            assert check[FLAKY].verdict == "timeout" and FLAKY in held.persistent
        assert check[DEAD].verdict == "broken"  # a 404 is never transient
        assert info["failing_since"] == store.get_run(runs[0]).started_at.isoformat()
    # idempotent: applying again changes nothing
    before = store.link_checks(runs[-1])
    apply_persistence(store, runs[-1], nights=3)
    assert store.link_checks(runs[-1]) == before


def test_a_working_night_restarts_the_streak(store: Store) -> None:
    for checks in ([_timeout()], [LinkCheckRecord(FLAKY, "ok", 200)], [_timeout()],
                   [_timeout()]):
        run = _night(store, checks)
        apply_persistence(store, run, nights=3)
        store.finish_run(run, "finished")
    last = store.link_checks(run)[0]
    assert last.verdict == "caution" and last.evidence["transient"]["nights"] == 2


def test_server_error_is_transient_and_shows_as_failing_since(store: Store) -> None:
    first = _night(store, [LinkCheckRecord(FLAKY, "ok", 200)])
    store.finish_run(first, "finished")
    second = _night(store, [LinkCheckRecord(FLAKY, "broken", 503)])
    apply_persistence(store, second)
    store.finish_run(second, "finished")
    diff = diff_runs(store, second)
    assert diff is not None
    assert diff.new_broken_links == []  # held back: not blamed yet
    assert [c.url for c in diff.failing_transient] == [FLAKY]
    assert diff.failing_transient[0].failing_since


def _axe(page: str, fail: bool) -> list[Finding]:
    out = [Finding("accessibility-axe", ("G20",), Kind.INFO if fail else Kind.PASS, "s", page,
                   {"summary": True})]
    if fail:
        out.append(Finding("accessibility-axe", ("G20",), Kind.FAIL, "x", page,
                           {"rule": "label", "impact": "serious"}))
    return out


def test_diff_links_violations_and_statuses(store: Store) -> None:
    a = _night(store, [LinkCheckRecord(DEAD, "broken", 404), LinkCheckRecord(FLAKY, "ok", 200)],
               {"R3": "met", "G20": "not met"},
               _axe("http://x/1", True) + _axe("http://x/2", False))
    store.finish_run(a, "finished")
    b = _night(store, [LinkCheckRecord(DEAD, "ok", 200), LinkCheckRecord(FLAKY, "soft-404", 200)],
               {"R3": "partly met", "G20": "not met"},
               _axe("http://x/1", False) + _axe("http://x/2", True))
    diff = diff_runs(store, b)
    assert diff is not None and diff.previous_id == a
    assert [c.url for c in diff.new_broken_links] == [FLAKY]
    assert [c.url for c in diff.fixed_broken_links] == [DEAD]
    assert [(v.rule, v.page) for v in diff.new_violations] == [("label", "http://x/2")]
    assert [(v.rule, v.page) for v in diff.fixed_violations] == [("label", "http://x/1")]
    assert [(c.code, c.before, c.after) for c in diff.status_changes] == [
        ("R3", "met", "partly met")]
    assert regressions(diff, FailOn(status_drops=["met"], new_broken_links=True)) != []
    assert regressions(diff, FailOn()) == []
    assert regressions(diff, FailOn(status_drops=["not met"])) == []
    assert diff_runs(store, a) is None


def test_trend_and_retention(store: Store) -> None:
    ids = []
    for n in range(4):
        run = _night(store, [LinkCheckRecord(DEAD, "broken" if n % 2 else "ok", 404,
                                             owner="County")],
                     {"R3": "met", "R1": "not met" if n < 2 else "met"})
        store.finish_run(run, "finished")
        ids.append(run)
    points = trend(store, ids[-1])
    assert [p.run_id for p in points] == ids
    assert [p.broken_deep_links for p in points] == [0, 1, 0, 1]
    assert points[0].statuses == {"met": 1, "not met": 1} and points[-1].statuses == {"met": 2}
    assert points[0].violations is None
    other = _night(store, [], site="other")
    store.finish_run(other, "finished")
    assert prune(store, "s", 2) == ids[:2][::-1]
    assert [r.id for r in store.runs("s")] == ids[2:][::-1]
    assert [r.id for r in store.runs("other")] == [other]


def test_svg_chart_is_accessible_and_escaped() -> None:
    chart = Chart("c1", "A <title>", "what it shows", ["1 Jan", "2 Jan"],
                  [Series("met", [1.0, None]), Series("x&y", [2.0, 3.0])])
    text = str(svg(chart))
    assert text.startswith("<svg") and 'role="img"' in text
    assert 'aria-labelledby="c1-t c1-d"' in text
    assert "<title id=\"c1-t\">A &lt;title&gt;</title>" in text and "x&amp;y" in text
    assert "<script" not in text


# -- the nightly file, lock and exit codes ----------------------------------------------------

def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


PROFILE = {"name": "demo", "council": "Mid Suffolk District Council", "tier": "district",
           "start_urls": ["http://127.0.0.1:9/"]}


def test_config_errors_name_the_file_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, {"sites": [PROFILE], "fail_on": {"status_drop": ["met"]}})
    with pytest.raises(NightlyConfigError) as err:
        load_nightly(path)
    assert str(path) in str(err.value) and "fail_on.status_drop" in str(err.value)
    path = _write(tmp_path, {"sites": [PROFILE], "fail_on": {"status_drops": ["great"]}})
    with pytest.raises(NightlyConfigError, match=r"fail_on\.status_drops"):
        load_nightly(path)
    path = _write(tmp_path, {"sites": [{**PROFILE, "tier": "parish"}]})
    with pytest.raises(NightlyConfigError, match=r"sites\.0"):
        load_nightly(path)
    path = _write(tmp_path, {"sites": ["missing.yaml"]})
    with pytest.raises(NightlyConfigError, match=r"missing\.yaml"):
        load_nightly(path)
    path = _write(tmp_path, {"sites": [PROFILE, PROFILE]})
    with pytest.raises(NightlyConfigError, match="same site name"):
        load_nightly(path)


def test_profile_files_are_relative_to_the_nightly_file(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(PROFILE), encoding="utf-8")
    config, profiles = load_nightly(_write(tmp_path, {"sites": ["p.yaml"],
                                                      "store": "sqlite:///db.sqlite"}))
    assert [p.name for p in profiles] == ["demo"]
    assert config.store == f"sqlite:///{(tmp_path / 'db.sqlite').resolve()}"
    assert config.out_dir == tmp_path / "nightly-reports"


def test_lock_stops_a_second_run_of_the_same_site(store: Store, tmp_path: Path) -> None:
    with site_lock(store, "a", tmp_path):
        with pytest.raises(LockHeld), site_lock(store, "a", tmp_path):
            pass
        with site_lock(store, "b", tmp_path):  # other sites are free
            pass
    with site_lock(store, "a", tmp_path):  # released
        pass


class _Audited:
    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.reports: dict[str, Path] = {}


def test_run_nightly_exit_codes_and_overlap(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'n.sqlite'}"
    profiles = [{**PROFILE, "name": n, "start_urls": [f"http://127.0.0.1:{9 + i}/"]}
                for i, n in enumerate(("one", "two"))]
    config, parsed = load_nightly(_write(tmp_path, {
        "store": store_url, "sites": profiles, "browser": False, "retention_runs": 2,
        "fail_on": {"status_drops": ["met"]}}))
    night = {"n": 0}
    started = threading.Barrier(2, timeout=10)

    def fake_audit(profile: Any, url: str, out: Path, **kw: Any) -> _Audited:
        started.wait()  # both sites run at once (different hosts)
        assert kw["persistence_nights"] == 3
        s = Store(url)
        run = _night(s, [], {"R3": "met" if night["n"] == 0 or profile.name == "one"
                             else "not met"}, site=profile.name)
        s.finish_run(run, "finished")
        return _Audited(run)

    assert run_nightly(config, parsed, audit_fn=fake_audit).exit_code == EXIT_OK
    night["n"] = 1
    result = run_nightly(config, parsed, audit_fn=fake_audit)
    assert result.exit_code == EXIT_REGRESSION
    assert [bool(s.regressions) for s in result.sites] == [False, True]
    for _ in range(2):
        run_nightly(config, parsed, audit_fn=fake_audit)
    assert len(Store(store_url).runs("one")) == 2  # retention

    with site_lock(Store(store_url), "two", config.lock_dir):
        started = threading.Barrier(1, timeout=10)
        held = run_nightly(config, parsed, audit_fn=fake_audit)
    assert held.exit_code == EXIT_FAILED
    assert held.sites[1].error and "another nightly run" in held.sites[1].error
    assert held.sites[0].error is None
