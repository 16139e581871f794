"""The JSON report: everything about the run, with stable keys (docs/report-schema.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reports._base import Reporter
from reports._context import OutcomeView, ReportContext
from reports._diff import diff_dict
from reports._html import STATUS_ORDER

__all__ = ["SCHEMA", "SCHEMA_VERSION", "JsonReporter", "outcome_dict", "report_dict"]

SCHEMA = "poaudit-report"
SCHEMA_VERSION = 1


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _by_status(views: list[OutcomeView]) -> dict[str, int]:
    return {s.value: sum(1 for v in views if v.status == s.value) for s in STATUS_ORDER}


def outcome_dict(v: OutcomeView) -> dict[str, Any]:
    """One outcome with its result (the ``outcomes[]`` entries of the schema)."""
    return {
        "code": v.code,
        "area": v.outcome.area,
        "area_name": v.outcome.area_name,
        "class": v.outcome.outcome_class,
        "text": v.outcome.text,
        "observable": v.outcome.observable,
        "status": v.status,
        "status_label": v.label,
        "confidence": v.record.confidence,
        "scoring_version": v.record.scoring_version,
        "reasons": list(v.record.reasons),
        "evidence": list(v.record.evidence),
        "checklist": [
            {"number": c.number, "text": c.text, "how": c.how}
            for c in v.checklist
        ],
        "to_attest": v.to_attest,
        "attestation": v.attestation,
        "fix": v.fix,
    }


def report_dict(ctx: ReportContext) -> dict[str, Any]:
    """The whole JSON document."""
    run = ctx.run
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generator": {
            "tool": "poaudit",
            "tool_version": ctx.tool_version,
            "scoring_versions": ctx.scoring_versions,
            "generated_at": _iso(ctx.generated_at),
        },
        "run": {
            "id": run.id,
            "site": run.site,
            "council": ctx.profile.council,
            "tier": ctx.profile.tier,
            "status": run.status,
            "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at),
            "pages": ctx.page_count,
        },
        "summary": {
            "by_status": _by_status(ctx.outcomes),
            "by_area": [
                {"area": n, "name": name, "by_status": _by_status(views)}
                for n, name, views in ctx.by_area()
            ],
            "by_class": [
                {"class": cls, "by_status": _by_status(views)} for cls, views in ctx.by_class()
            ],
        },
        "diff": diff_dict(ctx),
        "outcomes": [outcome_dict(v) for v in ctx.outcomes],
        "findings": [f.as_dict() for f in ctx.findings],
        "link_checks": [
            {
                "url": c.url,
                "verdict": c.verdict,
                "status": c.status,
                "final_url": c.final_url,
                "owner": c.owner,
                "summary": c.summary,
                "fix": c.fix,
                "checked_at": _iso(c.checked_at),
            }
            for c in ctx.link_checks
        ],
    }


class JsonReporter(Reporter):
    """``<site>-run<id>.json``."""

    name = "json"

    def end(self) -> dict[str, Path]:
        path = self.path(".json")
        text = json.dumps(report_dict(self.ctx), ensure_ascii=False, indent=1, default=str)
        path.write_text(text + "\n", encoding="utf-8")
        return {"json": path}
