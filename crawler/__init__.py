"""Crawler stage: crawl a council site politely, check every link once, feed the probes.

Public API::

    crawl(profile, store_url, run_id, *, jobdir=None, disabled_probes=(), progress=None)
        -> CrawlStats            # in a child process; callable many times per process
    crawl_in_process(...)        # the same, in this process (once: Scrapy's reactor)
    check_links(targets, options) -> list[LinkCheckRecord]   # the link checker on its own

Everything a crawl finds goes to the store: page records (robots.txt included), links, link
checks with verdicts and evidence, and findings (the HTML probes', plus ``crawl-traps``,
``crawl-robots`` and ``crawl-limits``).

The names are imported on first use (PEP 562): the analysis and writer processes import
``crawler.analyse`` and ``crawler.writer`` alone, and must not pay for Scrapy, Twisted and
Alembic at every crawl's start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.linkcheck import CheckOptions, LinkTarget, check_links
    from crawler.messages import VERDICTS
    from crawler.process import CrawlError, crawl
    from crawler.run import CrawlStats, crawl_in_process
    from crawler.safety import AddressPolicy

_WHERE = {
    "VERDICTS": "crawler.messages",
    "AddressPolicy": "crawler.safety",
    "CheckOptions": "crawler.linkcheck",
    "CrawlError": "crawler.process",
    "CrawlStats": "crawler.run",
    "LinkTarget": "crawler.linkcheck",
    "check_links": "crawler.linkcheck",
    "crawl": "crawler.process",
    "crawl_in_process": "crawler.run",
}

__all__ = [
    "VERDICTS",
    "AddressPolicy",
    "CheckOptions",
    "CrawlError",
    "CrawlStats",
    "LinkTarget",
    "check_links",
    "crawl",
    "crawl_in_process",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'crawler' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
