"""Scoring stage: Findings + site profile -> one status per outcome, with reasons and evidence.

    >>> from scoring import score, score_run, SCORING_VERSION
    >>> records = score(findings, profile, load_catalogue(), link_checks)   # doctest: +SKIP

Statuses (:class:`Status`): met, partly met, not met, met via partner deep link, not
applicable, needs attestation, not assessed. The rules are data (``config/scoring.yaml``,
loaded by :func:`load_rules`); the wording is data too (``scoring/messages.yaml``). Every
result records :data:`SCORING_VERSION`, so a change of method never silently changes a trend.
"""

from scoring._engine import ScoringError, score
from scoring._evidence import EVIDENCE_KEYS
from scoring._messages import advice, status_label, status_meaning
from scoring._rules import OutcomeRule, Requirement, Rules, RulesError, load_rules, parse_rules
from scoring._run import score_run
from scoring._status import CONFIDENCE, SATISFIED, Status

SCORING_VERSION: str = load_rules().version_id
"""``<rules version>+<digest of config/scoring.yaml>`` for the shipped rules."""

__all__ = [
    "CONFIDENCE",
    "EVIDENCE_KEYS",
    "SATISFIED",
    "SCORING_VERSION",
    "OutcomeRule",
    "Requirement",
    "Rules",
    "RulesError",
    "ScoringError",
    "Status",
    "advice",
    "load_rules",
    "parse_rules",
    "score",
    "score_run",
    "status_label",
    "status_meaning",
]
