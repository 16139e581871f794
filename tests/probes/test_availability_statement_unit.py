"""Unit tests for availability-statement (R25) and the shared statement helpers, and the three
statement probes (R25, R26, R29) against the demoarea manifest: precision and recall."""

from __future__ import annotations

from datetime import date
from functools import cache
from types import ModuleType

import pytest

from demoarea import build_area
from demoarea._render import Renderer
from poaudit.findings import Kind
from probes import availability_statement as av
from probes import response_standards as rs
from probes import usage_statistics as us
from probes._statements import (
    first_number,
    page_date,
    page_text,
    parse_date,
    parse_number,
    parse_period,
    sentences,
)
from probes.base import Context, Page

TODAY = "2005-11-14"


def _page(body: str, head: str = "", url: str = "http://www.example.gov.uk/a.html") -> Page:
    return Page(url=url, final_url=url, status=200,
                text=f"<html><head><title>Website availability</title>{head}</head>"
                     f"<body>{body}</body></html>")


def _ctx(**options: object) -> Context:
    return Context(options={m.META.id: {"today": TODAY, **options} for m in (av, us, rs)})


# ------------------------------------------------------------------ helpers
@pytest.mark.parametrize(("text", "label", "end"), [
    ("October 2005", "October 2005", "2005-10-31"),
    ("Sept 2005", "September 2005", "2005-09-30"),
    ("2004/05", "2004/05", "2005-03-31"),
    ("2004-2005", "2004/05", "2005-03-31"),
    ("Between April and September 2005", "April to September 2005", "2005-09-30"),
    ("November 2004 to October 2005", "November 2004 to October 2005", "2005-10-31"),
    ("Q1 2005/06", "Q1 2005/06", "2005-06-30"),
    ("Q4 2004/05", "Q4 2004/05", "2005-03-31"),
    ("Q3 2005", "Q3 2005", "2005-09-30"),
    ("the last 12 months", "last 12 months", None),
    ("the past twelve months", "last 12 months", None),
    ("over the last year", "last 12 months", None),
    ("in 2004", "2004", "2004-12-31"),
])
def test_parse_period(text: str, label: str, end: str | None) -> None:
    period = parse_period(text)
    assert period is not None
    assert period.label == label
    assert (period.end.isoformat() if period.end else None) == end


def test_parse_period_none() -> None:
    assert parse_period("no period here") is None


@pytest.mark.parametrize(("text", "value"), [
    ("1,087,205", 1087205.0), ("1.2 million", 1_200_000.0), ("153k", 153_000.0),
    ("433267", 433267.0), ("99.5", 99.5), ("abc", None),
])
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_first_number_skips_financial_years() -> None:
    assert first_number("2004/05: 1,560,390") == 1560390.0
    assert first_number("99.90 %") == 99.9


def test_parse_date_forms() -> None:
    assert parse_date("Page last updated: 29 October 2004.") == date(2004, 10, 29)
    assert parse_date("on 2005-10-29") == date(2005, 10, 29)
    assert parse_date("29/10/2004") == date(2004, 10, 29)
    assert parse_date("October 29, 2004") == date(2004, 10, 29)
    assert parse_date("31 February 2005") is None


def test_sentences_keep_decimals() -> None:
    assert sentences("It was 99.5% in 2005. Then 98.2% in 2006.") == [
        "It was 99.5% in 2005.", "Then 98.2% in 2006."]


def test_page_text_blocks_headings_and_tables() -> None:
    page = _page("<h1>Stats</h1><div>Intro<p>Para <b>bold</b></p>tail<br>after</div>"
                 "<script>var x = '99%';</script><!-- comment 99% -->"
                 "<table><caption>Cap</caption><tr><th>Month</th><th>%</th></tr>"
                 "<tr><td>May 2005</td><td>99.1</td></tr></table>")
    text = page_text(page)
    blocks = [(b.tag, b.heading, b.text) for b in text.blocks]
    assert ("p", "Stats", "Para bold") in blocks
    assert ("div", "Stats", "Intro") in blocks
    assert ("div", "Stats", "tail") in blocks and ("div", "Stats", "after") in blocks
    assert not any("99%" in b.text or "comment" in b.text for b in text.blocks)
    (table,) = text.tables
    assert table.header == ("Month", "%") and table.body == (("May 2005", "99.1"),)
    assert table.caption == "Cap" and table.heading == "Stats"
    assert text.h1 == "Stats"


def test_page_text_is_walked_once_per_page() -> None:
    page, ctx = _page("<p>x</p>"), Context()
    assert page_text(page, ctx) is page_text(page, ctx)
    assert page_text(_page("<p>x</p>"), ctx) is not page_text(page, ctx)


def test_page_date_prefers_printed_date_then_meta() -> None:
    meta = '<meta name="DC.date.modified" scheme="W3CDTF" content="2005-03-01">'
    printed = _page("<p>Last updated 2 November 2005.</p>", meta)
    assert page_date(printed, page_text(printed)) == (date(2005, 11, 2), "text")
    only_meta = _page("<p>x</p>", meta)
    assert page_date(only_meta, page_text(only_meta)) == (date(2005, 3, 1), "dc.date.modified")


# ------------------------------------------------------------------ availability sentences
@pytest.mark.parametrize("sentence", [
    "Website availability for the last 12 months was 99.68%.",
    "Our website was available 99.33% of the time over the last 12 months.",
    "Over the past twelve months the council's website has been available for 99.48% of the "
    "time.",
    "In October 2005 the web server uptime was 99.9%.",
])
def test_availability_figures(sentence: str) -> None:
    figures, commitments = av._sentence_items(sentence, "")
    assert len(figures) == 1 and not commitments


