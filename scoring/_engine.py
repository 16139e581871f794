"""score(): Findings + profile + catalogue + link verdicts -> one OutcomeRecord per outcome.

Pure: no I/O beyond the packaged rules and wording it reads once. The steps per outcome:
tier (does this council run the service? exempt, or judged on its deep links?), the observed
part (each required probe's verdict, combined by ``need``), then what an officer must attest,
and last the dependencies between outcomes (R29 needs R28).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from poaudit.catalogue import Catalogue, Outcome
from poaudit.findings import Finding, Kind
from poaudit.profile import Attestation, Profile
from poaudit.store import LinkCheckRecord, OutcomeRecord
from poaudit.taxonomy import lgsl
from scoring import _evidence as ev
from scoring._messages import message
from scoring._rules import AttestItem, OutcomeRule, Requirement, Rules, load_rules
from scoring._status import SATISFIED, Status
from scoring._verdict import Inputs, LinkIndex, RequirementResult, evaluate

__all__ = ["ScoringError", "score"]

MAX_SUPPORTING = 3


class ScoringError(RuntimeError):
    """The scorer produced something it must not (a status without evidence): a bug."""


@dataclass
class _Result:
    status: Status
    confidence: str
    reasons: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    """What a council is judged on for one outcome, after the tier rule."""

    require: tuple[Requirement, ...]
    need: str
    supporting: tuple[str, ...]
    attest: tuple[AttestItem, ...]
    partner_mode: bool


def _index(findings: Iterable[Finding], cat: Catalogue) -> dict[tuple[str, str], list[Finding]]:
    by_probe: dict[str, list[str]] = defaultdict(list)
    for o in cat.outcomes:
        for p in o.probes:
            by_probe[p].append(o.code)
    index: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        for code in f.outcomes or by_probe.get(f.probe_id, ()):
            index[(f.probe_id, code)].append(f)
    return index


def _tier_text(tiers: Iterable[str]) -> str:
    names = sorted(tiers)
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def _services_text(rule: OutcomeRule) -> str:
    services = lgsl()
    names = [f"{services[i].name}, LGSL {i}" for i in rule.provider_lgsl if i in services]
    return f"The service ({'; '.join(names[:3])})" if names else "The service"


def _attest_items(items: Sequence[AttestItem], outcome: Outcome) -> list[dict[str, Any]]:
    return [
        {"item": i, "text": outcome.checklist[i - 1], "from_checklist": True}
        if isinstance(i, int)
        else {"item": None, "text": i, "from_checklist": False}
        for i in items
    ]


def _to_attest(items: list[dict[str, Any]], outcome: Outcome) -> dict[str, Any]:
    return ev.item(
        "to-attest",
        "rule",
        message("evidence", "to_attest"),
        data={"items": items, "why": outcome.observable_reason, "observable": outcome.observable},
    )


def _attest_summary(att: Attestation) -> str:
    doc = f", document {att.document_url}" if att.document_url else ""
    return message("reasons", "attest_given", officer=att.officer, date=att.date.isoformat(),
                   document=doc)


def _plan(outcome: Outcome, rule: OutcomeRule, profile: Profile, out: _Result) -> _Plan | None:
    """The requirements for this council; None when exempt (``out`` then holds the result)."""
    providers = rule.providers()
    np = rule.non_provider
    if np is None or not providers or profile.tier in providers:
        return _Plan(rule.require, rule.need, rule.supporting, rule.attest, False)
    values = {
        "council": profile.council, "tier": profile.tier, "services": _services_text(rule),
        "providers": _tier_text(providers),
    }
    tier_data = {"tier": profile.tier, "providers": sorted(providers),
                 "lgsl": list(rule.provider_lgsl), "exemptions": outcome.exemptions}
    if np.rule == "exempt":
        out.status, out.confidence = Status.NOT_APPLICABLE, "high"
        out.reasons.append(message("reasons", "tier_exempt", exemption=outcome.exemptions,
                                   **values))
        out.evidence.append(ev.item("exemption", "rule", message("evidence", "exemption"),
                                    data=tier_data))
        return None
    out.reasons.append(message("reasons", "tier_non_provider", **values))
    out.evidence.append(ev.item("tier", "rule", message("evidence", "tier", **values),
                                data=tier_data))
    supporting = np.supporting if np.supporting is not None else rule.supporting
    return _Plan(rule.non_provider_requirements(outcome.probes), np.need, supporting,
                 np.attest, True)


def _combine(results: list[RequirementResult], need: str) -> str:
    """pass | partly | fail | not assessed for the observed part."""
    verdicts = [r.verdict for r in results]
    if need == "any":
        if "pass" in verdicts:
            return "pass"
        if "warning" in verdicts:
            return "partly"
        return "not assessed" if "not assessed" in verdicts else "fail"
    if all(v == "pass" for v in verdicts):
        return "pass"
    if "fail" in verdicts or "warning" in verdicts:
        return "partly" if ("pass" in verdicts or "warning" in verdicts) else "fail"
    return "not assessed"


def _supporting(probes: Sequence[str], code: str, inp: Inputs) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for probe in probes:
        found = list(inp.findings.get((probe, code), ()))
        if probe in inp.disabled or not found:
            continue
        out.append(ev.item("probe", "observed",
                           message("evidence", "probe_summary", probe=probe,
                                   counts=f"{len(found)} finding(s), shown for information"),
                           probe_id=probe, kind="supporting",
                           data={"label": probe, "role": "supporting", "findings": len(found)}))
        telling = [f for f in found if f.kind in (Kind.PASS, Kind.WARNING, Kind.FAIL)]
        out.extend(ev.finding(f) for f in telling[:MAX_SUPPORTING])
    return out


def _observed(outcome: Outcome, rule: OutcomeRule, plan: _Plan, att: Attestation | None,
              inp: Inputs, out: _Result) -> None:
    results = [evaluate(r, outcome.code, inp) for r in plan.require]
    if plan.need == "any" and len(results) > 1:
        out.reasons.append(message("reasons", "need_any",
                                   labels="; ".join(r.requirement.name for r in results)))
    for r in results:
        out.reasons.extend(r.reasons)
        if r.requirement.advisory:
            out.reasons.append(message("reasons", "advisory", label=r.requirement.name))
        out.evidence.extend(r.evidence)
    counted = [r for r in results if r.counts]
    observed = _combine(counted, plan.need) if counted else "not assessed"
    used = [r for r in counted if r.verdict == "pass"] if observed == "pass" else counted
    unsure = any(r.unsure for r in used)
    out.confidence = "medium" if unsure else "high"
    to_attest = _attest_items(plan.attest, outcome)
    if observed == "pass":
        partner = all(r.via_partner for r in used) if plan.need == "any" else any(
            r.via_partner for r in used)
        out.status = Status.MET_VIA_PARTNER if partner else Status.MET
        if to_attest and att is None:
            out.status = Status.NEEDS_ATTESTATION
            out.reasons.append(message("reasons", "attest_needed",
                                       items="; ".join(i["text"] for i in to_attest)))
    elif observed == "partly":
        out.status = Status.PARTLY_MET
    elif observed == "fail" and rule.if_absent == "needs attestation" and not plan.partner_mode:
        to_attest = to_attest or _attest_items([outcome.text], outcome)
        if att is not None:
            out.status, out.confidence = Status.MET, "attested"
            out.reasons.append(message("reasons", "absent_attested", officer=att.officer,
                                       date=att.date.isoformat()))
        else:
            out.status = Status.NEEDS_ATTESTATION
            out.reasons.append(message("reasons", "absent_off_web"))
    elif observed == "fail":
        out.status = Status.NOT_MET
    else:
        out.status, out.confidence = Status.NOT_ASSESSED, "low"
    if att is not None and out.status in (Status.PARTLY_MET, Status.NOT_MET):
        out.reasons.append(message("reasons", "attest_conflict", officer=att.officer,
                                   date=att.date.isoformat()))
    if att is not None and out.status is Status.NOT_ASSESSED:
        out.reasons.append(message("reasons", "attest_unused", officer=att.officer,
                                   date=att.date.isoformat()))
    if to_attest:
        out.evidence.append(_to_attest(to_attest, outcome))


def _unobservable(outcome: Outcome, plan: _Plan, att: Attestation | None, out: _Result) -> None:
    items = _attest_items(plan.attest, outcome) or _attest_items(
        range(1, len(outcome.checklist) + 1), outcome)
    out.reasons.append(message("reasons", "not_observable", reason=outcome.observable_reason))
    if att is not None:
        out.status, out.confidence = Status.MET, "attested"
        out.reasons.append(_attest_summary(att))
    else:
        out.status, out.confidence = Status.NEEDS_ATTESTATION, "high"
        out.reasons.append(message("reasons", "attest_needed",
                                   items="; ".join(i["text"] for i in items)))
    out.evidence.append(_to_attest(items, outcome))


def _score_outcome(
    outcome: Outcome, rule: OutcomeRule, profile: Profile, inp: Inputs
) -> _Result:
    out = _Result(Status.NOT_ASSESSED, "low")
    att = profile.attestations.get(outcome.code)
    plan = _plan(outcome, rule, profile, out)
    if plan is not None:
        if plan.require:
            _observed(outcome, rule, plan, att, inp, out)
        else:
            _unobservable(outcome, plan, att, out)
        out.evidence.extend(_supporting(plan.supporting, outcome.code, inp))
    if att is not None:
        out.evidence.append(ev.attestation(outcome.code, att, _attest_summary(att)))
    if outcome.voluntary:
        out.reasons.append(message("reasons", "enhanced"))
    return out


def _dependencies(results: dict[str, _Result], rules: Rules, cat: Catalogue) -> None:
    for code in cat.codes:
        own = results[code]
        for dep in rules.rule(code).depends_on:
            dep_status = results[dep].status
            own.evidence.append(ev.item(
                "dependency", "rule",
                message("evidence", "dependency", dep=dep, status=dep_status.value),
                data={"outcome": dep, "status": dep_status.value}))
            if dep_status in SATISFIED or own.status not in (
                Status.MET, Status.MET_VIA_PARTNER, Status.NEEDS_ATTESTATION
            ):
                continue
            if dep_status in (Status.NOT_MET, Status.PARTLY_MET):
                own.status = Status.PARTLY_MET
                key = "dependency_unmet"
            else:
                if own.status is not Status.NEEDS_ATTESTATION:
                    own.status = (Status.NOT_ASSESSED if dep_status is Status.NOT_ASSESSED
                                  else Status.NEEDS_ATTESTATION)
                key = "dependency_unknown"
            own.reasons.append(message("reasons", key, dep=dep, status=dep_status.value))


def score(
    findings: Iterable[Finding],
    profile: Profile,
    catalogue: Catalogue,
    link_checks: Iterable[LinkCheckRecord] = (),
    *,
    rules: Rules | None = None,
) -> list[OutcomeRecord]:
    """Score every outcome of ``catalogue`` (in its order) for the council in ``profile``."""
    rules = rules or load_rules()
    inp = Inputs(
        findings=_index(findings, catalogue),
        disabled=frozenset(profile.probes_disabled),
        links=LinkIndex(link_checks),
        verdicts=rules.deep_links,
        partner_hosts={host: p.name for host, p in profile.partner_hosts.items()},
    )
    results = {o.code: _score_outcome(o, rules.rule(o.code), profile, inp)
               for o in catalogue.outcomes}
    _dependencies(results, rules, catalogue)
    records = []
    for code in catalogue.codes:
        r = results[code]
        if not r.evidence or not r.reasons:
            raise ScoringError(f"{code}: status {r.status.value!r} without evidence or reasons")
        records.append(OutcomeRecord(code, r.status.value, rules.version_id, r.confidence,
                                     r.reasons, r.evidence))
    return records
