"""The scorer, status by status, on synthetic findings (no crawl, no store)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from poaudit.catalogue import load_catalogue
from poaudit.findings import Finding
from poaudit.profile import Profile
from poaudit.store import LinkCheckRecord, OutcomeRecord
from scoring import EVIDENCE_KEYS, SCORING_VERSION, Status, score
from tests.scoring.helpers import COUNTY, attestation, check, finding, profile

CAT = load_catalogue()
ADMISSIONS = f"{COUNTY}/schools/admissions/apply"


def run(
    findings: Iterable[Finding] = (),
    prof: Profile | None = None,
    checks: Iterable[LinkCheckRecord] = (),
) -> dict[str, OutcomeRecord]:
    return {r.code: r for r in score(list(findings), prof or profile(), CAT, list(checks))}


def types(record: OutcomeRecord) -> list[str]:
    return [e["type"] for e in record.evidence]


def evidence_of(record: OutcomeRecord, type_: str) -> list[dict[str, Any]]:
    return [e for e in record.evidence if e["type"] == type_]


# -- every status ---------------------------------------------------------------------------
def test_met_from_a_passing_presence_probe() -> None:
    r = run([finding("council-meetings", "R5", page="http://x/meetings",
                     message="Agendas and minutes, diary updated 2005-11-28")])["R5"]
    assert r.status == Status.MET
    assert r.confidence == "high"
    assert r.scoring_version == SCORING_VERSION
    shown = evidence_of(r, "finding")
    assert shown[0]["url"] == "http://x/meetings" and shown[0]["source"] == "observed"
    assert any("diary updated" in reason for reason in r.reasons)


def test_not_met_when_the_probe_finds_nothing() -> None:
    r = run([finding("council-meetings", "R5", "fail", message="No meetings diary")])["R5"]
    assert r.status == Status.NOT_MET
    assert "No meetings diary" in " ".join(r.reasons)


def test_partly_met_when_one_of_two_required_parts_fails() -> None:
    r = run([finding("e-consultation", ("G3", "R15")), finding("email-alerts", "G3", "fail")])
    assert r["G3"].status == Status.PARTLY_MET


def test_a_warning_makes_it_partly_met() -> None:
    r = run([finding("council-meetings", "R5", "warning", message="Diary last updated 2004")])
    assert r["R5"].status == Status.PARTLY_MET


def test_presence_is_any_page_the_best_finding_wins() -> None:
    r = run([finding("council-meetings", "R5", "fail", "http://x/a"),
             finding("council-meetings", "R5", "pass", "http://x/b")])
    assert r["R5"].status == Status.MET


def test_findings_count_only_for_the_outcomes_they_name() -> None:
    # e-consultation evidences G3 and R15; a finding tagged G3 only says nothing about R15.
    r = run([finding("e-consultation", "G3")], profile("unitary"))
    assert r["R15"].status == Status.NOT_ASSESSED


# -- tiers: partner deep links and exemptions -----------------------------------------------
def district_admissions(verdict: str | None, **detail: Any) -> dict[str, OutcomeRecord]:
    f = finding("school-admissions", ("R1", "G1"), page="http://district/schools",
                message="Deep link to Suffolk County Council's admissions pages",
                via_partner={"url": ADMISSIONS, "partner": "Suffolk County Council"}, **detail)
    checks = [check(ADMISSIONS, verdict, owner="Suffolk County Council")] if verdict else []
    return run([f], profile("district"), checks)


def test_district_meets_r1_with_a_working_deep_link_to_the_county() -> None:
    r = district_admissions("ok")["R1"]
    assert r.status == Status.MET_VIA_PARTNER
    assert "district council" in r.reasons[0] and "county and unitary" in r.reasons[0]
    link = evidence_of(r, "link-check")[0]
    assert link["url"] == ADMISSIONS and link["kind"] == "ok"
    assert link["data"]["linking_page"] == "http://district/schools"
    # nothing to attest: the notes' Deep Linking minimum is the whole duty of a district
    assert "to-attest" not in types(r)


@pytest.mark.parametrize("verdict", ["broken", "shallow", "soft-404", "timeout"])
def test_a_failing_deep_link_does_not_meet_it(verdict: str) -> None:
    r = district_admissions(verdict)["R1"]
    assert r.status == Status.NOT_MET
    assert any(verdict in reason and ADMISSIONS in reason for reason in r.reasons)
    assert evidence_of(r, "link-check")[0]["kind"] == verdict


def test_a_deep_link_the_checker_could_not_decide_is_partly_met() -> None:
    assert district_admissions("caution")["R1"].status == Status.PARTLY_MET


def test_an_unchecked_deep_link_is_not_assessed() -> None:
    r = district_admissions(None)["R1"]
    assert r.status == Status.NOT_ASSESSED
    assert any("not checked" in reason for reason in r.reasons)


def test_link_lookup_ignores_fragment_and_trailing_slash() -> None:
    f = finding("school-admissions", "R1", via_partner={"url": ADMISSIONS + "/#apply"})
    r = run([f], profile("district"), [check(ADMISSIONS, "ok")])["R1"]
    assert r.status == Status.MET_VIA_PARTNER


def test_deep_links_probe_alone_meets_it_for_a_non_provider() -> None:
    # deep-links' per-outcome summary names its first working link (target_url, partner)
    f = finding("deep-links", "R17", "pass", None, check="partner-services",
                target_url=ADMISSIONS, partner="Mid Suffolk District Council")
    per_link = finding("deep-links", ("R3", "R17"), "fail", "http://county/x", check="link",
                       target_url=ADMISSIONS + "x", partner="Mid Suffolk District Council")
    r = run([f, per_link], profile("county"), [check(ADMISSIONS, "ok")])["R17"]
    assert r.status == Status.MET_VIA_PARTNER
    assert "deep link to the partner council: met by a deep link" in " ".join(r.reasons)


def test_presence_probe_partner_links_are_checked() -> None:
    # the presence engine's shape: via_partner = council name, the links in partner_links
    detail: dict[str, Any] = {
        "via_partner": "Suffolk County Council", "tier_provides": False,
        "partner_links": [
            {"url": f"{COUNTY}/", "council": "Suffolk County Council", "page": "p1",
             "deep": False},
            {"url": ADMISSIONS, "council": "Suffolk County Council", "page": "p2",
             "deep": True},
        ],
    }
    f = finding("school-admissions", "R1", "pass", None, **detail)
    r = run([f], profile("district"), [check(ADMISSIONS, "ok")])["R1"]
    assert r.status == Status.MET_VIA_PARTNER
    link = evidence_of(r, "link-check")[0]
    assert link["url"] == ADMISSIONS and link["data"]["linking_page"] == "p2"
    broken = run([f], profile("district"), [check(ADMISSIONS, "broken")])["R1"]
    assert broken.status == Status.NOT_MET


def test_the_provider_is_judged_on_its_own_service() -> None:
    r = run([finding("school-admissions", "R1", page="http://county/apply")], profile("county"))
    # the county runs admissions: forms observed, back office and communication to attest
    assert r["R1"].status == Status.NEEDS_ATTESTATION
    items = evidence_of(r["R1"], "to-attest")[0]["data"]["items"]
    texts = [i["text"] for i in items]
    assert texts == ["Back office processes", "Communication with stakeholders"]


@pytest.mark.parametrize(("tier", "code"), [("county", "G15"), ("district", "R19"),
                                            ("district", "E1")])
def test_tier_exemptions_are_not_applicable(tier: str, code: str) -> None:
    r = run([], profile(tier))[code]
    assert r.status == Status.NOT_APPLICABLE
    exemption = evidence_of(r, "exemption")[0]
    assert exemption["source"] == "rule" and exemption["data"]["tier"] == tier
    assert "Exemptions" in exemption["summary"]


@pytest.mark.parametrize("code", ["G15", "R19", "E1"])
def test_a_unitary_is_never_exempt(code: str) -> None:
    assert run([], profile("unitary"))[code].status != Status.NOT_APPLICABLE


# -- attestation ----------------------------------------------------------------------------
def test_unobservable_outcome_needs_attestation() -> None:
    r = run()["R20"]
    assert r.status == Status.NEEDS_ATTESTATION
    items = evidence_of(r, "to-attest")[0]["data"]["items"]
    assert [i["item"] for i in items] == [1, 2, 3]


def test_attestation_is_shown_as_attested_never_as_observed() -> None:
    r = run([], profile(attestations={"R20": attestation(note="Policy v3")}))["R20"]
    assert r.status == Status.MET
    assert r.confidence == "attested"
    att = evidence_of(r, "attestation")[0]
    assert att["source"] == "attested"
    assert att["data"]["officer"] == "A. Officer, Head of ICT"
    assert att["data"]["date"] == "2005-11-30"
    assert att["url"] == "https://intranet.example.gov.uk/policies/r20.pdf"
    assert all(e["source"] != "observed" for e in r.evidence)
    assert any("not observed" in reason for reason in r.reasons)


def test_partly_observable_met_part_plus_attestation_is_met() -> None:
    prof = profile("county", attestations={"R1": attestation()})
    r = run([finding("school-admissions", "R1")], prof)["R1"]
    assert r.status == Status.MET
    assert {e["source"] for e in r.evidence} >= {"observed", "attested", "rule"}


def test_attestation_does_not_override_an_observed_failure() -> None:
    prof = profile("county", attestations={"R1": attestation()})
    r = run([finding("school-admissions", "R1", "fail")], prof)["R1"]
    assert r.status == Status.NOT_MET
    assert any("observation stands" in reason for reason in r.reasons)


def test_if_absent_online_it_may_be_met_by_telephone() -> None:
    r = run([finding("councillors", "R6", "fail")])["R6"]
    assert r.status == Status.NEEDS_ATTESTATION
    prof = profile(attestations={"R6": attestation()})
    assert run([finding("councillors", "R6", "fail")], prof)["R6"].status == Status.MET


def test_g20_is_never_met_on_automated_checks_alone() -> None:
    ok = finding("accessibility-axe", "G20", "pass", "http://x/", summary=True)
    review = finding("accessibility-axe", "G20", "warning", "http://x/", needs_review=True)
    r = run([ok, review])["G20"]
    assert r.status == Status.NEEDS_ATTESTATION  # "needs review" is not a failure
    assert any("need review" in reason for reason in r.reasons)
    failed = finding("accessibility-axe", "G20", "fail", "http://x/b", rule="image-alt")
    assert run([ok, failed])["G20"].status == Status.NOT_MET


# -- not assessed ---------------------------------------------------------------------------
def test_not_assessed_when_the_probe_is_disabled() -> None:
    prof = profile(probes_disabled=["council-meetings"])
    r = run([finding("council-meetings", "R5")], prof)["R5"]
    assert r.status == Status.NOT_ASSESSED
    assert evidence_of(r, "probe")[0]["data"]["reason"] == "disabled"
    assert "disabled" in r.reasons[0]


def test_not_assessed_when_the_probe_failed() -> None:
    crashed = finding("council-meetings", "R5", "not assessed",
                      message="could not run", error="KeyError('x')")
    r = run([crashed])["R5"]
    assert r.status == Status.NOT_ASSESSED
    assert "KeyError" in r.reasons[0]


def test_not_assessed_when_the_probe_produced_nothing() -> None:
    r = run()["R5"]
    assert r.status == Status.NOT_ASSESSED
    assert "no findings" in r.reasons[0]


def test_page_errors_lower_the_confidence_but_not_the_verdict() -> None:
    r = run([finding("council-meetings", "R5"),
             finding("council-meetings", "R5", "not assessed", "http://x/2", error="boom")])
    assert r["R5"].status == Status.MET and r["R5"].confidence == "medium"


# -- rules in data: where/scope/advisory/absent_ok and dependencies -------------------------
def az(check_: str, kind: str = "pass", **detail: Any) -> Finding:
    return finding("az-index", "R3", kind, None, check=check_, **detail)


def test_r3_combines_the_az_checks() -> None:
    base = [az("found"), az("lgcl-coverage"), az("xml-export", "warning"),
            finding("national-portal-link", "R3")]
    r = run(base)["R3"]
    assert r.status == Status.NEEDS_ATTESTATION  # call-handling staff access is attested
    assert any("advised, not required" in reason for reason in r.reasons)
    shallow = az("home-page-entry", "fail", target_url="http://county/")
    assert run([*base, shallow])["R3"].status == Status.PARTLY_MET
    assert run([az("found", "fail")])["R3"].status != Status.MET


def test_g21_reads_the_site_summary_only() -> None:
    pages = [finding("egms-metadata", "G21", "fail", f"http://x/{i}") for i in range(3)]
    summary = finding("egms-metadata", "G21", "pass", None, core_complete_pct=97.0)
    r = run([*pages, summary])["G21"]
    assert r.status == Status.NEEDS_ATTESTATION  # XML data integration is attested


def test_share_mode_counts_pages() -> None:
    from scoring import Requirement
    from scoring._verdict import Inputs, LinkIndex, evaluate

    req = Requirement(probe="egms-metadata", combine="share", met_at=0.9, partly_at=0.5)

    def verdict(passed: int, failed: int) -> str:
        found = [finding("egms-metadata", "G21", "pass", f"p{i}") for i in range(passed)]
        found += [finding("egms-metadata", "G21", "fail", f"f{i}") for i in range(failed)]
        inp = Inputs({("egms-metadata", "G21"): found}, frozenset(), LinkIndex([]),
                     load_rules_deep_links(), {})
        return evaluate(req, "G21", inp).verdict

    assert verdict(9, 1) == "pass"
    assert verdict(6, 4) == "warning"
    assert verdict(2, 8) == "fail"


def load_rules_deep_links() -> Any:
    from scoring import load_rules

    return load_rules().deep_links


def test_r29_depends_on_r28() -> None:
    standards = finding("response-standards", "R29")
    r29 = run([standards, finding("form-acknowledgement", "R28", "fail", check="form")])["R29"]
    assert r29.status == Status.PARTLY_MET
    assert any("R28 must be met first" in reason for reason in r29.reasons)
    dep = evidence_of(r29, "dependency")[0]
    assert dep["data"] == {"outcome": "R28", "status": "not met"}


def test_enhanced_outcomes_say_they_are_voluntary() -> None:
    assert any("volunteered" in reason for reason in run()["E2"].reasons)


# -- invariants -----------------------------------------------------------------------------
SCENARIOS = {
    "nothing": [],
    "everything passes": [finding(p, o.code) for o in CAT.outcomes for p in o.probes],
    "everything fails": [finding(p, o.code, "fail") for o in CAT.outcomes for p in o.probes],
    "everything crashed": [finding(p, o.code, "not assessed", error="x")
                           for o in CAT.outcomes for p in o.probes],
}


@pytest.mark.parametrize("tier", ["district", "county", "unitary"])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_status_has_reasons_and_evidence(tier: str, scenario: str) -> None:
    records = score(SCENARIOS[scenario], profile(tier), CAT, [])
    assert [r.code for r in records] == list(CAT.codes)
    for r in records:
        assert r.status in {s.value for s in Status}, r.code
        assert r.reasons and r.evidence, f"{r.code} {r.status}: no reasons or evidence"
        assert r.confidence in ("high", "medium", "low", "attested"), r.code
        for e in r.evidence:
            assert tuple(e) == EVIDENCE_KEYS, (r.code, e)
            assert e["source"] in ("observed", "attested", "rule")


def test_everything_passing_gives_no_failure_and_honest_g20() -> None:
    records = run(SCENARIOS["everything passes"], profile("unitary"))
    statuses = {r.status for r in records.values()}
    assert Status.NOT_MET not in statuses and Status.PARTLY_MET not in statuses
    assert records["G20"].status == Status.NEEDS_ATTESTATION
    assert records["R5"].status == Status.MET


def test_scoring_is_pure_and_deterministic() -> None:
    a = score(SCENARIOS["everything passes"], profile("district"), CAT, [])
    b = score(SCENARIOS["everything passes"], profile("district"), CAT, [])
    assert a == b


def test_large_detail_is_trimmed_in_evidence() -> None:
    big = finding("council-meetings", "R5", nodes=[{"html": "x" * 5000}] * 500)
    r = run([big])["R5"]
    data = evidence_of(r, "finding")[0]["data"]
    assert len(data["nodes"]) <= 10 and len(data["nodes"][0]["html"]) <= 501
