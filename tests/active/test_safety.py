"""Safety: nothing unlisted, no CAPTCHA/login/payment, bounded, logged, never to private
addresses unless allowed. The demo server's hit log (or a mock transport) shows what was sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from demoarea import RunningArea
from poaudit.findings import Finding, Kind
from poaudit.profile import AllowedForm
from poaudit.store import Store
from probes import form_acknowledgement, form_inventory
from probes.active.submit import Submitter, address_refusal
from probes.base import Context, Page
from tests.active.helpers import context_for, inventory_run, profile_from

FAST = {"form-acknowledgement": {"email_wait_seconds": 0.2, "submit_interval_seconds": 0}}
FIXTURES = Path(__file__).resolve().parents[1] / "probes" / "form-inventory"


def _posts(running: RunningArea) -> dict[tuple[str, str, str], int]:
    return {k: n for k, n in running.hits().items() if k[1] not in ("GET", "HEAD")}


def _form(running: RunningArea, site: str, suffix: str) -> dict[str, Any]:
    return next(f for f in running.profile(site)["forms"] if suffix in f["action"])


def test_empty_profile_submits_nothing_but_inventories_everything(
        fresh: RunningArea, db: Store) -> None:
    data = fresh.profile("suffolk")
    # other configuration asking for submissions must not matter
    options = {"form-acknowledgement": {"forms": [f["action"] for f in data["forms"]],
                                        "submit_all": True, "email_wait_seconds": 0}}
    profile = profile_from(data, forms=[], probe_options=options)
    run_id, inventory = inventory_run(db, profile)
    findings = form_acknowledgement.run(profile, db, run_id)
    assert [f.detail["check"] for f in findings] == ["summary"]
    summary = findings[0]
    assert summary.kind is Kind.NOT_ASSESSED and summary.detail["reason"] == "no-forms-listed"
    listed = {f["action"] for f in data["forms"]}
    assert set(summary.detail["untested_enquiry_forms"]) == {
        a for a in listed if "admissions" not in a}
    assert summary.detail["tracking_lookups"] == [
        e["url"] for e in fresh.manifest()
        if e["site"] == "suffolk" and e["kind"] == "tracking-page"]
    actions = {f.detail["action"] for f in inventory if f.detail.get("check") == "form"}
    assert listed <= actions
    assert _posts(fresh) == {} and fresh.enquiries() == {} and fresh.outbox() == []
    assert db.findings(run_id, "form-acknowledgement") == findings  # stored by run()


def test_unlisted_form_is_never_submitted_whatever_the_options_say(
        fresh: RunningArea, db: Store) -> None:
    data = fresh.profile("suffolk")
    contact = _form(fresh, "suffolk", "/forms/contact/")
    report = _form(fresh, "suffolk", "/forms/report/")
    options = {"form-acknowledgement": {
        "forms": [report["action"]], "submit_all": True, "actions": [report["action"]],
        "email_wait_seconds": 0, "submit_interval_seconds": 0}}
    near = {**report, "action": report["action"] + "/"}  # not exactly the crawled action
    profile = profile_from(data, forms=[contact, near], probe_options=options)
    run_id, _ = inventory_run(db, profile)
    findings = form_acknowledgement.run(profile, db, run_id)
    target = contact["action"].split("/", 3)[3]
    assert _posts(fresh) == {("suffolk", "POST", "/" + target): 2}
    refused = [f for f in findings if f.detail["check"] == "refused"]
    assert [(f.detail["action"], f.detail["reason"]) for f in refused] == [
        (near["action"], "not-in-inventory")]
    summary = findings[-1]
    assert summary.detail["ignored_options"] == ["actions", "forms", "submit_all"]
    with Submitter(profile, run_id=run_id) as sub:
        stranger = AllowedForm(action=report["action"], payload={}, test_marker_field="x")
        refusal = sub.prepare(stranger, [])
        assert getattr(refusal, "reason", None) == "not-listed"


def test_payment_form_is_refused_even_when_listed(fresh: RunningArea, db: Store) -> None:
    pay = next(e for e in fresh.manifest()
               if e["site"] == "suffolk" and e["kind"] == "online-payments")
    action = pay["expected"]["payment_form"]
    listed = {"action": action, "page": pay["url"], "test_marker_field": "payment_for",
              "payload": {"payment_for": "", "account": "1", "amount": "1.00",
                          "email": "a@example.org"}}
    profile = profile_from(fresh.profile("suffolk"), forms=[listed], probe_options=FAST)
    run_id, _ = inventory_run(db, profile)
    before = fresh.hits()
    findings = form_acknowledgement.run(profile, db, run_id)
    refused = next(f for f in findings if f.detail["check"] == "refused")
    assert refused.detail["reason"] == "payment" and "never submits" in refused.message
    assert _posts(fresh) == {}
    assert fresh.hits() == before  # refused on the crawl's classification: not even fetched


def test_private_addresses_are_refused_unless_allowed(fresh: RunningArea, db: Store) -> None:
    data = fresh.profile("suffolk")
    run_id, _ = inventory_run(db, profile_from(data))
    strict = profile_from(data, crawl={**data["crawl"], "allow_private_addresses": False},
                          probe_options=FAST)
    before = fresh.hits()
    findings = form_acknowledgement.run(strict, db, run_id)
    refused = [f for f in findings if f.detail["check"] == "refused"]
    assert refused and {f.detail["reason"] for f in refused} == {"address"}
    assert "loopback" in refused[0].message
    assert fresh.hits() == before  # no request at all
    assert address_refusal("http://10.0.0.8/x", False) is not None
    assert address_refusal("http://169.254.169.254/latest/meta-data", False) is not None
    assert address_refusal("ftp://example.org/x", True) is not None
    assert address_refusal("https://www.suffolk.gov.uk/", False,
                           resolve=lambda h, p: ["93.184.216.34"]) is None
    assert address_refusal("https://intranet.example/", False,
                           resolve=lambda h, p: ["93.184.216.34", "192.168.0.4"]) is not None


def test_budget_and_submission_log(mailed: RunningArea, db: Store) -> None:
    contact = _form(mailed, "suffolk", "/forms/contact/")
    profile = profile_from(mailed.profile("suffolk"), forms=[contact], probe_options=FAST)
    run_id, _ = inventory_run(db, profile)
    first = form_acknowledgement.run(profile, db, run_id)
    again = form_acknowledgement.run(profile, db, run_id)  # same run: budget already spent
    assert any(f.detail.get("reason") == "budget-spent" for f in again)
    assert not any(f.detail["check"] == "submission" for f in again)
    logs = [f for f in db.findings(run_id, "form-acknowledgement")
            if f.detail["check"] == "submission"]
    assert logs == [f for f in first if f.detail["check"] == "submission"]
    assert len(logs) == contact["max_submissions"] == 2
    assert logs[0].outcomes == () and logs[0].kind is Kind.INFO
    for n, log in enumerate(logs, 1):
        d = log.detail
        assert d["action"] == contact["action"] and d["method"] == "POST"
        assert d["sequence"] == n and d["of"] == 2 and d["run_id"] == run_id
        assert d["submitted_at"] and d["status"] == 200
        marker = d["payload"][contact["test_marker_field"]]
        assert marker.startswith("POAUDIT TEST SUBMISSION - please delete")
        assert f"poaudit run {run_id}, submission {n} of 2" in marker
        assert d["marker_value"] == marker
    # the council can find the test submissions by their marker
    found = [e for e in mailed.enquiries().values()
             if f"poaudit run {run_id}," in e["fields"].get("enquiry", "")]
    assert len(found) == 2


# --------------------------------------------------------------- CAPTCHA / login (mocked)
class _Site:
    """Serves fixture pages through httpx.MockTransport and records every request."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self.requests: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, str(request.url)))
        if request.method == "GET" and str(request.url) in self.pages:
            return httpx.Response(200, html=self.pages[str(request.url)])
        if request.method == "POST" and str(request.url).endswith("/redirecting"):
            return httpx.Response(307, headers={"Location": "https://www.example.gov.uk/other"})
        if request.method == "POST":
            return httpx.Response(200, html="<p>Thank you. Your reference number is X-123.</p>")
        return httpx.Response(404, html="<p>Not found</p>")


