"""What changed since the previous run of the site: read from the store by
:func:`poaudit.history.diff_runs` (a comparison of stored results, never a re-scoring)."""

from __future__ import annotations

from typing import Any

from poaudit.history import RunDiff, diff_runs
from reports._context import ReportContext

__all__ = ["diff_dict", "run_diff"]


def run_diff(ctx: ReportContext) -> RunDiff | None:
    """The run against the previous finished run of its site (None: first run, or no store)."""
    if ctx.store is None:
        return None
    if "diff" not in ctx.memo:  # the HTML and JSON reports both show it
        ctx.memo["diff"] = diff_runs(ctx.store, ctx.run.id)
    diff: RunDiff | None = ctx.memo["diff"]
    return diff


def diff_dict(ctx: ReportContext) -> dict[str, Any] | None:
    """The ``diff`` member of the JSON report (docs/report-schema.md)."""
    diff = run_diff(ctx)
    return diff.as_dict() if diff is not None else None
