"""Crawler stage: Scrapy spiders that fetch pages and check links (config -> crawler)."""
