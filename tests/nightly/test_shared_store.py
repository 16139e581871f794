"""Two sites of the demo area audited concurrently into one database, twice: on PostgreSQL
(loopback scratch database; the advisory lock keeps a site's runs apart) and on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from demoarea import build_area, serve
from poaudit.nightly import EXIT_OK, LockHeld, load_nightly, run_nightly, site_lock
from poaudit.store import Store
from tests.pg import scratch_database

SITES = ("mid-suffolk", "babergh")


@contextmanager
def _sqlite(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'shared.sqlite'}"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_two_sites_concurrently_into_one_database(tmp_path: Path, backend: str) -> None:
    area = build_area(seed=2004, pages_per_site=40)
    database = scratch_database() if backend == "postgresql" else _sqlite(tmp_path)
    with database as url, serve(area) as running:
        profiles = []
        for key in SITES:
            profile = running.profile(key)
            profile["forms"] = []
            profiles.append(profile)
        path = tmp_path / "sites.yaml"
        path.write_text(yaml.safe_dump({
            "store": url, "out_dir": str(tmp_path / "out"), "sites": profiles,
            "browser": False, "fail_on": {"new_broken_links": True},
        }), encoding="utf-8")
        config, parsed = load_nightly(path)
        first = run_nightly(config, parsed)
        assert [s.error for s in first.sites] == [None, None], [s.error for s in first.sites]
        second = run_nightly(config, parsed)
        assert [s.error for s in second.sites] == [None, None], [s.error for s in second.sites]
        assert second.exit_code == EXIT_OK, [  # nothing changed: no regression
            (s.site, s.regressions, s.diff.as_dict() if s.diff else None) for s in second.sites]
        store = Store(url)
        try:
            for key, site in zip(SITES, second.sites, strict=True):
                runs = store.runs(key)
                assert [r.status for r in runs] == ["finished", "finished"]
                assert site.diff is not None and site.diff.previous_id == runs[1].id
                assert site.diff.new_broken_links == [] and site.diff.fixed_broken_links == []
                assert store.outcome_results(runs[0].id)
            with site_lock(store, "mid-suffolk"):
                with pytest.raises(LockHeld), site_lock(store, "mid-suffolk"):
                    pass
                with site_lock(store, "babergh"):
                    pass
        finally:
            store.close()
