"""``poaudit status``: what the distributed crawls in Redis are doing right now.

For each active run: queue depth, requests recovered from dead workers and not yet retaken,
requests in flight, pages stored, errors, and per worker its pages, pages/s, in-flight
requests, errors and heartbeat age (a worker whose heartbeat expired shows as dead; its
in-flight requests have been re-queued).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from crawler.distributed import active_runs, connect, run_status

__all__ = ["collect", "render"]


def collect(redis_url: str, run_id: int | None = None) -> list[dict[str, Any]]:
    """The status of every active run (or of ``run_id``)."""
    r = connect(redis_url)
    runs = [run_id] if run_id is not None else active_runs(r)
    return [run_status(r, rid) for rid in runs]


def render(statuses: list[dict[str, Any]], console: Console) -> None:
    """Print the statuses as tables."""
    if not statuses:
        console.print("no active distributed runs")
        return
    runs = Table(title="Distributed runs")
    for col in ("run", "site", "queued", "recovered", "in flight", "pages", "errors",
                "requeued", "done"):
        runs.add_column(col, justify="right" if col not in ("site", "done") else "left")
    for s in statuses:
        runs.add_row(str(s["run_id"]), str(s["site"]), str(s["queued"]), str(s["recovered"]),
                     str(s["in_flight"]), str(s["pages"]), str(s["errors"]),
                     str(s["requeued"]), "yes" if s["done"] else "no")
    console.print(runs)
    workers = Table(title="Workers")
    for col in ("run", "worker", "alive", "pages", "pages/s", "in flight", "errors",
                "heartbeat age s"):
        workers.add_column(col)
    for s in statuses:
        for w in s["workers"]:
            workers.add_row(str(s["run_id"]), w["worker"], "yes" if w["alive"] else "dead",
                            str(w["pages"]), str(w["pages_per_second"]), str(w["in_flight"]),
                            str(w["errors"]), str(w["heartbeat_age"]))
    console.print(workers)
