"""Runs the enabled HTML probes over each page and finalises site probes after the crawl.

A probe that raises on a page yields a ``not assessed`` Finding for that page and the crawl
goes on: one faulty probe must never cost the night's audit.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable

from poaudit.findings import Finding, Kind
from probes.base import Context, Page
from probes.registry import Probe, html_probes

log = logging.getLogger(__name__)


class ProbeRunner:
    """Hands each parsed page to every enabled page-scope probe, once."""

    def __init__(self, ctx: Context, disabled: Iterable[str] = ()) -> None:
        self.ctx = ctx
        self.probes: list[Probe] = html_probes(frozenset(disabled))
        self.errors = 0

    def _failed(self, probe: Probe, exc: BaseException, page: Page | None) -> Finding:
        self.errors += 1
        where = page.final_url if page else "site"
        log.warning("probe %s failed on %s: %s", probe.meta.id, where, exc)
        return Finding(
            probe_id=probe.meta.id,
            outcomes=probe.meta.outcomes,
            kind=Kind.NOT_ASSESSED,
            message=f"The {probe.meta.id} check could not run here ({type(exc).__name__}).",
            page_url=page.final_url if page else None,
            detail={"error": repr(exc)[:500], "trace": traceback.format_exc(limit=3)[-1500:]},
        )

    def on_page(self, page: Page) -> list[Finding]:
        """All findings of all enabled probes for one page."""
        self.ctx.pages_seen += 1
        out: list[Finding] = []
        for probe in self.probes:
            if probe.evaluate is None:
                continue
            try:
                out.extend(probe.evaluate(page, self.ctx))
            except Exception as exc:
                out.append(self._failed(probe, exc, page))
        return out

    def finalize(self) -> list[Finding]:
        """Site-level findings, after every page has been seen and links were checked."""
        out: list[Finding] = []
        for probe in self.probes:
            if probe.finalize is None:
                continue
            try:
                out.extend(probe.finalize(self.ctx))
            except Exception as exc:
                out.append(self._failed(probe, exc, None))
        return out
