"""Test helpers: a GET-only mini crawl that fills a store with form-inventory findings.

The real crawl (crawler/) runs every HTML probe; these tests need only the inventory, built
the same way (one Page per response, ``evaluate`` per page, ``finalize`` at the end) without
ever sending anything but GET.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from poaudit.findings import Finding
from poaudit.profile import Profile, parse_profile
from poaudit.store import Store
from probes import form_inventory
from probes.base import Context, Page, host_of


def context_for(profile: Profile) -> Context:
    return Context(
        council=profile.council, tier=profile.tier,
        site_hosts=frozenset(profile.allowed_hosts),
        partner_hosts={h: p.name for p in profile.partners for h in p.hosts},
        options=profile.probe_options,
    )


def crawl_forms(profile: Profile, *, max_pages: int = 400) -> tuple[list[Finding], list[str]]:
    """Breadth-first GET crawl of the profile's site; the inventory findings and page URLs."""
    ctx = context_for(profile)
    start = str(profile.start_urls[0])
    host = host_of(start)
    robots = RobotFileParser()
    with httpx.Client(timeout=5, follow_redirects=True, max_redirects=5) as client:
        r = client.get(urljoin(start, "/robots.txt"))
        robots.parse(r.text.splitlines() if r.status_code == 200 else [])
        queue: deque[str] = deque([start])
        seen = {start}
        pages: list[str] = []
        findings: list[Finding] = []
        while queue and len(pages) < max_pages:
            url = queue.popleft()
            try:
                resp = client.get(url)
            except httpx.HTTPError:
                continue
            assert resp.request.method == "GET"
            if "html" not in resp.headers.get("content-type", "") or len(resp.content) > 2e6:
                continue
            page = Page(url, str(resp.url), resp.status_code, resp.text,
                        site_hosts=ctx.site_hosts)
            pages.append(page.final_url)
            findings += form_inventory.evaluate(page, ctx)
            for link in page.links:
                target = urldefrag(link.url)[0]
                if (link.tag in ("a", "area") and host_of(target) == host
                        and target not in seen and "month=" not in target
                        and urlsplit(target).scheme == "http"
                        and robots.can_fetch("poaudit", target)):
                    seen.add(target)
                    queue.append(target)
        findings += form_inventory.finalize(ctx)
    return findings, pages


def inventory_run(store: Store, profile: Profile, *, max_pages: int = 400
                  ) -> tuple[int, list[Finding]]:
    """A run in ``store`` holding the site's form inventory (as the crawl would leave it)."""
    run_id = store.start_run(profile.name, profile.council, profile.model_dump(mode="json"))
    findings, _ = crawl_forms(profile, max_pages=max_pages)
    store.add_findings(run_id, findings)
    return run_id, findings


def profile_from(data: dict[str, Any], **changes: Any) -> Profile:
    merged = {**data, **changes}
    return parse_profile(merged, "<test profile>")
