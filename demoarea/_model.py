"""The data a generated area is made of: sites, pages, forms and manifest entries.

Everything here is independent of the ports the area is finally served on: URLs are kept as
:class:`Ref` (site key + request target) and made absolute by :meth:`Area.manifest` and the
renderer once the hosts are known. An :class:`Area` is plain picklable data; the server process
receives it pickled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Pseudo-sites that are served (or deliberately not served) next to the councils.
PORTAL = "directgov"  # stand-in for www.direct.gov.uk and other national sites, on loopback
CANARY = "canary"  # a loopback listener that must never be fetched, by name ("localhost:P")
CANARY_IP = "canary-ip"  # the same listener by address ("127.0.0.1:P")
DEAD = "old-host"  # a bound port with nothing listening: connection refused
SPECIAL_HOSTS = (PORTAL, CANARY, CANARY_IP, DEAD)

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Ref:
    """A URL in the area: ``site`` key plus request target (path, query, fragment)."""

    site: str
    target: str

    def url(self, hosts: Mapping[str, str]) -> str:
        return f"http://{hosts[self.site]}{self.target}"


@dataclass(frozen=True, slots=True)
class Link:
    """An ``<a>`` on a page. Same-site links render root-relative unless ``absolute``."""

    ref: Ref
    text: str
    title: str = ""
    absolute: bool = False


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    """An LGSL service as the area uses it (names resolved from the project's data)."""

    lgsl_id: int
    name: str  # LGSL name, e.g. "New claim"
    title: str  # page title, e.g. "Housing benefits: new claim"
    slug: str
    lgcl_id: int
    lgcl_name: str
    atoz_id: int  # LGCL term (in_atoz) the service is listed under in an A-Z
    atoz_name: str
    top_name: str  # LGCL top-level category
    top_slug: str
    ipsv_name: str
    gcl_name: str
    tier: str  # LGSL providing tier from the data ("" when the data gives none)
    host_tier: str  # tier whose councils carry the page: tier, inferred from LGCL, or "all"


@dataclass(slots=True)
class Page:
    """One static resource of a site. ``kind`` selects the renderer; ``data`` its parameters.

    ``counted`` pages are the crawlable, robots-allowed 200 resources that make up the site's
    size (``pages_per_site``); redirects, error pages and robots-disallowed pages are not.
    """

    target: str
    kind: str
    title: str
    section: str = ""
    status: int = 200
    data: dict[str, Any] = field(default_factory=dict)
    counted: bool = True


@dataclass(frozen=True, slots=True)
class FormSpec:
    """An enquiry/report form and how its acknowledgement behaves.

    ``ref_mode``: ``unique`` (a new reference on the page and in the email), ``email-only``
    (a new reference in the email only), ``reused`` (the same reference on every submission,
    page and email), ``none`` (no reference anywhere).
    """

    form_id: str
    site: str
    page: str  # target of the page carrying the form
    action: str  # POST target
    title: str
    fields: tuple[tuple[str, str, str, bool], ...]  # (name, label, type, required)
    ref_mode: str
    ref_format: str  # str.format pattern with {n}
    ref_start: int
    tracking: str | None  # target of the tracking page, if references can be tracked
    email_field: str = "email"
    marker_field: str = "enquiry"
    from_address: str = ""
    outcomes: tuple[str, ...] = ("R28", "R29")


@dataclass(frozen=True, slots=True)
class SiteStyle:
    """How a site is built: CMS URL scheme, A-Z style, e-GMS house template, wordings."""

    cms: str  # "modgov", "jadu", "coldfusion", "static"
    atoz: str  # "letter-pages", "jadu-letter", "letter-param", "one-page"
    egms: str  # "aplaws", "jadu", "immediacy", "html5"
    atoz_xml: bool
    robots: bool
    palette: tuple[str, str]  # header background, link colour (both AA on white/ink)


@dataclass(slots=True)
class Site:
    key: str
    name: str  # full council name
    short_name: str
    tier: str  # county / district / unitary
    snac: str
    domain: str  # the council's real domain, used in e-GMS identifiers and email addresses
    partners: list[str]
    style: SiteStyle
    address: str
    places: tuple[str, ...]
    pages: dict[str, Page] = field(default_factory=dict)
    forms: dict[str, FormSpec] = field(default_factory=dict)  # by action target
    robots_txt: str | None = None
    disallowed: tuple[str, ...] = ()
    nav: list[Link] = field(default_factory=list)
    atoz_target: str = "/"
    services: list[int] = field(default_factory=list)
    service_targets: dict[int, str] = field(default_factory=dict)
    calendar_target: str = "/events/calendar"
    track_target: str | None = None
    search_target: str = "/search"
    catalogue_search: str | None = None
    planning_search: str | None = None
    dynamic: tuple[str, ...] = ()  # path prefixes answered by handlers (never counted)

    def add(self, page: Page) -> Page:
        if page.target in self.pages:
            raise ValueError(f"{self.key}: duplicate page {page.target}")
        self.pages[page.target] = page
        return page

    def counted_pages(self) -> list[str]:
        return [t for t, p in self.pages.items() if p.counted]


@dataclass(slots=True)
class Area:
    """A generated two-tier area (county, two districts) plus a unitary, not yet served."""

    seed: int
    pages_per_site: int
    as_of: date
    sites: dict[str, Site]
    services: dict[int, ServiceInfo]
    entries: list[JsonDict]  # manifest entries, with Ref values
    stall_seconds: float = 10.0

    @property
    def site_keys(self) -> list[str]:
        return list(self.sites)

    def manifest(self, hosts: Mapping[str, str]) -> list[JsonDict]:
        """The manifest with every :class:`Ref` made an absolute URL for ``hosts``."""
        out = [_finalise(entry, hosts) for entry in self.entries]
        return [e for e in out if isinstance(e, dict)]


def _finalise(value: Any, hosts: Mapping[str, str]) -> Any:
    if isinstance(value, Ref):
        return value.url(hosts)
    if isinstance(value, dict):
        return {k: _finalise(v, hosts) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finalise(v, hosts) for v in value]
    return value
