"""Offline helpers for the demoarea tests: crawl the rendered area, read e-GMS heads."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

import lxml.html

from demoarea import Area
from demoarea._model import SPECIAL_HOSTS
from demoarea._render import Renderer

HREF = re.compile(rb'href="([^"]*)"')
W3CDTF = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?)?)?$")


def fake_hosts(area: Area) -> dict[str, str]:
    keys = [*area.sites, *SPECIAL_HOSTS]
    return {k: f"127.0.0.1:{20000 + i}" for i, k in enumerate(keys)}


def target_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def crawl(area: Area, site_key: str, hosts: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """Breadth-first over the site's rendered static pages from "/", obeying its robots.txt
    and following its redirects: (targets reached, same-site targets with no static page)."""
    renderer = Renderer(area, hosts)
    site = area.sites[site_key]
    me = hosts[site_key]
    seen: set[str] = set()
    missing: set[str] = set()
    queue = ["/"]
    while queue:
        target = queue.pop()
        if target in seen or any(target.startswith(p) for p in site.disallowed):
            continue
        seen.add(target)
        page = site.pages.get(target)
        if page is None:
            missing.add(target)
            continue
        resp = renderer.page(site_key, page)
        headers = dict(resp.headers)
        if 300 <= resp.status < 400:
            loc = urlsplit(headers["Location"])
            if loc.netloc == me:
                queue.append(target_of(headers["Location"]))
            continue
        if page.kind in ("binary", "atoz-xml"):
            continue
        for raw in HREF.findall(resp.body):
            href = raw.decode().replace("&amp;", "&")
            if href.startswith(("mailto:", "#")):
                continue
            url = urljoin(f"http://{me}{target}", href)
            if urlsplit(url).netloc == me:
                queue.append(target_of(url).split("#", 1)[0])
    return seen, missing


def egms_status(doc: lxml.html.HtmlElement, expect: Mapping[str, object]) -> str:
    """The status of one e-GMS element as a reader of the page finds it."""
    name = str(expect["name"])
    metas = [m for m in doc.iter("meta") if (m.get("name") or "").lower() == name.lower()]
    if not metas:
        return "absent"
    meta = metas[0]
    if meta.get("content") is None:
        return "wrong-attribute" if meta.get("value") is not None else "absent"
    value = meta.get("content", "")
    if value == "":
        return "empty"
    if value.startswith("PARAM_"):
        return "placeholder"
    is_date = "date" in name.lower() or name.lower().startswith("dcterms.created")
    if is_date and not W3CDTF.match(value):
        return "malformed"
    return "present"


def egms_names(doc: lxml.html.HtmlElement) -> set[str]:
    return {(m.get("name") or "").lower() for m in doc.iter("meta")
            if (m.get("name") or "").lower().startswith(("dc.", "dcterms.", "egms."))}
