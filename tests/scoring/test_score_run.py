"""score_run: read a run from the store, score it, write the results back (re-scoring replaces)."""

from __future__ import annotations

from pathlib import Path

import pytest

from poaudit.store import Store, StoreError
from scoring import SCORING_VERSION, score_run
from tests.scoring.helpers import ADMISSIONS_URL, check, finding, profile


@pytest.fixture
def db(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'store.sqlite'}")


def test_score_run_writes_one_result_per_outcome(db: Store) -> None:
    prof = profile("district")
    run = db.start_run(prof.name, prof.council, prof.model_dump(mode="json"), SCORING_VERSION)
    db.add_findings(run, [
        finding("council-meetings", "R5"),
        finding("school-admissions", "R1", via_partner={"url": ADMISSIONS_URL}),
    ])
    db.add_link_checks(run, [check(ADMISSIONS_URL, "ok")])
    records = score_run(db, run, prof)
    stored = {r.code: r for r in db.outcome_results(run)}
    assert len(records) == len(stored) == 73
    assert stored["R5"].status == "met"
    assert stored["R1"].status == "met via partner deep link"
    assert {r.scoring_version for r in stored.values()} == {SCORING_VERSION}
    assert stored["R1"].evidence == next(r for r in records if r.code == "R1").evidence
    score_run(db, run, prof)
    assert len(db.outcome_results(run)) == 73


def test_unknown_run_is_a_store_error(db: Store) -> None:
    with pytest.raises(StoreError):
        score_run(db, 99, profile())
