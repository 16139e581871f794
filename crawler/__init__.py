"""Crawler stage: crawl a council site politely, check every link once, feed the probes.

Public API::

    crawl(profile, store_url, run_id, *, jobdir=None, disabled_probes=(), progress=None)
        -> CrawlStats            # in a child process; callable many times per process
    crawl_in_process(...)        # the same, in this process (once: Scrapy's reactor)
    check_links(targets, options) -> list[LinkCheckRecord]   # the link checker on its own

Everything a crawl finds goes to the store: page records (robots.txt included), links, link
checks with verdicts and evidence, and findings (the HTML probes', plus ``crawl-traps``,
``crawl-robots`` and ``crawl-limits``).
"""

from crawler.linkcheck import CheckOptions, LinkTarget, check_links
from crawler.messages import VERDICTS
from crawler.process import CrawlError, crawl
from crawler.run import CrawlStats, crawl_in_process
from crawler.safety import AddressPolicy

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
