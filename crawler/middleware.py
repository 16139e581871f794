"""Scrapy downloader middleware: follow redirects only where the crawl may go.

Scrapy's RedirectMiddleware follows every redirect, off the site and into robots-disallowed
paths, and reports a redirect loop only as "max redirections reached" with the chain lost.
This subclass stops — and hands the 3xx response to the spider, hops recorded — when a
redirect leaves the site's hosts, is disallowed (robots.txt, include/exclude), loops (a URL
already twice in the chain; once is allowed, for pages that redirect to themselves to set a
session cookie), or exceeds the hop limit. The spider records it; off-site targets are
link-checked like any outbound link, through the address safety checks.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import urljoin

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from crawler.urls import normalise

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


class RedirectGate(Protocol):
    def redirect_refusal(self, url: str) -> str | None:
        """Why the crawl must not follow a redirect to ``url`` (None: follow it)."""
        ...


class SiteRedirectMiddleware(RedirectMiddleware):
    """RedirectMiddleware that asks the spider before following, and names why it stopped."""

    def handle_referer(self, request: Request, response: Response) -> None:
        """The crawl sends no Referer (Scrapy's RefererMiddleware is off, see
        crawler.settings), so a redirected request carries none either."""
        request.headers.pop("Referer", None)

    def _engine_started(self) -> None:
        """Scrapy warns at start, on every crawl, that no RefererMiddleware sets Referer on
        redirects, even when ``handle_referer`` is overridden as here: nothing to warn of."""
        self._referer_spider_middleware = None

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        if (response.status not in REDIRECT_CODES or b"Location" not in response.headers
                or request.meta.get("dont_redirect")):
            return response
        raw = response.headers.get(b"Location") or b""
        location = urljoin(request.url, safe_url_string(raw))
        target = normalise(location)
        chain = [*request.meta.get("redirect_urls", []), request.url]
        stop: str | None
        if target is None:
            stop = "invalid-location"
        elif len(chain) > self.max_redirect_times:
            stop = "too-many-redirects"
        elif sum(1 for u in chain if normalise(u) == target) >= 2:
            stop = "redirect-loop"
        else:
            gate: Any = self.crawler.spider
            stop = gate.redirect_refusal(target) if hasattr(gate, "redirect_refusal") else None
        if stop is not None:
            request.meta["redirect_stop"] = stop
            request.meta["redirect_location"] = str(target or location)
            return response
        return super().process_response(request, response)
