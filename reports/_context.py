"""What every report reads: one run's stored results, gathered once (reports never score).

:func:`collect` reads the run, its outcome results, findings, links and link verdicts from the
store; :class:`OutcomeView` pairs each stored result with its catalogue entry in the notes'
order, with the status label, what to fix and what must still be attested (read from the
result's own evidence, not recomputed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from poaudit import __version__
from poaudit.catalogue import Catalogue, Outcome, load_catalogue
from poaudit.findings import Finding
from poaudit.profile import Profile
from poaudit.store import LinkCheckRecord, LinkRecord, OutcomeRecord, RunRecord, Store
from scoring import Status, advice, status_label

__all__ = ["ChecklistItem", "OutcomeView", "ReportContext", "ReportError", "collect"]


_PRIORITY = {"attestation": 0, "exemption": 1, "link-check": 2, "finding": 3, "probe": 4,
             "tier": 5, "dependency": 6}


class ReportError(RuntimeError):
    """A report cannot be written (e.g. the run was never scored); ``str()`` says why."""


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the notes' checklist and who answers for it: ``observe`` (the website
    shows it), ``attest`` (an officer must) or ``partner`` (the council that runs the service:
    this council's duty is the deep link)."""

    number: int
    text: str
    how: str

    @property
    def attest(self) -> bool:
        return self.how == "attest"

    @property
    def how_text(self) -> str:
        return {"observe": "evidenced from the website", "attest": "to be attested by an officer",
                "partner": "for the council that runs the service"}[self.how]


@dataclass(frozen=True)
class OutcomeView:
    """One outcome's stored result with its catalogue entry, ready for any report."""

    outcome: Outcome
    record: OutcomeRecord

    @property
    def code(self) -> str:
        return self.outcome.code

    @property
    def status(self) -> str:
        return self.record.status

    @property
    def label(self) -> str:
        return status_label(self.record.status)

    @property
    def fix(self) -> str:
        return advice(self.code, self.record.status)

    def evidence_of(self, type_: str) -> list[dict[str, Any]]:
        return [e for e in self.record.evidence if e.get("type") == type_]

    @property
    def to_attest(self) -> list[dict[str, Any]]:
        """Items an officer must attest, as the scorer listed them (empty once attested)."""
        if self.attestation is not None or self.status == Status.NOT_APPLICABLE:
            return []
        items: list[dict[str, Any]] = []
        for e in self.evidence_of("to-attest"):
            items.extend(e.get("data", {}).get("items") or [])
        return items

    @property
    def attestation(self) -> dict[str, Any] | None:
        found = self.evidence_of("attestation")
        return dict(found[0].get("data") or {}) if found else None

    @property
    def checklist(self) -> list[ChecklistItem]:
        attested = {i.get("item") for e in self.evidence_of("to-attest")
                    for i in e.get("data", {}).get("items") or []}
        other = "partner" if self.evidence_of("tier") or self.evidence_of("exemption") else (
            "observe")
        return [ChecklistItem(n, text, "attest" if n in attested else other)
                for n, text in enumerate(self.outcome.checklist, start=1)]

    @property
    def key_evidence(self) -> list[dict[str, Any]]:
        """The evidence in the order a reader wants it: attested, exemptions, links, findings."""
        return sorted(self.shown_evidence, key=lambda e: _PRIORITY.get(str(e.get("type")), 9))

    @property
    def not_observable(self) -> str:
        """Why the website cannot show this outcome (the catalogue's words)."""
        return self.outcome.observable_reason

    @property
    def shown_evidence(self) -> list[dict[str, Any]]:
        """Evidence worth showing as a list (the to-attest items are shown as the checklist)."""
        return [e for e in self.record.evidence if e.get("type") != "to-attest"]


@dataclass
class ReportContext:
    """One run, everything the reports of it need."""

    run: RunRecord
    profile: Profile
    catalogue: Catalogue
    outcomes: list[OutcomeView]
    findings: list[Finding]
    link_checks: list[LinkCheckRecord]
    links: list[LinkRecord]
    page_count: int
    out_dir: Path
    store: Store | None = None
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    tool_version: str = __version__
    # results computed once for every report that shows them (the diff with the previous run)
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        """File name stem for this run's reports: ``<site>-run<id>``."""
        return f"{self.run.site}-run{self.run.id}"

    @property
    def scoring_versions(self) -> list[str]:
        return sorted({v.record.scoring_version for v in self.outcomes})

    @cached_property
    def status_counts(self) -> Counter[str]:
        return Counter(v.status for v in self.outcomes)

    def by_area(self) -> list[tuple[int, str, list[OutcomeView]]]:
        """(number, name, outcomes) for the 14 areas, in the notes' order."""
        views = {v.code: v for v in self.outcomes}
        return [
            (a.number, a.name, [views[c] for c in a.outcomes if c in views])
            for a in sorted(self.catalogue.areas, key=lambda a: a.number)
        ]

    def by_class(self) -> list[tuple[str, list[OutcomeView]]]:
        order = ("required", "good practice", "enhanced")
        return [(c, [v for v in self.outcomes if v.outcome.outcome_class == c]) for c in order]

    def findings_of(self, probe_id: str) -> list[Finding]:
        return [f for f in self.findings if f.probe_id == probe_id]

    def linking_pages(self, target: str) -> list[LinkRecord]:
        return self._links_by_target.get(target, [])

    @cached_property
    def _links_by_target(self) -> dict[str, list[LinkRecord]]:
        out: dict[str, list[LinkRecord]] = {}
        for link in self.links:
            out.setdefault(link.target_url, []).append(link)
            bare = link.target_url.split("#", 1)[0]
            if bare != link.target_url:
                out.setdefault(bare, []).append(link)
        return out


def collect(store: Store, run_id: int, profile: Profile, out_dir: Path) -> ReportContext:
    """Read run ``run_id`` from ``store``; :class:`ReportError` if it has not been scored."""
    run = store.get_run(run_id)
    cat = load_catalogue()
    records = {r.code: r for r in store.outcome_results(run_id)}
    if not records:
        raise ReportError(
            f"run {run_id} has not been scored: run 'poaudit report {run_id}' (it re-scores) "
            "before writing its reports"
        )
    missing = [c for c in cat.codes if c not in records]
    if missing:
        raise ReportError(f"run {run_id} has no result for {', '.join(missing)}: re-score it")
    views = [OutcomeView(o, records[o.code]) for o in cat.outcomes]
    return ReportContext(
        run=run,
        profile=profile,
        catalogue=cat,
        outcomes=views,
        findings=store.findings(run_id),
        link_checks=store.link_checks(run_id),
        links=store.links(run_id),
        page_count=len(store.page_urls(run_id)),
        out_dir=out_dir,
        store=store,
    )
