"""Check links that leave the site: each distinct target once per run, politely, with evidence.

What GOV.UK's link-checker-api learned checking ~40,000 council links a night, applied here:
GET, not HEAD (many council IIS servers answer HEAD with 404); one cookie jar for the run
(some pages redirect to themselves until a session cookie is set); redirects followed hop by
hop with a hop limit and loop detection; bot challenges (403), 429 and TLS certificate faults
are "caution — check by hand", not "broken". Pages that answer 200 are compared with two
baselines per target host — a path that cannot exist and the home page — to find soft 404s and
shallow links (the seed's "Deep Linking" rule: a link to a home page is not enough).

Concurrency is bounded per target host (the profile's ``concurrency_per_host``) and overall.
Every connection goes through :mod:`crawler.safety`. Link checks do not consult robots.txt:
they are single fetches of pages a council page links to, as a visitor's browser would make.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from crawler.assess import Baseline, Observed, assess, similarity, summarise_html
from crawler.decode import binary_kind, decode_html, media_type
from crawler.messages import describe
from crawler.safety import AddressPolicy, Refused, guard_transport
from crawler.urls import home_path, host_of, normalise, split_fragment
from poaudit.store.records import LinkCheckRecord

__all__ = ["CheckOptions", "LinkChecker", "LinkTarget", "check_links"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """A distinct link target (with its fragment) and what the site says about it."""

    url: str
    kind: str = "outbound"  # outbound | partner | internal | other
    owner: str | None = None
    texts: tuple[str, ...] = ()  # link texts seen for it (a few)


@dataclass(frozen=True)
class CheckOptions:
    """How link checks behave (from the profile's crawl limits)."""

    user_agent: str = "poaudit"
    timeout: float = 20.0
    max_redirects: int = 10
    max_bytes: int = 5_000_000
    per_host: int = 2
    total: int = 32
    policy: AddressPolicy = field(default_factory=AddressPolicy)


class LinkChecker:
    """Fetches each distinct URL once (fragments share a fetch) and judges each target."""

    def __init__(self, options: CheckOptions,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.options = options
        if transport is None:
            real = httpx.AsyncHTTPTransport(
                limits=httpx.Limits(max_connections=options.total,
                                    max_keepalive_connections=options.total),
                retries=0,
            )
            guard_transport(real, options.policy)
            transport = real
        self.client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(options.timeout),
            headers={
                "User-Agent": options.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "en-GB,en;q=0.8",
            },
            trust_env=False,
        )
        self._fetches: dict[str, asyncio.Task[Observed]] = {}
        self._baselines: dict[str, asyncio.Task[Baseline]] = {}
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._total = asyncio.Semaphore(options.total)

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- fetching -----------------------------------------------------------------------------
    def fetch(self, url: str) -> asyncio.Task[Observed]:
        """The (shared) fetch of ``url`` without fragment."""
        task = self._fetches.get(url)
        if task is None:
            task = self._fetches[url] = asyncio.ensure_future(self._fetch(url))
        return task

    def baseline(self, url: str) -> asyncio.Task[Baseline]:
        """The baselines of ``url``'s host, fetched once per host."""
        host = host_of(url)
        task = self._baselines.get(host)
        if task is None:
            task = self._baselines[host] = asyncio.ensure_future(self._baseline(url))
        return task

    async def _baseline(self, url: str) -> Baseline:
        home = home_path(url)
        missing = urljoin(home, f"/poaudit-{secrets.token_hex(6)}-no-such-page.html")
        nf, hp = await asyncio.gather(self.fetch(missing), self.fetch(home))
        return Baseline(not_found=nf, home=hp)

    async def _fetch(self, url: str) -> Observed:
        opts = self.options
        hops: list[dict[str, Any]] = []
        seen: dict[tuple[str, tuple[Any, ...]], int] = {}
        current = url
        started = time.monotonic()
        for _ in range(opts.max_redirects + 1):
            key = (current, self._jar())
            if key in seen:  # same URL, same cookies: the server will answer the same
                cycle = [h["url"] for h in hops[seen[key]:]]
                return Observed(url, hops[-1]["status"], current, hops,
                                problem="redirect-loop", cycle=cycle)
            seen[key] = len(hops)
            obs = await self._one(current, hops, url)
            obs.elapsed_ms = round((time.monotonic() - started) * 1000, 1)
            if obs.problem or obs.location is None:
                return obs
            location = obs.location
            hops.append({"url": current, "status": obs.status, "location": location})
            if urlsplit(location).scheme not in ("http", "https"):
                problem = "file-url" if location.startswith("file:") else "invalid-url"
                return Observed(url, obs.status, location, hops, problem=problem)
            current = location
        return Observed(url, hops[-1]["status"] if hops else None, current, hops,
                        problem="too-many-redirects")

    def _jar(self) -> tuple[Any, ...]:
        return tuple(sorted((c.domain, c.path, c.name, c.value or "")
                            for c in self.client.cookies.jar))

    def _slot(self, host: str) -> asyncio.Semaphore:
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.options.per_host)
        return sem

    async def _one(self, url: str, hops: list[dict[str, Any]], first: str) -> Observed:
        """One request (no redirect following): the response, or the problem it hit."""
        opts = self.options
        try:
            target = httpx.URL(url)
            if target.scheme not in ("http", "https") or not target.host:
                raise httpx.InvalidURL(f"not an absolute web address: {url}")
        except (httpx.InvalidURL, ValueError) as exc:
            return Observed(first, None, url, hops, problem="invalid-url", error=str(exc))
        host = host_of(url)
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            await opts.policy.resolve(target.host, port)
        except Refused as exc:
            return Observed(first, None, url, hops, problem="private-address",
                            error=str(exc), address=exc.address)
        except OSError as exc:
            return Observed(first, None, url, hops, problem="dns-failure", error=str(exc))
        async with self._slot(host), self._total:
            try:
                async with asyncio.timeout(opts.timeout * 3 + 5):
                    return await self._request(url, hops, first)
            except (httpx.TimeoutException, TimeoutError):
                return Observed(first, None, url, hops, problem="timeout",
                                error=f"no answer within {opts.timeout:g}s")
            except httpx.UnsupportedProtocol as exc:
                return Observed(first, None, url, hops, problem="invalid-url", error=str(exc))
            except httpx.ConnectError as exc:
                return Observed(first, None, url, hops, problem=_connect_problem(exc),
                                error=_short(exc))
            except (httpx.HTTPError, OSError) as exc:
                return Observed(first, None, url, hops, problem="connection-error",
                                error=_short(exc))

    async def _request(self, url: str, hops: list[dict[str, Any]], first: str) -> Observed:
        request = self.client.build_request("GET", url)
        response = await self.client.send(request, stream=True)
        try:
            status = response.status_code
            headers = response.headers
            if status in REDIRECTS and "location" in headers:
                location = urljoin(url, headers["location"].strip())
                return Observed(first, status, url, hops, location=split_fragment(location)[0])
            ctype = headers.get("content-type", "")
            obs = Observed(first, status, url, hops, content_type=ctype,
                           retry_after=headers.get("retry-after"))
            if media_type(ctype) not in HTML_TYPES:
                return obs
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) >= self.options.max_bytes:
                    break
        finally:
            await response.aclose()
        data = bytes(body)
        if binary_kind(data):
            obs.content_type = f"{ctype} (really {binary_kind(data)})"
            return obs
        obs.is_html = True
        decoded = decode_html(data, ctype)
        return summarise_html(obs, None, decoded.text)

    # -- judging ------------------------------------------------------------------------------
    async def check(self, target: LinkTarget) -> LinkCheckRecord:
        """The verdict on one target (fetching what it needs, sharing fetches)."""
        url, fragment = split_fragment(target.url)
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "file":
            obs = Observed(url, None, url, problem="file-url")
        elif scheme not in ("http", "https"):
            obs = Observed(url, None, url, problem="unsupported-scheme")
        elif normalise(url) is None:
            obs = Observed(url, None, url, problem="invalid-url")
        else:
            obs = await self.fetch(url)
        baseline = Baseline()
        if obs.status is not None and 200 <= obs.status < 300 and obs.is_html:
            baseline = await self.baseline(obs.final_url)
        problems, facts = assess(url, fragment, obs, baseline, target.texts)
        facts.update(scheme=scheme, timeout=f"{self.options.timeout:g}",
                     max_redirects=self.options.max_redirects)
        message = describe(problems, facts, redirected=bool(obs.hops))
        return LinkCheckRecord(
            url=target.url,
            verdict=message.verdict,
            status=obs.status,
            final_url=obs.final_url if obs.final_url != url or obs.hops else None,
            summary=message.summary,
            fix=message.fix,
            owner=target.owner,
            hops=[{"url": h["url"], "status": h["status"]} for h in obs.hops],
            evidence=_evidence(target, obs, baseline, problems, message.key),
            checked_at=datetime.now(UTC),
        )

    async def check_all(self, targets: Iterable[LinkTarget],
                        on_result: Callable[[LinkCheckRecord], None] | None = None
                        ) -> list[LinkCheckRecord]:
        """Check every target concurrently; results in input order."""
        items = list(targets)

        async def one(t: LinkTarget) -> LinkCheckRecord:
            record = await self.check(t)
            if on_result is not None:
                on_result(record)
            return record

        return list(await asyncio.gather(*(one(t) for t in items)))


