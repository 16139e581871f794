"""The shared Page: hostile hrefs never cost a page its other links, nor crash a probe."""

from __future__ import annotations

from probes.base import Page, host_of


def test_malformed_href_is_skipped_not_fatal() -> None:
    html = '<base href="http://a/b/"><a href="http://host]">x</a><a href="c#top">C</a>'
    page = Page("http://a/", "http://a/", 200, html)
    assert [(x.url, x.fragment, x.text) for x in page.links] == [
        ("http://host]", "", "x"),  # kept as written: the link checker reports it broken
        ("http://a/b/c", "top", "C"),
    ]
    assert host_of(page.links[0].url) == ""


def test_host_of_tolerates_bad_input() -> None:
    assert host_of("http://host]") == ""
    assert host_of("http://Example.ORG:8080/x") == "example.org:8080"
    assert host_of("http://example.org:bad/") == "example.org"


def test_meta_refresh_target_is_a_link_and_a_plain_reload_is_not() -> None:
    def links(content: str, equiv: str = "refresh") -> list[tuple[str, str, str]]:
        page = Page(url="http://www.example.gov.uk/a/old.htm",
                    final_url="http://www.example.gov.uk/a/old.htm", status=200,
                    text=f'<html><head><meta http-equiv="{equiv}" content="{content}"></head>'
                         '<body><a href="/q">q</a></body></html>')
        return [(link.url, link.fragment, link.tag) for link in page.links]

    q = ("http://www.example.gov.uk/q", "", "a")
    assert links("0; url=new.htm") == [("http://www.example.gov.uk/a/new.htm", "", "meta"), q]
    assert links("5;URL='http://www.county.gov.uk/x#y'") == [
        ("http://www.county.gov.uk/x", "y", "meta"), q]
    assert links("0; URL = /b/") == [("http://www.example.gov.uk/b/", "", "meta"), q]
    assert links("30") == [q]  # reloads itself: no target
    assert links("0; url=new.htm", equiv="content-type") == [q]


def test_malformed_base_href_falls_back_to_the_page_url() -> None:
    # browsers ignore an invalid <base href>; the page keeps its links, resolved against itself
    for base in ("http://host]", "http://a:port/"):
        html = f'<base href="{base}"><a href="/x">X</a><a href="y#f">Y</a>'
        page = Page("http://a.gov.uk/d/p", "http://a.gov.uk/d/p", 200, html)
        assert page.base_url == "http://a.gov.uk/d/p"
        assert [(x.url, x.fragment) for x in page.links] == [
            ("http://a.gov.uk/x", ""), ("http://a.gov.uk/d/y", "f")]


def test_resolve_matches_urljoin_whatever_the_base() -> None:
    # the remembered root-relative and absolute results must not leak between bases
    from urllib.parse import urldefrag, urljoin

    bases = ["http://a.gov.uk/d/p", "https://a.gov.uk/e/", "http://b.gov.uk:8080/q?x=1",
             "http://a.gov.uk/d/p"]
    hrefs = ["/x/../y?z#f", "/", "http://c.gov.uk/a?", "https://c.gov.uk/a?#", "q/r",
             "../s", "//d.gov.uk/t", "/a;p?q"]
    for base in bases:
        page = Page(base, base, 200, "<p>")
        for href in hrefs:
            assert page.resolve(href) == tuple(urldefrag(urljoin(base, href))), (base, href)
