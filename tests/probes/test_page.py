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
