"""The presence engine: one data-driven matcher behind every "is this service online?" probe.

Most web-observable Priority Outcomes ask the same two questions of a council website: is there
a page for the service (school admissions, the library, planning applications, ...), and does
it carry the transactional element the outcome asks for (an application form, a catalogue
search, a booking or payment link, a forward meetings diary, a map, an alert sign-up, ...)?
Each presence probe is a thin module: a docstring, a :class:`~probes.base.ProbeMeta` and a
:class:`Spec` (data). This module does the work:

* **Per page** (``evaluate``): the page is recognised as a *service page* when the spec's
  service terms occur in its title, ``<h1>``, breadcrumb or URL words, its e-GMS subject
  (LGCL names) or its e-GMS LGSL service numbers (the catalogue's LGSL refs of the probe's
  outcomes). Each :class:`Element` is then looked for: forms (field labels, names, action),
  links (text, URL, host), text (information content, on service pages only), claims (text
  that only *says* the facility exists), media, maps, e-mail addresses, phone numbers, dates
  (a forward diary, a "last updated" date) and page shapes (a page per councillor). Links to a
  partner council's host whose text or URL names the service are kept as deep-link
  candidates. Nothing is emitted per page; evidence (URLs, snippets of at most 300 characters,
  matched terms, dates) is kept in ``ctx.state``, bounded.
* **At the end** (``finalize``): one site finding per :class:`Check` (one per outcome):
  ``pass`` when every required element was found (the service page with it), ``warning`` when
  the service page or some elements were found but not all (elements only *claimed* in text
  are reported as ``elements_claimed``), ``fail`` when nothing was found. Where the council's
  tier does not provide the service (:func:`poaudit.taxonomy.providing_tiers` of the check's
  LGSL refs, from the catalogue unless the spec overrides them, against ``ctx.tier``), a deep
  link to a partner council's page for it is a ``pass`` with ``via_partner``.

Speed: every phrase is normalised once per process (:func:`poaudit.taxonomy.normalise_label`)
into sets and trie-shaped patterns. Each page is analysed once for all presence probes
(:class:`PageFacts`, kept in ``ctx.state`` for the page being evaluated): n-gram sets of its
title, heading and URL words, so recognising a service page is a set intersection, not a
scan; its links are screened once against every presence probe's link phrases (one pattern)
and each probe caches what a given link matches, as menus repeat on every page. The
breadcrumb, body text, forms, dates, media and maps are only read when a probe needs them,
and body text only on pages recognised as a service page. No regex runs over taxonomies.
Measured on the demo area (2,000-page district, real crawler on loopback): about 0.55 ms of
CPU per page for all 25 presence probes together.

Finding detail keys (stable; the scorer reads them): ``outcome``, ``service``, ``tier``,
``providing_tiers``, ``tier_provides``, ``required``, ``elements_found``, ``elements_missing``,
``elements_claimed``, ``optional_found``, ``elements`` ({name: [evidence]}),
``element_pages`` ({name: number of pages}), ``claims`` ({name: [evidence]}), ``stale``
({name: [evidence with date and days_old]}), ``service_pages`` ([{url, title, score,
matched}]), ``service_pages_count``, ``primary_url``, ``partner_links`` ([{url, text, council,
page, matched, deep}]), ``via_partner`` (pass via a partner only), and ``today`` for probes
with date rules. An evidence item is
``{"url", "how", "matched", "snippet"?, "target"?, "date"?}`` with ``how`` one of ``form``,
``link``, ``text``, ``media``, ``map``, ``email``, ``phone``, ``page``, ``dates``,
``updated``.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from poaudit.catalogue import load_catalogue
from poaudit.findings import Finding, Kind
from poaudit.taxonomy import normalise_label, providing_tiers
from probes.base import Context, Page, PageLink, ProbeMeta, host_of

__all__ = [
    "SITE_SEARCH",
    "Check",
    "DateRule",
    "Element",
    "FormRule",
    "LinkRule",
    "PageFacts",
    "PageRule",
    "PresenceProbe",
    "Spec",
    "TextRule",
    "facts_for",
    "norm",
    "today_for",
]

MAX_GRAM = 4  # longest phrase (in words) matched through n-gram sets; longer ones by substring
MAX_EVIDENCE = 5  # per element
MAX_PAGES_KEPT = 40  # service page candidates kept in state (best first)
MAX_PAGES_REPORTED = 5
MAX_PARTNER_LINKS = 10
MAX_PARTNER_LINKS_KEPT = 2000  # all, in practice: evidence must not hang on crawl order
MAX_PAGES_COUNTED = 10_000  # per element: element_pages stops counting here
SNIPPET = 300
BODY_CHARS = 60_000  # body text read per service page
MAX_OPTIONS = 40  # <option> texts read per select
_FACTS_KEY = "_presence.facts"

SITE_SEARCH: tuple[str, ...] = (
    "search this site", "search the site", "site search", "search this website",
    "search the website", "search our website", "search our site", "search website",
    "search site", "google search", "search all pages",
)
"""Phrases that mark a form as the site-wide search box (never a service's search)."""

How = Literal[
    "form", "link", "text", "media", "map", "email", "phone", "page", "dates", "updated"
]


def norm(text: str) -> str:
    """The one folding used for every phrase and every page string (see normalise_label)."""
    if len(text) <= 200:
        return _norm_short(text)
    return normalise_label(text)


@functools.lru_cache(maxsize=32768)
def _norm_short(text: str) -> str:
    # link texts, titles and menu items repeat on every page of a site
    return normalise_label(text)


def _terms(phrases: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for p in phrases:
        n = norm(p)
        if n and n not in out:
            out.append(n)
    return tuple(out)


@functools.lru_cache(maxsize=32768)
def _grams(text: str, limit: int = 40) -> frozenset[str]:
    """Every 1..MAX_GRAM word n-gram of a normalised string (first ``limit`` words); cached,
    as titles, menu links and breadcrumbs repeat from page to page."""
    words = text.split()[:limit]
    out = set(words)
    for n in range(2, MAX_GRAM + 1):
        out.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return frozenset(out)


def _pad(text: str) -> str:
    return f" {text} "


def _find(padded: str, terms: Iterable[str]) -> str | None:
    """The first term found in a padded normalised string at word boundaries."""
    for t in terms:
        if f" {t} " in padded:
            return t
    return None


def _find_all(padded: str, terms: Iterable[str]) -> list[str]:
    return [t for t in terms if f" {t} " in padded]


_SITE_SEARCH = _terms(SITE_SEARCH)


# --------------------------------------------------------------------------------------------
# Rules: what a spec is made of (data)


@dataclass(frozen=True, slots=True)
class FormRule:
    """A form that is (part of) the transactional element.

    ``fields``: groups of alternative phrases looked for in the form's field descriptors
    (names, ids, labels, placeholders, legends, option texts, button values); at least
    ``min_groups`` groups (default: all) must be present. ``action``: URL substrings of the
    form's action, each enough on its own. ``context``: phrases in the form's text or action
    that stand in for the page being a service page (the spec's service terms always do).
    ``exclude``: phrases that disqualify a form (the site-wide search box by default).
    ``search``: the form must look like a search or lookup (no text area, no password, at
    most eight inputs), not an application or a contact form.
    """

    fields: tuple[tuple[str, ...], ...] = ()
    min_groups: int | None = None
    action: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    exclude: tuple[str, ...] = SITE_SEARCH
    method: Literal["get", "post"] | None = None
    search: bool = False
    need_context: bool = True


@dataclass(frozen=True, slots=True)
class LinkRule:
    """A link that is (part of) the transactional element.

    ``text``: link-text phrases. A link on the site itself whose text names a facility ("Pay
    online", "Book sports facilities") is usually the menu entry for the information page, so
    by text alone only links that leave the site (a third-party system) count, unless
    ``internal`` (documents and actions whose link is the evidence: "Minutes", "Claim form
    (PDF)", "Add your group"); the page an internal link leads to is judged when it is
    crawled. ``url``: URL substrings (lower case, e.g. a library system's name); ``hosts``:
    host names (the host or a subdomain of it); ``partner``: any link to a partner council.
    URL, host and partner matches count wherever the link goes. With ``prefix`` a text
    phrase must start the link text ("Minutes of this meeting", not a menu item "Meetings,
    agendas and minutes"). With ``need_context`` the link must be on a service page or its
    text must name the service.
    """

    text: tuple[str, ...] = ()
    url: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    internal: bool = False
    partner: bool = False
    prefix: bool = False
    need_context: bool = True


@dataclass(frozen=True, slots=True)
class TextRule:
    """Information content on a service page: ``groups`` of alternative phrases, at least
    ``min_groups`` (default: all) present on the same page."""

    groups: tuple[tuple[str, ...], ...]
    min_groups: int | None = None


@dataclass(frozen=True, slots=True)
class PageRule:
    """A page of a given shape, e.g. one page per councillor: its ``<h1>`` or title starts
    with one of ``title_prefixes`` (and not with one of ``exclude_prefixes``), or its URL
    contains one of ``url``."""

    title_prefixes: tuple[str, ...] = ()
    exclude_prefixes: tuple[str, ...] = ()
    url: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DateRule:
    """Dates on a service page, measured against "today" (``today`` option, ISO date).

    ``forward``: at least ``min_dates`` dates in the content, one of them between today and
    ``horizon_days`` ahead (a forward diary); a page with only past dates is reported stale.
    ``updated``: a "last updated" date on the page (or its Last-Modified header) at most
    ``max_age_days`` old (the ``max_age_days`` option overrides it).
    """

    mode: Literal["forward", "updated"]
    min_dates: int = 2
    horizon_days: int = 400
    max_age_days: int = 7


@dataclass(frozen=True, slots=True)
class Element:
    """One thing an outcome asks for; found when any of its matchers matches.

    ``text``, ``claims``, ``email``, ``phone`` and ``dates`` are only looked for on service
    pages; ``media``, ``maps`` and ``page`` anywhere unless ``context``. ``claims`` are phrases
    that only *say* the facility exists ("book online in real time"): they satisfy the element
    only with ``accept_claims`` (for facilities behind a login no crawler sees); otherwise they
    are reported as ``elements_claimed``.
    """

    name: str
    label: str
    forms: FormRule | None = None
    links: LinkRule | None = None
    text: TextRule | None = None
    claims: tuple[str, ...] = ()
    accept_claims: bool = False
    media: bool = False
    maps: bool = False
    email: bool = False
    phone: bool = False
    page: PageRule | None = None
    dates: DateRule | None = None
    context: bool = False


@dataclass(frozen=True, slots=True)
class Check:
    """One outcome the probe evidences and the elements it needs.

    ``tier_lgsl``: LGSL ids that decide which council tiers provide the service; ``None``
    takes the outcome's LGSL refs from the catalogue, ``()`` means every tier provides it.
    ``two_tier``: elements required only of a county or district (a council with partners).
    """

    outcome: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    two_tier: tuple[str, ...] = ()
    tier_lgsl: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class Spec:
    """Everything a presence probe knows about its service.

    ``service``: the service in plain words ("school admissions"). ``terms``: phrases that
    identify a service page (title, ``<h1>``, breadcrumb, URL words). ``exclude``: phrases
    that contain a term but are something else ("site map" for maps). ``url_terms``: URL
    substrings that identify a service page (``mgcalendar``). ``subjects``: LGCL preferred
    names matched against e-GMS subjects. ``lgsl_identity``: whether an e-GMS LGSL service
    number from the checks' catalogue LGSL refs (plus ``extra_lgsl``) identifies a page.
    """

    service: str
    terms: tuple[str, ...]
    elements: tuple[Element, ...]
    checks: tuple[Check, ...]
    exclude: tuple[str, ...] = ()
    url_terms: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    lgsl_identity: bool = False
    extra_lgsl: tuple[int, ...] = ()


# --------------------------------------------------------------------------------------------
# Compiled specs (normalised once per process)


@dataclass(frozen=True, slots=True)
class _CForm:
    fields: tuple[tuple[str, ...], ...]
    min_groups: int
    action: tuple[str, ...]
    context: tuple[str, ...]
    exclude: tuple[str, ...]
    method: str | None
    search: bool
    need_context: bool


@dataclass(frozen=True, slots=True)
class _CLink:
    text: tuple[str, ...]  # longest first, so a link reports its most specific phrase
    url: tuple[str, ...]
    hosts: tuple[str, ...]
    internal: bool
    partner: bool
    prefix: bool
    need_context: bool


@dataclass(frozen=True, slots=True)
class _CElement:
    src: Element
    form: _CForm | None
    link: _CLink | None
    text: tuple[tuple[str, ...], ...]
    text_min: int
    claims: tuple[str, ...]
    title_prefixes: tuple[str, ...]
    exclude_prefixes: tuple[str, ...]
    page_url: tuple[str, ...]
    needs_service_page: bool


@dataclass(frozen=True, slots=True)
class _CCheck:
    src: Check
    tiers: frozenset[str]  # empty: every tier


@dataclass(frozen=True, slots=True)
class _Compiled:
    terms: frozenset[str]
    long_terms: tuple[str, ...]  # longer than MAX_GRAM words: substring checks
    exclude: tuple[str, ...]
    url_terms: tuple[str, ...]
    subjects: frozenset[str]
    lgsl: frozenset[int]
    elements: tuple[_CElement, ...]
    checks: tuple[_CCheck, ...]
    link_elements: tuple[int, ...]  # indexes of the elements with a link rule
    link_text_re: re.Pattern[str] | None  # any link-text phrase of any element (pre-filter)
    link_url_re: re.Pattern[str] | None  # any URL substring or host of any element
    partner_links: bool  # some element matches any link to a partner council
    forms: bool  # some element has a form rule
    anywhere: bool  # some element is looked for on any page (page shape, media, maps)


def _compile_form(rule: FormRule) -> _CForm:
    groups = tuple(_terms(g) for g in rule.fields)
    exclude = _terms(rule.exclude)
    return _CForm(
        fields=groups,
        min_groups=rule.min_groups if rule.min_groups is not None else len(groups),
        action=tuple(a.lower() for a in rule.action),
        context=_terms(rule.context),
        exclude=_SITE_SEARCH if exclude == _SITE_SEARCH else exclude,
        method=rule.method,
        search=rule.search,
        need_context=rule.need_context,
    )


def _compile_link(rule: LinkRule) -> _CLink:
    return _CLink(
        text=tuple(sorted(_terms(rule.text), key=lambda t: (-len(t), t))),
        url=tuple(u.lower() for u in rule.url),
        hosts=tuple(h.lower() for h in rule.hosts),
        internal=rule.internal,
        partner=rule.partner,
        prefix=rule.prefix,
        need_context=rule.need_context,
    )


def _compile_element(el: Element) -> _CElement:
    text = tuple(_terms(g) for g in el.text.groups) if el.text else ()
    text_min = (el.text.min_groups if el.text and el.text.min_groups is not None
                else len(text))
    return _CElement(
        src=el,
        form=_compile_form(el.forms) if el.forms else None,
        link=_compile_link(el.links) if el.links else None,
        text=text,
        text_min=text_min,
        claims=_terms(el.claims),
        title_prefixes=_terms(el.page.title_prefixes) if el.page else (),
        exclude_prefixes=_terms(el.page.exclude_prefixes) if el.page else (),
        page_url=tuple(u.lower() for u in el.page.url) if el.page else (),
        needs_service_page=bool(text or el.claims or el.email or el.phone or el.dates),
    )


def _check_lgsl(check: Check) -> tuple[int, ...]:
    if check.tier_lgsl is not None:
        return check.tier_lgsl
    return tuple(load_catalogue().get(check.outcome).lgsl)


def _alternation(terms: Iterable[str], words: bool = False) -> re.Pattern[str] | None:
    """One pattern matching any of ``terms`` (a pre-filter: one C-level scan per link). The
    terms are folded into a trie (``e(?:-pay|pay)`` rather than ``e-pay|epay``): Python's
    regex engine tries alternatives one by one, so a flat list of a few hundred literals is
    several times slower."""
    trie: dict[str, Any] = {}
    for term in set(terms):
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not trie:
        return None
    body = _trie_regex(trie)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])" if words else body)


