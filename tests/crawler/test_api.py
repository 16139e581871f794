"""The crawler's public API is what poaudit.audit and the README rely on."""

from __future__ import annotations

import inspect

import crawler


def test_all_names_exist_and_nothing_private_is_exported() -> None:
    for name in crawler.__all__:
        assert hasattr(crawler, name), name
        assert not name.startswith("_")
    assert set(crawler.__all__) >= {"crawl", "crawl_in_process", "CrawlStats", "check_links",
                                    "LinkTarget", "CheckOptions", "CrawlError"}


def test_crawl_signature() -> None:
    params = inspect.signature(crawler.crawl).parameters
    assert list(params)[:3] == ["profile", "store_url", "run_id"]
    for name in ("jobdir", "disabled_probes", "progress"):
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY


def test_stats_serialise_for_the_run_record() -> None:
    stats = crawler.CrawlStats(run_id=7, pages=3)
    data = stats.as_dict()
    assert data["run_id"] == 7 and data["pages"] == 3
    assert crawler.CrawlStats(**data) == stats


def test_verdicts_are_the_documented_ones() -> None:
    assert crawler.VERDICTS == ("ok", "redirected", "broken", "timeout", "connection-error",
                                "caution", "soft-404", "shallow", "fragment-missing",
                                "not-checked")