def _mock_run(db: Store, pages: dict[str, str], crawled: dict[str, str] | None = None,
              forms: list[dict[str, Any]] | None = None) -> tuple[list[Any], _Site]:
    """Inventory ``crawled`` (default: ``pages``), then run with the live ``pages``."""
    base = "https://www.example.gov.uk/"
    data = {"name": "example", "council": "Example Council", "tier": "unitary",
            "start_urls": [base], "forms": forms or [], "probe_options": FAST}
    profile = profile_from(data)
    ctx = context_for(profile)
    inventory = _inventory(ctx, crawled or pages)
    run_id = db.start_run("example", "Example Council")
    db.add_findings(run_id, inventory)
    site = _Site(pages)
    out = form_acknowledgement.run(profile, db, run_id, transport=httpx.MockTransport(site),
                                   resolve=lambda h, p: ["93.184.216.34"])
    return out, site


def _inventory(ctx: Context, pages: dict[str, str]) -> list[Finding]:
    """form-inventory over ``pages`` as a crawl runs it: every page, then the site."""
    out: list[Finding] = []
    for url, html in pages.items():
        out += form_inventory.evaluate(Page(url, url, 200, html), ctx)
    return out + list(form_inventory.finalize(ctx))


def _listing(page: str, action: str, marker: str) -> dict[str, Any]:
    return {"page": page, "action": action, "test_marker_field": marker,
            "payload": {"name": "Test", "email": "t@example.org"}}


