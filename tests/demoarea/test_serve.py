"""The served area: every planted fault behaves as the manifest declares, fetched with httpx."""

from __future__ import annotations

import os
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from demoarea import Area, RunningArea, build_area, serve
from poaudit.profile import parse_profile
from tests.demoarea.conftest import STALL_SECONDS, of_kind

Manifest = list[dict[str, Any]]


_CLIENT = httpx.Client(timeout=5.0)


def _get(url: str, **kw: Any) -> httpx.Response:
    """GET with one shared keep-alive client that keeps no cookies between requests."""
    try:
        return _CLIENT.get(url, **kw)
    finally:
        _CLIENT.cookies.clear()


def test_every_site_answers_on_its_own_port(running: RunningArea) -> None:
    ports = {h.split(":")[1] for h in running.hosts.values()}
    assert len(ports) == len(running.hosts) == 4
    for key, host in running.hosts.items():
        assert host.startswith("127.0.0.1:")
        resp = _get(running.base_url(key))
        assert resp.status_code == 200
        assert running.area.sites[key].name in resp.text


def test_keep_alive_head_and_404(running: RunningArea) -> None:
    with httpx.Client(timeout=5) as client:
        base = running.base_url("babergh")
        for _ in range(3):
            assert client.get(base).status_code == 200
        head = client.head(base)
        assert head.status_code == 200 and head.content == b""
        assert int(head.headers["content-length"]) > 1000
        missing = client.get(base + "no/such/page.htm")
        assert missing.status_code == 404 and "page not found" in missing.text.lower()
        assert client.post(base, data={"x": "1"}).status_code == 405


def test_conditional_get(running: RunningArea) -> None:
    url = running.url("suffolk", "/a-z/")
    first = _get(url)
    modified = first.headers["last-modified"]
    again = _get(url, headers={"If-Modified-Since": modified})
    assert again.status_code == 304 and again.content == b""
    other = _get(url, headers={"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"})
    assert other.status_code == 200


def test_near_misses_are_on_the_page(manifest: Manifest) -> None:
    near = of_kind(manifest, "near-miss")
    assert {e["of"] for e in near} == {"availability-statement", "usage-statistics",
                                       "response-standards"}
    for e in near:
        assert e["text"] in _get(e["url"]).text.replace("&#x27;", "'")
        assert e["expected"]["matches"] is False


def test_pages_link_to_partners_with_their_real_ports(running: RunningArea,
                                                      manifest: Manifest) -> None:
    links = of_kind(manifest, "deep-link")
    for e in links[:40]:
        host = urlsplit(e["target"]).netloc
        assert host == running.hosts[e["target_site"]]
        page = _get(e["url"])
        assert page.status_code == 200
        assert e["target"].replace("&", "&amp;") in page.text
    # every OK deep link answers 200
    for e in links:
        assert _get(e["target"]).status_code == 200, e


def _source_links_to_target(e: dict[str, Any]) -> None:
    page = _get(e["url"])
    assert page.status_code == 200
    target = urlsplit(e["target"])
    here = urlsplit(e["url"])
    href = e["target"] if target.netloc != here.netloc else e["target"].split(target.netloc)[1]
    assert href.replace("&", "&amp;") in page.text or e["target"] in page.text, e["id"]


def test_broken_links(manifest: Manifest) -> None:
    statuses = set()
    for e in of_kind(manifest, "broken-link"):
        _source_links_to_target(e)
        resp = _get(e["target"], follow_redirects=False)
        assert resp.status_code == e["expected"]["status"], e["id"]
        statuses.add(resp.status_code)
    assert statuses == {404, 410}


def test_unreachable_links(manifest: Manifest) -> None:
    errors = set()
    for e in of_kind(manifest, "unreachable-link"):
        _source_links_to_target(e)
        error = e["expected"]["error"]
        errors.add(error)
        if error == "refused":
            with pytest.raises(httpx.ConnectError):
                _get(e["target"])
        else:
            assert e["expected"]["stall_seconds"] == STALL_SECONDS
            start = time.monotonic()
            with pytest.raises(httpx.ReadTimeout):
                httpx.get(e["target"], timeout=httpx.Timeout(5.0, read=0.3))
            assert time.monotonic() - start < STALL_SECONDS
    assert errors == {"refused", "timeout"}


def test_stalled_handler_does_not_block_others(running: RunningArea, manifest: Manifest
                                               ) -> None:
    e = next(e for e in of_kind(manifest, "unreachable-link")
             if e["expected"]["error"] == "timeout")
    with httpx.Client(timeout=httpx.Timeout(5.0, read=0.3)) as slow, \
            pytest.raises(httpx.ReadTimeout):
        slow.get(e["target"])
    start = time.monotonic()
    assert _get(running.base_url(e["target_site"])).status_code == 200
    assert time.monotonic() - start < 0.5
    # a client willing to wait gets the page in the end
    resp = httpx.get(e["target"], timeout=STALL_SECONDS + 3)
    assert resp.status_code == 200