def _evidence(target: LinkTarget, obs: Observed, baseline: Baseline, problems: Sequence[str],
              headline: str) -> dict[str, Any]:
    out: dict[str, Any] = {"problems": list(problems), "headline": headline,
                           "kind": target.kind, "fetch": obs.brief(),
                           "content_type": obs.content_type, "elapsed_ms": obs.elapsed_ms}
    if target.texts:
        out["link_texts"] = list(target.texts)
    if obs.cycle:
        out["cycle"] = obs.cycle
    if obs.address:
        out["address"] = obs.address
    if obs.retry_after:
        out["retry_after"] = obs.retry_after
    if "fragment-missing" in problems and obs.anchors is not None:
        out["anchors_on_page"] = sorted(obs.anchors)[:30]
    nf, home = baseline.not_found, baseline.home
    if nf is not None or home is not None:
        out["baseline"] = {"not_found": nf.brief() if nf else None,
                           "home": home.brief() if home else None}
        out["comparison"] = {
            "similarity_to_not_found": round(similarity(obs.shingles, nf.shingles), 3)
            if nf else None,
            "similarity_to_home": round(similarity(obs.shingles, home.shingles), 3)
            if home else None,
            "title_matches_not_found": bool(nf and obs.title and obs.title == nf.title),
            "title_matches_home": bool(home and obs.title and obs.title == home.title),
            "final_url_is_home": bool(home and obs.final_url == home.final_url),
            "canonical_is_home": bool(home and obs.canonical
                                      and obs.canonical == home.canonical),
        }
    return out


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it was raised from (exception groups included)."""
    out: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(out) < 20:
        cur = todo.pop()
        if cur in out:
            continue
        out.append(cur)
        if isinstance(cur, BaseExceptionGroup):
            todo.extend(cur.exceptions)
        for nxt in (cur.__cause__, cur.__context__):
            if nxt is not None:
                todo.append(nxt)
    return out


def _connect_problem(exc: Exception) -> str:
    causes = _causes(exc)
    if any(isinstance(c, ssl.SSLError) for c in causes):
        return "tls-error"
    if any(isinstance(c, socket.gaierror) for c in causes):
        return "dns-failure"
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection-refused"
    text = " ".join(str(c).lower() for c in causes)
    if "poaudit refused" in text:
        return "private-address"
    if "certificate" in text or "ssl" in text:
        return "tls-error"
    if "connection refused" in text or "errno 111" in text:
        return "connection-refused"
    if "name or service" in text or "name resolution" in text or "nodename" in text:
        return "dns-failure"
    return "connection-error"


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:300]


def check_links(targets: Iterable[LinkTarget], options: CheckOptions,
                on_result: Callable[[LinkCheckRecord], None] | None = None
                ) -> list[LinkCheckRecord]:
    """Check ``targets`` (a blocking call: runs its own event loop)."""

    async def run() -> list[LinkCheckRecord]:
        checker = LinkChecker(options)
        try:
            return await checker.check_all(targets, on_result)
        finally:
            await checker.aclose()

    return asyncio.run(run())
