"""The reporter lifecycle (pa11y-ci reporters, LinkChecker loggers): begin, results, end.

Each format is one small class: :meth:`Reporter.begin` gets the run's context,
:meth:`Reporter.result` each outcome in the notes' order, :meth:`Reporter.end` writes its
files and returns them by kind. :func:`run_reporters` drives any number of them over a run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path

from reports._context import OutcomeView, ReportContext

__all__ = ["Reporter", "run_reporters"]


class Reporter(ABC):
    """One report format."""

    name: str = "report"

    def begin(self, ctx: ReportContext) -> None:
        """Start a report of ``ctx``'s run."""
        self.ctx = ctx

    def result(self, view: OutcomeView) -> None:  # noqa: B027 - optional hook
        """One outcome's result (in the notes' order)."""

    @abstractmethod
    def end(self) -> dict[str, Path]:
        """Write the report's files; return them by kind."""

    def path(self, suffix: str) -> Path:
        """``<out_dir>/<site>-run<id><suffix>``."""
        self.ctx.out_dir.mkdir(parents=True, exist_ok=True)
        return self.ctx.out_dir / f"{self.ctx.stem}{suffix}"


def run_reporters(ctx: ReportContext, reporters: Iterable[Reporter]) -> dict[str, Path]:
    """Run each reporter's whole lifecycle over ``ctx``; all files they wrote, by kind."""
    written: dict[str, Path] = {}
    for reporter in reporters:
        reporter.begin(ctx)
        for view in ctx.outcomes:
            reporter.result(view)
        written.update(reporter.end())
    return written