def test_soft_404s(manifest: Manifest) -> None:
    for e in of_kind(manifest, "soft-404"):
        _source_links_to_target(e)
        resp = _get(e["target"])
        assert resp.status_code == 200
        assert e["expected"]["text"] in resp.text.lower()


def test_redirect_to_home_and_shallow_links(manifest: Manifest) -> None:
    for e in of_kind(manifest, "redirect-to-home"):
        _source_links_to_target(e)
        resp = _get(e["target"], follow_redirects=True)
        assert resp.history[0].status_code == e["expected"]["status"]
        assert str(resp.url) == e["expected"]["final_url"]
        assert urlsplit(str(resp.url)).path == "/"
    for e in of_kind(manifest, "shallow-link"):
        _source_links_to_target(e)
        assert urlsplit(e["target"]).path == "/"
        assert _get(e["target"]).status_code == 200


def test_redirect_chains(manifest: Manifest) -> None:
    for e in of_kind(manifest, "redirect-chain"):
        _source_links_to_target(e)
        resp = _get(e["target"], follow_redirects=True)
        exp = e["expected"]
        assert [r.status_code for r in resp.history] == exp["statuses"]
        assert [str(r.url) for r in resp.history] == exp["hops"]
        assert len(resp.history) == exp["redirects"] == 3
        assert str(resp.url) == exp["final_url"] and resp.status_code == 200


def test_redirect_loops(manifest: Manifest) -> None:
    for e in of_kind(manifest, "redirect-loop"):
        _source_links_to_target(e)
        with pytest.raises(httpx.TooManyRedirects):
            _get(e["target"], follow_redirects=True)
        first = _get(e["target"])
        assert first.headers["location"] == e["expected"]["cycle"][1]
        second = _get(first.headers["location"])
        assert second.headers["location"] == e["expected"]["cycle"][0]


def test_cookie_redirect(manifest: Manifest) -> None:
    for e in of_kind(manifest, "cookie-redirect"):
        bare = _get(e["url"])
        assert bare.status_code == e["expected"]["status_without_cookie"]
        assert bare.headers["location"] == e["url"]
        assert e["expected"]["cookie"] in bare.headers["set-cookie"]
        # a client that drops cookies is redirected to the same URL for ever
        url = e["url"]
        for _ in range(5):
            resp = _get(url)
            assert resp.status_code == 302 and resp.headers["location"] == e["url"]
            url = resp.headers["location"]
        # one that keeps them gets the page after one redirect
        with httpx.Client(follow_redirects=True, timeout=5) as jar:
            resp = jar.get(e["url"])
            assert resp.status_code == 200 and len(resp.history) == 1


def test_bot_challenge_and_rate_limit(manifest: Manifest) -> None:
    (e,) = of_kind(manifest, "bot-challenge")
    _source_links_to_target(e)
    resp = _get(e["target"])
    assert resp.status_code == 403 and "checking your browser" in resp.text.lower()
    (e,) = of_kind(manifest, "rate-limited")
    _source_links_to_target(e)
    resp = _get(e["target"])
    assert resp.status_code == 429
    assert int(resp.headers["retry-after"]) == e["expected"]["retry_after"]


def test_missing_fragments(manifest: Manifest) -> None:
    for e in of_kind(manifest, "missing-fragment"):
        _source_links_to_target(e)
        frag = e["expected"]["fragment"]
        assert e["target"].endswith("#" + frag)
        resp = _get(e["target"])
        assert resp.status_code == 200
        assert f'id="{frag}"' not in resp.text and f'name="{frag}"' not in resp.text


def test_huge_binary_and_legacy_encoding(manifest: Manifest) -> None:
    (e,) = of_kind(manifest, "huge-page")
    resp = _get(e["url"], timeout=20)
    assert len(resp.content) > e["expected"]["exceeds"]
    assert len(resp.content) >= e["expected"]["min_bytes"]
    assert resp.headers["content-type"] == e["expected"]["content_type"]
    (e,) = of_kind(manifest, "binary-as-html")
    resp = _get(e["url"])
    assert resp.headers["content-type"] == "text/html"
    assert resp.content.startswith(e["expected"]["magic"].encode()) and b"\0" in resp.content
    (e,) = of_kind(manifest, "legacy-encoding")
    resp = _get(e["url"])
    assert resp.headers["content-type"] == "text/html"
    assert b"charset" not in resp.content.lower()
    with pytest.raises(UnicodeDecodeError):
        resp.content.decode("utf-8")
    text = resp.content.decode(e["expected"]["encoding"])
    for snippet in e["expected"]["text"]:
        assert snippet in text


def test_robots(running: RunningArea, manifest: Manifest) -> None:
    for e in of_kind(manifest, "robots-disallowed"):
        robots = _get(e["url"])
        assert robots.status_code == 200 and robots.text == e["expected"]["robots_txt"]
        for url in e["urls"]:
            path = urlsplit(url).path
            assert any(path.startswith(p) for p in e["expected"]["disallow"])
            assert f"Disallow: {e['expected']['disallow'][0]}" in robots.text
            assert _get(url).status_code == 200  # there, just not to be crawled
    (e,) = of_kind(manifest, "robots-txt")
    assert _get(e["url"]).status_code == 404