@pytest.mark.parametrize(("sentence", "value", "strength"), [
    ("The council currently aims for 99% server availability.", 99.0, "aim"),
    ("Whilst we aim for 100% availability, we have a commitment to make our web services "
     "available for 98% of the time.", 98.0, "commitment"),
    ("We are committed to keeping this website available at least 99.5% of the time.", 99.5,
     "commitment"),
    ("We aim to keep the website available 24 hours a day, 7 days a week.", None, "aim"),
])
def test_availability_commitments(sentence: str, value: float | None, strength: str) -> None:
    figures, commitments = av._sentence_items(sentence, "")
    assert not figures
    assert any(c["value"] == value and c["strength"] == strength for c in commitments)


@pytest.mark.parametrize("sentence", [
    "99.7% of residents now have broadband available.",
    "We collected 99% of bins on the scheduled day.",
    "92% of customers were satisfied with the availability of information on our website.",
    "Many of our services can now be requested online, 24 hours a day, seven days a week.",
    "We aim to deal with all requests about council website now available 24 hours a day "
    "within ten working days.",
    "Council website now available 24 hours a day",
    "Information on this page is available in large print.",
    "Car parks: 85% of spaces were available at weekends.",
    "Turnout was 35% and postal votes are available on request.",
])
def test_availability_near_misses(sentence: str) -> None:
    assert av._sentence_items(sentence, "Website availability") == ([], [])


def test_stale_threshold_is_an_option() -> None:
    body = "<p>In December 2004 the website was available 99.2% of the time.</p>" \
           "<p>We guarantee that the website will be available at least 98% of the time.</p>"
    (fresh,) = av.evaluate(_page(body), _ctx())
    assert fresh.kind is Kind.PASS and fresh.detail["age_days"] == 318
    (stale,) = av.evaluate(_page(body), _ctx(max_age_days=300))
    assert stale.kind is Kind.WARNING and stale.detail["stale"] is True


def test_repeated_statement_is_reported_once() -> None:
    ctx = _ctx()
    body = "<p>Website availability for October 2005 was 99.9%. We aim for 99% availability.</p>"
    first = av.evaluate(_page(body, url="http://www.example.gov.uk/1"), ctx)
    again = av.evaluate(_page(body, url="http://www.example.gov.uk/2"), ctx)
    assert len(first) == 1 and again == []
    (site,) = av.finalize(ctx)
    assert site.kind is Kind.PASS and site.detail["figure_urls"] == ["http://www.example.gov.uk/1"]


# ------------------------------------------------------------------ demoarea manifest
@cache
def _demo() -> tuple[list[dict[str, object]], dict[str, tuple[str, Page]], str]:
    area = build_area(seed=2004, pages_per_site=120)
    hosts = {k: f"www.{k}.test" for k in [*area.sites, "directgov", "canary", "canary-ip",
                                           "old-host"]}
    renderer = Renderer(area, hosts)
    pages: dict[str, tuple[str, Page]] = {}
    for key, site in area.sites.items():
        for target, spec in site.pages.items():
            if spec.status != 200 or spec.kind in ("redirect", "binary", "atoz-xml"):
                continue
            resp = renderer.page(key, spec)
            content_type = dict(resp.headers).get("Content-Type", "")
            if resp.status != 200 or "html" not in content_type:
                continue
            url = f"http://{hosts[key]}{target}"
            pages[url] = (key, Page(url=url, final_url=url, status=200, content_type=content_type,
                                    text=resp.body.decode("utf-8", "replace"),
                                    depth=0 if target == "/" else 2))
    return area.manifest(hosts), pages, area.as_of.isoformat()


@pytest.mark.parametrize("probe", [av, us, rs], ids=lambda m: m.META.id)
def test_demoarea_precision_and_recall(probe: ModuleType) -> None:
    """Every planted statement found (recall 1), nothing else reported (precision 1), and the
    values the manifest plants read back."""
    manifest, pages, as_of = _demo()
    options = {probe.META.id: {"today": as_of}}
    ctxs: dict[str, Context] = {}
    found = {}
    for url, (site, page) in pages.items():
        ctx = ctxs.setdefault(site, Context(council=site, options=options))
        for finding in probe.evaluate(page, ctx):
            found[url] = finding
    planted = {str(e["url"]): e["expected"] for e in manifest if e["kind"] == probe.META.id}
    assert len(planted) == 4  # one per council of the area
    assert set(found) == set(planted)
    for url, expected in planted.items():
        assert isinstance(expected, dict)
        d = found[url].detail
        if probe is av:
            assert d["has_figures"] is expected["past_performance"], url
            if expected["percentage"] is not None:
                assert d["percentage"] == float(expected["percentage"]), url
                assert d["period"] == expected["period"], url
            assert d["commitment_percentage"] == float(expected["commitment_percentage"]), url
            assert bool(d["monthly"]) is expected["monthly_table"], url
            assert found[url].kind is (Kind.PASS if expected["past_performance"]
                                       else Kind.WARNING)
        elif probe is us:
            assert d["page_impressions"] == expected["page_impressions"], url
            assert d["unique_users"] == expected["unique_users"], url
            assert d["periods"] == expected["periods"], url
            assert d["rising"]["page_impressions"] is expected["rising"], url
            assert found[url].kind is (Kind.PASS if expected["unique_users"] else Kind.WARNING)
        else:
            assert d["meets_one_working_day"] is True, url
            assert d["reply_within_days"] == float(expected["reply_within_days"]), url
            assert d["performance_published"] is expected["performance_published"], url
            assert d["performance_percentage"] == float(expected["performance_percentage"]), url
            assert found[url].kind is Kind.PASS
    for site, ctx in ctxs.items():
        (summary,) = probe.finalize(ctx)
        assert summary.kind in (Kind.PASS, Kind.WARNING), site