def test_captcha_and_login_forms_are_refused(db: Store) -> None:
    captcha = (FIXTURES / "contact-recaptcha.html").read_text(encoding="utf-8")
    login = (FIXTURES / "login-my-account.html").read_text(encoding="utf-8")
    pages = {"https://www.example.gov.uk/contact/": captcha,
             "https://www.example.gov.uk/myaccount/": login}
    forms = [_listing("https://www.example.gov.uk/contact/",
                      "https://www.example.gov.uk/contact/send", "message"),
             _listing("https://www.example.gov.uk/myaccount/",
                      "https://www.example.gov.uk/myaccount/login", "username")]
    out, site = _mock_run(db, pages, forms=forms)
    reasons = {f.detail["action"]: f.detail["reason"] for f in out
               if f.detail["check"] == "refused"}
    assert reasons == {forms[0]["action"]: "captcha", forms[1]["action"]: "login"}
    assert site.requests == []  # refused on the crawl's classification, nothing fetched


def test_captcha_added_since_the_crawl_is_refused_on_the_live_page(db: Store) -> None:
    live = (FIXTURES / "contact-recaptcha.html").read_text(encoding="utf-8")
    crawled = live.replace('<div class="g-recaptcha" data-sitekey', '<div data-x').replace(
        "https://www.google.com/recaptcha/api.js", "/js/site.js")
    url = "https://www.example.gov.uk/contact/"
    forms = [_listing(url, "https://www.example.gov.uk/contact/send", "message")]
    out, site = _mock_run(db, {url: live}, crawled={url: crawled}, forms=forms)
    refused = next(f for f in out if f.detail["check"] == "refused")
    assert refused.detail["reason"] == "captcha" and "live page" in refused.message
    assert site.requests == [("GET", url)]


def test_redirect_that_would_resend_the_post_elsewhere_is_refused(db: Store) -> None:
    url = "https://www.example.gov.uk/contact/"
    html = ('<h1>Contact us</h1><form method="post" action="/redirecting">'
            '<input name="name"><input type="email" name="email">'
            '<textarea name="message"></textarea><input type="submit" value="Send"></form>')
    forms = [{**_listing(url, "https://www.example.gov.uk/redirecting", "message"),
              "max_submissions": 1}]
    out, site = _mock_run(db, {url: html}, forms=forms)
    assert [m for m, _ in site.requests] == ["GET", "POST"]
    log = next(f for f in out if f.detail["check"] == "submission")
    assert log.detail["error"].startswith("not-listed")
    acknowledged = next(f for f in out if f.detail["check"] == "acknowledged")
    assert acknowledged.kind is Kind.NOT_ASSESSED


def test_marker_field_must_exist(db: Store) -> None:
    url = "https://www.example.gov.uk/contact/"
    html = ('<h1>Contact us</h1><form method="post" action="/send">'
            '<input name="name"><input type="email" name="email">'
            '<textarea name="message"></textarea></form>')
    forms = [_listing(url, "https://www.example.gov.uk/send", "comments")]
    out, site = _mock_run(db, {url: html}, forms=forms)
    refused = next(f for f in out if f.detail["check"] == "refused")
    assert refused.detail["reason"] == "marker-field-missing"
    assert [m for m, _ in site.requests] == ["GET"]


@pytest.mark.parametrize("disabled", [True, False])
def test_disabled_probe_does_nothing(fresh: RunningArea, db: Store, disabled: bool) -> None:
    data = fresh.profile("babergh")
    profile = profile_from(data, probes_disabled=["form-acknowledgement"] if disabled else [],
                           forms=data["forms"] if disabled else [])
    run_id = db.start_run("babergh", "Babergh")
    out = form_acknowledgement.run(profile, db, run_id)
    assert len(out) == 1 and out[0].kind is Kind.NOT_ASSESSED
    assert out[0].detail["reason"] == ("disabled" if disabled else "no-forms-listed")
    assert _posts(fresh) == {}