def test_private_address_links_point_at_the_canary(running: RunningArea,
                                                   manifest: Manifest) -> None:
    links = of_kind(manifest, "private-address-link")
    hosts = {urlsplit(e["target"]).hostname for e in links}
    assert hosts == {"localhost", "127.0.0.1"}
    for e in links:
        assert urlsplit(e["target"]).netloc not in running.hosts.values()
        _source_links_to_target(e)


def test_calendar_is_an_endless_trap(manifest: Manifest) -> None:
    for e in of_kind(manifest, "infinite-calendar"):
        url = e["target"]
        seen = set()
        with httpx.Client(timeout=5) as client:
            for _ in range(15):
                resp = client.get(url)
                assert resp.status_code == 200
                seen.add(url)
                nxt = resp.text.split('">Next month</a>')[0].rsplit('href="', 1)[1]
                url = str(httpx.URL(url).join(nxt.replace("&amp;", "&")))
        assert len(seen) == 15


def test_availability_usage_and_standards_pages(manifest: Manifest) -> None:
    for e in of_kind(manifest, "availability-statement"):
        text = _get(e["url"]).text
        exp = e["expected"]
        if exp["past_performance"]:
            assert f"{exp['percentage']}%" in text and "12 months" in text
        assert exp["commitment_percentage"] + "%" in text
    for e in of_kind(manifest, "usage-statistics"):
        text = _get(e["url"]).text
        for year, value in e["expected"]["page_impressions"].items():
            assert year in text and f"{value:,}" in text
    for e in of_kind(manifest, "response-standards"):
        text = _get(e["url"]).text
        assert e["expected"]["acknowledgement_text"] in text


def test_atoz_pages_and_xml(manifest: Manifest) -> None:
    styles = set()
    pages: dict[str, str] = {}
    for e in of_kind(manifest, "atoz"):
        styles.add(e["style"])
        assert _get(e["url"]).status_code == 200
        for entry in e["expected"]["entries"]:
            if entry["page"] not in pages:
                pages[entry["page"]] = _get(entry["page"]).text
            page = pages[entry["page"]]
            for link in entry["links"]:
                href = link["url"]
                if not link["deep"]:
                    href = "/" + href.split("/", 3)[3]
                assert href.replace("&", "&amp;") in page or link["url"] in page
    assert styles == {"letter-pages", "jadu-letter", "letter-param", "one-page"}
    for e in of_kind(manifest, "atoz-xml"):
        resp = _get(e["url"])
        assert resp.headers["content-type"] == "application/xml"
        assert resp.text.count("<Entry ") == e["expected"]["entries"]


def test_directgov_link_goes_to_loopback_stand_in(manifest: Manifest) -> None:
    for e in of_kind(manifest, "national-portal-link"):
        assert urlsplit(e["target"]).hostname == "127.0.0.1"
        assert ">Directgov</a>" in _get(e["url"]).text
        assert "Directgov" in _get(e["target"]).text


def test_profiles_validate(running: RunningArea) -> None:
    for key in running.hosts:
        profile = parse_profile(running.profile(key), f"<{key}>")
        assert profile.allowed_hosts == [running.hosts[key]]
        assert profile.crawl.allow_private_addresses
        partners = {h for p in profile.partners for h in p.hosts}
        assert partners == {running.hosts[p] for p in running.area.sites[key].partners}


def test_hits_are_recorded(running: RunningArea) -> None:
    url = running.url("peterborough", "/a_to_z")
    before = running.hits().get(("peterborough", "GET", "/a_to_z"), 0)
    _get(url)
    _get(url)
    assert running.hits()[("peterborough", "GET", "/a_to_z")] == before + 2


def test_server_process_is_gone_after_exit(area: Area) -> None:
    with serve(area) as running:
        pid = running.pid
        host, port = running.hosts["suffolk"].split(":")
        assert os.path.exists(f"/proc/{pid}")
    assert not running.running
    assert not os.path.exists(f"/proc/{pid}") or _zombie(pid)
    with pytest.raises(OSError), socket.create_connection((host, int(port)), timeout=1):
        pass


def test_server_stops_when_the_test_fails(area: Area) -> None:
    pid = 0
    with pytest.raises(RuntimeError), serve(area) as running:
        pid = running.pid
        raise RuntimeError("a failing test")
    assert pid and (not os.path.exists(f"/proc/{pid}") or _zombie(pid))


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].startswith("Z")
    except OSError:
        return True


def test_small_area_builds_and_starts_quickly() -> None:
    start = time.monotonic()
    with serve(build_area(seed=7, pages_per_site=50)) as running:
        assert _get(running.base_url("mid-suffolk")).status_code == 200
    assert time.monotonic() - start < 2.0
