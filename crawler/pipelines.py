"""Scrapy item pipeline: hand each :class:`~crawler.items.PageItem` to the store writer."""

from __future__ import annotations

from typing import Any

from crawler.items import PageItem


class StorePipeline:
    """Forwards page items to the spider plan's sink (a :class:`crawler.writer.BatchWriter`)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.items = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            self.crawler.spider.plan.sink(item)
            self.items += 1
        return item
