"""One requirement (a probe, per config/scoring.yaml) -> a verdict with reasons and evidence.

A probe's findings for an outcome combine by the rule's ``combine`` mode. A passing finding
that rests on a deep link to a partner council (``via_partner`` in its detail, or any finding
of the deep-links probe) counts only when the link checker found the target working.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urldefrag, urlsplit

from poaudit.findings import Finding, Kind
from poaudit.store import LinkCheckRecord
from scoring import _evidence as ev
from scoring._messages import message
from scoring._rules import DEEP_LINKS, DeepLinkVerdicts, Requirement

__all__ = ["Inputs", "LinkIndex", "RequirementResult", "Verdict", "evaluate"]

Verdict = Literal["pass", "warning", "fail", "not assessed"]
_RANK = {"fail": 0, "unverified": 1, "warning": 2, "pass": 3}
_DECISIVE = (Kind.PASS, Kind.WARNING, Kind.FAIL)
MAX_FINDINGS = 5
MAX_LINKS = 10
_URL_KEYS = ("url", "target", "target_url", "href", "link")
_PARTNER_KEYS = ("partner", "owner", "council", "name")


class LinkIndex:
    """Link checker verdicts by URL, tolerant of fragments and a trailing slash."""

    def __init__(self, checks: Iterable[LinkCheckRecord]) -> None:
        self._by_url: dict[str, LinkCheckRecord] = {}
        for check in checks:
            self._by_url.setdefault(check.url, check)
        for check in list(self._by_url.values()):
            for variant in _variants(check.url):
                self._by_url.setdefault(variant, check)

    def get(self, url: str) -> LinkCheckRecord | None:
        found = self._by_url.get(url)
        if found is not None:
            return found
        for variant in _variants(url):
            if variant in self._by_url:
                return self._by_url[variant]
        return None


def _variants(url: str) -> list[str]:
    bare, _ = urldefrag(url)
    out = [bare]
    out.append(bare[:-1] if bare.endswith("/") else bare + "/")
    return out


@dataclass(frozen=True)
class Inputs:
    """What every requirement is judged against (built once per scoring)."""

    findings: Mapping[tuple[str, str], Sequence[Finding]]
    disabled: frozenset[str]
    links: LinkIndex
    verdicts: DeepLinkVerdicts
    partner_hosts: Mapping[str, str]


@dataclass
class RequirementResult:
    """The verdict on one requirement, with why and what it rests on."""

    requirement: Requirement
    verdict: Verdict
    via_partner: bool = False
    unsure: bool = False
    reasons: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    skipped: bool = False  # absent_ok and nothing reported: left out of the outcome's status

    @property
    def counts(self) -> bool:
        """Whether this verdict takes part in the outcome's status."""
        return not (self.skipped or self.requirement.advisory)


@dataclass
class _Judged:
    finding: Finding
    kind: str  # pass | warning | fail | unverified
    via_partner: bool = False
    links: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None


_NO_FINDING = Finding("", (), Kind.INFO, "")


