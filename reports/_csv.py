"""CSV of the findings and CSV of the outcome results (cells guarded against formulas)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from reports._base import Reporter
from reports._cells import cell
from reports._context import OutcomeView

__all__ = ["FINDING_COLUMNS", "OUTCOME_COLUMNS", "CsvReporter"]

FINDING_COLUMNS = ("run_id", "probe_id", "outcomes", "kind", "page_url", "message", "detail")
OUTCOME_COLUMNS = (
    "run_id", "code", "area", "area_name", "class", "status", "confidence", "scoring_version",
    "reasons", "evidence_urls", "to_attest", "attested_by", "attested_on", "fix",
)


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(c)) for c in columns])


class CsvReporter(Reporter):
    """``<site>-run<id>-findings.csv`` and ``<site>-run<id>-outcomes.csv``."""

    name = "csv"

    def begin(self, ctx: Any) -> None:
        super().begin(ctx)
        self.rows: list[dict[str, Any]] = []

    def result(self, view: OutcomeView) -> None:
        att = view.attestation or {}
        urls = [e["url"] for e in view.record.evidence if isinstance(e.get("url"), str)]
        self.rows.append({
            "run_id": self.ctx.run.id,
            "code": view.code,
            "area": view.outcome.area,
            "area_name": view.outcome.area_name,
            "class": view.outcome.outcome_class,
            "status": view.status,
            "confidence": view.record.confidence,
            "scoring_version": view.record.scoring_version,
            "reasons": " | ".join(view.record.reasons),
            "evidence_urls": " ".join(dict.fromkeys(urls)),
            "to_attest": "; ".join(i["text"] for i in view.to_attest),
            "attested_by": att.get("officer"),
            "attested_on": att.get("date"),
            "fix": view.fix,
        })

    def end(self) -> dict[str, Path]:
        outcomes = self.path("-outcomes.csv")
        _write(outcomes, OUTCOME_COLUMNS, self.rows)
        findings = self.path("-findings.csv")
        _write(findings, FINDING_COLUMNS, [
            {
                "run_id": self.ctx.run.id,
                "probe_id": f.probe_id,
                "outcomes": " ".join(f.outcomes),
                "kind": f.kind.value,
                "page_url": f.page_url,
                "message": f.message,
                "detail": json.dumps(f.detail, ensure_ascii=False, sort_keys=True, default=str),
            }
            for f in self.ctx.findings
        ])
        return {"outcomes-csv": outcomes, "findings-csv": findings}
