"""Unit tests for response-standards (R29): standards, performance and near-misses."""

from __future__ import annotations

from typing import Any

import pytest

from poaudit.findings import Kind
from probes import response_standards as rs
from probes._statements import page_text
from probes.base import Context, Page


def _found(body: str) -> dict[str, Any]:
    page = Page(url="http://www.example.gov.uk/s", final_url="http://www.example.gov.uk/s",
                status=200, text=f"<html><head><title>Standards</title></head><body>{body}"
                                 "</body></html>")
    return rs.extract(page, page_text(page))


@pytest.mark.parametrize(("sentence", "label", "meets"), [
    ("We will acknowledge your email within one working day.", "1 working day", True),
    ("All emails sent to the council will be acknowledged within 1 working day of receipt.",
     "1 working day", True),
    ("You will receive an acknowledgement of your email within 24 hours (one working day).",
     "24 hours", True),
    ("Emails are acknowledged on the same working day.", "same day", True),
    ("We will acknowledge your e-mail within two working days.", "2 working days", False),
    ("Online enquiries will be acknowledged within 3 days.", "3 days", False),
])
def test_acknowledgement_standards(sentence: str, label: str, meets: bool) -> None:
    (ack,) = _found(f"<p>{sentence}</p>")["acknowledgement_standards"]
    assert ack["label"] == label
    assert rs._within_one_working_day(ack) is meets


def test_reply_standard_under_an_email_heading() -> None:
    found = _found("<h2>Email</h2><p>We aim to give a full reply within 10 working days.</p>"
                   "<h2>Letters</h2><p>We will reply to letters within 15 working days.</p>")
    assert [r["label"] for r in found["reply_standards"]] == ["10 working days"]
    assert [r["label"] for r in found["letter_standards"]] == ["15 working days"]


def test_two_standards_in_one_sentence() -> None:
    found = _found("<p>We will acknowledge your email within one working day and send a full "
                   "response within 3 weeks.</p>")
    assert [a["label"] for a in found["acknowledgement_standards"]] == ["1 working day"]
    (reply,) = found["reply_standards"]
    assert reply["label"] == "3 weeks" and rs._days(reply) == 15.0


@pytest.mark.parametrize("sentence", [
    "We aim to deal with all requests about council tax within ten working days.",
    "You can email us at counciltax@example.gov.uk; we deal with most requests within 5 days.",
    "We answer 90% of telephone calls within 20 seconds.",
    "Freedom of information requests are answered within 20 working days, by email or post.",
    "Complaints made by email will be acknowledged within 3 working days.",
    "Please allow up to 28 days for delivery.",
])
def test_near_misses(sentence: str) -> None:
    found = _found(f"<p>{sentence}</p>")
    assert not (found["acknowledgement_standards"] or found["reply_standards"]
                or found["performance"])


def test_performance_sentence_and_table() -> None:
    found = _found(
        "<p>Between April and September 2005 we acknowledged 95.2% of emails within one "
        "working day.</p><table><caption>Email enquiries answered within 10 working days"
        "</caption><tr><th>Month</th><th>Answered in time</th></tr>"
        "<tr><td>October 2005</td><td>93%</td></tr></table>")
    perf = [(p["value"], p["period"], p["source"]) for p in found["performance"]]
    assert perf == [(95.2, "April to September 2005", "text"), (93.0, "October 2005", "table")]


def test_site_combines_pages() -> None:
    ctx = Context()
    page = Page(url="http://www.example.gov.uk/1", final_url="http://www.example.gov.uk/1",
                status=200, text="<p>We will acknowledge your email within one working day. "
                                 "A full reply will follow within 10 working days.</p>")
    (first,) = rs.evaluate(page, ctx)
    assert first.kind is Kind.WARNING
    perf = Page(url="http://www.example.gov.uk/2", final_url="http://www.example.gov.uk/2",
                status=200, text="<p>In 2004/05 we replied to 97% of emails within 10 working "
                                 "days.</p>")
    (second,) = rs.evaluate(perf, ctx)
    assert second.detail["performance_percentage"] == 97.0
    (site,) = rs.finalize(ctx)
    assert site.kind is Kind.PASS
    assert site.detail["performance_urls"] == ["http://www.example.gov.uk/2"]
