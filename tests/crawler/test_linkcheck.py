"""The link checker's verdicts, on an in-memory HTTP transport (httpx.MockTransport).

Host names resolve through a fake resolver to a documentation address, so nothing is looked
up or fetched on the network.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from crawler.linkcheck import CheckOptions, LinkChecker, LinkTarget
from crawler.safety import AddressPolicy
from poaudit.store.records import LinkCheckRecord

HOME = ('<html><head><title>Example Council - Home</title></head><body><h1>Welcome to Example '
        'Council</h1><p>Council tax, bins, schools, planning and more.</p><p>{filler}</p>'
        '</body></html>').format(filler="News and events from around the district. " * 20)
NOT_FOUND = ('<html><head><title>Page not found</title></head><body><h1>Sorry</h1><p>The page '
             'you asked for cannot be found. Try the A to Z.</p></body></html>')


def page(title: str, body: str = "", ids: tuple[str, ...] = ()) -> str:
    anchors = "".join(f'<h2 id="{i}">{i}</h2>' for i in ids)
    text = body or f"All about {title}. " * 30
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{anchors}" \
           f"<p>{text}</p></body></html>"


Routes = dict[str, Callable[[httpx.Request], httpx.Response]]


def html(text: str, status: int = 200, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(
        status, headers={"content-type": "text/html; charset=utf-8", **headers}, text=text)


def redirect(to: str, status: int = 301) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, headers={"location": to})


Handler = Callable[[httpx.Request], httpx.Response]


def site(routes: Routes, hits: Counter[str], missing: Handler | None = None
         ) -> httpx.MockTransport:
    """A site: ``routes`` by host+path, a home page at ``/``, else ``missing`` (a 404 page)."""
    def handle(request: httpx.Request) -> httpx.Response:
        key = f"{request.method} {request.url.host}{request.url.raw_path.decode()}"
        hits[key] += 1
        route = routes.get(f"{request.url.host}{request.url.raw_path.decode()}")
        if route is not None:
            return route(request)
        if request.url.path == "/":
            return html(HOME)(request)
        return (missing or html(NOT_FOUND, 404))(request)

    return httpx.MockTransport(handle)


PUBLIC = "93.184.216.34"  # a global address; MockTransport never connects to it


async def _public(host: str, port: int) -> list[str]:
    return [PUBLIC]


def run(targets: list[LinkTarget], routes: Routes, *, resolver: Callable[..., object] = _public,
        allow_private: bool = True, missing: Handler | None = None,
        **options: object) -> tuple[list[LinkCheckRecord], Counter[str]]:
    hits: Counter[str] = Counter()
    policy = AddressPolicy(allow_private=allow_private, resolver=resolver)  # type: ignore[arg-type]
    opts = CheckOptions(timeout=2.0, policy=policy, **options)  # type: ignore[arg-type]

    async def go() -> list[LinkCheckRecord]:
        checker = LinkChecker(opts, transport=site(routes, hits, missing))
        try:
            return await checker.check_all(targets)
        finally:
            await checker.aclose()

    return asyncio.run(go()), hits


def one(url: str, routes: Routes, text: str = "Parking permits", **kw: object) -> LinkCheckRecord:
    (record,), _ = run([LinkTarget(url, "partner", "Example Council", (text,))], routes, **kw)
    return record


def test_uses_get_not_head() -> None:
    routes: Routes = {"example.gov.uk/parking/": lambda r: httpx.Response(
        404 if r.method == "HEAD" else 200, headers={"content-type": "text/html"},
        text=page("Parking permits"))}
    records, hits = run([LinkTarget("http://example.gov.uk/parking/")], routes)
    assert records[0].verdict == "ok" and records[0].owner is None
    assert hits["GET example.gov.uk/parking/"] == 1 and not hits["HEAD example.gov.uk/parking/"]


def test_cookie_jar_lets_a_self_redirect_through() -> None:
    def gate(request: httpx.Request) -> httpx.Response:
        if "SESSION=1" in request.headers.get("cookie", ""):
            return html(page("Your account"))(request)
        return httpx.Response(302, headers={"location": "/account",
                                            "set-cookie": "SESSION=1; Path=/"})

    record = one("http://example.gov.uk/account", {"example.gov.uk/account": gate})
    assert record.verdict == "ok" and [h["status"] for h in record.hops] == [302]


def test_redirect_loop_and_hop_limit() -> None:
    loop = one("http://example.gov.uk/a", {"example.gov.uk/a": redirect("/b"),
                                           "example.gov.uk/b": redirect("/a", 302)})
    assert loop.verdict == "broken" and loop.evidence["headline"] == "redirect-loop"
    assert loop.evidence["cycle"] == ["http://example.gov.uk/a", "http://example.gov.uk/b"]
    chain: Routes = {f"example.gov.uk/r{i}": redirect(f"/r{i + 1}") for i in range(10)}
    many = one("http://example.gov.uk/r0", chain, max_redirects=3)
    assert many.verdict == "broken" and many.evidence["headline"] == "too-many-redirects"
    assert len(many.hops) == 4


@pytest.mark.parametrize(("status", "body", "verdict", "headline"), [
    (404, NOT_FOUND, "broken", "page-not-found"),
    (410, NOT_FOUND, "broken", "page-gone"),
    (418, "", "broken", "client-error"),
    (500, "", "broken", "server-error"),
    (503, "", "broken", "server-error"),
    (401, "", "caution", "login-required"),
    (403, page("Just a moment...", "Checking your browser before accessing"), "caution",
     "bot-challenge"),
    (403, page("Forbidden"), "caution", "forbidden"),
    (429, page("Too many requests"), "caution", "rate-limited"),
])
def test_status_verdicts(status: int, body: str, verdict: str, headline: str) -> None:
    record = one("http://example.gov.uk/x", {"example.gov.uk/x": html(body, status,
                                                                       **{"retry-after": "60"})})
    assert (record.verdict, record.evidence["headline"], record.status) == (verdict, headline,
                                                                           status)
    assert record.summary and record.fix


def test_soft_404_against_the_hosts_not_found_page() -> None:
    soft = one("http://example.gov.uk/old.htm", {"example.gov.uk/old.htm": html(NOT_FOUND)})
    assert soft.verdict == "soft-404"
    assert soft.evidence["comparison"]["title_matches_not_found"]
    assert soft.evidence["baseline"]["not_found"]["status"] == 404
    real = one("http://example.gov.uk/bins", {"example.gov.uk/bins": html(page("Bins"))})
    assert real.verdict == "ok"


def test_soft_404_by_redirect_to_an_error_page() -> None:
    # This site sends every unknown address to its error page, which answers 200.
    error = "/error.aspx?aspxerrorpath=x"
    routes: Routes = {"example.gov.uk" + error: html(page("Error", "Oops, something is wrong")),
                      "example.gov.uk/gone.aspx": redirect(error, 302)}
    record = one("http://example.gov.uk/gone.aspx", routes, missing=redirect(error, 302))
    assert record.verdict == "soft-404" and "error.aspx" in record.summary


def test_shallow_home_search_and_landing() -> None:
    home = one("http://example.gov.uk/", {}, text="Apply for a parking permit")
    assert home.verdict == "shallow" and home.evidence["headline"] == "shallow-home"
    named = one("http://example.gov.uk/", {}, text="Example Council")
    assert named.verdict == "ok"  # the link means the home page
    moved = one("http://example.gov.uk/parking.asp", {"example.gov.uk/parking.asp": redirect("/")})
    assert moved.verdict == "shallow" and "redirects to the home page" in moved.summary
    search = one("http://example.gov.uk/permits", {
        "example.gov.uk/permits": redirect("/search?q=permits"),
        "example.gov.uk/search?q=permits": html(page("Search results"))})
    assert search.evidence["headline"] == "shallow-search"
    landing = one("http://example.gov.uk/services/parking/permits.aspx", {
        "example.gov.uk/services/parking/permits.aspx": redirect("/services/"),
        "example.gov.uk/services/": html(page("Services"))})
    assert landing.evidence["headline"] == "shallow-landing"


def test_fragments_share_one_fetch_and_are_decoded() -> None:
    routes: Routes = {"example.gov.uk/fees": html(page("Fees", ids=("good", "café", "a|b")))}
    targets = [LinkTarget(f"http://example.gov.uk/fees#{f}")
               for f in ("good", "bad", "caf%C3%A9", "a%7Cb", "top")]
    records, hits = run(targets, routes)
    verdicts = [r.verdict for r in records]
    assert verdicts == ["ok", "fragment-missing", "ok", "ok", "ok"]
    assert hits["GET example.gov.uk/fees"] == 1
    assert "good" in records[1].evidence["anchors_on_page"]


def _raising(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        raise exc

    return handle


def test_network_failures() -> None:
    tls = httpx.ConnectError("handshake failed")
    tls.__cause__ = ssl.SSLCertVerificationError("certificate verify failed: expired")
    record = one("https://example.gov.uk/x", {"example.gov.uk/x": _raising(tls)})
    assert (record.verdict, record.evidence["headline"]) == ("caution", "tls-error")
    refused = httpx.ConnectError("All connection attempts failed")
    refused.__context__ = ConnectionRefusedError(111, "Connection refused")
    record = one("http://example.gov.uk/x", {"example.gov.uk/x": _raising(refused)})
    assert (record.verdict, record.evidence["headline"]) == ("connection-error",
                                                             "connection-refused")
    record = one("http://example.gov.uk/x", {"example.gov.uk/x": _raising(
        httpx.ReadTimeout("slow"))})
    assert record.verdict == "timeout"

    async def no_such_host(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    record = one("http://no-such-council.gov.uk/", {}, resolver=no_such_host)
    assert (record.verdict, record.evidence["headline"]) == ("connection-error", "dns-failure")


def test_urls_that_are_not_web_addresses() -> None:
    records, hits = run([LinkTarget("http://"), LinkTarget("file:///S:/Planning/form.doc"),
                         LinkTarget("ftp://example.gov.uk/x"),
                         LinkTarget("http://exa mple.gov.uk/")], {})
    assert [(r.verdict, r.evidence["headline"]) for r in records] == [
        ("broken", "invalid-url"), ("broken", "file-url"), ("not-checked", "unsupported-scheme"),
        ("broken", "invalid-url")]
    assert not hits


def test_private_addresses_are_refused_even_after_a_redirect() -> None:
    async def intranet(host: str, port: int) -> list[str]:
        return ["10.1.2.3"] if host == "intranet.example.gov.uk" else [PUBLIC]

    direct = one("http://intranet.example.gov.uk/", {}, resolver=intranet, allow_private=False)
    assert (direct.verdict, direct.evidence["headline"]) == ("not-checked", "private-address")
    records, hits = run([LinkTarget("http://example.gov.uk/go")], {
        "example.gov.uk/go": redirect("http://169.254.169.254/latest/meta-data/")},
        allow_private=False)
    assert records[0].verdict == "not-checked" and "redirects" in records[0].summary
    assert not [k for k in hits if "169.254" in k]
