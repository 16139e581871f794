"""The Finding: the one record every probe emits and the scorer reads.

A Finding is data, not prose (../shared/DESIGN.md, "The probe contract"): which probe, which
outcomes, which page, what kind of result, a machine-readable ``detail`` and a short message for
people. Scoring reads only Findings, so everything a status is based on must be in here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a finding says about the thing it looked at."""

    PASS = "pass"
    FAIL = "fail"
    WARNING = "warning"
    INFO = "info"
    NOT_ASSESSED = "not assessed"  # the check could not run (probe error, browser crash, ...)


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation by one probe, on one page (or on the site when ``page_url`` is None)."""

    probe_id: str
    outcomes: tuple[str, ...]
    kind: Kind
    message: str
    page_url: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form with stable keys (used by the store and the JSON report)."""
        return {
            "probe_id": self.probe_id,
            "outcomes": list(self.outcomes),
            "kind": self.kind.value,
            "message": self.message,
            "page_url": self.page_url,
            "detail": self.detail,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Inverse of :meth:`as_dict`."""
        return cls(
            probe_id=str(data["probe_id"]),
            outcomes=tuple(data.get("outcomes") or ()),
            kind=Kind(data["kind"]),
            message=str(data.get("message", "")),
            page_url=data.get("page_url"),
            detail=dict(data.get("detail") or {}),
        )
