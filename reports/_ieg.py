"""The IEG pack: the outcome table in the notes' order (status, evidence, what is attested)
and the list of what must still be attested by hand, as a printable form; plus the table as CSV.
"""

from __future__ import annotations

import csv
from pathlib import Path

from reports._base import Reporter
from reports._cells import cell
from reports._context import OutcomeView, ReportContext
from reports._jinja import environment

__all__ = ["IEG_COLUMNS", "IegReporter"]

IEG_COLUMNS = (
    "code", "class", "area", "area_name", "outcome", "status", "evidence", "to_attest",
    "attested_by", "attested_on", "attestation_document",
)
EVIDENCE_SHOWN = 4


def _evidence_text(view: OutcomeView) -> str:
    parts = []
    for e in view.shown_evidence[:EVIDENCE_SHOWN]:
        url = f" <{e['url']}>" if e.get("url") else ""
        parts.append(f"[{e['source']}] {e['summary']}{url}")
    return " | ".join(parts)


class IegReporter(Reporter):
    """``<site>-run<id>-ieg.html`` and ``<site>-run<id>-ieg.csv``."""

    name = "ieg"

    def begin(self, ctx: ReportContext) -> None:
        super().begin(ctx)
        self.views: list[OutcomeView] = []

    def result(self, view: OutcomeView) -> None:
        self.views.append(view)

    def end(self) -> dict[str, Path]:
        html = self.path("-ieg.html")
        html.write_text(environment().get_template("ieg.html.j2").render(
            ctx=self.ctx, limit=EVIDENCE_SHOWN,
            to_attest=[v for v in self.views if v.to_attest],
        ), encoding="utf-8")
        table = self.path("-ieg.csv")
        with table.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(IEG_COLUMNS)
            for v in self.views:
                att = v.attestation or {}
                writer.writerow([cell(x) for x in (
                    v.code, v.outcome.outcome_class, v.outcome.area, v.outcome.area_name,
                    v.outcome.text, v.status, _evidence_text(v),
                    "; ".join(i["text"] for i in v.to_attest), att.get("officer"),
                    att.get("date"), att.get("document_url"),
                )])
        return {"ieg-html": html, "ieg-csv": table}
