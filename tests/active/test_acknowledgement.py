"""R28/R29 on the demo area: every acknowledgement case is classified as planted."""

from __future__ import annotations

import re
from typing import Any

import pytest

from demoarea import Area, RunningArea, serve
from poaudit.findings import Finding, Kind
from poaudit.store import Store
from probes import form_acknowledgement
from probes.active.mailbox import SmtpSink
from tests.active.helpers import inventory_run, profile_from

FAST = {"form-acknowledgement": {"email_wait_seconds": 5, "submit_interval_seconds": 0}}


def _expected_case(x: dict[str, Any]) -> str:
    if not (x["ref_on_page"] or x["ref_in_email"]):
        return "no-reference"
    if not x["ref_unique"]:
        return "reused-reference"
    return "unique-reference" if x["ref_on_page"] else "email-only-reference"


def _by_check(findings: list[Finding], action: str) -> dict[str, Finding]:
    return {f.detail["check"]: f for f in findings
            if f.detail.get("action") == action and f.detail.get("check") != "submission"}


def _planted(running: RunningArea, site: str) -> list[tuple[str, dict[str, Any], str | None]]:
    """(action, expected, tracking URL) for every submittable form the manifest plants."""
    out = []
    for e in running.manifest():
        if e["site"] != site:
            continue
        if e["kind"] == "enquiry-form":
            out.append((e["action"], e["expected"], e["tracking_url"]))
        elif e["kind"] == "school-admissions":
            x = e["expected"]
            out.append((x["application_form"], {"ref_on_page": True, "ref_in_email": True,
                                                "ref_unique": True, "trackable": False,
                                                "ref_pattern": x["ref_pattern"]}, None))
    return out


@pytest.mark.parametrize("site", ["suffolk", "mid-suffolk", "babergh", "peterborough"])
def test_every_case_is_classified(mailed: RunningArea, sink: SmtpSink, db: Store,
                                  site: str) -> None:
    profile = profile_from(mailed.profile(site), probe_options=FAST)
    assert profile.mailbox is not None and profile.mailbox.kind == "smtp-sink"
    run_id, _ = inventory_run(db, profile)
    findings = form_acknowledgement.run(profile, db, run_id, mailbox=sink)
    planted = _planted(mailed, site)
    assert planted
    for action, x, tracking in planted:
        checks = _by_check(findings, action)
        form = checks["form"]
        assert form.detail["case"] == _expected_case(x), (action, form.detail)
        refs = form.detail["references"]
        assert all(re.fullmatch(x["ref_pattern"], r) for r in refs), refs
        assert bool(form.detail["page_references"]) == x["ref_on_page"]
        assert bool(form.detail["email_references"]) == x["ref_in_email"]
        # R28 checklist lines
        assert checks["acknowledged"].kind is Kind.PASS
        want_ref = Kind.PASS if (x["ref_on_page"] or x["ref_in_email"]) else Kind.FAIL
        assert checks["reference"].kind is want_ref
        want_unique = (Kind.PASS if x["ref_unique"] else
                       Kind.FAIL if (x["ref_on_page"] or x["ref_in_email"]) else
                       Kind.NOT_ASSESSED)
        assert checks["unique-reference"].kind is want_unique
        assert checks["email-acknowledgement"].kind is Kind.PASS
        if tracking is None:
            assert checks["tracking"].kind is Kind.NOT_ASSESSED
            assert form.detail["trackable"] is None
        else:
            assert form.detail["trackable"] is x["trackable"]
            assert checks["tracking"].kind is (Kind.PASS if x["trackable"] else Kind.FAIL)
        # R29: acknowledgement email timed
        timing = checks["acknowledgement-time"]
        assert timing.outcomes == ("R29",) and timing.kind is Kind.PASS
        assert all(0 <= s < 5 for s in timing.detail["elapsed_seconds"])
        # evidence: the acknowledgement page and the email, as text
        assert form.detail["acknowledgement_text"].startswith("Thank you")
        assert form.detail["email"]["to"] == profile.mailbox.address
        assert form.page_url == next(f.page for f in profile.forms if f.action == action)
    summary = next(f for f in findings if f.detail["check"] == "summary")
    assert summary.detail["submissions"] == 2 * len(planted)
    assert summary.kind is Kind.INFO


def test_without_a_mailbox_email_only_numbers_are_not_assessed(area: Area, db: Store) -> None:
    with serve(area) as running:
        profile = profile_from(running.profile("peterborough"), probe_options=FAST)
        assert profile.mailbox is None
        run_id, _ = inventory_run(db, profile)
        findings = form_acknowledgement.run(profile, db, run_id)
        for e in running.manifest():
            if e["site"] != "peterborough" or e["kind"] != "enquiry-form":
                continue
            checks = _by_check(findings, e["action"])
            if e["ref_mode"] == "email-only":
                assert checks["form"].detail["case"] == "no-reference-on-page"
                assert checks["reference"].kind is Kind.NOT_ASSESSED
                assert checks["reference"].detail["reason"] == "no-mailbox"
            else:
                assert checks["form"].detail["case"] == "unique-reference"
            assert checks["email-acknowledgement"].kind is Kind.NOT_ASSESSED
            assert checks["acknowledgement-time"].kind is Kind.NOT_ASSESSED


def test_rejected_payload_is_not_assessed_not_failed(mailed: RunningArea, sink: SmtpSink,
                                                     db: Store) -> None:
    data = mailed.profile("suffolk")
    contact = next(f for f in data["forms"] if f["action"].endswith("/forms/contact/submit"))
    contact["payload"] = {}  # the form requires name, email and subject
    profile = profile_from({**data, "forms": [contact]}, probe_options=FAST)
    run_id, _ = inventory_run(db, profile)
    findings = form_acknowledgement.run(profile, db, run_id, mailbox=sink)
    checks = _by_check(findings, contact["action"])
    assert checks["acknowledged"].kind is Kind.NOT_ASSESSED
    assert checks["acknowledged"].detail["reason"] == "rejected-by-form"
    assert checks["form"].detail["case"] == "not-assessed"
    logs = [f for f in findings if f.detail["check"] == "submission"]
    assert len(logs) == 1  # a refused payload is not sent again


def test_sink_profile_without_the_sink_says_so(mailed: RunningArea, db: Store) -> None:
    data = mailed.profile("suffolk")
    contact = next(f for f in data["forms"] if f["action"].endswith("/forms/contact/submit"))
    profile = profile_from({**data, "forms": [contact]}, probe_options=FAST)
    run_id, _ = inventory_run(db, profile)
    findings = form_acknowledgement.run(profile, db, run_id)  # no mailbox= handed over
    checks = _by_check(findings, contact["action"])
    assert checks["email-acknowledgement"].kind is Kind.NOT_ASSESSED
    assert checks["email-acknowledgement"].detail["reason"] == "mailbox-error"
    assert "no running sink" in checks["email-acknowledgement"].message
    assert checks["form"].detail["case"] == "unique-reference"  # the page still shows it
    summary = findings[-1]
    assert summary.detail["mailbox_read"] is False and "sink" in summary.detail["mailbox_error"]
