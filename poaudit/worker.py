"""``poaudit worker``: take pages of distributed crawls from Redis until stopped.

A worker watches the set of active runs in Redis (``poaudit:runs``); for each run that is not
finished it starts a crawl process (Scrapy's reactor runs once per process) that works on the
run until the run is idle across all workers, then looks again. Workers on any number of
machines share a run; each needs the same Redis and the same PostgreSQL store. The crawl
process dies with its parent (``PR_SET_PDEATHSIG``), so killing a worker kills its crawl and
its in-flight requests go back to the queue when its heartbeat expires.

``distributed_audit`` is :func:`poaudit.audit.audit` with the crawl stage done by workers.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crawler.distributed import (
    HEARTBEAT_TTL,
    RunKeys,
    active_runs,
    connect,
    has_room,
    is_done,
)
from poaudit.audit import AuditResult, Progress, _noop, run_active_stage, run_browser_stage
from poaudit.children import die_with_parent
from poaudit.profile import Profile
from poaudit.store import Store

__all__ = ["distributed_audit", "main", "run_worker"]

log = logging.getLogger(__name__)
def _crawl_child(redis_url: str, run_id: int, store_url: str | None, worker_id: str | None,
                 ttl: float, log_level: str) -> None:
    die_with_parent()
    from crawler.distributed_spider import worker_crawl

    logging.basicConfig(level=log_level)
    result = worker_crawl(redis_url, run_id, store_url=store_url, worker_id=worker_id,
                          heartbeat_ttl=ttl, log_level=log_level)
    print(json.dumps(result), flush=True)


def _next_run(redis_url: str, skip: set[int]) -> int | None:
    r = connect(redis_url)
    for run_id in active_runs(r):
        if run_id in skip:
            continue
        if r.exists(RunKeys(run_id).done) or is_done(r, run_id) or not has_room(r, run_id):
            continue
        return run_id
    return None


def run_worker(redis_url: str, store_url: str | None = None, *, once: bool = False,
               run_id: int | None = None, worker_id: str | None = None,
               heartbeat_ttl: float = HEARTBEAT_TTL, poll: float = 1.0,
               in_process: bool = False, log_level: str = "WARNING") -> int:
    """Work on active runs until stopped (or, with ``once``, until one run is done); returns
    the number of runs worked on. ``in_process`` crawls in this process (``once`` only)."""
    ctx = multiprocessing.get_context("spawn")
    done: set[int] = set()
    worked = 0
    while True:
        target = run_id if run_id is not None else _next_run(redis_url, done)
        if target is None:
            if once and worked:
                return worked
            time.sleep(poll)
            continue
        worked += 1
        if in_process:
            _crawl_child(redis_url, target, store_url, worker_id, heartbeat_ttl, log_level)
        else:
            proc = ctx.Process(target=_crawl_child, name=f"poaudit-crawl-{target}",
                               args=(redis_url, target, store_url, worker_id, heartbeat_ttl,
                                     log_level))
            proc.start()
            proc.join()
        done.add(target)
        if once or run_id is not None:
            return worked


def distributed_audit(profile: Profile, store_url: str, out_dir: Path, redis_url: str, *,
                      local_workers: int = 0, max_workers: int | None = None,
                      resume_run: int | None = None, browser: bool = True, ieg: bool = True,
                      partners: bool = True, mailbox: Any = None,
                      progress: Progress = _noop) -> AuditResult:
    """Audit one site with its crawl shared by ``poaudit worker`` processes (see
    :func:`poaudit.audit.audit` for the stages after the crawl)."""
    import reports
    import scoring
    from crawler.distributed_run import distributed_crawl

    store = Store(store_url)
    if resume_run is not None:  # the coordinator died: the workers' state is still in Redis
        if not connect(redis_url).exists(RunKeys(resume_run).seeded):
            raise LookupError(f"run {resume_run} has no distributed state in Redis "
                             f"({redis_url}): it cannot be resumed; audit the site again")
        store.reopen_run(resume_run)
        run_id = resume_run
    else:
        run_id = store.start_run(profile.name, profile.council,
                                 profile.model_dump(mode="json"), scoring.SCORING_VERSION)
    progress("crawl", {"run_id": run_id, "site": profile.name, "redis": redis_url})
    try:
        stats = distributed_crawl(profile, store.url, run_id, redis_url,
                                  disabled_probes=profile.probes_disabled,
                                  local_workers=local_workers, max_workers=max_workers,
                                  progress=lambda info: progress("crawl", info))
        stats_dict: dict[str, Any] = stats.as_dict()
        stats_dict["distributed"] = True
        stats_dict["form_findings"] = run_active_stage(store, run_id, profile, mailbox, progress)
        if browser:
            stats_dict["browser_findings"] = run_browser_stage(store, run_id, profile, progress)
        progress("score", {})
        results = scoring.score_run(store, run_id, profile)
    except BaseException:
        store.finish_run(run_id, "interrupted")
        raise
    store.finish_run(run_id, "finished", stats_dict)
    progress("report", {})
    paths = reports.write_reports(store, run_id, profile, out_dir, ieg=ieg, partners=partners)
    return AuditResult(run_id, stats_dict, paths, {r.code: r.status for r in results})


def with_grid(profile: Profile, grid_url: str | None) -> Profile:
    """The profile with the accessibility stage sent to a Selenium Grid (``remote_url``)."""
    if not grid_url:
        return profile
    options = {k: dict(v) for k, v in profile.probe_options.items()}
    options.setdefault("accessibility-axe", {})["remote_url"] = grid_url
    return profile.model_copy(update={"probe_options": options})


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m poaudit.worker`` (the same as ``poaudit worker``)."""
    parser = argparse.ArgumentParser(prog="poaudit-worker")
    parser.add_argument("--redis", required=True)
    parser.add_argument("--store", default=None)
    parser.add_argument("--run", type=int, default=None)
    parser.add_argument("--once", action="store_true")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--worker-id", default=None)
    parser.add_argument("--heartbeat-ttl", type=float, default=HEARTBEAT_TTL)
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    run_worker(args.redis, args.store, once=args.once, run_id=args.run,
               worker_id=args.worker_id, heartbeat_ttl=args.heartbeat_ttl,
               in_process=args.in_process, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
