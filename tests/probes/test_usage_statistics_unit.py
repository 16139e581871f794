"""Unit tests for usage-statistics (R26): metrics in sentences and tables, near-misses, trend."""

from __future__ import annotations

import pytest

from poaudit.findings import Kind
from probes import usage_statistics as us
from probes._statements import page_text
from probes.base import Context, Page


def _page(body: str, title: str = "Website statistics", depth: int = 2,
          url: str = "http://www.example.gov.uk/stats.html") -> Page:
    return Page(url=url, final_url=url, status=200, depth=depth,
                text=f"<html><head><title>{title}</title></head><body>{body}</body></html>")


def _series(body: str, title: str = "Website statistics") -> dict[str, dict[str, object]]:
    page = _page(body, title)
    found = us.extract(page, page_text(page))
    return {m: {k: v["value"] for k, v in pts.items()} for m, pts in found["series"].items()}


@pytest.mark.parametrize(("sentence", "expected"), [
    ("In October 2005 the website received 153,000 page impressions from 21,000 unique users.",
     {"page_impressions": {"October 2005": 153000}, "unique_users": {"October 2005": 21000}}),
    ("There were 1.2 million visits to our website during 2004/05.",
     {"visits": {"2004/05": 1200000}}),
    ("Page views for 2004/05 totalled 2,500,000.",
     {"page_impressions": {"2004/05": 2500000}}),
    ("The site had 48,000 unique visitors in September 2005.",
     {"unique_users": {"September 2005": 48000}}),
])
def test_sentences(sentence: str, expected: dict[str, dict[str, int]]) -> None:
    assert _series(f"<p>{sentence}</p>", title="News") == expected


@pytest.mark.parametrize("sentence", [
    "The leisure centre welcomed 250,000 visitors in 2004/05.",
    "Visitors to the leisure centre numbered 250,000 in 2004/05.",
    "The museum had 45,200 visits during 2004/05.",
    "Please visit one of our 12 customer service centres.",
    "Our 3 sessions for small businesses were full.",
    "In 2004 visits rose.",
])
def test_near_misses(sentence: str) -> None:
    assert _series(f"<p>{sentence}</p>", title="Annual report") == {}


def test_ambiguous_table_needs_the_website_as_context() -> None:
    table = ("<table><tr><th>Year</th><th>Visits</th></tr>"
             "<tr><td>2003/04</td><td>101,220</td></tr><tr><td>2004/05</td><td>108,540</td></tr>"
             "</table>")
    assert _series(table, title="Swimming pool") == {}
    assert _series(table, title="Website statistics") == {
        "visits": {"2003/04": 101220, "2004/05": 108540}}


def test_one_period_is_a_warning_and_trend_is_reported() -> None:
    body = ("<p>In 2004/05 the website received 4.2 million page impressions from 380,000 "
            "unique users.</p>")
    ctx = Context(options={"usage-statistics": {"today": "2005-11-14"}})
    (one,) = us.evaluate(_page(body), ctx)
    assert one.kind is Kind.WARNING and "one period" in one.message
    body += ("<p>In 2003/04 there were 4.6 million page impressions from 400,000 unique "
             "users.</p>")
    (two,) = us.evaluate(_page(body), ctx)
    assert two.kind is Kind.PASS
    assert two.detail["rising"] == {"page_impressions": False, "unique_users": False}
    assert two.detail["periods"] == ["2003/04", "2004/05"]


def test_site_finding_says_whether_linked_from_home() -> None:
    ctx = Context(options={"usage-statistics": {"today": "2005-11-14"}})
    home = _page('<p><a href="/stats.html">Website statistics</a></p>', title="Home", depth=0,
                 url="http://www.example.gov.uk/")
    assert us.evaluate(home, ctx) == []
    table = ("<table><tr><th>Year</th><th>Page impressions</th><th>Unique users</th></tr>"
             "<tr><td>2003/04</td><td>1,000,000</td><td>90,000</td></tr>"
             "<tr><td>2004/05</td><td>1,300,000</td><td>110,000</td></tr></table>")
    (page,) = us.evaluate(_page(table), ctx)
    assert page.kind is Kind.PASS
    (site,) = us.finalize(ctx)
    assert site.kind is Kind.PASS
    assert site.detail["linked_from_home"] == ["http://www.example.gov.uk/stats.html"]
    assert site.detail["pages_checked"] == 2