def _first_str(mapping: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


@dataclass(frozen=True)
class PartnerLink:
    """A deep link a finding rests on: target, owning council and the page carrying it."""

    url: str | None
    partner: str | None
    page: str | None


def partner_links(f: Finding) -> list[PartnerLink] | None:
    """The partner deep links ``f`` rests on (None when it rests on none).

    Read from ``via_partner`` (a council name, a URL or a mapping), the presence probes'
    ``partner_links`` ([{url, council, page, deep}]) and ``target_url``/``partner`` (deep-links).
    """
    d = f.detail
    via = d.get("via_partner")
    if not via and f.probe_id != DEEP_LINKS:
        return None
    url = partner = None
    if isinstance(via, Mapping):
        url, partner = _first_str(via, _URL_KEYS), _first_str(via, _PARTNER_KEYS)
    elif isinstance(via, str) and via.startswith(("http://", "https://")):
        url = via
    elif isinstance(via, str):
        partner = via
    out: list[PartnerLink] = []
    for entry in d.get("partner_links") or ():
        if not isinstance(entry, Mapping) or not entry.get("deep", True):
            continue
        council = entry.get("council")
        if partner is None or council in (None, partner):
            out.append(PartnerLink(_first_str(entry, _URL_KEYS), council or partner,
                                   _first_str(entry, ("page", "source")) or f.page_url))
    if url or not out:
        url = url or _first_str(d, _URL_KEYS)
        out.insert(0, PartnerLink(url, partner or _first_str(d, _PARTNER_KEYS), f.page_url))
    return out


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def _judge_link(link: PartnerLink, req: Requirement, inp: Inputs) -> _Judged:
    check = inp.links.get(link.url) if link.url else None
    partner = link.partner or (check.owner if check else None)
    partner = partner or (inp.partner_hosts.get(_host(link.url)) if link.url else None)
    partner = partner or "the partner council"
    evidence = ev.link_check(check, partner=partner, linking_page=link.page) if check else None
    values = {"label": req.name, "partner": partner, "url": link.url or "(no URL given)"}
    verdict = check.verdict if check else ""
    summary = check.summary if check else ""
    if verdict in inp.verdicts.working:
        kind, key = "pass", "partner_working"
    elif verdict in inp.verdicts.failing:
        kind, key = "fail", "partner_failing"
    elif verdict in inp.verdicts.check_by_hand:
        kind, key = "warning", "partner_by_hand"
    else:
        kind, key = "unverified", "partner_unverified"
    reason = message("reasons", key, verdict=verdict, summary=summary, **values)
    return _Judged(_NO_FINDING, kind, True, [evidence] if evidence else [], reason)


def _judge(f: Finding, req: Requirement, inp: Inputs) -> _Judged:
    links = partner_links(f)
    if links is None:
        return _Judged(f, f.kind.value)
    judged = [_judge_link(link, req, inp) for link in links]
    evidence = [e for j in judged for e in j.links]
    if f.kind is not Kind.PASS:
        return _Judged(f, f.kind.value, links=evidence)
    best = max(judged, key=lambda j: _RANK[j.kind])
    return _Judged(f, best.kind, True, evidence, best.reason)


def _not_assessed(
    req: Requirement, key: str, evidence: list[dict[str, Any]], **values: Any
) -> RequirementResult:
    reason = message("reasons", key, label=req.name, probe=req.probe, **values)
    summary = ev.item(
        "probe",
        "observed",
        reason,
        probe_id=req.probe,
        kind="not assessed",
        data={"label": req.name, "reason": key.removeprefix("probe_"), **values},
    )
    return RequirementResult(req, "not assessed", reasons=[reason], evidence=[summary, *evidence])


def _counts_text(counts: Counter[str]) -> str:
    order = ("pass", "warning", "fail", "info", "not assessed")
    return ", ".join(f"{counts[k]} {k}" for k in order if counts[k]) or "no findings"


def _share(judged: list[_Judged], req: Requirement) -> tuple[str, dict[str, Any]]:
    pages: dict[str | None, int] = {}
    for j in judged:
        key = j.finding.page_url
        pages[key] = min(pages.get(key, 3), _RANK[j.kind])
    total = len(pages)
    passed = sum(1 for rank in pages.values() if rank == _RANK["pass"])
    share = passed / total if total else 0.0
    if share >= req.met_at:
        verdict = "pass"
    elif passed and share >= req.partly_at:
        verdict = "warning"
    else:
        verdict = "fail"
    return verdict, {"pages": total, "passed": passed, "share": round(share, 4)}


def _pick(judged: list[_Judged], verdict: str) -> list[_Judged]:
    """The findings that show the verdict best: those of that kind first."""
    best_first = verdict == "pass"
    ordered = sorted(judged, key=lambda j: -_RANK[j.kind] if best_first else _RANK[j.kind])
    return ordered[:MAX_FINDINGS]


def evaluate(req: Requirement, code: str, inp: Inputs) -> RequirementResult:
    """Judge ``req`` for outcome ``code``."""
    if req.probe in inp.disabled:
        result = _not_assessed(req, "probe_disabled", [])
        result.skipped = req.absent_ok
        return result
    found = [f for f in inp.findings.get((req.probe, code), ()) if req.matches(f)]
    counts = Counter(f.kind.value for f in found)
    if not found and req.absent_ok:  # said in the reasons, not worth an evidence item
        result = _not_assessed(req, "probe_not_reported", [])
        result.skipped, result.evidence = True, []
        return result
    if not found:
        return _not_assessed(req, "probe_silent", [])
    errors = [f for f in found if f.kind is Kind.NOT_ASSESSED]
    decisive = [f for f in found if f.kind in _DECISIVE]
    if req.warnings == "ignore":
        ignored = [f for f in decisive if f.kind is Kind.WARNING]
        decisive = [f for f in decisive if f.kind is not Kind.WARNING]
    else:
        ignored = []
    if not decisive:
        samples = [ev.finding(f) for f in (errors or found)[:3]]
        if errors:
            err = str(errors[0].detail.get("error") or errors[0].message)[:200]
            return _not_assessed(req, "probe_failed", samples, error=err)
        return _not_assessed(req, "probe_info_only", samples)

    judged = [_judge(f, req, inp) for f in decisive]
    data: dict[str, Any] = {"label": req.name, "combine": req.combine, "counts": dict(counts)}
    if req.combine == "share":
        kind, figures = _share(judged, req)
        data.update(figures)
    else:
        pick = max if req.combine == "any" else min
        kind = pick(judged, key=lambda j: _RANK[j.kind]).kind
    verdict: Verdict = "not assessed" if kind == "unverified" else kind  # type: ignore[assignment]
    passes = [j for j in judged if j.kind == "pass"]
    via_partner = bool(passes) and verdict == "pass" and all(j.via_partner for j in passes)
    if req.combine == "all":
        via_partner = verdict == "pass" and any(j.via_partner for j in passes)

    shown = _pick(judged, kind)
    reasons = _reasons(req, kind, shown, data)
    if errors:
        reasons.append(message("reasons", "probe_errors", label=req.name, probe=req.probe,
                               count=len({f.page_url for f in errors})))
    if ignored:
        reasons.append(message("reasons", "probe_ignored_warnings", label=req.name,
                               count=len(ignored)))
    summary = ev.item(
        "probe",
        "observed",
        message("evidence", "probe_summary", probe=req.probe, counts=_counts_text(counts)),
        probe_id=req.probe,
        kind=verdict,
        data=data,
    )
    links = _link_evidence(judged, kind)
    evidence = [summary, *(ev.finding(j.finding) for j in shown), *links]
    unsure = bool(errors) or req.combine == "share" or any(j.kind == "unverified" for j in judged)
    return RequirementResult(req, verdict, via_partner, unsure, reasons, evidence)


def _reasons(req: Requirement, kind: str, shown: list[_Judged], data: dict[str, Any]) -> list[str]:
    if req.combine == "share":
        return [
            message("reasons", "probe_share", label=req.name, passed=data["passed"],
                    pages=data["pages"], percent=round(100 * data["share"], 1))
        ]
    top = [j for j in shown if j.kind == kind] or shown
    partner = [j.reason for j in top if j.reason]
    if partner:
        return list(dict.fromkeys(partner))[:3]
    key = {"pass": "probe_pass", "warning": "probe_warning"}.get(kind, "probe_fail")
    return [message("reasons", key, label=req.name, message=top[0].finding.message)]


def _link_evidence(judged: list[_Judged], kind: str) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for j in sorted(judged, key=lambda j: j.kind != kind):
        for link in j.links:
            if link["url"] not in seen:
                seen.add(link["url"])
                out.append(link)
    return out[:MAX_LINKS]
