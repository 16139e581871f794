"""The probe contract: a Page in, Findings out (../shared/DESIGN.md, "The probe contract").

A probe is one module with a docstring (what it looks for, why the outcome asks for it — the
seed's checklist line —, known limits), a ``META`` :class:`ProbeMeta`, and either
``evaluate(page, ctx)`` (page scope) or ``finalize(ctx)`` (site scope), or both. Probes are
pure: no network, no globals; they share one lxml parse per page through :class:`Page`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Literal, NamedTuple, Protocol
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

from poaudit.findings import Finding, Kind

Scope = Literal["page", "site"]
Stage = Literal["html", "browser", "active"]


@dataclass(frozen=True, slots=True)
class ProbeMeta:
    """What the registry and the generated docs know about a probe."""

    id: str  # kebab-case, stable, never reused (like axe rule ids)
    code: str  # stable short code, e.g. "PO103"; never reused either
    outcomes: tuple[str, ...]
    scope: tuple[Scope, ...] = ("page",)
    stage: Stage = "html"
    tags: tuple[str, ...] = ()
    status: Literal["preview", "stable"] = "preview"
    title: str = ""


class PageLink(NamedTuple):
    """A link found on a page: absolute URL without fragment, fragment, text, element. (A
    named tuple: a page has dozens, and a frozen dataclass costs five times as much to
    build.)"""

    url: str
    fragment: str
    text: str
    tag: str  # a | area | link | form | iframe | frame | meta (a refresh's target)
    rel: str = ""


@dataclass
class Page:
    """One fetched HTML page, parsed once and shared by every probe.

    ``text`` is the decoded body (the crawler decides the encoding: header, BOM, meta, then
    windows-1252 fallback, as browsers do). ``tree`` and ``links`` are computed on first use.
    """

    url: str
    final_url: str
    status: int
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    content_type: str = "text/html"
    encoding: str = "utf-8"
    depth: int = 0
    site_hosts: frozenset[str] = frozenset()

    @cached_property
    def tree(self) -> lxml.html.HtmlElement:
        """The lxml parse (tolerant of malformed HTML; an empty document if unparsable)."""
        try:
            doc = lxml.html.document_fromstring(self.text or "<html></html>")
        except (etree.ParserError, ValueError):
            doc = lxml.html.document_fromstring("<html></html>")
        return doc

    @cached_property
    def base_url(self) -> str:
        """``<base href>`` resolved against the page's URL; the page's own URL when there is
        none or it is malformed (``http://host]``): browsers ignore an invalid base, and one
        hostile tag must not cost the crawl the page."""
        base = self.tree.find(".//base[@href]")
        href = str(base.get("href") or "").strip() if base is not None else ""
        if not href:
            return self.final_url
        try:
            joined = urljoin(self.final_url, href)
            urlsplit(joined).port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            return self.final_url
        return joined

    def resolve(self, href: str) -> tuple[str, str]:
        """(absolute URL without fragment, fragment) of ``href`` against the base URL, as
        ``urldefrag(urljoin(base_url, href))``; raises ValueError on a malformed href."""
        return _resolve(self.base_url, self._base_key, href)

    @cached_property
    def _base_key(self) -> tuple[str, str]:
        parts = urlsplit(self.base_url)
        return parts.scheme, f"{parts.scheme}://{parts.netloc}"

    @cached_property
    def title(self) -> str:
        node = self.tree.find(".//title")
        return " ".join((node.text_content() if node is not None else "").split())

    @cached_property
    def links(self) -> list[PageLink]:
        """Every link on the page, resolved against ``<base href>``; scripts excluded. A
        ``<meta http-equiv="refresh" content="0; url=...">`` target is a link too (tag
        ``meta``, rel ``refresh``): browsers follow it, and old council sites redirect so."""
        out: list[PageLink] = []
        attrs = {
            "a": "href",
            "area": "href",
            "link": "href",
            "iframe": "src",
            "frame": "src",
            "form": "action",
        }
        for el in self.tree.iter("a", "area", "link", "iframe", "frame", "form", "meta"):
            tag = str(el.tag)
            if tag == "meta":
                target = refresh_target(el) if el.get("content") else None
                if target is None:
                    continue
                try:
                    url, fragment = self.resolve(target)
                except ValueError:
                    url, fragment = target, ""
                out.append(PageLink(url, fragment, "", "meta", "refresh"))
                continue
            raw = el.get(attrs[tag])
            if raw is None or (tag == "form" and not raw.strip()):
                continue
            raw = raw.strip()
            if raw.lower().startswith(("javascript:", "data:")):
                continue
            try:  # hostile hrefs such as "http://host]" make urllib raise ValueError:
                url, fragment = self.resolve(raw)
            except ValueError:  # kept as written, so the link checker reports it as broken
                url, fragment = raw, ""
            text = " ".join(el.text_content().split()) if tag in ("a", "area") else ""
            if not text and tag in ("a", "area"):
                text = el.get("title") or el.get("alt") or ""
                img = el.find(".//img[@alt]")
                if not text and img is not None:
                    text = img.get("alt") or ""
            out.append(PageLink(url, fragment, text, tag, (el.get("rel") or "").lower()))
        return out

    @cached_property
    def host(self) -> str:
        return host_of(self.final_url)

    def is_internal(self, url: str) -> bool:
        return host_of(url) in self.site_hosts


_REFRESH = re.compile(r"""^\s*\d*(?:\.\d*)?\s*[;,]?\s*url\s*=\s*['"]?([^'"]+)""", re.I)


def refresh_target(meta: etree._Element) -> str | None:
    """The URL a ``<meta http-equiv="refresh" content="N; url=...">`` sends the browser to
    (None for another meta element, or a refresh that only reloads the page)."""
    if (meta.get("http-equiv") or "").strip().lower() != "refresh":
        return None
    found = _REFRESH.match(meta.get("content") or "")
    target = found.group(1).strip() if found else ""
    return target or None


_RESOLVED: dict[tuple[str, str], tuple[str, str]] = {}
_RESOLVED_MAX = 50_000


def _resolve(base: str, key: tuple[str, str], href: str) -> tuple[str, str]:
    """``urldefrag(urljoin(base, href))``, remembered for the hrefs whose result does not
    depend on the base's path: root-relative ones (only the base's origin counts) and
    absolute http(s) ones (only its scheme counts). Menus repeat those on every page, and
    urljoin is most of the cost of listing a page's links."""
    memo: tuple[str, str] | None = None
    if href.startswith("/") and not href.startswith("//"):
        memo = (key[1], href)
    elif href.startswith(("http://", "https://")):
        memo = (key[0], href)
    hit = _RESOLVED.get(memo) if memo is not None else None
    if hit is None:
        url, fragment = urldefrag(urljoin(base, href))
        hit = (url, fragment)
        if memo is not None:
            if len(_RESOLVED) >= _RESOLVED_MAX:
                _RESOLVED.clear()
            _RESOLVED[memo] = hit
    return hit


@lru_cache(maxsize=8192)
def host_of(url: str) -> str:
    """Lower-case host with port when one is given (how poaudit names hosts everywhere;
    remembered: the crawl asks for a page's host several times)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return ""
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


class SiteView(Protocol):
    """What site-level probes may read at ``finalize`` (filled by the crawler and store)."""

    def link_verdicts(self) -> Mapping[str, Mapping[str, Any]]: ...


@dataclass
class Context:
    """Per-run state handed to probes: the profile's facts and a place to collect Findings.

    Probes keep cross-page state in ``state[probe_id]`` (e.g. the A–Z probe remembers letter
    pages it saw) and read their profile options from ``options``.
    """

    council: str = ""
    tier: str = "unitary"
    site_hosts: frozenset[str] = frozenset()
    partner_hosts: Mapping[str, str] = field(default_factory=dict)  # host -> council name
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    link_verdicts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    pages_seen: int = 0
    today: str | None = None  # ISO date recency is judged against (profile ``as_of``)

    def finding(
        self,
        meta: ProbeMeta,
        kind: Kind,
        message: str,
        page: Page | str | None = None,
        outcomes: Iterable[str] | None = None,
        **detail: Any,
    ) -> Finding:
        """Build a Finding for ``meta`` (outcomes default to the probe's own)."""
        url = page.final_url if isinstance(page, Page) else page
        return Finding(
            probe_id=meta.id,
            outcomes=tuple(outcomes) if outcomes is not None else meta.outcomes,
            kind=kind,
            message=message,
            page_url=url,
            detail=detail,
        )

    def opts(self, probe_id: str) -> Mapping[str, Any]:
        """The probe's profile options; ``today`` defaults to the profile's ``as_of`` date."""
        own = self.options.get(probe_id, {})
        if self.today is not None and "today" not in own:
            return {**own, "today": self.today}
        return own


PageFn = Callable[[Page, Context], Iterable[Finding]]
SiteFn = Callable[[Context], Iterable[Finding]]