def _trie_regex(node: dict[str, Any]) -> str:
    alts = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body


def _compile(spec: Spec) -> _Compiled:
    names = {e.name for e in spec.elements}
    if len(names) != len(spec.elements):
        raise ValueError(f"{spec.service}: element names must be unique")
    cat = load_catalogue()
    checks: list[_CCheck] = []
    lgsl_ids: set[int] = set(spec.extra_lgsl)
    for c in spec.checks:
        unknown = set(c.required + c.optional + c.two_tier) - names
        if unknown:
            raise ValueError(f"{spec.service}/{c.outcome}: unknown elements {sorted(unknown)}")
        ids = _check_lgsl(c)
        tiers: set[str] = set()
        for i in ids:
            tiers |= providing_tiers(i)
        checks.append(_CCheck(c, frozenset(tiers)))
        if spec.lgsl_identity:
            lgsl_ids |= set(cat.get(c.outcome).lgsl)
    terms = _terms(spec.terms)
    elements = tuple(_compile_element(e) for e in spec.elements)
    links = [e.link for e in elements if e.link is not None]
    return _Compiled(
        terms=frozenset(t for t in terms if len(t.split()) <= MAX_GRAM),
        long_terms=tuple(t for t in terms if len(t.split()) > MAX_GRAM),
        exclude=_terms(spec.exclude),
        url_terms=tuple(u.lower() for u in spec.url_terms),
        subjects=frozenset(_terms(spec.subjects)),
        lgsl=frozenset(lgsl_ids),
        elements=elements,
        checks=tuple(checks),
        link_elements=tuple(i for i, e in enumerate(elements) if e.link is not None),
        link_text_re=_alternation((t for rule in links for t in rule.text), words=True),
        link_url_re=_alternation(u for rule in links for u in (*rule.url, *rule.hosts)),
        partner_links=any(rule.partner for rule in links),
        forms=any(e.form is not None for e in elements),
        anywhere=any((e.src.page or e.src.media or e.src.maps) and not e.src.context
                     for e in elements),
    )


