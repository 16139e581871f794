"""The inventory on the demo area: every form found and classified, nothing submitted."""

from __future__ import annotations

from typing import Any

from demoarea import RunningArea
from poaudit.findings import Finding
from tests.active.helpers import crawl_forms, profile_from


def _forms(findings: list[Finding]) -> dict[str, dict[str, Any]]:
    return {f.detail["action"]: {**f.detail, "outcomes": f.outcomes, "page": f.page_url}
            for f in findings if f.detail.get("check") == "form"}


def test_every_demo_form_is_inventoried_and_classified(fresh: RunningArea) -> None:
    manifest = fresh.manifest()
    for site in fresh.area.sites:
        findings, _ = crawl_forms(profile_from(fresh.profile(site)))
        forms = _forms(findings)
        mine = [e for e in manifest if e["site"] == site]
        for e in mine:
            x = e.get("expected") or {}
            if e["kind"] == "enquiry-form":
                form = forms[e["action"]]
                want = "report-it" if e["lgsl_id"] else "enquiry"
                assert form["category"] == want, (site, e["action"], form["reasons"])
                assert "R28" in form["outcomes"]
                assert ("R7" in form["outcomes"]) == bool(e["lgsl_id"])
                assert form["method"] == "POST" and not form["third_party"]
                assert form["email_field"] == e["email_field"]
                assert set(form["field_names"]) == {f["name"] for f in e["fields"]}
                assert not form["captcha"] and not form["page_https"]
            elif e["kind"] == "school-admissions":
                form = forms[x["application_form"]]
                assert form["category"] == "application" and "R1" in form["outcomes"]
            elif e["kind"] == "online-payments":
                form = forms[x["payment_form"]]
                assert form["category"] == "payment" and "R10" in form["outcomes"]
            elif e["kind"] == "tracking-page":
                form = forms[e["url"]]
                assert form["category"] == "search" and form["lookup"] == "tracking"
                assert form["method"] == "GET" and "ref" in form["field_names"]
            elif "search_form" in x:
                form = forms[x["search_form"]]
                assert form["category"] == "search" and form["lookup"] is None
        summary = next(f for f in findings if f.detail.get("check") == "summary")
        assert summary.detail["forms"] == sum(f.detail.get("check") == "form" for f in findings)
        assert summary.detail["by_category"]["enquiry"] == 1
        assert summary.detail["by_category"]["report-it"] == 1
        tracked = [e["url"] for e in mine if e["kind"] == "tracking-page"]
        assert summary.detail["tracking_lookups"] == tracked
    posts = [k for k in fresh.hits() if k[1] != "GET"]
    assert posts == [] and fresh.enquiries() == {} and fresh.outbox() == []


def test_repeated_forms_are_reported_once(fresh: RunningArea) -> None:
    findings, pages = crawl_forms(profile_from(fresh.profile("suffolk")))
    forms = [f for f in findings if f.detail.get("check") == "form"]
    assert len({f.detail["fingerprint"] for f in forms}) == len(forms)
    summary = next(f for f in findings if f.detail.get("check") == "summary")
    site_search = next(f for f in summary.detail["form_list"] if f["action"].endswith("/search/"))
    assert site_search["pages"] == len(pages)  # the header search box is on every page
