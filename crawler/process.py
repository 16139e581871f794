"""Run :func:`crawler.run.crawl_in_process` in a fresh child process, as often as needed.

Twisted's reactor (under Scrapy) cannot be restarted, so a nightly job auditing several sites
from one Python process needs each crawl in its own process. The child is started with the
``spawn`` method (no inherited reactor or threads), reports progress over a queue, returns its
:class:`~crawler.run.CrawlStats`, and is killed with its parent (Linux ``PR_SET_PDEATHSIG``),
so a killed audit never leaves a crawl writing to the store behind it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from crawler.run import CrawlStats, crawl_in_process
from poaudit.children import die_with_parent
from poaudit.profile import Profile, parse_profile

__all__ = ["CrawlError", "crawl"]

log = logging.getLogger(__name__)


class CrawlError(RuntimeError):
    """The crawl process failed; the message says how (its traceback is logged)."""


def _child(profile_data: dict[str, Any], store_url: str, run_id: int, jobdir: str | None,
           disabled: list[str], log_level: str, out: Any) -> None:
    die_with_parent()
    if os.getppid() == 1:
        return
    try:
        profile = parse_profile(profile_data, "<crawl profile>")
        stats = crawl_in_process(
            profile, store_url, run_id, jobdir=Path(jobdir) if jobdir else None,
            disabled_probes=disabled, log_level=log_level,
            progress=lambda info: out.put(("progress", info)))
        out.put(("done", stats.as_dict()))
    except BaseException as exc:
        out.put(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-3000:]}"))
        raise SystemExit(1) from None


def crawl(profile: Profile, store_url: str, run_id: int, *, jobdir: Path | None = None,
          disabled_probes: Iterable[str] = (),
          progress: Callable[[dict[str, Any]], None] | None = None,
          log_level: str = "WARNING") -> CrawlStats:
    """Crawl the profile's site into run ``run_id`` of the store, check its links and run
    the HTML probes; resumes the run if it was interrupted (``jobdir`` keeps resume state).

    Callable any number of times from one process: each call runs in a child process.
    """
    ctx = multiprocessing.get_context("spawn")
    channel: Any = ctx.Queue()
    proc = ctx.Process(
        target=_child, name=f"poaudit-crawl-{run_id}",
        args=(profile.model_dump(mode="json"), store_url, run_id,
              str(jobdir) if jobdir else None, list(disabled_probes), log_level, channel))
    proc.start()
    result: dict[str, Any] | None = None
    error: str | None = None
    try:
        while True:
            try:
                kind, payload = channel.get(timeout=0.2)
            except queue.Empty:
                if proc.is_alive():
                    continue
                break
            if kind == "progress" and progress is not None:
                progress(payload)
            elif kind == "done":
                result = payload
            elif kind == "error":
                error = payload
        proc.join()
    except BaseException:
        proc.kill()
        proc.join()
        raise
    finally:
        channel.close()
    if result is None:
        detail = error or f"exit code {proc.exitcode}"
        log.error("crawl process failed: %s", detail)
        raise CrawlError(f"the crawl of run {run_id} failed: {detail.splitlines()[0]}")
    return CrawlStats(**result)