# --------------------------------------------------------------------------------------------
# Page facts: one analysis per page, shared by every presence probe

_BODY_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
)
_MAIN_TEXT = etree.XPath(
    "(//h1)[1]//text() | (//h1)[1]/following::text()"
    "[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
)
_CRUMBS = etree.XPath(
    "//*[@class][contains(translate(@class,'RUMB','rumb'),'rumb')] | "
    "//*[@id][contains(translate(@id,'RUMB','rumb'),'rumb')]"
)
_HAS_CRUMB = re.compile(r"crumb", re.IGNORECASE)
_HAS_HERE = re.compile(r"you\s+are\s+here", re.IGNORECASE)
_HAS_MEDIA = re.compile(r"<(?:video|audio|object|embed|iframe|source)\b", re.IGNORECASE)
_HAS_EMBED = re.compile(r"<(?:iframe|object|embed|script)\b[^>]*\b(?:src|data)\s*=",
                        re.IGNORECASE)
_CAMEL = re.compile(r"([a-z])([A-Z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")
_MONTHS = {m: i + 1 for i, m in enumerate((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"))}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = r"(january|february|march|april|may|june|july|august|september|october|november|" \
       r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}\.?,?\s+(\d{{4}})\b"
    rf"|\b{_MON}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    r"|\b(\d{1,2})/(\d{1,2})/(\d{4})\b"
    r"|\b(\d{4})-(\d{2})-(\d{2})\b",
    re.IGNORECASE,
)
_UPDATED = re.compile(r"(updated|modified|reviewed|amended)\W+(?:\w+\W+){0,3}$", re.IGNORECASE)
_MEDIA_EXT = (
    ".mp3", ".wma", ".wav", ".ram", ".rm", ".ra", ".asx", ".asf", ".wmv", ".avi", ".mpg",
    ".mpeg", ".mov", ".m4v", ".mp4", ".m4a", ".flv", ".ogg", ".oga", ".ogv", ".webm", ".m3u",
)
_MEDIA_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "public-i.tv", "podbean.com",
                "soundcloud.com", "audioboo.fm")
_MEDIA_TYPES = ("video/", "audio/", "application/x-shockwave-flash", "application/x-mplayer",
                "application/vnd.rn-realmedia", "audio/x-pn-realaudio", "video/x-ms")
_MAP_URL = ("arcims", "mapguide", "mapviewer", "map_viewer", "webmap", "/gis/", "gis.",
            "maps.google", "google.com/maps", "google.co.uk/maps", "multimap.com",
            "streetmap.co.uk", "getmapping", "openlayers", "leaflet", "arcgis", "esri.com",
            "cadcorp", "ishare", "mapinfo", "mapserver", "/wms", "wms?", "astun",
            "openstreetmap", "mapxtreme", "ims?servicename", "mapsearch")
_MAP_TEXT = _terms(("interactive map", "interactive maps", "view map", "view the map",
                    "map search", "open the map", "launch the map", "launch map",
                    "online map", "online maps", "view on a map", "show on map",
                    "find on a map", "gis", "map viewer", "mapping service", "maps online"))
"""Link texts that lead to a web map when the link leaves the site."""
_DEEP_ROOTS = frozenset({"", "index.html", "index.htm", "index.php", "index.asp", "index.aspx",
                         "default.aspx", "default.asp", "default.htm", "index.cfm", "home",
                         "home.aspx", "index.shtml", "index.jsp"})
_SUBJECT_NAMES = frozenset({
    "dc.subject", "dcterms.subject", "egms.subject", "egms.subject.category",
    "egms.subject.keyword", "egms.subject.service", "egms.subject.programme",
    "egms.subject.project", "keywords",
})


@dataclass(frozen=True, slots=True)
class FormFacts:
    """A form as the presence rules see it (all strings normalised and padded)."""

    action: str  # absolute, lower case
    method: str
    fields: str  # padded: names, ids, labels, placeholders, legends, options, buttons
    text: str  # padded: the form's whole text
    n_inputs: int
    site_search: bool  # the site-wide search box (SITE_SEARCH phrases)
    has_textarea: bool
    has_choice: bool  # checkboxes, radios or selects
    has_email: bool
    has_password: bool


@dataclass(frozen=True, slots=True)
class _Link:
    url: str
    lower: str
    text: str  # normalised
    host: str
    internal: bool
    partner: str | None
    key: tuple[str, str]  # (lower, text): what the per-probe link caches are keyed by


def _fast_host(url: str) -> str:
    """``host_of`` for the common case (``http(s)://host[:port]/...``) without urlsplit."""
    if url.startswith(("http://", "https://")):
        netloc = url.split("/", 3)[2]
        if "@" not in netloc and "[" not in netloc and "?" not in netloc and \
                "#" not in netloc:
            return netloc.lower().removesuffix(":")
    return host_of(url)


def _date_from(m: re.Match[str]) -> date | None:
    g = m.groups()
    try:
        if g[0]:
            return date(int(g[2]), _MONTHS[g[1].lower()], int(g[0]))
        if g[3]:
            return date(int(g[5]), _MONTHS[g[3].lower()], int(g[4]))
        if g[6]:
            return date(int(g[8]), int(g[7]), int(g[6]))
        if g[9]:
            return date(int(g[9]), int(g[10]), int(g[11]))
    except (ValueError, KeyError):
        return None
    return None


_PROBES: weakref.WeakSet[PresenceProbe] = weakref.WeakSet()
"""Every presence probe of this process (their specs are configuration, not run state): their
link rules are folded into one pre-filter so that each page's links are screened once for all
presence probes, not once per probe."""


@dataclass(frozen=True, slots=True)
class _LinkIndex:
    generation: int
    text_re: re.Pattern[str] | None
    url_re: re.Pattern[str] | None


_INDEX: list[_LinkIndex] = []
_GENERATION = [0]  # bumped whenever a presence probe is created


def _link_index() -> _LinkIndex:
    if _INDEX and _INDEX[0].generation == _GENERATION[0]:
        return _INDEX[0]
    texts: set[str] = set()
    urls: set[str] = set()
    for probe in list(_PROBES):
        for el in probe.compiled.elements:
            if el.link is not None:
                texts.update(el.link.text)
                urls.update(el.link.url)
                urls.update(el.link.hosts)
    index = _LinkIndex(_GENERATION[0], _alternation(texts, words=True), _alternation(urls))
    _INDEX[:] = [index]
    _screen.cache_clear()
    return index


@functools.lru_cache(maxsize=65536)
def _screen(lower: str, text: str) -> bool:
    """Whether a link could match any presence probe's link rule (cached: menus repeat)."""
    index = _INDEX[0]
    return bool((index.text_re is not None and index.text_re.search(text)) or
                (index.url_re is not None and index.url_re.search(lower)))


class PageFacts:
    """What presence probes read from one page; each part is computed on first use."""

    def __init__(self, page: Page, ctx: Context) -> None:
        self.page = page
        self.url = page.final_url or page.url
        self.site_hosts = page.site_hosts or ctx.site_hosts or frozenset({page.host})
        self.partner_hosts = ctx.partner_hosts
        self.ok = page.status == 200 and (
            "html" in (page.content_type or "text/html").lower())

    # ---- identity strings (always needed; short)
    @functools.cached_property
    def title(self) -> str:
        return norm(self.page.title)

    @functools.cached_property
    def raw_title(self) -> str:
        return self.page.title

    @functools.cached_property
    def h1(self) -> str:
        heads = [" ".join(" ".join(h.itertext()).split()) for h in self.page.tree.iter("h1")]
        return norm(" | ".join(heads[:3]))

    @functools.cached_property
    def raw_h1(self) -> str:
        for h in self.page.tree.iter("h1"):
            return " ".join(h.text_content().split())[:SNIPPET]
        return ""

    @functools.cached_property
    def crumbs(self) -> str:
        parts: list[str] = []
        text = self.page.text or ""
        if _HAS_CRUMB.search(text):
            for el in _CRUMBS(self.page.tree)[:2]:
                if isinstance(el, etree._Element):
                    parts.append(" ".join(el.itertext()))
        if not parts and _HAS_HERE.search(text):
            for p in self.page.tree.iter("p", "div"):
                t = (p.text or "").strip().lower()
                if t.startswith("you are here"):
                    parts.append(p.text_content())
                    break
        return norm(" ".join(parts))[:400]

    @functools.cached_property
    def url_words(self) -> str:
        parts = urlsplit(self.url)
        raw = unquote(parts.path + " " + parts.query)
        return norm(_CAMEL.sub(r"\1 \2", raw))

    @functools.cached_property
    def subjects(self) -> tuple[frozenset[str], frozenset[int]]:
        """e-GMS / Dublin Core subject terms (normalised) and LGSL service numbers."""
        terms: set[str] = set()
        lgsl: set[int] = set()
        for m in self.page.tree.iter("meta"):
            name = (m.get("name") or "").strip().lower()
            if name not in _SUBJECT_NAMES:
                continue
            value = m.get("content") or m.get("value") or ""
            scheme = (m.get("scheme") or m.get("class") or "").lower()
            if "lgsl" in scheme or name.endswith(".service"):
                lgsl.update(int(x) for x in re.findall(r"\d+", value))
                continue
            for part in re.split(r"[;,]", value):
                n = norm(part)
                if n:
                    terms.add(n)
        return frozenset(terms), frozenset(lgsl)

    @functools.cached_property
    def grams(self) -> Mapping[str, frozenset[str]]:
        """N-grams of the title, heading and URL words (the breadcrumb is read only when it
        can decide: see :meth:`PresenceProbe.identity`)."""
        return {
            "title": _grams(self.title),
            "h1": _grams(self.h1),
            "url": _grams(self.url_words),
        }

    @functools.cached_property
    def all_grams(self) -> frozenset[str]:
        return frozenset().union(*self.grams.values())

    @functools.cached_property
    def crumb_grams(self) -> frozenset[str]:
        return _grams(self.crumbs)

    def source(self, name: str) -> str:
        """The normalised identity string ``name`` (title, h1, breadcrumb, url)."""
        if name == "title":
            return self.title
        if name == "h1":
            return self.h1
        if name == "breadcrumb":
            return self.crumbs
        return self.url_words

    # ---- links
    @functools.cached_property
    def links(self) -> list[_Link]:
        out: list[_Link] = []
        for link in self.page.links:
            if link.tag not in ("a", "area", "iframe", "frame"):
                continue
            out.append(self._link(link))
        return out

    def _link(self, link: PageLink) -> _Link:
        host = _fast_host(link.url)
        lower = link.url.lower()
        text = norm(link.text)[:300]
        return _Link(
            url=link.url,
            lower=lower,
            text=text,
            host=host,
            internal=host in self.site_hosts,
            partner=self.partner_hosts.get(host),
            key=(lower, text),
        )

    @functools.cached_property
    def candidate_links(self) -> list[_Link]:
        """The links that could match some presence probe's link rule (screened once)."""
        _link_index()
        return [link for link in self.links if _screen(link.lower, link.text)]

    @functools.cached_property
    def partner_links(self) -> list[_Link]:
        if not self.partner_hosts:
            return []
        return [link for link in self.links if link.partner]

    # ---- body (service pages only)
    @functools.cached_property
    def raw_body(self) -> str:
        """The page's text from its first ``<h1>`` on (menus and breadcrumbs before the heading
        left out), or the whole body when there is no ``<h1>``."""
        chunks: list[str] = []
        size = 0
        nodes = _MAIN_TEXT(self.page.tree)
        if not nodes:
            nodes = _BODY_TEXT(self.page.tree)
        for t in nodes:
            s = str(t)
            chunks.append(s)
            size += len(s)
            if size > BODY_CHARS:
                break
        return " ".join(" ".join(chunks).split())[:BODY_CHARS]

    @functools.cached_property
    def body(self) -> str:
        return _pad(norm(self.raw_body))

    def snippet(self, term: str) -> str:
        """About 300 characters of the page's own text around ``term``."""
        raw = self.raw_body
        pattern = _term_pattern(term)
        m = pattern.search(raw)
        if m is None:
            i = self.body.find(f" {term} ")
            src, start, end = self.body, i, i + len(term)
            if i < 0:
                return ""
        else:
            src, start, end = raw, m.start(), m.end()
        half = (SNIPPET - (end - start)) // 2
        lo = max(0, start - max(half, 0))
        hi = min(len(src), end + max(half, 0))
        out = src[lo:hi].strip()
        return out[:SNIPPET]

    @functools.cached_property
    def emails(self) -> list[str]:
        found = [link.url[7:].split("?")[0] for link in self.links
                 if link.lower.startswith("mailto:")]
        found += _EMAIL.findall(self.raw_body)
        out: list[str] = []
        for e in found:
            e = unquote(e).strip().rstrip(".").lower()
            if e and e not in out:
                out.append(e)
        return out

    @functools.cached_property
    def phones(self) -> list[str]:
        out: list[str] = []
        for m in _PHONE.finditer(self.raw_body):
            p = " ".join(m.group(0).split())
            if p not in out:
                out.append(p)
        return out

    @functools.cached_property
    def dates(self) -> tuple[list[date], list[date]]:
        """(content dates, "last updated" dates) in the page's text, in order found."""
        content: list[date] = []
        updated: list[date] = []
        raw = self.raw_body
        for m in _DATE.finditer(raw):
            d = _date_from(m)
            if d is None:
                continue
            before = raw[max(0, m.start() - 40) : m.start()]
            (updated if _UPDATED.search(before) else content).append(d)
        return content, updated

    @functools.cached_property
    def last_modified(self) -> date | None:
        value = {k.lower(): v for k, v in self.page.headers.items()}.get("last-modified")
        if not value:
            return None
        try:
            return parsedate_to_datetime(value).date()
        except (TypeError, ValueError, IndexError):
            return None

    # ---- forms, media, maps
    @functools.cached_property
    def forms(self) -> list[FormFacts]:
        """Every form except the site-wide search box."""
        if "<form" not in (self.page.text or "") and "<FORM" not in (self.page.text or ""):
            return []
        out = [self._form(form) for form in self.page.tree.iter("form")]
        return [f for f in out if not f.site_search]

    def _form(self, form: Any) -> FormFacts:
        text = _pad(norm(" ".join(form.itertext()))[:2000])
        if _find(text, _SITE_SEARCH):  # the search box in every page's header: no more work
            return FormFacts(action="", method="get", fields=" ", text=text, n_inputs=1,
                             site_search=True, has_textarea=False, has_choice=False,
                             has_email=False, has_password=False)
        bits: list[str] = []
        n_inputs = 0
        has_textarea = has_choice = has_email = has_password = False
        for el in form.iter("input", "select", "textarea", "button", "label", "legend",
                            "option"):
            tag = str(el.tag)
            if tag in ("label", "legend"):
                bits.append(el.text_content())
                continue
            if tag == "option":
                continue
            kind = (el.get("type") or ("text" if tag == "input" else tag)).lower()
            if kind == "hidden":
                continue
            for attr in ("name", "id", "placeholder", "title", "aria-label"):
                v = el.get(attr)
                if v:
                    bits.append(_CAMEL.sub(r"\1 \2", v))
            if kind in ("submit", "button", "image") or tag == "button":
                bits.append(el.get("value") or el.get("alt") or el.text_content() or "")
                continue
            n_inputs += 1
            if tag == "textarea":
                has_textarea = True
            elif tag == "select":
                has_choice = True
                for opt in list(el.iter("option"))[:MAX_OPTIONS]:
                    bits.append(opt.text_content())
            elif kind in ("checkbox", "radio"):
                has_choice = True
            elif kind == "email":
                has_email = True
            elif kind == "password":
                has_password = True
        fields = norm(" ".join(bits))
        if " email " in _pad(fields) or " e mail " in _pad(fields):
            has_email = True
        action_raw = (form.get("action") or "").strip()
        action = urljoin(self.page.base_url, action_raw) if action_raw else self.url
        padded_fields = _pad(fields)
        return FormFacts(
            action=action.lower(),
            method=(form.get("method") or "get").strip().lower(),
            fields=padded_fields,
            text=text,
            n_inputs=n_inputs,
            site_search=bool(_find(padded_fields, _SITE_SEARCH)),
            has_textarea=has_textarea,
            has_choice=has_choice,
            has_email=has_email,
            has_password=has_password,
        )

    @functools.cached_property
    def media(self) -> list[tuple[str, str]]:
        """(what, url) for embedded players and links to audio/video."""
        out: list[tuple[str, str]] = []
        base = self.page.base_url
        tags = ("video", "audio", "object", "embed", "source", "iframe") if _HAS_MEDIA.search(
            self.page.text or "") else ()
        for el in self.page.tree.iter(*tags) if tags else ():
            tag = str(el.tag)
            src = el.get("src") or el.get("data") or ""
            kind = (el.get("type") or "").lower()
            url = urljoin(base, src.strip()) if src.strip() else self.url
            low = url.lower()
            if tag in ("video", "audio") or kind.startswith(_MEDIA_TYPES) or low.split(
                    "?")[0].endswith(_MEDIA_EXT) or any(h in low for h in _MEDIA_HOSTS):
                out.append((tag, url))
        out.extend(("link", link.url) for link in self.links if _media_link(link.lower))
        return out[:10]

    @functools.cached_property
    def maps(self) -> list[tuple[str, str]]:
        """(what, url) for embedded maps and links to web map / GIS viewers."""
        out: list[tuple[str, str]] = []
        base = self.page.base_url
        tags = ("iframe", "object", "embed", "script") if _HAS_EMBED.search(
            self.page.text or "") else ()
        for el in self.page.tree.iter(*tags) if tags else ():
            src = (el.get("src") or el.get("data") or "").strip()
            if not src:
                continue
            low = src.lower()
            if any(t in low for t in _MAP_URL):
                out.append((str(el.tag), urljoin(base, src)))
        for link in self.links:
            if _map_url(link.lower) or (not link.internal and _map_text(link.text)):
                out.append(("link", link.url))
        return out[:10]


@functools.lru_cache(maxsize=32768)
def _media_link(lower_url: str) -> bool:
    """A link to an audio or video file or a media host (menu links repeat: cached)."""
    path = lower_url.split("?", 1)[0].split("#", 1)[0]
    return path.endswith(_MEDIA_EXT) or any(h in lower_url for h in _MEDIA_HOSTS)


@functools.lru_cache(maxsize=32768)
def _map_url(lower_url: str) -> bool:
    """A link to a web-mapping system (never the site map)."""
    if lower_url.startswith("mailto:") or "sitemap" in lower_url or "site-map" in lower_url \
            or "site_map" in lower_url:
        return False
    return any(t in lower_url for t in _MAP_URL)


@functools.lru_cache(maxsize=32768)
def _map_text(text: str) -> bool:
    return bool(text) and _find(_pad(text), _MAP_TEXT) is not None


@functools.lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"\b" + r"[\W_]+".join(words) + r"\b", re.IGNORECASE)


def facts_for(page: Page, ctx: Context) -> PageFacts:
    """The shared analysis of ``page`` (built by the first presence probe that asks)."""
    slot = ctx.state.get(_FACTS_KEY)
    if isinstance(slot, tuple) and slot[0] is page:
        facts: PageFacts = slot[1]
        return facts
    facts = PageFacts(page, ctx)
    ctx.state[_FACTS_KEY] = (page, facts)
    return facts


def today_for(ctx: Context, probe_id: str) -> date:
    """"Today" for recency checks: the probe's ``today`` option (ISO date) or the clock."""
    value = ctx.opts(probe_id).get("today")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return date.today()


# --------------------------------------------------------------------------------------------
# Site state


@dataclass
class _Candidate:
    url: str
    title: str
    score: int
    matched: list[str]

    @property
    def specificity(self) -> int:
        """Words in the longest term matched (``"title: school admissions"`` -> 2)."""
        return max((len(m.split(": ", 1)[-1].split()) for m in self.matched), default=0)


@dataclass
class _State:
    pages: dict[str, _Candidate] = field(default_factory=dict)
    n_pages: int = 0
    found: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    claimed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stale: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    partner: list[dict[str, Any]] = field(default_factory=list)
    partner_seen: set[str] = field(default_factory=set)
    pages_with: dict[str, set[str]] = field(default_factory=dict)

    def add(self, bucket: dict[str, list[dict[str, Any]]], name: str,
            item: dict[str, Any]) -> None:
        if bucket is self.found:
            seen = self.pages_with.setdefault(name, set())
            if len(seen) < MAX_PAGES_COUNTED:
                seen.add(str(item.get("url")))
        items = bucket.setdefault(name, [])
        if len(items) >= MAX_EVIDENCE:
            return
        key = (item.get("url"), item.get("how"), item.get("target"))
        if any((i.get("url"), i.get("how"), i.get("target")) == key for i in items):
            return
        items.append(item)

    def candidate(self, cand: _Candidate) -> None:
        self.n_pages += 1
        self.pages[cand.url] = cand
        if len(self.pages) > MAX_PAGES_KEPT * 2:
            best = sorted(self.pages.values(), key=_rank)[:MAX_PAGES_KEPT]
            self.pages = {c.url: c for c in best}


def _rank(c: _Candidate) -> tuple[int, int, int, str]:
    """Most specific term first ("meetings diary" before "committee"), then score."""
    return (-c.specificity, -c.score, len(c.url), c.url)


_WEIGHTS = {"title": 3, "h1": 3, "subject": 2, "lgsl": 3, "url": 1, "breadcrumb": 1}
SERVICE_PAGE_SCORE = 2


# --------------------------------------------------------------------------------------------
# The probe


class PresenceProbe:
    """Binds a :class:`Spec` to a probe: ``evaluate`` per page, ``finalize`` per site."""

    def __init__(self, meta: ProbeMeta, spec: Spec) -> None:
        self.meta = meta
        self.spec = spec
        self._names: dict[str, str | None] = {}
        self._link_cache: dict[tuple[str, str], tuple[tuple[int, str, bool], ...]] = {}
        _PROBES.add(self)
        _GENERATION[0] += 1

    @functools.cached_property
    def compiled(self) -> _Compiled:
        return _compile(self.spec)

    def _state(self, ctx: Context) -> _State:
        st = ctx.state.get(self.meta.id)
        if not isinstance(st, _State):
            st = _State()
            ctx.state[self.meta.id] = st
        return st

    # ---- identity
    def identity(self, facts: PageFacts) -> tuple[int, list[str]]:
        """(score, matched "source: term" labels) of the page as a service page."""
        c = self.compiled
        score = 0
        matched: list[str] = []
        named = c.long_terms or not c.terms.isdisjoint(facts.all_grams)
        for source, grams in (facts.grams.items() if named else ()):
            score += self._source(source, grams, facts, matched)
        if c.url_terms:
            low = facts.url.lower()
            hit = next((u for u in c.url_terms if u in low), None)
            if hit and not any(m.startswith("url:") for m in matched):
                score += 2
                matched.append(f"url: {hit}")
        if c.subjects or c.lgsl:
            terms, lgsl = facts.subjects
            if not c.subjects.isdisjoint(terms):
                score += _WEIGHTS["subject"]
                matched.extend(f"subject: {t}" for t in sorted(c.subjects & terms)[:3])
            if not c.lgsl.isdisjoint(lgsl):
                score += _WEIGHTS["lgsl"]
                matched.extend(f"lgsl: {i}" for i in sorted(c.lgsl & lgsl)[:3])
        if score == SERVICE_PAGE_SCORE - 1:  # only then can the breadcrumb decide
            score += self._source("breadcrumb", facts.crumb_grams, facts, matched)
        return score, matched

    def _source(self, source: str, grams: frozenset[str], facts: PageFacts,
                matched: list[str]) -> int:
        """The weight ``source`` adds (0 when no service term is in it); labels its terms."""
        c = self.compiled
        hits = set(c.terms & grams)
        if c.long_terms:
            hits |= set(_find_all(_pad(facts.source(source)), c.long_terms))
        if hits and c.exclude:
            hits = self._not_excluded(source, facts, hits)
        if not hits:
            return 0
        best = sorted(hits, key=lambda t: (-len(t), t))[:3]
        matched.extend(f"{source}: {t}" for t in best)
        return _WEIGHTS[source]

    def _not_excluded(self, source: str, facts: PageFacts, hits: set[str]) -> set[str]:
        padded = _pad(facts.source(source))
        for ex in self.compiled.exclude:
            padded = padded.replace(f" {ex} ", " | ")
        return {t for t in hits if f" {t} " in padded}

    def names_service(self, text: str) -> str | None:
        """The service term a (normalised) link or form text contains, if any (cached: menu
        links repeat on every page)."""
        if not text:
            return None
        cache = self._names
        if text in cache:
            return cache[text]
        if len(cache) > 8192:
            cache.clear()
        found = self._names_service(text)
        cache[text] = found
        return found

    def _names_service(self, text: str) -> str | None:
        c = self.compiled
        padded = _pad(text)
        for ex in c.exclude:
            padded = padded.replace(f" {ex} ", " | ")
        hits = set(c.terms & _grams(padded.strip(), limit=24))
        hits = {h for h in hits if f" {h} " in padded}
        if not hits and c.long_terms:
            hits = set(_find_all(padded, c.long_terms))
        return max(hits, key=lambda t: (len(t), t)) if hits else None

    # ---- per page
    def evaluate(self, page: Page, ctx: Context) -> list[Finding]:
        facts = facts_for(page, ctx)
        if not facts.ok:
            return []
        st = self._state(ctx)
        score, matched = self.identity(facts)
        service_page = score >= SERVICE_PAGE_SCORE
        if service_page:
            st.candidate(_Candidate(facts.url, page.title[:SNIPPET], score, matched))
        c = self.compiled
        forms = c.forms and bool(facts.forms)
        links = self._links(facts, service_page) if c.link_elements else {}
        if service_page or forms or links or c.anywhere:
            for i, el in enumerate(c.elements):
                self._element(el, facts, service_page, links.get(i, ()), st, ctx)
        if facts.partner_links:
            self._partners(facts, st)
        return []

    def _links(self, facts: PageFacts, service_page: bool
               ) -> dict[int, list[tuple[_Link, str]]]:
        """Element index -> the page's links that match its link rule, with the term (first
        match per link, in document order)."""
        out: dict[int, list[tuple[_Link, str]]] = {}
        cache = self._link_cache
        elements = self.compiled.elements
        for link in facts.candidate_links:
            key = link.key
            hits = cache.get(key)
            if hits is None:
                if len(cache) > 20_000:
                    cache.clear()
                hits = cache[key] = self._link_match(link)
            if not hits:
                continue
            names: str | bool | None = False  # not asked yet
            for i, term, by_text in hits:
                rule = elements[i].link
                assert rule is not None
                if by_text and link.internal and not rule.internal:
                    continue
                if link.partner and not rule.partner:
                    continue  # a partner council's service is a deep link, not this site's own
                if rule.need_context and not service_page:
                    if names is False:
                        names = self.names_service(link.text)
                    if not names:
                        continue
                found = out.setdefault(i, [])
                if not found or found[-1][0] is not link:
                    found.append((link, term))
        if self.compiled.partner_links and facts.partner_links:
            for i in self.compiled.link_elements:
                rule = elements[i].link
                if rule is not None and rule.partner:
                    out.setdefault(i, []).extend(
                        (link, f"partner: {link.partner}") for link in facts.partner_links)
        return out

    def _link_match(self, link: _Link) -> tuple[tuple[int, str, bool], ...]:
        """What a link matches, whatever the page (cached: menus repeat on every page):
        (element index, term, matched by text) per element, best term first."""
        if link.lower.startswith(("mailto:", "tel:", "javascript:")):
            return ()
        c = self.compiled
        if not ((c.link_text_re is not None and c.link_text_re.search(link.text)) or
                (c.link_url_re is not None and c.link_url_re.search(link.lower))):
            return ()
        padded = _pad(link.text)
        host = link.host.split(":")[0]
        out: list[tuple[int, str, bool]] = []
        for i in self.compiled.link_elements:
            rule = self.compiled.elements[i].link
            assert rule is not None
            term = next((t for t in rule.text if f" {t} " in padded and (
                not rule.prefix or link.text == t or link.text.startswith(t + " "))), None)
            if term is not None:
                out.append((i, term, True))
            where = next((u for u in rule.url if u in link.lower), None) or next(
                (h for h in rule.hosts if host == h or host.endswith("." + h)), None)
            if where is not None:  # also kept after a text match: an internal link to a
                out.append((i, where, False))  # calculator counts by its URL
        return tuple(out)

    def _element(self, el: _CElement, facts: PageFacts, service_page: bool,
                 links: Iterable[tuple[_Link, str]], st: _State, ctx: Context) -> None:
        src = el.src
        url = facts.url
        if el.form is not None:
            for form in facts.forms:
                hit = self._form_hit(el.form, form, service_page)
                if hit:
                    st.add(st.found, src.name, {
                        "url": url, "how": "form", "target": form.action,
                        "method": form.method, "matched": hit})
        for link, term in links:
            st.add(st.found, src.name, {
                "url": url, "how": "link", "target": link.url,
                "text": link.text[:SNIPPET], "matched": [term]})
        if src.page is not None and (service_page or not src.context):
            hit_p = self._page_hit(el, facts)
            if hit_p:
                st.add(st.found, src.name, {"url": url, "how": "page", "matched": [hit_p],
                                            "title": facts.raw_h1 or facts.raw_title})
        if src.media and (service_page or not src.context) and facts.media:
            what, target = facts.media[0]
            st.add(st.found, src.name, {"url": url, "how": "media", "target": target,
                                        "matched": [what]})
        if src.maps and (service_page or not src.context) and facts.maps:
            what, target = facts.maps[0]
            st.add(st.found, src.name, {"url": url, "how": "map", "target": target,
                                        "matched": [what]})
        if not (service_page and el.needs_service_page):
            return
        if el.text:
            hits = [_find(facts.body, group) for group in el.text]
            got = [h for h in hits if h]
            if got and len(got) >= el.text_min:
                st.add(st.found, src.name, {"url": url, "how": "text", "matched": got,
                                            "snippet": facts.snippet(got[0])})
        if src.email and facts.emails:
            st.add(st.found, src.name, {"url": url, "how": "email",
                                        "matched": facts.emails[:3]})
        if src.phone and facts.phones:
            st.add(st.found, src.name, {"url": url, "how": "phone",
                                        "matched": facts.phones[:3]})
        if src.dates is not None:
            self._dates(src.dates, facts, st, src.name, ctx)
        if el.claims:
            claim = _find(facts.body, el.claims)
            if claim:
                item = {"url": url, "how": "text", "matched": [claim],
                        "snippet": facts.snippet(claim)}
                st.add(st.found if src.accept_claims else st.claimed, src.name, item)

    def _form_hit(self, rule: _CForm, form: FormFacts, service_page: bool) -> list[str]:
        if rule.method and form.method != rule.method:
            return []
        if rule.search and (form.has_textarea or form.has_password or form.n_inputs > 8):
            return []
        if rule.exclude is _SITE_SEARCH:
            if form.site_search:
                return []
        elif rule.exclude and (_find(form.text, rule.exclude) or
                               _find(form.fields, rule.exclude)):
            return []
        hits = [_find(form.fields, g) for g in rule.fields]
        got = [h for h in hits if h]
        by_fields = bool(rule.fields) and len(got) >= rule.min_groups
        by_action = next((a for a in rule.action if a in form.action), None)
        if not (by_fields or by_action):
            return []
        if rule.need_context and not service_page:
            ctx_hit = _find(form.text, rule.context) or _find(form.fields, rule.context) or \
                self.names_service(form.text.strip()) or next(
                    (t for t in rule.context if t.replace(" ", "") in form.action), None)
            if not ctx_hit:
                return []
        out = list(got) if by_fields else []
        if by_action:
            out.append(f"action: {by_action}")
        return out

    def _page_hit(self, el: _CElement, facts: PageFacts) -> str | None:
        for text in (facts.h1, facts.title):
            if not text:
                continue
            if any(text == p or text.startswith(p + " ") for p in el.exclude_prefixes):
                continue
            for p in el.title_prefixes:
                if text.startswith(p + " "):
                    return p
        low = facts.url.lower()
        return next((u for u in el.page_url if u in low), None)

    def _dates(self, rule: DateRule, facts: PageFacts, st: _State, name: str,
               ctx: Context) -> None:
        today = today_for(ctx, self.meta.id)
        content, updated = facts.dates
        url = facts.url
        if rule.mode == "forward":
            distinct = set(content)
            if len(distinct) < rule.min_dates:
                return
            ahead = sorted(d for d in distinct
                           if today <= d <= today + timedelta(days=rule.horizon_days))
            past = sorted(d for d in distinct if d < today)
            if ahead:
                st.add(st.found, name, {
                    "url": url, "how": "dates", "matched": [d.isoformat() for d in ahead[:3]],
                    "date": ahead[0].isoformat(), "dates_found": len(distinct),
                    "latest_past": past[-1].isoformat() if past else None})
            else:
                latest = max(distinct)
                st.add(st.stale, name, {"url": url, "how": "dates",
                                        "date": latest.isoformat(),
                                        "days_old": (today - latest).days})
            return
        limit = int(ctx.opts(self.meta.id).get("max_age_days", rule.max_age_days))
        stamps = list(updated)
        if facts.last_modified:
            stamps.append(facts.last_modified)
        stamps = [d for d in stamps if d <= today]
        if not stamps:
            return
        newest = max(stamps)
        age = (today - newest).days
        item = {"url": url, "how": "updated", "date": newest.isoformat(), "days_old": age,
                "matched": [newest.isoformat()]}
        st.add(st.found if age <= limit else st.stale, name, item)

    def _partners(self, facts: PageFacts, st: _State) -> None:
        for link in facts.partner_links:
            if link.url in st.partner_seen or len(st.partner) >= MAX_PARTNER_LINKS_KEPT:
                continue
            term = self.names_service(link.text)
            if term is None:
                words = norm(unquote(urlsplit(link.url).path + " " + urlsplit(link.url).query))
                term = self.names_service(words)
            if term is None:
                continue
            st.partner_seen.add(link.url)
            st.partner.append({"url": link.url, "text": link.text[:SNIPPET],
                               "council": link.partner, "page": facts.url, "matched": [term],
                               "deep": _is_deep(link.url)})

    # ---- site
    def finalize(self, ctx: Context) -> list[Finding]:
        st = self._state(ctx)
        out: list[Finding] = []
        for check in self.compiled.checks:
            out.append(self._finding(check, st, ctx))
        return out

    def _finding(self, cc: _CCheck, st: _State, ctx: Context) -> Finding:
        check = cc.src
        spec = self.spec
        labels = {e.name: e.label for e in spec.elements}
        two_tier = ctx.tier in ("county", "district") or bool(ctx.partner_hosts)
        required = list(check.required) + (list(check.two_tier) if two_tier else [])
        found = [n for n in required if st.found.get(n)]
        missing = [n for n in required if not st.found.get(n)]
        claimed = [n for n in missing if st.claimed.get(n)]
        optional_found = [n for n in check.optional if st.found.get(n)]
        names = required + list(check.optional)
        elements = {n: st.found[n] for n in names if st.found.get(n)}
        pages = sorted(st.pages.values(), key=_rank)[:MAX_PAGES_REPORTED]
        tier_provides = not cc.tiers or ctx.tier in cc.tiers
        # Order-independent (crawl order differs between runs and workers): deep links first,
        # then by URL, so the same site always gives the same evidence and status.
        partner = sorted(st.partner, key=lambda p: (not p["deep"], -len(p.get("matched") or ()),
                                                    str(p["url"]), str(p["page"])))
        deep = [p for p in partner if p["deep"]]
        detail: dict[str, Any] = {
            "outcome": check.outcome,
            "service": spec.service,
            "tier": ctx.tier,
            "providing_tiers": sorted(cc.tiers),
            "tier_provides": tier_provides,
            "required": required,
            "elements_found": found,
            "elements_missing": missing,
            "elements_claimed": claimed,
            "optional_found": optional_found,
            "elements": elements,
            "element_pages": {n: len(st.pages_with.get(n, ())) for n in elements},
            "claims": {n: st.claimed[n] for n in claimed},
            "stale": {n: st.stale[n] for n in names if st.stale.get(n) and n in missing},
            "service_pages": [
                {"url": p.url, "title": p.title, "score": p.score, "matched": p.matched}
                for p in pages],
            "service_pages_count": st.n_pages,
            "partner_links": partner[:MAX_PARTNER_LINKS],
        }
        if any(e.dates is not None for e in spec.elements):
            detail["today"] = today_for(ctx, self.meta.id).isoformat()
        evidenced = {str(i["url"]) for n in found for i in st.found[n]}
        evidenced |= {str(i["url"]) for n in claimed for i in st.claimed[n]}
        ranked = sorted(st.pages.values(), key=_rank)
        primary = next((c.url for c in ranked if c.url in evidenced), None)
        if primary is None and found:
            primary = str(st.found[found[0]][0]["url"])
        if primary is None and pages:
            primary = pages[0].url
        detail["primary_url"] = primary
        outcomes = (check.outcome,)
        service = spec.service[0].upper() + spec.service[1:]
        if not missing:
            what = ", ".join(labels[n] for n in found)
            return ctx.finding(self.meta, Kind.PASS, f"{service}: found {what}.",
                               outcomes=outcomes, **detail)
        if not tier_provides and deep:
            council = str(deep[0]["council"])
            detail["via_partner"] = council
            detail["primary_url"] = deep[0]["page"]
            return ctx.finding(
                self.meta, Kind.PASS,
                f"{service} is provided by {council}; this site deep-links to it "
                f"({deep[0]['url']}).", outcomes=outcomes, **detail)
        want = ", ".join(labels[n] for n in missing)
        if found or pages or claimed:
            extra = ""
            if claimed:
                extra = " (stated in text but not seen: " + ", ".join(
                    labels[n] for n in claimed) + ")"
            where = f" on {pages[0].url}" if pages else ""
            return ctx.finding(self.meta, Kind.WARNING,
                               f"{service} information found{where}, but not {want}{extra}.",
                               outcomes=outcomes, **detail)
        if not tier_provides:
            tiers = " and ".join(sorted(cc.tiers))
            return ctx.finding(
                self.meta, Kind.FAIL,
                f"{service} is provided by {tiers} councils; no page for it and no deep link "
                "to a partner council's page was found.", outcomes=outcomes, **detail)
        return ctx.finding(self.meta, Kind.FAIL,
                           f"No {spec.service} page found; also missing: {want}.",
                           outcomes=outcomes, **detail)


def _is_deep(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.query) or parts.path.strip("/").lower() not in _DEEP_ROOTS

