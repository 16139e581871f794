"""national-portal-link (R3): the home page links to the national portal, Directgov.

**What it looks for.** On the home page (the crawl's start page, ``depth == 0``, or a URL in
the ``start_urls`` option) a link to Directgov: a host of ``direct.gov.uk`` or
``directgov.gov.uk`` (any subdomain: ``www.``, ``local.`` for Local Directgov), also through a
site's exit redirect (``/exit.asp?url=http%3A%2F%2Fwww.direct.gov.uk%2F``). A link to GOV.UK
(``www.gov.uk``, Directgov's successor since 2012) is reported as such; a link to UK online
(``ukonline.gov.uk``, the portal Directgov replaced in 2004) as a predecessor. A link whose
text or title names Directgov but whose host is none of these is reported for a look by hand.
Hosts in the ``portal_hosts`` option count as Directgov (a stand-in on a test network).

Findings, one per home page, at ``finalize`` (so the link checker's verdict can be attached):
``pass`` (Directgov, or GOV.UK with ``successor: true``), ``warning`` (only UK online, or only
a link that names Directgov on an unknown host), ``fail`` (no portal link), and
``not assessed`` when no home page was crawled.

**Why R3 asks for it.** R3 lists among its council benefits "Option to link to DirectGov" and
says "This outcome covers the issues surrounding A-Z information on council websites,
information sharing between councils and links to DirectGov"; the notes name "the national
portal for Government services DirectGov (www.directgov.gov.uk)". The outcome catalogue's web
check: "Homepage link to Government Online Store (and compliance with associated branding
requirements)". (R3's own checklist — "A to Z list" / "Available on website and to call
handling staff." / "XML output enabled" — does not name the portal; az-index covers it.)

**Example that passes.** ``<a href="http://www.direct.gov.uk/" title="Directgov - public
services all in one place"><img src="/images/directgov.gif" alt="Directgov"></a>`` on the
home page.

**Example that fails.** A home page whose only government links are
``http://www.transportdirect.info/`` and ``http://www.suffolk.gov.uk/``; "www.direct.gov.uk"
written as text but not linked; a Directgov link on an inner page only.

**Known limits.** Branding compliance is not judged: the finding records whether the link is
an image (``image_link``) and its title. Whether Directgov is "the" national portal is a
2004/05 fact; a page crawled today that links to GOV.UK passes as the successor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from poaudit.findings import Finding, Kind
from probes._text import verdict_for
from probes.base import Context, Page, ProbeMeta, host_of

__all__ = ["META", "evaluate", "finalize"]

META = ProbeMeta(
    id="national-portal-link",
    code="PO103",
    outcomes=("R3",),
    scope=("page", "site"),
    tags=("directgov", "homepage", "national-portal"),
    status="preview",
    title="Home page links to the national portal (Directgov; GOV.UK as its successor)",
)

PORTALS: dict[str, tuple[str, ...]] = {
    "directgov": ("direct.gov.uk", "directgov.gov.uk"),
    "gov.uk": ("gov.uk",),  # exact host only: every council host ends in .gov.uk
    "ukonline": ("ukonline.gov.uk",),
}
NAMES = ("directgov", "direct.gov.uk", "directgov.gov.uk")


@dataclass
class Home:
    url: str
    links: int
    portal_links: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class State:
    homes: list[Home] = field(default_factory=list)


def _state(ctx: Context) -> State:
    st = ctx.state.get(META.id)
    if not isinstance(st, State):
        st = State()
        ctx.state[META.id] = st
    return st


def _portal_of(host: str, extra: Iterable[str]) -> str | None:
    """The portal ``host`` (``name[:port]``) belongs to, if any."""
    host = host.lower().rstrip(".")
    if host in extra or host.removeprefix("www.") in extra:
        return "directgov"
    bare = host.rsplit(":", 1)[0].rstrip(".").removeprefix("www.")
    for portal, domains in PORTALS.items():
        for domain in domains:
            if portal == "gov.uk":
                if bare == domain:
                    return portal
            elif bare == domain or bare.endswith("." + domain):
                return portal
    return None


def _hosts_in_query(url: str) -> Iterable[tuple[str, str]]:
    """URLs carried in a query string (an exit page's ``?url=…``), with their hosts."""
    for _key, value in parse_qsl(urlsplit(url).query):
        value = unquote(value).strip()
        if value.lower().startswith(("http://", "https://", "www.")):
            target = value if "://" in value else "http://" + value
            yield target, host_of(target)


def _is_home(page: Page, ctx: Context) -> bool:
    starts = ctx.opts(META.id).get("start_urls") or ()
    return page.depth == 0 or page.url in starts or page.final_url in starts


def evaluate(page: Page, ctx: Context) -> list[Finding]:
    """On the home page, record every link to the national portal (reported at finalize)."""
    if page.status != 200 or not _is_home(page, ctx):
        return []
    st = _state(ctx)
    if any(h.url == page.final_url for h in st.homes):
        return []
    extra = frozenset(h.lower() for h in ctx.opts(META.id).get("portal_hosts") or ())
    anchors = list(page.tree.iter("a", "area"))
    home = Home(page.final_url, len(anchors))
    for a in anchors:
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:")):
            continue
        try:
            url = page.resolve(href)[0]
        except ValueError:  # malformed: the link checker reports it
            continue
        text = " ".join(a.text_content().split())
        title = a.get("title") or ""
        img = a.find(".//img")
        alt = (img.get("alt") or "") if img is not None else ""
        label = " ".join(x for x in (text, alt) if x)
        host = host_of(url)
        portal, via, target = _portal_of(host, extra), "href", url
        if portal is None:
            for inner, inner_host in _hosts_in_query(url):
                portal = _portal_of(inner_host, extra)
                if portal is not None:
                    via, target, host = "redirect", inner, inner_host
                    break
        if portal is None:
            named = " ".join((label, title)).lower()
            if any(n in named for n in NAMES):
                portal, via = "named-only", "link-text"
        if portal is None:
            continue
        home.portal_links.append({
            "portal": portal, "url": url, "target": target, "host": host, "via": via,
            "link_text": label, "link_title": title or None, "image_link": img is not None,
        })
    st.homes.append(home)
    return []


_ORDER = ("directgov", "gov.uk", "ukonline", "named-only")


def finalize(ctx: Context) -> list[Finding]:
    """One finding per home page seen; ``not assessed`` when the home page was not crawled."""
    st = _state(ctx)
    if not st.homes:
        return [ctx.finding(META, Kind.NOT_ASSESSED, "The home page was not crawled, so its "
                            "link to Directgov could not be checked.", None,
                            check="homepage-link", present=None)]
    out: list[Finding] = []
    for home in st.homes:
        links = sorted(home.portal_links, key=lambda x: _ORDER.index(x["portal"]))
        for link in links:
            link.update(verdict_for(link["url"], "", ctx.link_verdicts).as_detail())
        best = links[0] if links else None
        portal = best["portal"] if best else None
        common: dict[str, Any] = {
            "check": "homepage-link", "present": portal in ("directgov", "gov.uk"),
            "portal": portal, "successor": portal == "gov.uk", "links": links,
            "links_on_page": home.links}
        if portal == "directgov":
            kind, message = Kind.PASS, "The home page links to Directgov."
        elif portal == "gov.uk":
            kind, message = Kind.PASS, ("The home page links to GOV.UK, Directgov's successor "
                                        "as the national portal.")
        elif portal == "ukonline":
            kind, message = Kind.WARNING, ("The home page links to UK online, the portal "
                                           "Directgov replaced in 2004, not to Directgov.")
        elif portal == "named-only":
            kind, message = Kind.WARNING, (f"A home-page link names Directgov but points to "
                                           f"{best['host'] if best else '?'}: check by hand.")
        else:
            kind, message = Kind.FAIL, "The home page has no link to Directgov."
        out.append(ctx.finding(META, kind, message, home.url, **common))
    return out
