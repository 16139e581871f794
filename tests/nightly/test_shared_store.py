"""The nightly run on PostgreSQL: two sites of the demo area audited concurrently into one
database (loopback scratch database), twice; the advisory lock keeps a site's runs apart."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from demoarea import build_area, serve
from poaudit.nightly import EXIT_OK, LockHeld, load_nightly, run_nightly, site_lock
from poaudit.store import Store
from tests.pg import scratch_database

pytestmark = pytest.mark.postgres
SITES = ("mid-suffolk", "babergh")


def test_two_sites_concurrently_into_one_postgres_database(tmp_path: Path) -> None:
    area = build_area(seed=2004, pages_per_site=40)
    with scratch_database() as url, serve(area) as running:
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
        assert [s.error for s in first.sites] == [None, None]
        second = run_nightly(config, parsed)
        assert [s.error for s in second.sites] == [None, None]
        assert second.exit_code == EXIT_OK  # nothing changed: no regression
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
