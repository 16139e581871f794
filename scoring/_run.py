"""score_run(): the stage entry the CLI calls: read a run from the store, score, write back."""

from __future__ import annotations

from poaudit.catalogue import load_catalogue
from poaudit.profile import Profile
from poaudit.store import OutcomeRecord, Store
from scoring._engine import score
from scoring._rules import load_rules

__all__ = ["score_run"]


def score_run(store: Store, run_id: int, profile: Profile) -> list[OutcomeRecord]:
    """Score run ``run_id`` with the current rules, replacing any earlier scoring of it."""
    store.get_run(run_id)  # a clear StoreError for an unknown run
    records = score(
        store.findings(run_id),
        profile,
        load_catalogue(),
        store.link_checks(run_id),
        rules=load_rules(),
    )
    store.replace_outcome_results(run_id, records)
    return records
