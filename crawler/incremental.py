"""Incremental nightly runs: reuse what an unchanged page produced last time.

A page is *unchanged* when the previous finished run of the same site fetched the same URL
and got a body with the same SHA-256 (``PageRecord.content_hash``). For such pages the browser
stage's axe-core findings are copied from the previous run instead of loading the page in
Chromium again (:func:`reuse_page_findings`), provided the previous run checked the page with
the same axe options and did not fail to assess it. Copied findings carry
``detail["reused_from_run"]``.

:func:`conditional_headers` gives the validators for a conditional re-fetch of a stored page
(``If-None-Match`` from its ETag, ``If-Modified-Since`` from its Last-Modified).

Known limits: a page's HTML is the key, so a change in a stylesheet or script it loads (which
can change axe's colour-contrast results) is not seen until the HTML changes too. The crawl
itself is not yet incremental: the HTML probes keep site-wide state that a 304 cannot replay
(see the nightly notes in docs/scheduling.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from poaudit.findings import Finding, Kind
from poaudit.store import PageRecord, RunRecord, Store

__all__ = ["conditional_headers", "reuse_page_findings", "unchanged_pages"]


def conditional_headers(page: PageRecord) -> dict[str, str]:
    """Request headers that let the server answer 304 if ``page`` has not changed."""
    headers: dict[str, str] = {}
    if page.etag:
        headers["If-None-Match"] = page.etag
    if page.last_modified:
        headers["If-Modified-Since"] = page.last_modified
    return headers


def _key(page: PageRecord) -> str:
    return page.final_url or page.url


def unchanged_pages(store: Store, run_id: int) -> tuple[RunRecord | None, set[str]]:
    """The previous finished run of the site and the page URLs (final URLs) whose content hash
    is the same in both runs."""
    previous = store.previous_run(run_id)
    if previous is None:
        return None, set()
    before = {_key(p): p.content_hash for p in store.pages(previous.id)
              if p.status == 200 and p.content_hash}
    same = {_key(p) for p in store.pages(run_id)
            if p.status == 200 and p.content_hash and before.get(_key(p)) == p.content_hash}
    return previous, same


def reuse_page_findings(store: Store, run_id: int, probe_id: str, urls: Iterable[str],
                        option_keys: Iterable[str] = ()) -> tuple[list[Finding], list[str]]:
    """Split ``urls`` into findings copied from the previous run (unchanged pages the previous
    run assessed with the same options) and the URLs still to check.

    The options each run used are read from its stored profile: ``probe_options[probe_id]``
    and the profile keys named in ``option_keys`` must be equal in both runs.
    """
    wanted = list(urls)
    previous, same = unchanged_pages(store, run_id)
    if previous is None or not same:
        return [], wanted
    current = store.get_run(run_id).profile
    keys = list(option_keys)
    if any(previous.profile.get(k) != current.get(k) for k in keys) or (
            (previous.profile.get("probe_options") or {}).get(probe_id)
            != (current.get("probe_options") or {}).get(probe_id)):
        return [], wanted
    by_page: dict[str, list[Finding]] = {}
    for f in store.findings(previous.id, probe_id=probe_id):
        if f.page_url:
            by_page.setdefault(f.page_url, []).append(f)
    reused: list[Finding] = []
    todo: list[str] = []
    for url in wanted:
        found = by_page.get(url)
        if url in same and found and any(f.detail.get("summary") for f in found) and not any(
                f.kind is Kind.NOT_ASSESSED for f in found):
            reused.extend(replace(f, detail={**f.detail, "reused_from_run": previous.id})
                          for f in found)
        else:
            todo.append(url)
    return reused, todo