def test_one_broken_form_does_not_stop_the_others(db: Store) -> None:
    base = "https://www.example.gov.uk"
    html = ('<h1>Contact us</h1><form method="post" action="{a}"><input name="name">'
            '<input type="email" name="email"><textarea name="message"></textarea></form>')
    pages = {f"{base}/gone/": html.format(a="/gone-send"),
             f"{base}/broken/": html.format(a="/explode"),
             f"{base}/contact/": html.format(a="/send")}
    forms = [_listing(f"{base}/gone/", f"{base}/gone-send", "message"),
             _listing(f"{base}/broken/", f"{base}/explode", "message"),
             _listing(f"{base}/contact/", f"{base}/send", "message")]

    class Exploding(_Site):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            if request.url.path in ("/explode", "/gone/"):
                self.requests.append((request.method, str(request.url)))
                raise RuntimeError(f"boom on {request.url.path}")
            return super().__call__(request)

    site = Exploding(pages)
    data = {"name": "example", "council": "Example Council", "tier": "unitary",
            "start_urls": [f"{base}/"], "forms": forms, "probe_options": FAST}
    profile = profile_from(data)
    ctx = context_for(profile)
    run_id = db.start_run("example", "Example Council")
    db.add_findings(run_id, _inventory(ctx, pages))
    out = form_acknowledgement.run(profile, db, run_id, transport=httpx.MockTransport(site),
                                   resolve=lambda h, p: ["93.184.216.34"])
    error = next(f for f in out if f.detail["check"] == "error")  # fetching the page failed
    assert error.kind is Kind.NOT_ASSESSED and "boom on /gone/" in error.message
    failed = [f for f in out if f.detail["check"] == "submission"
              and f.detail["action"].endswith("/explode")]
    assert len(failed) == 1 and "boom" in failed[0].detail["error"]  # logged, not retried
    acknowledged = next(f for f in out if f.detail["check"] == "acknowledged"
                        and f.detail["action"].endswith("/explode"))
    assert acknowledged.detail["reason"] == "submission-failed"
    form = next(f for f in out if f.detail["check"] == "form"
                and f.detail["action"].endswith("/send"))
    assert form.detail["case"] == "reused-reference"  # the mock answers X-123 every time
    assert out[-1].detail["cases"] == {"not-assessed": 2, "reused-reference": 1}


def test_tracking_page_that_only_echoes_the_number_is_a_failure(db: Store) -> None:
    base = "https://www.example.gov.uk"
    form = ('<h1>Contact us</h1><form method="post" action="/send"><input name="name">'
            '<input type="email" name="email"><textarea name="message"></textarea></form>')
    track = ('<h1>Track your enquiry</h1><form method="get" action="/track/result">'
             '<label for="r">Enquiry reference</label><input id="r" name="caseref">'
             '<input type="submit" value="Track"></form>')
    counter = iter(range(100, 200))

    class Council(_Site):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/track/result":
                self.requests.append((request.method, str(request.url)))
                ref = request.url.params["caseref"]
                return httpx.Response(200, html=f"<main><p>Results for {ref}:</p></main>")
            if request.method == "POST":
                self.requests.append((request.method, str(request.url)))
                return httpx.Response(
                    200, html=f"<p>Thank you. Your reference number is EX-{next(counter)}.</p>")
            return super().__call__(request)

    site = Council({f"{base}/contact/": form, f"{base}/track/": track})
    listing = {**_listing(f"{base}/contact/", f"{base}/send", "message"),
               "tracking_url": f"{base}/track/"}
    data = {"name": "example", "council": "Example Council", "tier": "unitary",
            "start_urls": [f"{base}/"], "forms": [listing], "probe_options": FAST}
    profile = profile_from(data)
    ctx = context_for(profile)
    run_id = db.start_run("example", "Example Council")
    db.add_findings(run_id, _inventory(ctx, {f"{base}/contact/": form}))
    out = form_acknowledgement.run(profile, db, run_id, transport=httpx.MockTransport(site),
                                   resolve=lambda h, p: ["93.184.216.34"])
    tracking = next(f for f in out if f.detail["check"] == "tracking")
    assert tracking.kind is Kind.FAIL and "unknown reference" in tracking.message
    assert tracking.detail["reference"] == "EX-101"
    lookups = [u.split("?")[1] for m, u in site.requests if "caseref" in u]
    assert lookups == ["caseref=EX-101", f"caseref=ZZ{run_id:03d}-0000000"]
    verdict = next(f for f in out if f.detail["check"] == "form")
    assert verdict.detail["case"] == "unique-reference" and verdict.kind is Kind.WARNING
    assert verdict.detail["trackable"] is False
