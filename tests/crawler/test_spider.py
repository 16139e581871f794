"""The spider on Scrapy response objects built in memory (no network, no reactor)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from protego import Protego
from scrapy.http import HtmlResponse, Request, Response, TextResponse

from crawler.analyse import Analyst, InlineAnalyser
from crawler.assess import Observed
from crawler.collect import CrawlData
from crawler.items import PageItem
from crawler.owners import Owners
from crawler.spider import CrawlPlan, SiteSpider
from crawler.traps import TrapGuard
from poaudit.profile import parse_profile
from probes.base import Context
from probes.registry import registry
from probes.runner import ProbeRunner

SITE = "http://www.example.gov.uk"
PAGE = """<html><head><title>Bins and recycling</title>
<link rel="stylesheet" href="/style.css"></head><body>
<h1 id="top-heading">Bins</h1><a name="fees"></a>
<a href="/collections/">Collection days</a>
<a href="/collections/#calendar">Collection calendar</a>
<a href="/collections/">Collection days again</a>
<a href="http://www.county.gov.uk/waste/tips/">Household waste sites (Example County)</a>
<a href="mailto:bins@example.gov.uk">Email us</a>
<a href="file:///S:/Waste/garden-bin-form.doc">Garden bin form</a>
<a href="/private/rota.htm">Staff rota</a>
<a href="/pay.php?PHPSESSID=abc123&amp;service=bins">Pay for a bin</a>
<iframe src="/maps/depots.html"></iframe>
<form action="/search.php"><input name="q"></form>
<a href="javascript:print()">Print</a>
</body></html>"""


def make_spider(**crawl: Any) -> SiteSpider:
    profile = parse_profile({
        "name": "example", "council": "Example District Council", "tier": "district",
        "start_urls": [f"{SITE}/"],
        "partners": [{"name": "Example County Council", "hosts": ["www.county.gov.uk"],
                      "relation": "county"}],
        "crawl": {"max_depth": 3, **crawl},
    })
    owners = Owners(profile)
    ctx = Context(council=profile.council, tier=profile.tier,
                  site_hosts=frozenset(profile.allowed_hosts))
    runner = ProbeRunner(ctx, disabled=set(registry()))
    items: list[PageItem] = []
    plan = CrawlPlan(profile=profile, user_agent="poaudit/test", owners=owners,
                     guard=TrapGuard(), analyser=InlineAnalyser(Analyst(ctx, runner)),
                     data=CrawlData(), sink=items.append)
    spider = SiteSpider(plan=plan)
    spider.robots["www.example.gov.uk"] = Protego.parse("User-agent: *\nDisallow: /private/\n")
    return spider


def respond(url: str, body: bytes | str = PAGE, *, depth: int = 1, status: int = 200,
            ctype: str = "text/html; charset=utf-8", cls: type[Response] = HtmlResponse,
            flags: list[str] | None = None, **meta: Any) -> Response:
    request = Request(url, meta={"url": meta.pop("requested", url), "depth": depth, **meta})
    data = body.encode() if isinstance(body, str) else body
    return cls(url, status=status, body=data, headers={"Content-Type": ctype},
               request=request, flags=flags or [])


def collect(outputs: AsyncIterator[Any]) -> list[Any]:
    """Everything a callback yields (the inline analyser never waits, so no reactor)."""

    async def drain() -> list[Any]:
        return [out async for out in outputs]

    return asyncio.run(drain())


def split(out: list[Any]) -> tuple[list[PageItem], list[Request]]:
    return ([x for x in out if isinstance(x, PageItem)],
            [x for x in out if isinstance(x, Request)])


def test_one_page_one_item_links_from_the_same_parse() -> None:
    spider = make_spider()
    items, requests = split(collect(spider.parse(respond(f"{SITE}/bins/"))))
    (item,) = items
    page = item.page
    assert (page.url, page.status, page.depth, page.title) == (f"{SITE}/bins/", 200, 1,
                                                                "Bins and recycling")
    assert page.content_length == len(PAGE.encode()) and len(page.content_hash or "") == 64
    links = {(x.target_url, x.kind, x.owner) for x in item.links}
    assert links == {
        (f"{SITE}/collections/", "internal", None),
        (f"{SITE}/collections/#calendar", "internal", None),
        ("http://www.county.gov.uk/waste/tips/", "partner", "Example County Council"),
        ("mailto:bins@example.gov.uk", "mailto", None),
        ("file:///S:/Waste/garden-bin-form.doc", "other", None),
        (f"{SITE}/private/rota.htm", "internal", None),
        (f"{SITE}/pay.php?service=bins", "internal", None),
        (f"{SITE}/maps/depots.html", "internal", None),
    }
    assert [r.url for r in requests] == [f"{SITE}/collections/", f"{SITE}/pay.php?service=bins",
                                         f"{SITE}/maps/depots.html"]
    assert all(r.dont_filter and r.meta["depth"] == 2 for r in requests)
    assert spider.data.skipped[f"{SITE}/private/rota.htm"] == "robots-disallowed"
    assert set(spider.data.outbound) == {"http://www.county.gov.uk/waste/tips/",
                                         "file:///S:/Waste/garden-bin-form.doc"}
    assert item.facts.anchors is not None and {"top-heading", "fees"} <= item.facts.anchors
    traps = {f.detail["trap"] for f in spider.guard.findings()}
    assert traps == {"session-id"}


def test_meta_refresh_target_is_followed_and_checked_like_a_link() -> None:
    spider = make_spider()
    body = ('<html><head><meta http-equiv="refresh" content="0; url=/bins/new.htm">'
            '</head><body><p>This page has moved.</p></body></html>')
    (item,), requests = split(collect(spider.parse(respond(f"{SITE}/bins.htm", body))))
    assert {(x.target_url, x.kind) for x in item.links} == {(f"{SITE}/bins/new.htm", "internal")}
    assert [r.url for r in requests] == [f"{SITE}/bins/new.htm"]
    spider = make_spider()
    body = body.replace("/bins/new.htm", "http://www.county.gov.uk/waste/")
    split(collect(spider.parse(respond(f"{SITE}/tips.htm", body))))
    assert set(spider.data.outbound) == {"http://www.county.gov.uk/waste/"}


def test_limits_depth_and_pages() -> None:
    spider = make_spider(max_pages=2)
    _, requests = split(collect(spider.parse(respond(f"{SITE}/bins/", depth=3))))
    assert not requests and spider.data.limits["max-depth"] == 4
    spider = make_spider(max_pages=2)
    spider.seen.add(f"{SITE}/bins/")
    _, requests = split(collect(spider.parse(respond(f"{SITE}/bins/"))))
    assert len(requests) == 1 and spider.data.limits["max-pages"] == 2


def test_redirect_is_recorded_and_its_target_processed_once() -> None:
    spider = make_spider()
    old = f"{SITE}/old-bins.asp"
    response = respond(f"{SITE}/bins/", requested=old, redirect_urls=[old],
                       redirect_reasons=[301])
    items, _ = split(collect(spider.parse(response)))
    assert [(i.page.url, i.page.status, i.page.final_url) for i in items] == [
        (old, 301, f"{SITE}/bins/"), (f"{SITE}/bins/", 200, f"{SITE}/bins/")]
    assert items[0].page.redirects == [{"url": old, "status": 301}]
    again = respond(f"{SITE}/bins/", requested=f"{SITE}/bins.asp",
                    redirect_urls=[f"{SITE}/bins.asp"], redirect_reasons=[302])
    items, _ = split(collect(spider.parse(again)))
    assert [i.page.url for i in items] == [f"{SITE}/bins.asp"]  # the target is already done


def test_redirect_off_the_site_goes_to_the_link_checker() -> None:
    spider = make_spider()
    response = respond(f"{SITE}/tips", b"", status=302, redirect_stop="off-site",
                       redirect_location="http://www.county.gov.uk/tips/")
    (item,), _ = split(collect(spider.parse(response)))
    assert item.page.error == "redirects off the site to http://www.county.gov.uk/tips/"
    assert spider.data.outbound[f"{SITE}/tips"].kind == "internal"


def test_cut_off_binary_and_non_html_are_recorded_not_parsed() -> None:
    spider = make_spider()
    stopped = respond(f"{SITE}/big/", flags=["download_stopped"])
    (cut,), requests = split(collect(spider.parse(stopped)))
    assert "cut off" in (cut.page.error or "") and not cut.links and not requests
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 10
    (binary,), _ = split(collect(spider.parse(respond(f"{SITE}/doc.php?id=1", pdf,
                                                   ctype="text/html"))))
    assert "binary content (PDF)" in (binary.page.error or "") and binary.page.title is None
    (other,), _ = split(collect(spider.parse(respond(f"{SITE}/a-z.xml", "<az/>",
                                                  ctype="application/xml",
                                                  cls=TextResponse))))
    assert other.page.content_type == "application/xml" and not other.links


def test_soft_404_is_judged_against_the_hosts_baseline() -> None:
    spider = make_spider()
    spider.not_found["www.example.gov.uk"] = Observed(
        url=f"{SITE}/x", status=404, final_url=f"{SITE}/x", is_html=True,
        title="Sorry - Example District Council", h1="Page not here")
    soft = PAGE.replace("Bins and recycling", "Sorry - Example District Council")
    (item,), _ = split(collect(spider.parse(respond(f"{SITE}/old.htm", soft))))
    assert item.facts.soft404 and "same title" in item.facts.soft404
    (fine,), _ = split(collect(spider.parse(respond(f"{SITE}/bins/"))))
    assert fine.facts.soft404 is None


def test_a_malformed_href_does_not_cost_the_page_its_links() -> None:
    spider = make_spider()
    body = PAGE.replace("</body>", '<a href="http://localhost]">bad</a></body>')
    (item,), requests = split(collect(spider.parse(respond(f"{SITE}/bins/", body))))
    targets = {x.target_url for x in item.links}
    assert "http://localhost]" in targets and f"{SITE}/collections/" in targets
    assert requests
    assert spider.data.outbound["http://localhost]"].kind == "outbound"
