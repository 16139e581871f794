"""Every planted link fault of the demo area gets the right verdict; healthy links are ok."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from demoarea import RunningArea
from poaudit.store.records import LinkCheckRecord
from tests.crawler.conftest import Crawled, of_kind

LINK_FAULTS = ("broken-link", "unreachable-link", "soft-404", "redirect-to-home", "shallow-link",
               "redirect-chain", "redirect-loop", "bot-challenge", "rate-limited",
               "missing-fragment")
BAD = {"broken", "timeout", "connection-error"}


def _checks(crawled: Crawled, site: str) -> dict[str, LinkCheckRecord]:
    return {c.url: c for c in crawled.store.link_checks(crawled.runs[site])}


def _fault_entries(manifest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in manifest if e["kind"] in LINK_FAULTS]


def test_every_planted_link_fault_gets_its_verdict(crawled: Crawled,
                                                   manifest: list[dict[str, Any]]) -> None:
    entries = _fault_entries(manifest)
    assert {e["kind"] for e in entries} == set(LINK_FAULTS)
    wrong = []
    for e in entries:
        check = _checks(crawled, e["site"]).get(e["target"])
        problem = _mismatch(e, check)
        if problem:
            wrong.append(f"{e['id']} ({e['target']}): {problem}")
    assert not wrong, "\n".join(wrong)


def _mismatch(e: dict[str, Any], check: LinkCheckRecord | None) -> str | None:
    """Why ``check`` does not match the manifest's expectation (None when it does)."""
    exp = e["expected"]
    want = exp["verdict"]
    if want == "ok":  # a redirect chain to a good page: fine, with a fix to link directly
        if check is None:
            return "no link check recorded"
        ok = (check.verdict in ("ok", "redirected") and check.final_url == exp["final_url"]
              and [h["url"] for h in check.hops] == exp["hops"]
              and [h["status"] for h in check.hops] == exp["statuses"]
              and check.status == exp["final_status"])
        return None if ok else f"{check.verdict} {check.status} {check.final_url} {check.hops}"
    if check is None:
        return "no link check recorded"
    headline = check.evidence.get("headline")
    expected: dict[str, tuple[str, set[str] | None]] = {
        "broken": ("broken", {"page-not-found", "page-gone"}),
        "soft-404": ("soft-404", {"soft-404"}),
        "redirects-to-home": ("shallow", {"shallow-home"}),
        "shallow": ("shallow", {"shallow-home"}),
        "redirect-loop": ("broken", {"redirect-loop"}),
        "blocked": ("caution", {"bot-challenge"}),
        "rate-limited": ("caution", {"rate-limited"}),
        "missing-fragment": ("fragment-missing", {"fragment-missing"}),
    }
    if want == "unreachable":
        verdict, keys = {"refused": ("connection-error", {"connection-refused"}),
                         "timeout": ("timeout", {"timeout"})}[exp["error"]]
    else:
        verdict, keys = expected[want]
    if check.verdict != verdict or (keys is not None and headline not in keys):
        return f"got {check.verdict}/{headline}, want {verdict}/{sorted(keys or [])}"
    if "status" in exp and check.status != exp["status"] and want != "redirects-to-home":
        return f"status {check.status}, want {exp['status']}"
    if want == "redirects-to-home" and (check.final_url != exp["final_url"]
                                        or check.hops[0]["status"] != exp["status"]):
        return f"redirect {check.hops} -> {check.final_url}"
    if want == "redirect-loop" and check.evidence.get("cycle") != exp["cycle"]:
        return f"cycle {check.evidence.get('cycle')}, want {exp['cycle']}"
    if not check.summary or not check.fix:
        return "no summary or fix"
    return None


def test_deep_links_and_healthy_links_are_not_reported_broken(
        crawled: Crawled, manifest: list[dict[str, Any]]) -> None:
    faults = {(e["site"], e["target"]) for e in _fault_entries(manifest)}
    for e in of_kind(manifest, "deep-link"):
        check = _checks(crawled, e["site"])[e["target"]]
        assert check.verdict == "ok", (e["id"], check.summary)
        assert check.owner == _site_name(crawled, e["target_site"])
    for site in crawled.runs:
        for url, check in _checks(crawled, site).items():
            if check.verdict in BAD:
                assert (site, url) in faults, f"{site}: {url} reported {check.verdict}"


def _site_name(crawled: Crawled, site: str) -> str:
    run = crawled.store.get_run(crawled.runs[site])
    return run.council


def test_partner_links_are_attributed_to_the_owning_council(crawled: Crawled,
                                                           running: RunningArea) -> None:
    names = {running.hosts[k]: running.area.sites[k].name for k in running.hosts}
    for run_id in crawled.runs.values():
        for link in crawled.store.links(run_id):
            if link.kind == "partner":
                assert link.owner == names[link.target_host or ""]
        for check in crawled.store.link_checks(run_id):
            host = urlsplit(check.url).netloc
            if host in names and check.evidence.get("kind") == "partner":
                assert check.owner == names[host], check.url


def test_each_outbound_target_is_checked_once(crawled: Crawled) -> None:
    for run_id in crawled.runs.values():
        urls = [c.url for c in crawled.store.link_checks(run_id)]
        assert len(urls) == len(set(urls))
        targets = {x.target_url for x in crawled.store.links(run_id)
                   if x.kind in ("partner", "outbound")}
        assert targets <= set(urls)


def test_soft_404_and_shallow_keep_their_evidence(crawled: Crawled,
                                                  manifest: list[dict[str, Any]]) -> None:
    for e in of_kind(manifest, "soft-404") + of_kind(manifest, "shallow-link"):
        check = _checks(crawled, e["site"])[e["target"]]
        if check.evidence.get("kind") == "internal":  # judged from the crawl, see below
            assert check.evidence["source"] == "crawl"
            continue
        comparison = check.evidence["comparison"]
        baseline = check.evidence["baseline"]
        assert baseline["not_found"]["status"] == 404
        assert baseline["home"]["status"] == 200
        if check.verdict == "soft-404":
            assert comparison["title_matches_not_found"]
        else:
            assert comparison["final_url_is_home"]


def test_cookie_redirect_page_is_crawled_with_its_cookie(crawled: Crawled,
                                                         manifest: list[dict[str, Any]]) -> None:
    (e,) = of_kind(manifest, "cookie-redirect")
    pages = {p.url: p for p in crawled.store.pages(crawled.runs[e["site"]])}
    page = pages[e["url"]]
    assert page.status == 200 and page.title and "Your account" in page.title
    assert page.redirects == [{"url": e["url"], "status": 302}]
    assert e["url"] not in _checks(crawled, e["site"])  # no problem to report


@pytest.mark.parametrize("kind", ["private-address-link"])
def test_private_addresses_are_never_fetched(crawled: Crawled, running: RunningArea,
                                             manifest: list[dict[str, Any]], kind: str) -> None:
    for e in of_kind(manifest, kind):
        check = _checks(crawled, e["site"])[e["target"]]
        assert check.verdict == "not-checked"
        assert check.evidence["headline"] == "private-address"
        assert check.status is None
    assert not [k for k in running.hits() if k[0] == "canary"]
