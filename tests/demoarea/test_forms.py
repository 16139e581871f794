"""Enquiry forms (R28/R29): acknowledgement pages, reference numbers, email and tracking."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from demoarea import Area, RunningArea, serve
from tests.demoarea.conftest import of_kind
from tests.smtp_capture import Capture, smtp_capture

ADDRESS = "resident@example.org"


def _payload(e: dict[str, Any], n: int) -> dict[str, str]:
    data = {f["name"]: f"Test {n}" for f in e["fields"]}
    data[e["email_field"]] = ADDRESS
    data[e["marker_field"]] = f"POAUDIT TEST SUBMISSION {n} - please delete"
    return data


def _refs(pattern: str, text: str) -> list[str]:
    return re.findall(pattern, text)




@pytest.fixture(scope="module")
def sink() -> Iterator[tuple[Capture, int]]:
    with smtp_capture() as captured:
        yield captured


def test_acknowledgements_behave_as_declared(running: RunningArea,
                                             manifest: list[dict[str, Any]]) -> None:
    modes = set()
    for e in of_kind(manifest, "enquiry-form"):
        modes.add(e["ref_mode"])
        exp = e["expected"]
        form_page = httpx.get(e["url"], timeout=5).text
        assert 'method="post"' in form_page
        outbox_before = len(running.outbox())
        pages = [httpx.post(e["action"], data=_payload(e, n), timeout=5) for n in (1, 2)]
        assert all(p.status_code == 200 for p in pages)
        on_page = [_refs(exp["ref_pattern"], p.text) for p in pages]
        mails = running.outbox()[outbox_before:]
        assert len(mails) == 2 and all(m["to"] == ADDRESS for m in mails)
        in_mail = [_refs(exp["ref_pattern"], m["subject"] + m["body"]) for m in mails]
        assert all(bool(r) == exp["ref_on_page"] for r in on_page), e["id"]
        assert all(bool(r) == exp["ref_in_email"] for r in in_mail), e["id"]
        refs = [r[0] for r in in_mail if r] or [r[0] for r in on_page if r]
        if exp["ref_unique"]:
            assert len(set(refs)) == 2, e["id"]
        elif refs:
            assert len(set(refs)) == 1, e["id"]
        if exp["trackable"]:
            track = httpx.get(e["tracking_url"], params={"ref": refs[-1]}, timeout=5).text
            assert refs[-1] in track and "Status" in track
            nope = httpx.get(e["tracking_url"], params={"ref": "NOPE-1"}, timeout=5).text
            assert "could not find" in nope
    assert modes == {"unique", "reused", "email-only", "none"}


def test_missing_required_fields_get_no_reference(manifest: list[dict[str, Any]]) -> None:
    e = of_kind(manifest, "enquiry-form")[0]
    page = httpx.post(e["action"], data={}, timeout=5)
    assert page.status_code == 200 and "Please complete" in page.text
    assert not _refs(e["expected"]["ref_pattern"], page.text)


def test_payment_reaches_card_entry_and_never_pays(manifest: list[dict[str, Any]]) -> None:
    for e in of_kind(manifest, "online-payments"):
        action = e["expected"]["payment_form"]
        page = httpx.post(action, data={"payment_for": "Council tax", "account": "123",
                                        "amount": "10.00", "email": ADDRESS}, timeout=5)
        assert re.search(e["expected"]["transaction_id_pattern"], page.text)
        assert "Card number" in page.text
        done = httpx.post(action, data={"step": "card", "card": "4111"}, timeout=5)
        assert "no payment has been taken" in done.text


def test_acknowledgement_email_goes_to_smtp(area: Area, sink: tuple[Capture, int]) -> None:
    handler, port = sink
    with serve(area, smtp=("127.0.0.1", port)) as running:
        e = next(x for x in of_kind(running.manifest(), "enquiry-form")
                 if x["ref_mode"] == "email-only")
        page = httpx.post(e["action"], data=_payload(e, 1), timeout=10)
        assert page.status_code == 200
        assert not _refs(e["expected"]["ref_pattern"], page.text)
        profile = running.profile(e["site"])
        assert profile["mailbox"]["port"] == port
    with handler.lock:
        mail = handler.messages[-1]
    assert mail["To"] == ADDRESS
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    ref = _refs(e["expected"]["ref_pattern"], body.decode())
    assert ref and ref[0] in mail["Subject"]
