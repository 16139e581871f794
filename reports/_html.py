"""The HTML report: one self-contained file (inline CSS, no scripts, fonts or images) to open,
print and send. Every crawled value is autoescaped; see :mod:`reports._jinja`."""

from __future__ import annotations

from pathlib import Path

from reports import _sections
from reports._base import Reporter
from reports._context import OutcomeView
from reports._diff import run_diff
from reports._jinja import environment
from reports._trends import charts
from scoring import Status

__all__ = ["STATUS_ORDER", "HtmlReporter"]

STATUS_ORDER = (
    Status.MET, Status.MET_VIA_PARTNER, Status.PARTLY_MET, Status.NOT_MET,
    Status.NEEDS_ATTESTATION, Status.NOT_APPLICABLE, Status.NOT_ASSESSED,
)


class HtmlReporter(Reporter):
    """``<site>-run<id>.html``."""

    name = "html"

    def result(self, view: OutcomeView) -> None:
        """Nothing per outcome: the template walks the areas itself."""

    def render(self) -> str:
        ctx = self.ctx
        return environment().get_template("report.html.j2").render(
            ctx=ctx,
            statuses=[s.value for s in STATUS_ORDER],
            access=_sections.accessibility(ctx),
            meta=_sections.metadata(ctx),
            atoz=_sections.atoz(ctx),
            links=_sections.link_verdicts(ctx),
            diff=run_diff(ctx),
            trends=charts(ctx),
        )

    def end(self) -> dict[str, Path]:
        path = self.path(".html")
        path.write_text(self.render(), encoding="utf-8")
        return {"html": path}
