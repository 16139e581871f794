"""Scrapy settings for one site crawl, derived from the profile's crawl limits.

Polite by default (Scrapy's template settings are the model): an honest User-Agent with a
contact URL, per-host concurrency with the overall limit set alongside it, a delay from the
profile's requests per second (paced by :mod:`crawler.pacing`, which also keeps AutoThrottle's
delays: Scrapy's own ``DOWNLOAD_DELAY`` pacing delivered half the rate asked at high rates), and
no components that would reach beyond
the site: no RemoteControl server (it runs Python sent to it), no telnet console, no proxies
from the environment. Scrapy's own robots.txt, redirect, depth and meta-refresh middlewares are
replaced or unused: the spider reads robots.txt itself (so it can record it and refuse a URL
before building a request), :mod:`crawler.middleware` follows redirects only within the site,
and a ``<meta http-equiv="refresh">`` target is taken as one of the page's links (crawled when
internal, link-checked when not), so the refreshing page itself is still audited.
"""

from __future__ import annotations

from typing import Any

from crawler.pacing import RATE_SETTING
from poaudit import __version__
from poaudit.profile import Profile

__all__ = ["scrapy_settings", "user_agent"]

_DM = "scrapy.downloadermiddlewares."


def user_agent(profile: Profile) -> str:
    """``poaudit/<version> (+<contact_url>)``."""
    return f"poaudit/{__version__} (+{profile.contact_url})"


def scrapy_settings(profile: Profile, log_level: str = "WARNING") -> dict[str, Any]:
    """The settings dict for ``CrawlerProcess`` (one site, one run)."""
    limits = profile.crawl
    per_host = limits.concurrency_per_host
    delay = 1.0 / limits.requests_per_second
    return {
        "BOT_NAME": "poaudit",
        "USER_AGENT": user_agent(profile),
        "ROBOTSTXT_OBEY": False,  # read by the spider itself, see crawler.spider
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": per_host * max(1, len(profile.allowed_hosts)),
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
        "CONCURRENT_ITEMS": 1,  # Scrapy starts this many asyncio tasks per response
        "DOWNLOAD_DELAY": 0,  # paced by crawler.pacing instead (see the module docstring)
        RATE_SETTING: limits.requests_per_second,
        "AUTOTHROTTLE_ENABLED": True,  # Scrapy's policy, in crawler.pacing.PacedAutoThrottle
        "AUTOTHROTTLE_START_DELAY": delay,
        "AUTOTHROTTLE_MAX_DELAY": max(60.0, delay),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(per_host),
        "DOWNLOAD_TIMEOUT": limits.timeout_seconds,
        "DOWNLOAD_MAXSIZE": 0,  # the spider stops a download at max_page_bytes and keeps it
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": limits.max_redirects,
        "HTTPERROR_ALLOW_ALL": True,
        "RETRY_TIMES": 1,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408],
        "COOKIES_ENABLED": True,
        "METAREFRESH_ENABLED": False,
        "DNSCACHE_ENABLED": True,
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "STATS_DUMP": False,
        "WARN_ON_GENERATOR_RETURN_VALUE": False,  # re-parses callback source per bound method
        "LOG_LEVEL": log_level,
        "LOG_STDOUT": False,
        "MEMUSAGE_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": {
            _DM + "offsite.OffsiteMiddleware": None,
            _DM + "robotstxt.RobotsTxtMiddleware": None,
            _DM + "httpauth.HttpAuthMiddleware": None,
            _DM + "redirect.MetaRefreshMiddleware": None,
            _DM + "redirect.RedirectMiddleware": None,
            _DM + "httpproxy.HttpProxyMiddleware": None,
            _DM + "httpcache.HttpCacheMiddleware": None,
            "crawler.middleware.SiteRedirectMiddleware": 600,
            "crawler.pacing.PacingMiddleware": 950,  # last: retries and redirects wait too
            _DM + "stats.DownloaderStats": None,  # stats nobody reads, per request
        },
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
            "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
            # a Referer policy evaluated per request; the crawl records referrers itself
            "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
        },
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 100},
        "EXTENSIONS": {
            "scrapy.extensions.throttle.AutoThrottle": None,
            "crawler.pacing.PacedAutoThrottle": 0,
            "scrapy.extensions.telnet.TelnetConsole": None,
            "scrapy.extensions.remote_control.RemoteControl": None,
            "scrapy.extensions.memdebug.MemoryDebugger": None,
            "scrapy.extensions.feedexport.FeedExporter": None,
            "scrapy.extensions.spiderstate.SpiderState": None,
            # Scrapy's own counters and their log line: poaudit keeps its own figures
            # (CrawlStats); together with the two middlewares above, 4-5% of crawl speed
            "scrapy.extensions.corestats.CoreStats": None,
            "scrapy.extensions.logstats.LogStats": None,
        },
    }
