"""The site spider: a plain Scrapy Spider (no CrawlSpider rules, no LinkExtractor).

For each HTML page it decodes the body once and hands it to the plan's analyser
(:mod:`crawler.analyse`: one lxml parse, the probes, the links and page facts from that parse,
on this thread or in an analysis process) and goes on fetching while it waits. Links are
normalised and deduplicated *before* a request is built, then checked against robots.txt (read
by the spider itself, before any page of the host is requested, and recorded), the profile's
include/exclude rules, the trap guard and the depth and page limits. Every URL fetched becomes
one :class:`~crawler.items.PageItem`; redirects are recorded hop by hop and a redirect's target
is processed once, as its own page.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import scrapy
from protego import Protego
from scrapy import signals
from scrapy.exceptions import StopDownload
from scrapy.http import Request, Response
from twisted.internet import error as twisted_errors
from twisted.python.failure import Failure

from crawler.analyse import Analyser, AnalysisFailed, PageInput
from crawler.assess import Observed, summarise_html
from crawler.collect import STICKY, CrawlData
from crawler.decode import binary_kind, decode_html, media_type
from crawler.items import PageFacts, PageItem
from crawler.owners import Owners
from crawler.traps import TrapGuard
from crawler.urls import host_of, link_kind, normalise
from poaudit.findings import Finding, Kind
from poaudit.profile import Profile
from poaudit.store.records import LinkRecord, PageRecord

__all__ = ["CrawlPlan", "SiteSpider"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
ROBOTS_PROBE = "crawl-robots"
MAX_ANCHOR_TEXT = 300
MAX_CRAWL_DELAY = 60.0


@dataclass
class CrawlPlan:
    """Everything the spider needs, built by :mod:`crawler.run` (in the crawl process)."""

    profile: Profile
    user_agent: str
    owners: Owners
    guard: TrapGuard
    analyser: Analyser
    data: CrawlData
    sink: Callable[[PageItem], None]  # the store writer (called by the item pipeline)
    progress: Callable[[dict[str, Any]], None] | None = None
    seen: set[str] = field(default_factory=set)
    frontier: list[tuple[str, int, str | None]] = field(default_factory=list)
    replay: list[tuple[str, int]] = field(default_factory=list)
    robots_findings: list[Finding] = field(default_factory=list)
    robots_stored: set[str] = field(default_factory=set)
    # pages handed to the analyser, not yet given to the writer (see crawler.analyse)
    inflight: set[str] = field(default_factory=set)
    # pages a resumed crawl's probe state already holds (analysed again, not absorbed)
    absorbed: set[str] = field(default_factory=set)


def _headers(response: Response) -> dict[str, str]:
    out = {}
    for name, values in response.headers.items():
        if values:
            out[name.decode("latin-1").lower()] = values[0].decode("latin-1")
    return out


def _failure_problem(failure: Failure) -> tuple[str, str]:
    """(problem key, message) for a failed download."""
    exc = failure.value
    text = str(exc) or type(exc).__name__
    if isinstance(exc, twisted_errors.TimeoutError | twisted_errors.TCPTimedOutError):
        return "timeout", text
    if isinstance(exc, twisted_errors.ConnectionRefusedError):
        return "connection-refused", text
    if isinstance(exc, twisted_errors.DNSLookupError):
        return "dns-failure", text
    if "timeout" in type(exc).__name__.lower() or "took longer than" in text:
        return "timeout", text
    if "ssl" in text.lower() or "certificate" in text.lower():
        return "tls-error", text
    return "connection-error", text


class SiteSpider(scrapy.Spider):
    """Crawls the profile's hosts; see the module docstring."""

    name = "poaudit"

    def __init__(self, plan: CrawlPlan, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan
        profile = plan.profile
        self.limits = profile.crawl
        self.site_hosts = frozenset(profile.allowed_hosts)
        self.owners = plan.owners
        self.data = plan.data
        self.guard = plan.guard
        self.seen = plan.seen
        self.include = [re.compile(x) for x in self.limits.include]
        self.exclude = [re.compile(x) for x in self.limits.exclude]
        self.robots: dict[str, Protego | None] = {}
        self.not_found: dict[str, Observed | None] = {}
        self.ready: set[str] = set()
        self.crawl_delay: dict[str, float] = {}
        self._replaying = 0
        self.fetched = 0
        self.started = time.monotonic()
        self._last_progress = 0.0
        self._link_cache: dict[str, tuple[str, str, str, bool]] = {}
        self.fatal: str | None = None  # why the crawl had to stop (the run then fails)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._bytes_received, signal=signals.bytes_received)
        return spider  # type: ignore[no-any-return]

    # -- size limit ---------------------------------------------------------------------------
    def _bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        got = request.meta.get("_bytes", 0) + len(data)
        request.meta["_bytes"] = got
        if got > self.limits.max_page_bytes and not request.meta.get("_unlimited"):
            raise StopDownload(fail=False)

    # -- start: robots.txt, then a not-found baseline, then the start URLs --------------------
    async def start(self) -> AsyncIterator[Any]:
        for host in sorted(self.site_hosts):
            scheme = self._scheme_for(host)
            if self.limits.obey_robots_txt:
                yield Request(f"{scheme}://{host}/robots.txt", callback=self.parse_robots,
                              errback=self.robots_failed, dont_filter=True, priority=100,
                              meta={"host": host, "download_slot": host, "_unlimited": True})
            else:
                self.robots[host] = None
                yield self._baseline_request(host)

    def _scheme_for(self, host: str) -> str:
        for url in self.plan.profile.start_urls:
            if host_of(str(url)) == host:
                return str(url).split(":", 1)[0]
        return "https"

    def parse_robots(self, response: Response) -> Iterator[Any]:
        host = response.meta["host"]
        text = ""
        parser: Protego | None = None
        if response.status == 200:
            text = decode_html(response.body, _headers(response).get("content-type", "")).text
            parser = Protego.parse(text)
        elif response.status >= 500:  # server error: assume everything is disallowed for now
            parser = Protego.parse("User-agent: *\nDisallow: /\n")
        self.robots[host] = parser
        if parser is not None:
            self._honour_crawl_delay(host, parser.crawl_delay(self._ua_token()))
        yield from self._record_robots(response.url, response.status, response.body, text,
                                       parser, None)
        yield self._baseline_request(host)

    def robots_failed(self, failure: Failure) -> Iterator[Any]:
        host = failure.request.meta["host"]  # type: ignore[attr-defined]
        self.robots[host] = None
        _problem, text = _failure_problem(failure)
        url = failure.request.url  # type: ignore[attr-defined]
        yield from self._record_robots(url, None, b"", "", None, text)
        yield self._baseline_request(host)

    def _record_robots(self, url: str, status: int | None, body: bytes, text: str,
                       parser: Protego | None, error: str | None) -> Iterator[PageItem]:
        """The robots.txt page record (once per run) and an info finding saying what it says."""
        rules = [line.split(":", 1)[1].strip() for line in text.splitlines()
                 if line.lower().startswith("disallow:") and line.split(":", 1)[1].strip()]
        delay = parser.crawl_delay(self._ua_token()) if parser is not None else None
        if url not in self.plan.robots_stored:
            yield PageItem(
                page=PageRecord(url=url, status=status, final_url=url,
                                content_type="text/plain" if status == 200 else None,
                                content_length=len(body), depth=0,
                                content_hash=hashlib.sha256(body).hexdigest() if body else None,
                                fetched_at=datetime.now(UTC), error=error),
                links=[], findings=[], facts=PageFacts(url, status, url))
        if status == 200:
            message = (f"robots.txt found at {url} with {len(rules)} Disallow rule(s); "
                       "poaudit obeys it.")
            if delay and host_of(url) in self.crawl_delay:
                message += f" Its Crawl-delay of {delay:g} s was honoured."
        elif error:
            message = f"robots.txt at {url} could not be fetched ({error}); crawling everything."
        else:
            message = f"No robots.txt at {url} ({status}); everything may be crawled."
        self.plan.robots_findings.append(Finding(
            probe_id=ROBOTS_PROBE, outcomes=(), kind=Kind.INFO, message=message, page_url=url,
            detail={"robots_url": url, "status": status, "disallow": rules[:50],
                    "crawl_delay": delay, "sitemaps": list(parser.sitemaps) if parser else [],
                    "error": error}))

    def _ua_token(self) -> str:
        return "poaudit"

    def _honour_crawl_delay(self, host: str, delay: float | None) -> None:
        """A robots.txt Crawl-delay longer than the profile's becomes the host's delay
        (capped at a minute), and AutoThrottle is told not to shorten it."""
        if not delay or delay <= 1.0 / self.limits.requests_per_second:
            return
        delay = min(float(delay), MAX_CRAWL_DELAY)
        self.crawl_delay[host] = delay
        downloader = self.crawler.engine.downloader
        slot_settings = downloader.per_slot_settings.setdefault(host, {})
        slot_settings["delay"] = delay
        slot = downloader.slots.get(host)
        if slot is not None:
            slot.delay = max(slot.delay, delay)

    def _baseline_request(self, host: str) -> Request:
        scheme = self._scheme_for(host)
        url = f"{scheme}://{host}/poaudit-{secrets.token_hex(6)}-no-such-page.html"
        return Request(url, callback=self.parse_baseline, errback=self.baseline_failed,
                       dont_filter=True, priority=100, meta={"host": host, "download_slot": host})

    def parse_baseline(self, response: Response) -> Iterator[Any]:
        host = response.meta["host"]
        obs = Observed(url=response.meta.get("redirect_urls", [response.url])[0],
                       status=response.status, final_url=response.url,
                       hops=[{"url": u} for u in response.meta.get("redirect_urls", [])])
        ctype = _headers(response).get("content-type", "")
        if media_type(ctype) in HTML_TYPES or not ctype:
            obs.is_html = True
            summarise_html(obs, None, decode_html(response.body, ctype).text)
        self.not_found[host] = obs
        yield from self._begin(host)

    def baseline_failed(self, failure: Failure) -> Iterator[Any]:
        host = failure.request.meta["host"]  # type: ignore[attr-defined]
        self.not_found[host] = None
        yield from self._begin(host)

    def _begin(self, host: str) -> Iterator[Request]:
        """A host's robots.txt and baseline are known; once all are, replay pages stored
        after the last checkpoint (probe state must see them before any new page), then
        request the start URLs and the resumed frontier."""
        self.ready.add(host)
        if self.ready != self.site_hosts:
            return
        if self.plan.replay:
            self._replaying = len(self.plan.replay)
            for url, depth in self.plan.replay:
                yield self._request(url, depth, replay=True)
            return
        yield from self._start()

    def _start(self) -> Iterator[Request]:
        for start in self.plan.profile.start_urls:
            norm = normalise(str(start))
            if norm is not None and host_of(norm) in self.site_hosts:
                request = self.schedule(norm, 0, None)
                if request is not None:
                    yield request
        for url, depth, referrer in self.plan.frontier:
            request = self.schedule(url, depth, referrer)
            if request is not None:
                yield request

    def _replayed(self) -> Iterator[Request]:
        self._replaying -= 1
        if self._replaying == 0:
            yield from self._start()

    # -- deciding what to fetch ---------------------------------------------------------------
    def refusal(self, url: str) -> str | None:
        """Why ``url`` (normal form, on a site host) must not be fetched, or None."""
        if self.include and not any(p.search(url) for p in self.include):
            return "excluded"
        if any(p.search(url) for p in self.exclude):
            return "excluded"
        parser = self.robots.get(host_of(url))
        if parser is not None and not parser.can_fetch(url, self._ua_token()):
            return "robots-disallowed"
        return None

    def redirect_refusal(self, url: str) -> str | None:
        """Called by :class:`crawler.middleware.SiteRedirectMiddleware` before following."""
        if host_of(url) not in self.site_hosts:
            return "off-site"
        return self.refusal(url)

    def schedule(self, url: str, depth: int, referrer: str | None) -> Request | None:
        """A request for ``url`` if it is new and allowed (else record why not)."""
        if url in self.seen:
            return None
        reason = self.data.skipped.get(url)
        if reason in STICKY:
            return None
        reason = self.refusal(url)
        if reason is None and self.guard.check(url, referrer) is not None:
            reason = "trap"
        if reason is not None:
            self.data.skip(url, reason)
            return None
        if depth > self.limits.max_depth:
            self.data.skip(url, "max-depth")
            return None
        if len(self.seen) >= self.limits.max_pages:
            self.data.skip(url, "max-pages")
            return None
        self.seen.add(url)
        self.data.skipped.pop(url, None)
        return self._request(url, depth)

    def _request(self, url: str, depth: int, replay: bool = False) -> Request:
        host = host_of(url)
        meta: dict[str, Any] = {"url": url, "depth": depth, "download_slot": host,
                                "replay": replay}
        if host in self.crawl_delay:
            meta["autothrottle_dont_adjust_delay"] = True
        return Request(url, callback=self.parse, errback=self.failed, dont_filter=True,
                       priority=-depth, meta=meta)

    # -- responses ----------------------------------------------------------------------------
    async def parse(self, response: Response) -> AsyncIterator[Any]:
        """Record a fetched URL (and its redirect target) and follow its links."""
        for out in await self._handle(response):
            yield out
        if response.meta.get("replay"):
            for request in self._replayed():
                yield request

    async def _handle(self, response: Response) -> list[Any]:
        """What ``parse`` yields for the response (coroutines returning lists: one async
        generator a page instead of three, each costing Scrapy's chain and asyncio a hook)."""
        meta = response.meta
        url: str = meta["url"]
        depth: int = meta["depth"]
        replay: bool = meta.get("replay", False)
        self.fetched += 1
        self._progress()
        chain = list(meta.get("redirect_urls", []))
        hops = [{"url": url if i == 0 else u, "status": s}
                for i, (u, s) in enumerate(zip(chain, meta.get("redirect_reasons", []),
                                               strict=False))]
        stop = meta.get("redirect_stop")
        if stop is not None:
            return list(self._stopped_redirect(response, url, depth, hops, stop, replay))
        outputs: list[Any] = []
        final = normalise(response.url) or url
        if hops and final != url:
            # The URL redirected: record it, then the target once, as its own page.
            outputs.append(self._item(PageRecord(
                url=url, status=hops[0]["status"], final_url=final, depth=depth,
                redirects=hops, fetched_at=datetime.now(UTC),
                elapsed_ms=_latency(response)), [], [],
                PageFacts(url, response.status, final, hops), replay))
            if final in self.seen:
                return outputs
            self.seen.add(final)
            url, hops = final, []
        outputs.extend(await self._page(response, url, depth, hops, replay))
        return outputs

    def _stopped_redirect(self, response: Response, url: str, depth: int,
                          hops: list[dict[str, Any]], stop: str, replay: bool) -> Iterator[Any]:
        location: str = response.meta["redirect_location"]
        hops = [*hops, {"url": url if not hops else response.url, "status": response.status}]
        facts = PageFacts(url, response.status, location, hops)
        error = {"off-site": f"redirects off the site to {location}",
                 "redirect-loop": "redirect loop",
                 "too-many-redirects": f"more than {self.limits.max_redirects} redirects",
                 "invalid-location": f"redirects to an invalid address ({location})",
                 }.get(stop, f"redirects to {location}, which the crawl does not fetch ({stop})")
        if stop == "off-site":
            facts.offsite = True
            self.data.add_outbound(url, "internal", self.plan.profile.council, "")
        elif stop == "redirect-loop":
            facts.problem = "redirect-loop"
            urls = [h["url"] for h in hops]
            start = urls.index(location) if location in urls else 0
            cycle: list[str] = []
            for hop in urls[start:]:
                if hop in cycle:
                    break
                cycle.append(hop)
            facts.cycle = cycle
        elif stop == "too-many-redirects":
            facts.problem = "too-many-redirects"
        elif stop == "invalid-location":
            facts.problem = "invalid-url"
        else:
            facts.status = None
            facts.problem = "robots-disallowed" if stop == "robots-disallowed" else "not-crawled"
            self.data.skip(location, stop)
        facts.error = error
        yield self._item(PageRecord(
            url=url, status=hops[0]["status"], final_url=location, depth=depth, redirects=hops,
            fetched_at=datetime.now(UTC), elapsed_ms=_latency(response), error=error),
            [], [], facts, replay)

    async def _page(self, response: Response, url: str, depth: int,
                    hops: list[dict[str, Any]], replay: bool) -> list[Any]:
        headers = _headers(response)
        ctype = headers.get("content-type", "")
        body = response.body
        cut = "download_stopped" in response.flags
        record = PageRecord(
            url=url, status=response.status, final_url=url, content_type=ctype or None,
            content_length=len(body), content_hash=hashlib.sha256(body).hexdigest(),
            depth=depth, elapsed_ms=_latency(response), fetched_at=datetime.now(UTC),
            redirects=hops, etag=headers.get("etag"),
            last_modified=headers.get("last-modified"))
        facts = PageFacts(url, response.status, url, hops)
        kind = media_type(ctype)
        if cut:
            record.error = (f"cut off at {len(body):,} bytes: larger than max_page_bytes "
                            f"({self.limits.max_page_bytes:,}); not parsed")
            self.data.note("cut-off", url)
        if response.status >= 300 or cut or (kind not in HTML_TYPES and kind):
            return [self._item(record, [], [], facts, replay)]
        binary = binary_kind(body)
        if binary:
            record.error = f"binary content ({binary}) served as {ctype or 'text/html'}; " \
                "not parsed"
            return [self._item(record, [], [], facts, replay)]
        if self.fatal is not None:
            return []
        decoded = decode_html(body, ctype)
        absorb = url not in self.plan.absorbed
        if absorb:
            self.plan.inflight.add(url)
        else:
            self.plan.absorbed.discard(url)
        task = PageInput(url=url, status=response.status, text=decoded.text, headers=headers,
                         content_type=kind or "text/html", encoding=decoded.encoding,
                         depth=depth, not_found=self.not_found.get(host_of(url)),
                         absorb=absorb)
        try:
            analysis = await self.plan.analyser.analyse(task)
        except AnalysisFailed as exc:  # nothing stored for this page: a resume fetches it
            self._abort(f"{exc}; resume the run to carry on from the last checkpoint")
            return []
        record.title = analysis.title or None
        facts.is_html = True
        facts.anchors = analysis.anchors
        facts.soft404 = analysis.soft404
        links, requests = self._links(url, analysis.links, depth, replay)
        return [self._item(record, links, analysis.findings, facts, replay, analysis.sealed),
                *requests]

    def _abort(self, reason: str) -> None:
        """Stop the crawl for good: the run fails with ``reason`` (stored work is kept)."""
        if self.fatal is None:
            self.fatal = reason
            self.logger.error("stopping the crawl: %s", reason)
            self.crawler.engine.close_spider(self, "poaudit-fatal")

    def _links(self, source: str, found: list[tuple[str, str, str]], depth: int,
               replay: bool) -> tuple[list[LinkRecord], list[Request]]:
        records: list[LinkRecord] = []
        requests: list[Request] = []
        done: set[str] = set()
        data = self.data
        for raw, fragment, anchor_text in found:
            resolved = self._resolve(raw, source)
            if resolved is None:
                continue
            norm, kind, host = resolved
            target = f"{norm}#{fragment}" if fragment else norm
            if target in done:
                continue
            done.add(target)
            owner = self.owners.get(host) if kind in ("partner", "outbound") else None
            text = anchor_text[:MAX_ANCHOR_TEXT]
            records.append(LinkRecord(source, target, kind, text, host or None, owner))
            if replay:
                continue
            if kind == "internal":
                data.internal.add(target)
                request = self.schedule(norm, depth + 1, source)
                if request is not None:
                    requests.append(request)
            elif kind in ("partner", "outbound"):
                data.add_outbound(target, kind, owner, text)
            elif kind == "other" and norm.lower().startswith("file:"):
                data.add_outbound(target, "other", None, text)
        return records, requests

    def _resolve(self, raw: str, source: str) -> tuple[str, str, str] | None:
        """(normal form or raw URL, kind, host) for a link URL, cached across pages."""
        cached = self._link_cache.get(raw)
        if cached is None:
            norm = normalise(raw)
            if norm is None:
                scheme = raw.split(":", 1)[0].lower() if ":" in raw else ""
                kind = "mailto" if scheme == "mailto" else (
                    "outbound" if scheme in ("http", "https") else "other")
                cached = (raw, kind, host_of(raw) if kind == "outbound" else "", False)
            else:
                cached = (str(norm), link_kind(norm, self.site_hosts, self.owners),
                          host_of(norm), norm.session_stripped)
            if len(self._link_cache) < 200_000:
                self._link_cache[raw] = cached
        if cached[3]:
            self.guard.session_stripped(raw, source)
        return cached[0], cached[1], cached[2]

    def failed(self, failure: Failure) -> Iterator[Any]:
        """Record a URL whose download failed (timeout, refused, DNS, ...)."""
        yield from self._failed(failure)
        if failure.request.meta.get("replay"):  # type: ignore[attr-defined]
            yield from self._replayed()

    def _failed(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        url = meta.get("url", request.url)
        self.fetched += 1
        problem, text = _failure_problem(failure)
        chain = list(meta.get("redirect_urls", []))
        hops = [{"url": url if i == 0 else u, "status": s}
                for i, (u, s) in enumerate(zip(chain, meta.get("redirect_reasons", []),
                                               strict=False))]
        facts = PageFacts(url, None, request.url if hops else url, hops, problem=problem,
                          error=text[:300])
        yield self._item(PageRecord(url=url, status=None, final_url=facts.final_url,
                                    depth=meta.get("depth", 0), redirects=hops,
                                    fetched_at=datetime.now(UTC), error=f"{problem}: {text}"[:500]),
                         [], [], facts, meta.get("replay", False))

    def _item(self, record: PageRecord, links: list[LinkRecord], findings: list[Finding],
              facts: PageFacts, replay: bool, sealed: bytes = b"") -> PageItem:
        self.data.facts[facts.url] = facts
        return PageItem(record, links, findings, facts, replay, sealed)

    def _progress(self) -> None:
        now = time.monotonic()
        if self.plan.progress is None or now - self._last_progress < 1.0:
            return
        self._last_progress = now
        elapsed = now - self.started
        self.plan.progress({"phase": "crawl", "pages": self.fetched,
                            "queued": max(0, len(self.seen) - self.fetched),
                            "pages_per_second": round(self.fetched / elapsed, 1) if elapsed
                            else 0.0})


def _latency(response: Response) -> float | None:
    latency = response.meta.get("download_latency")
    return round(latency * 1000, 1) if latency is not None else None

