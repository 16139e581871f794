"""The seven outcome statuses (../shared/DESIGN.md, "Scoring") and the confidence values."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CONFIDENCE", "SATISFIED", "Status"]


class Status(StrEnum):
    """What poaudit concludes about one outcome for one council."""

    MET = "met"
    PARTLY_MET = "partly met"
    NOT_MET = "not met"
    MET_VIA_PARTNER = "met via partner deep link"
    NOT_APPLICABLE = "not applicable"
    NEEDS_ATTESTATION = "needs attestation"
    NOT_ASSESSED = "not assessed"


SATISFIED = frozenset({Status.MET, Status.MET_VIA_PARTNER, Status.NOT_APPLICABLE})
"""Statuses under which nothing more is asked of the council."""

CONFIDENCE = ("high", "medium", "low", "attested")
"""``high``/``medium``/``low``: how sure the observation is; ``attested``: an officer says so."""
