"""Generate an area: a county, two of its districts and a unitary, with planted faults.

``build_area`` is deterministic: the same arguments give the same pages, bytes and manifest.
The seed varies what real sites varied (which services a small site has, wordings, figures,
dates, which pages carry the planted faults); the structure of each site (its CMS URL scheme,
A-Z style and e-GMS house template) follows its role, so the area always plants every fault.
"""

from __future__ import annotations

import math
import random
import re
import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from poaudit.councils import Council, find_council, partners_of

from . import _text as tx
from ._features import BY_ID as FEATURE_BY_ID
from ._features import FEATURES, REPORT_IT_LGSL, Feature
from ._model import (
    CANARY,
    CANARY_IP,
    DEAD,
    PORTAL,
    Area,
    FormSpec,
    JsonDict,
    Link,
    Page,
    Ref,
    ServiceInfo,
    Site,
    SiteStyle,
)
from ._services import all_services, provided_by, tiers_of
from ._urls import UrlScheme

DEFAULT_SEED = 2004
DEFAULT_PAGES = 60
MIN_PAGES = 40
AS_OF = date(2005, 11, 14)
PER_LISTING = 40  # items per listing page in bulk collections

# Site structure by role: county, first district, second district, unitary.
ROLE_STYLES: tuple[SiteStyle, ...] = (
    SiteStyle(cms="modgov", atoz="letter-pages", egms="aplaws", atoz_xml=True, robots=True,
              palette=("#1d3f6e", "#0b4f9c")),
    SiteStyle(cms="jadu", atoz="jadu-letter", egms="jadu", atoz_xml=False, robots=True,
              palette=("#2f5d1e", "#1a5c14")),
    SiteStyle(cms="coldfusion", atoz="letter-param", egms="immediacy", atoz_xml=False,
              robots=False, palette=("#6b1d3a", "#8a1538")),
    SiteStyle(cms="static", atoz="one-page", egms="html5", atoz_xml=True, robots=True,
              palette=("#004a6e", "#005a8c")),
)

_KNOWN: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "42": ("Endeavour House, 8 Russell Road, Ipswich IP1 2BX", "suffolk.gov.uk",
           ("Ipswich", "Bury St Edmunds", "Lowestoft", "Felixstowe", "Sudbury", "Stowmarket",
            "Haverhill", "Newmarket", "Beccles", "Woodbridge", "Hadleigh", "Eye", "Halesworth",
            "Framlingham", "Mildenhall", "Bungay")),
    "42UE": ("Council Offices, 131 High Street, Needham Market, Ipswich IP6 8DL",
             "midsuffolk.gov.uk",
             ("Stowmarket", "Needham Market", "Eye", "Debenham", "Thurston", "Elmswell",
              "Woolpit", "Bacton", "Mendlesham", "Claydon", "Barham", "Haughley", "Stradbroke",
              "Walsham-le-Willows")),
    "42UB": ("Council Offices, Corks Lane, Hadleigh, Ipswich IP7 6SJ", "babergh.gov.uk",
             ("Sudbury", "Hadleigh", "Lavenham", "Long Melford", "Brantham", "Capel St Mary",
              "Nayland", "Bures", "Chelmondiston", "Holbrook", "Great Cornard", "Glemsford",
              "Boxford", "Sproughton")),
    "00JA": ("Town Hall, Bridge Street, Peterborough PE1 1HG", "peterborough.gov.uk",
             ("Central", "East", "West", "North", "Park", "Orton Longueville",
              "Orton Waterville", "Werrington North", "Werrington South", "Bretton North",
              "Bretton South", "Dogsthorpe", "Paston", "Ravensthorpe", "Walton",
              "Eye and Thorney", "Fletton", "Stanground Central", "Glinton and Wittering",
              "Barnack", "Northborough", "Newborough")),
}

# Cross-tier deep-link faults by (source role, target role), and each site's own faults.
CROSS_FAULTS: dict[tuple[int, int], tuple[str, ...]] = {
    (1, 0): ("broken-404", "refused", "soft-404", "redirect-to-home", "redirect-chain",
             "bot-challenge", "missing-fragment"),
    (2, 0): ("broken-410", "timeout", "shallow", "rate-limited", "broken-404"),
    (0, 1): ("broken-404", "soft-404", "redirect-to-home"),
    (0, 2): ("shallow", "broken-410", "missing-fragment"),
}
OWN_FAULTS: dict[int, tuple[str, ...]] = {
    0: ("redirect-loop", "broken-404", "private-address", "huge-page"),
    1: ("cookie-redirect", "binary-as-html", "soft-404"),
    2: ("legacy-encoding", "redirect-chain", "broken-410"),
    3: ("soft-404", "missing-fragment", "broken-404", "redirect-loop"),
}
A11Y_RULES: dict[int, tuple[str, ...]] = {
    0: ("image-alt", "label", "color-contrast", "html-has-lang"),
    1: ("link-name", "document-title", "button-name"),
    2: ("input-image-alt", "frame-title", "select-name"),
    3: ("html-lang-valid", "list", "valid-lang"),
}
AXE_TAGS = {
    "image-alt": "wcag2a", "label": "wcag2a", "color-contrast": "wcag2aa",
    "html-has-lang": "wcag2a", "link-name": "wcag2a", "document-title": "wcag2a",
    "button-name": "wcag2a", "input-image-alt": "wcag2a", "frame-title": "wcag2a",
    "select-name": "wcag2a", "html-lang-valid": "wcag2a", "list": "wcag2a",
    "valid-lang": "wcag2aa",
}
# e-GMS deviations planted on single pages (the house template is on every other page).
EGMS_VARIANTS: dict[int, tuple[str, ...]] = {
    0: ("missing", "placeholders"),
    1: ("malformed-date", "lowercase-dc"),
    2: ("empty", "value-attribute"),
    3: ("subject-category-only", "misspelt"),
}
FORM_MODES: dict[int, tuple[tuple[str, str, bool], ...]] = {
    # (form, ref_mode, trackable)
    0: (("contact", "unique", True), ("report", "email-only", True)),
    1: (("contact", "reused", True), ("report", "unique", True)),
    2: (("contact", "none", False), ("report", "unique", False)),
    3: (("contact", "unique", True), ("report", "email-only", True)),
}
HUGE_BYTES = 5_600_000
MAX_COUNCILLORS = 75


def build_area(
    seed: int = DEFAULT_SEED,
    pages_per_site: int = DEFAULT_PAGES,
    *,
    county: str = "Suffolk County Council",
    districts: tuple[str, str] = ("Mid Suffolk District Council", "Babergh District Council"),
    unitary: str = "Peterborough City Council",
    as_of: date = AS_OF,
    stall_seconds: float = 10.0,
) -> Area:
    """Generate the area. ``pages_per_site`` (>= 40) is each site's number of crawlable pages
    (robots-allowed 200 responses reachable from its home page), within a few percent."""
    if pages_per_site < MIN_PAGES:
        raise ValueError(f"pages_per_site must be at least {MIN_PAGES}")
    councils = _resolve(county, districts, unitary)
    return _AreaBuilder(seed, pages_per_site, councils, as_of, stall_seconds).build()


def _resolve(county: str, districts: tuple[str, str], unitary: str) -> list[Council]:
    c = find_council(county)
    if c.tier != "county":
        raise ValueError(f"{c.name} is not a county council")
    ds = [find_council(d) for d in districts]
    partners = {p.snac for p in partners_of(c)}
    for d in ds:
        if d.snac not in partners:
            raise ValueError(f"{d.name} is not a district of {c.name}")
    if ds[0].snac == ds[1].snac:
        raise ValueError("the two districts must differ")
    u = find_council(unitary)
    if u.tier != "unitary":
        raise ValueError(f"{u.name} is not a unitary council")
    return [c, *ds, u]


def _abbr(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isupper())


@dataclass
class _Plan:
    services: int
    features: int
    subpages: int = 0


@dataclass
class _SiteState:
    site: Site
    role: int
    urls: UrlScheme
    rng: random.Random
    content: list[str] = field(default_factory=list)  # pages that may carry planted links
    feature_targets: dict[str, str] = field(default_factory=dict)


class _AreaBuilder:
    def __init__(self, seed: int, pages: int, councils: list[Council], as_of: date,
                 stall_seconds: float) -> None:
        self.seed = seed
        self.target = pages
        self.councils = councils
        self.as_of = as_of
        self.stall_seconds = stall_seconds
        self.services = all_services()
        self.entries: list[JsonDict] = []
        self.states: list[_SiteState] = []
        self._ids: dict[str, int] = {}

    # ------------------------------------------------------------------ helpers
    def rng(self, *parts: object) -> random.Random:
        return tx.rng_for(self.seed, *parts)

    def entry(self, kind: str, site: str, url: Ref | None, **fields: Any) -> JsonDict:
        n = self._ids.get(f"{site}:{kind}", 0) + 1
        self._ids[f"{site}:{kind}"] = n
        e: JsonDict = {"id": f"{site}:{kind}:{n}", "kind": kind, "site": site, "url": url}
        e.update(fields)
        self.entries.append(e)
        return e

    # ------------------------------------------------------------------ build
    def build(self) -> Area:
        for role, council in enumerate(self.councils):
            self.states.append(self._new_site(role, council))
        keys = [s.site.key for s in self.states]
        county, d1, d2, unitary = self.states
        county.site.partners = [d1.site.key, d2.site.key]
        d1.site.partners = [keys[0]]
        d2.site.partners = [keys[0]]
        unitary.site.partners = []

        plan = self._plan()
        self._choose_services(plan)
        for st in self.states:
            self._core_pages(st, plan)
        for st in self.states:
            self._service_pages(st, plan)
        for st in self.states:
            self._signpost(st)
            self._atoz(st)
        for st in self.states:
            self._cross_faults(st)
            self._own_faults(st)
            self._a11y(st)
            self._egms(st)
        for st in self.states:
            self._fill(st)
            self._site_entry(st)
        sites = {st.site.key: st.site for st in self.states}
        used = {lg for st in self.states for lg in st.site.services}
        return Area(
            seed=self.seed,
            pages_per_site=self.target,
            as_of=self.as_of,
            sites=sites,
            services={k: v for k, v in self.services.items() if k in used},
            entries=self.entries,
            stall_seconds=self.stall_seconds,
        )

    def _new_site(self, role: int, council: Council) -> _SiteState:
        style = ROLE_STYLES[role]
        known = _KNOWN.get(council.snac)
        if known is not None:
            address, domain, places = known
        else:
            domain = council.slug.replace("-", "") + ".gov.uk"
            address = f"Council Offices, {council.short_name}"
            places = tuple(f"{council.short_name} {w}" for w in
                           ("North", "South", "East", "West", "Central", "Rural"))
        site = Site(
            key=council.slug, name=council.name, short_name=council.short_name,
            tier=council.tier, snac=council.snac, domain=domain, partners=[], style=style,
            address=address, places=places,
        )
        urls = UrlScheme(style.cms, next_id=1000 + tx.stable_hash(self.seed, council.slug) % 5000)
        return _SiteState(site, role, urls, self.rng("site", council.slug))

    def _plan(self) -> _Plan:
        # Service pages grow with the site; the rest of the budget is bulk content.
        if self.target < 80:
            services = max(4, round(self.target * 0.13))
        else:
            services = min(700, round(self.target * 0.15))
        features = len(FEATURES) if self.target >= 90 else max(2, (self.target - 38) // 2)
        subpages = 0
        if self.target >= 1500:
            subpages = 3
        elif self.target >= 600:
            subpages = 1
        return _Plan(services=services, features=features, subpages=subpages)

    # ------------------------------------------------------------------ services
    def _eligible(self, tier: str) -> list[ServiceInfo]:
        out = [s for s in self.services.values() if tier in tiers_of(s.host_tier)]
        rng = self.rng("services", tier)
        rng.shuffle(out)
        # Data-tiered services first (they drive the deep links), round robin over the LGCL
        # top-level categories so that a small site still covers education, care, transport,
        # housing, benefits, planning and waste.
        def spread(items: list[ServiceInfo]) -> list[ServiceInfo]:
            by_top: dict[str, list[ServiceInfo]] = {}
            for s in items:
                by_top.setdefault(s.top_name, []).append(s)
            tops = sorted(by_top, key=lambda t: (-len(by_top[t]), t))
            result: list[ServiceInfo] = []
            while any(by_top.values()):
                for t in tops:
                    if by_top[t]:
                        result.append(by_top[t].pop())
            return result

        # The services the online facilities are about come first (data-tiered, so a small
        # area still deep-links schools, libraries, care, transport, benefits, planning and
        # waste across the tiers).
        key = {lg: i for i, lg in enumerate(
            [*REPORT_IT_LGSL, *(f.lgsl for f in sorted(FEATURES, key=lambda f: f.priority)
                                if f.lgsl is not None)])}
        first = sorted((s for s in out if s.lgsl_id in key and s.tier not in ("", "all")),
                       key=lambda s: key[s.lgsl_id])
        rest = [s for s in out if s not in first]
        return first + spread([s for s in rest if s.tier]) + spread(
            [s for s in rest if not s.tier])

    def _choose_services(self, plan: _Plan) -> None:
        chosen: dict[str, list[int]] = {}
        for tier in ("county", "district", "unitary"):
            chosen[tier] = [s.lgsl_id for s in self._eligible(tier)[: plan.services]]
        for st in self.states:
            st.site.services = list(chosen[st.site.tier])

    # ------------------------------------------------------------------ core pages
    def _page(self, st: _SiteState, target: str, kind: str, title: str, *,
              section: str = "", content: bool = False, **data: Any) -> Page:
        page = st.site.add(Page(target=target, kind=kind, title=title, section=section,
                                data=dict(data)))
        if content:
            st.content.append(target)
        return page

    def _core_pages(self, st: _SiteState, plan: _Plan) -> None:
        site, u, rng = st.site, st.urls, st.rng
        key = site.key
        self._page(st, "/", "home", f"Welcome to {site.name}", section="home")
        st.urls.used.add("/")
        site.calendar_target = u.calendar()
        site.search_target = u.search()
        site.dynamic = (site.calendar_target, site.search_target)

        # About this site: availability (R25), usage (R26), response standards (R29).
        about = u.category("about-this-site")
        avail = u.page("about-this-site", "website-availability")
        usage = u.page("about-this-site", "website-statistics")
        standards = u.page("contact-us", "customer-service-standards")
        self._page(st, about, "about-site", "About this website", section="about-this-site",
                   links=[avail, usage, standards])
        self._availability(st, avail)
        self._usage(st, usage)
        self._standards(st, standards)

        # Contact and report-it forms (R28), tracking page.
        track = u.tracking()
        site.track_target = track
        forms = FORM_MODES[st.role]
        abbr = _abbr(site.name)
        form_targets: dict[str, str] = {}
        for form_name, mode, trackable in forms:
            if form_name == "contact":
                page_t = u.page("contact-us", "contact-us")
                title = "Contact us"
                fields: tuple[tuple[str, str, str, bool], ...] = (
                    ("name", "Your name", "text", True),
                    ("email", "Your email address", "email", True),
                    ("phone", "Daytime telephone number", "tel", False),
                    ("subject", "Subject", "text", True),
                    ("enquiry", "Your enquiry", "textarea", True),
                )
                lgsl_id = None
            else:
                lgsl_id = next(i for i in REPORT_IT_LGSL if provided_by(i, site.tier))
                svc = self.services[lgsl_id]
                page_t = u.page(svc.top_slug, "report-it")
                title = f"Report it: {svc.title.lower()}" if lgsl_id == 557 else (
                    "Report a missed bin collection")
                fields = (
                    ("location", "Street and town (or postcode)", "text", True),
                    ("enquiry", "Describe the problem", "textarea", True),
                    ("name", "Your name", "text", True),
                    ("email", "Your email address", "email", True),
                )
            action = u.action(form_name)
            ref_format = {
                0: abbr + "-{n:06d}", 1: abbr + "/05/{n:05d}", 2: abbr + "{n:07d}",
                3: abbr + "-2005-{n:05d}"}[st.role]
            spec = FormSpec(
                form_id=f"{key}-{form_name}", site=key, page=page_t, action=action,
                title=title, fields=fields, ref_mode=mode, ref_format=ref_format,
                ref_start=rng.randrange(100, 9000) * (10 if st.role == 2 else 1),
                tracking=track if trackable else None,
                from_address=f"customer.services@{site.domain}",
            )
            site.forms[action] = spec
            form_targets[form_name] = page_t
            self._page(st, page_t, "form", title, section="contact-us", form=action,
                       lgsl=lgsl_id, content=False)
            expected: JsonDict = {
                "ref_on_page": mode in ("unique", "reused"),
                "ref_in_email": mode in ("unique", "reused", "email-only"),
                "ref_unique": mode in ("unique", "email-only"),
                "ref_pattern": _ref_regex(ref_format),
                "trackable": trackable and mode != "none",
                "email_sent": True,
            }
            self.entry("enquiry-form", key, Ref(key, page_t), action=Ref(key, action),
                       method="POST", form_id=spec.form_id, ref_mode=mode,
                       fields=[{"name": f[0], "label": f[1], "type": f[2], "required": f[3]}
                               for f in fields],
                       email_field=spec.email_field, marker_field=spec.marker_field,
                       tracking_url=Ref(key, track) if trackable else None,
                       lgsl_id=lgsl_id, outcomes=["R28", "R29"] + (["R7"] if lgsl_id else []),
                       expected=expected)
        if any(t for _, _, t in forms):
            self._page(st, track, "track", "Track your enquiry", section="contact-us")
            self.entry("tracking-page", key, Ref(key, track), outcomes=["R28"],
                       expected={"finds_by_reference": True, "param": "ref"})
        else:
            site.track_target = None
        site.dynamic = (*site.dynamic, track)

        # Democracy: councillors A-Z (a near-miss for the A-Z of services), meetings (R5).
        self._democracy(st)

        # News (with a near-miss for the availability statement) and events calendar.
        news = u.category("news")
        self._page(st, news, "listing", "News", section="news", links=[], intro="news")
        st.feature_targets["news"] = news
        self._near_misses(st, news)
        events = u.page("whats-on", "events")
        self._page(st, events, "events", "What's on", section="whats-on",
                   calendar=site.calendar_target)
        self.entry("infinite-calendar", key, Ref(key, events),
                   target=Ref(key, f"{site.calendar_target}?month={self.as_of:%Y-%m}"),
                   outcomes=[], expected={
                       "verdict": "crawler-trap", "path": site.calendar_target,
                       "param": "month", "next_link_text": "Next month",
                       "infinite": True})

        # Features (online facilities), in priority order as the budget allows.
        feats = sorted(FEATURES, key=lambda f: (f.priority, f.id))[: plan.features]
        for feat in feats:
            if feat.lgsl is not None and not provided_by(feat.lgsl, site.tier):
                continue
            self._feature(st, feat)
        home = site.pages["/"]
        home.data["online"] = [
            (FEATURE_BY_ID[f].title, t) for f, t in st.feature_targets.items()
            if f in FEATURE_BY_ID] + [(site.pages[t].title, t) for t in form_targets.values()]
        if site.track_target:
            home.data["online"].append(("Track your enquiry", site.track_target))
        site.catalogue_search = st.feature_targets.get("library-catalogue-search")
        site.planning_search = st.feature_targets.get("planning-applications-search")
        dyn = [site.catalogue_search, site.planning_search]
        site.dynamic = (*site.dynamic, *[d for d in dyn if d])

        # Navigation (on every page).
        self._nav(st, about, form_targets["contact"], news, events)

    def _nav(self, st: _SiteState, about: str, contact: str, news: str, events: str) -> None:
        key = st.site.key
        st.site.nav = [
            Link(Ref(key, "/"), "Home"),
            Link(Ref(key, "/__atoz__"), "A to Z of services"),
            Link(Ref(key, st.feature_targets["councillors"]), "Councillors"),
            Link(Ref(key, st.feature_targets["meetings"]), "Meetings, agendas and minutes"),
            Link(Ref(key, news), "News"),
            Link(Ref(key, events), "What's on"),
            Link(Ref(key, contact), "Contact us"),
            Link(Ref(key, about), "About this site"),
        ]

    def _near_misses(self, st: _SiteState, news: str) -> None:
        """Statements that look like R25/R26/R29 evidence but are not about the website or
        email: a probe must not take them for the real thing."""
        site, rng = st.site, self.rng("near-miss", st.site.key)
        key = site.key
        sat = f"{rng.choice((99.7, 98.9, 97.5))}"
        phone = f"{rng.choice((98.5, 99.1, 96.8))}"
        visits = rng.randrange(700_000, 1_500_000)
        texts = [
            ("availability-statement",
             f"{sat}% of residents said that council services were available when they needed "
             "them."),
            ("availability-statement",
             f"Our telephone contact centre was available {phone}% of the time over the last "
             "12 months."),
            ("usage-statistics",
             f"Visits to libraries and leisure centres rose to {visits:,} in 2004/05."),
            ("response-standards",
             "We aim to answer 90% of telephone calls within 20 seconds and to reply to "
             "letters within 10 working days."),
        ]
        target = st.urls.page("news", "residents-survey-2005-results")
        when = self.as_of - timedelta(days=rng.randrange(20, 60))
        self._page(st, target, "news", "Residents' survey 2005: the results", section="news",
                   date=when.isoformat(), near_miss=[t for _, t in texts], content=True)
        self.site_pages(st, news).data.setdefault("links", []).append(target)
        for of, text in texts:
            self.entry("near-miss", key, Ref(key, target), of=of, text=text, outcomes=[],
                       expected={"matches": False, "not": of})

    @staticmethod
    def site_pages(st: _SiteState, target: str) -> Page:
        return st.site.pages[target]

    def _availability(self, st: _SiteState, target: str) -> None:
        site, rng = st.site, self.rng("availability", st.site.key)
        key = site.key
        months = [tx.add_months(self.as_of.replace(day=1), -i) for i in range(12, 0, -1)]
        monthly = [round(rng.uniform(98.9, 100.0), 2) for _ in months]
        monthly[rng.randrange(12)] = round(rng.uniform(96.0, 97.9), 1)
        pct = f"{sum(monthly) / 12:.2f}"
        target_pct = rng.choice(("98", "99", "99.5"))
        wording = rng.choice(tx.AVAILABILITY_WORDINGS).format(pct=pct)
        commitment = rng.choice(tx.AVAILABILITY_COMMITMENTS).format(target=target_pct)
        # The second district publishes only a commitment, no past performance (partly met).
        has_figures = st.role != 2
        self._page(st, target, "availability", "Website availability",
                   section="about-this-site", wording=wording if has_figures else "",
                   commitment=commitment,
                   months=[(tx.MONTHS[m.month - 1] + f" {m.year}", v,
                            v >= float(target_pct)) for m, v in zip(months, monthly, strict=True)]
                   if has_figures else [])
        self.entry("availability-statement", key, Ref(key, target), outcomes=["R25"],
                   expected={"present": True, "past_performance": has_figures,
                             "percentage": pct if has_figures else None,
                             "period": "last 12 months" if has_figures else None,
                             "commitment_percentage": target_pct,
                             "monthly_table": has_figures, "text": wording if has_figures
                             else commitment})

    def _usage(self, st: _SiteState, target: str) -> None:
        site, rng = st.site, self.rng("usage", st.site.key)
        base = rng.randrange(900_000, 4_000_000)
        years = ["2003/04", "2004/05", "2005/06"]
        impressions = [base, int(base * rng.uniform(1.2, 1.5)), 0]
        impressions[2] = int(impressions[1] * rng.uniform(1.1, 1.3))
        users = [int(x / rng.uniform(9, 14)) for x in impressions]
        users.sort()
        # The first district counts visits only, not unique users (partly met).
        has_users = st.role != 1
        rows = [(y, i, u if has_users else None) for y, i, u in
                zip(years, impressions, users, strict=True)]
        self._page(st, target, "usage", "Website statistics", section="about-this-site",
                   rows=rows, partial_year="2005/06 (April to October)")
        self.entry("usage-statistics", site.key, Ref(site.key, target), outcomes=["R26"],
                   expected={"present": True, "page_impressions": dict(zip(years, impressions,
                                                                         strict=True)),
                             "unique_users": dict(zip(years, users, strict=True))
                             if has_users else None,
                             "rising": True, "periods": years})

    def _standards(self, st: _SiteState, target: str) -> None:
        site, rng = st.site, self.rng("standards", st.site.key)
        ack = rng.choice(tx.ACK_WORDINGS)
        days = rng.choice((5, 10, 15))
        reply = rng.choice(tx.REPLY_WORDINGS).format(days=days)
        perf = round(rng.uniform(91, 99.5), 1)
        self._page(st, target, "standards", "Customer service standards",
                   section="contact-us", ack=ack, reply=reply, performance=perf)
        self.entry("response-standards", site.key, Ref(site.key, target), outcomes=["R29"],
                   expected={"present": True, "acknowledge_within": "1 working day",
                             "acknowledgement_text": ack, "reply_within_days": days,
                             "performance_published": True,
                             "performance_percentage": f"{perf}"})

    def _democracy(self, st: _SiteState) -> None:
        site, u, rng = st.site, st.urls, self.rng("democracy", st.site.key)
        key = site.key
        n_cllr = 2
        cllrs = []
        for i in range(n_cllr):
            cllrs.append(self._councillor(st, rng, i))
        az = u.councillors_az()
        st.feature_targets["councillors"] = az
        self._page(st, az, "councillors-az", "A to Z of councillors", section="councillors",
                   councillors=cllrs)
        self.entry("atoz-near-miss", key, Ref(key, az), outcomes=["R3", "R6"],
                   expected={"is_service_atoz": False,
                             "why": "an A to Z of councillors, not of services"})
        self.entry("councillors", key, Ref(key, az), outcomes=["R6"],
                   expected={"councillor_pages": [Ref(key, c["target"]) for c in cllrs],
                             "explains_tiers": site.tier != "unitary"})
        st.site.pages[az].data["cllr_all"] = cllrs
        # Meetings: a forward diary, committee pages, agendas and minutes.
        diary = u.page("council-and-democracy", "meetings-diary")
        st.feature_targets["meetings"] = diary
        committees = _committees(site.tier)
        meetings: list[dict[str, Any]] = []
        cid = 100 + rng.randrange(50)
        mid = 1000 + rng.randrange(3000)
        ctarget = u.committee(cid, tx.slugify(committees[0]))
        past = self.as_of - timedelta(days=rng.randrange(10, 40))
        future = self.as_of + timedelta(days=rng.randrange(5, 30))
        for when in (past, future):
            m_t = u.meeting(cid, mid, f"{committees[0]}-{when:%Y-%m-%d}")
            mins = u.minutes(cid, mid, f"{committees[0]}-{when:%Y-%m-%d}") if when < self.as_of \
                else None
            meetings.append({"target": m_t, "date": when.isoformat(), "committee": committees[0],
                             "minutes": mins})
            mid += 1
        self._page(st, diary, "diary", "Meetings diary", section="council-and-democracy",
                   meetings=[m for m in meetings], committees=[(committees[0], ctarget)])
        self._page(st, ctarget, "committee", committees[0], section="council-and-democracy",
                   meetings=meetings)
        for m in meetings:
            self._page(st, m["target"], "meeting", f"{committees[0]}, "
                       f"{tx.long_date(date.fromisoformat(m['date']))}",
                       section="council-and-democracy", meeting=m, content=True)
            if m["minutes"]:
                self._page(st, m["minutes"], "minutes", f"Minutes: {committees[0]}, "
                           f"{tx.long_date(date.fromisoformat(m['date']))}",
                           section="council-and-democracy", meeting=m)
        self.entry("council-meetings", key, Ref(key, diary), outcomes=["R5"],
                   expected={"diary": True, "agendas": [Ref(key, m["target"]) for m in meetings],
                             "minutes": [Ref(key, m["minutes"]) for m in meetings
                                         if m["minutes"]],
                             "next_meeting": future.isoformat(), "as_of": self.as_of.isoformat()})

    def _councillor(self, st: _SiteState, rng: random.Random, i: int) -> dict[str, Any]:
        name = tx.person(rng)
        ward = st.site.places[i % len(st.site.places)]
        uid = 200 + i * 7 + rng.randrange(5)
        target = st.urls.councillor(uid, tx.slugify(name))
        data = {"name": f"Councillor {name}", "ward": ward, "party": rng.choice(tx.PARTIES),
                "target": target}
        self._page(st, target, "councillor", f"Councillor {name}", section="councillors",
                   cllr=data, content=True)
        return data

    # ------------------------------------------------------------------ features
    def _feature(self, st: _SiteState, feat: Feature) -> None:
        site, u = st.site, st.urls
        key = site.key
        target = u.page(feat.section, tx.slugify(feat.title))
        data: dict[str, Any] = {"feature": feat.id}
        expected: JsonDict = {"present": True}
        if feat.id == "library-catalogue":
            search = u.page("libraries", "catalogue-search").replace(".aspx", ".asp")
            search = search.rstrip("/") if search.endswith("/") else search
            st.feature_targets["library-catalogue-search"] = search
            data["search"] = search
            expected.update({"search_form": Ref(key, search), "param": "q",
                             "renewals": True, "reservations": True})
        elif feat.id == "planning-applications":
            search = u.page("planning", "application-search").rstrip("/")
            st.feature_targets["planning-applications-search"] = search
            data["search"] = search
            expected.update({"search_form": Ref(key, search), "param": "ref",
                             "planning_portal_link": True})
        elif feat.id == "school-admissions":
            action = u.action("admissions")
            spec = FormSpec(
                form_id=f"{key}-admissions", site=key, page=target, action=action,
                title="Apply for a school place", fields=(
                    ("child_name", "Child's full name", "text", True),
                    ("child_dob", "Child's date of birth", "text", True),
                    ("address", "Home address", "textarea", True),
                    ("school_1", "First preference school", "text", True),
                    ("school_2", "Second preference school", "text", False),
                    ("school_3", "Third preference school", "text", False),
                    ("name", "Parent or carer's name", "text", True),
                    ("email", "Parent or carer's email address", "email", True),
                    ("enquiry", "Anything else we should know", "textarea", False),
                ), ref_mode="unique", ref_format=_abbr(site.name) + "/ADM/{n:05d}",
                ref_start=1 + tx.stable_hash(self.seed, key, "adm") % 900, tracking=None,
                from_address=f"admissions@{site.domain}", outcomes=("R1", "R28"))
            site.forms[action] = spec
            data["form"] = action
            expected.update({"application_form": Ref(key, action), "method": "POST",
                             "ref_pattern": _ref_regex(spec.ref_format)})
        elif feat.id == "online-payments":
            action = u.action("payments")
            spec = FormSpec(
                form_id=f"{key}-payments", site=key, page=target, action=action,
                title="Make a payment", fields=(
                    ("payment_for", "What are you paying for?", "text", True),
                    ("account", "Account or invoice reference", "text", True),
                    ("amount", "Amount (£)", "text", True),
                    ("email", "Email address for your receipt", "email", True),
                ), ref_mode="payment", ref_format="TXN{n:08d}",
                ref_start=10_000 + tx.stable_hash(self.seed, key, "pay") % 90_000,
                tracking=None, from_address=f"payments@{site.domain}", outcomes=("R10",))
            site.forms[action] = spec
            data["form"] = action
            expected.update({"payment_form": Ref(key, action), "card_entry_page": True,
                             "transaction_id_pattern": r"TXN\d{8}", "email_receipt": True})
        self._page(st, target, "feature", feat.title, section=feat.section, content=True, **data)
        st.feature_targets[feat.id] = target
        self.entry(feat.id, key, Ref(key, target), outcomes=list(feat.outcomes),
                   lgsl_id=feat.lgsl, expected=expected)

    # ------------------------------------------------------------------ service pages
    def _service_pages(self, st: _SiteState, plan: _Plan) -> None:
        site, u = st.site, st.urls
        key = site.key
        cats: dict[str, list[int]] = {}
        for lgsl_id in site.services:
            svc = self.services[lgsl_id]
            target = u.page(svc.top_slug, svc.slug)
            site.service_targets[lgsl_id] = target
            cats.setdefault(svc.top_name, []).append(lgsl_id)
        for top, ids in sorted(cats.items()):
            svc0 = self.services[ids[0]]
            cat_t = u.category(svc0.top_slug)
            self._page(st, cat_t, "category", top, section=svc0.top_slug,
                       links=[site.service_targets[i] for i in ids], lgcl=top)
            site.pages["/"].data.setdefault("categories", []).append((top, cat_t))
        subs = ("how-to-apply", "fees-and-charges", "frequently-asked-questions")
        for lgsl_id in site.services:
            svc = self.services[lgsl_id]
            target = site.service_targets[lgsl_id]
            sub_targets = [u.sub(target, s) for s in subs[: plan.subpages]]
            self._page(st, target, "service", svc.title, section=svc.top_slug, content=True,
                       lgsl=lgsl_id, subpages=sub_targets,
                       related=[site.service_targets[i] for i in
                                cats[svc.top_name][:6] if i != lgsl_id][:4])
            for s, t in zip(subs, sub_targets, strict=False):
                self._page(st, t, "service-sub", f"{svc.title}: {s.replace('-', ' ')}",
                           section=svc.top_slug, lgsl=lgsl_id, parent=target, sub=s,
                           content=True)
            self.entry("service-page", key, Ref(key, target), lgsl_id=lgsl_id,
                       outcomes=["R3"], expected={
                           "lgsl_id": lgsl_id, "title": svc.title, "lgcl": svc.lgcl_name,
                           "lgcl_id": svc.lgcl_id, "tier": svc.tier,
                           "host_tier": svc.host_tier})

    # ------------------------------------------------------------------ A-Z and signposts
    def _partner_services(self, st: _SiteState) -> list[tuple[ServiceInfo, _SiteState]]:
        """Services this site does not provide (per the LGSL data) that a partner does."""
        out = []
        for pkey in st.site.partners:
            pst = self._state(pkey)
            for lgsl_id in pst.site.services:
                svc = self.services[lgsl_id]
                if svc.tier and not provided_by(lgsl_id, st.site.tier) and provided_by(
                        lgsl_id, pst.site.tier):
                    out.append((svc, pst))
        return out

    def _state(self, key: str) -> _SiteState:
        return next(s for s in self.states if s.site.key == key)

    def _deep_link(self, st: _SiteState, source: str, target: Ref, lgsl_id: int | None,
                   where: str) -> None:
        self.entry("deep-link", st.site.key, Ref(st.site.key, source), target=target,
                   target_site=target.site, lgsl_id=lgsl_id, placement=where,
                   outcomes=["R3", *_feature_outcomes(lgsl_id)],
                   relation=f"{st.site.tier}->{self._state(target.site).site.tier}",
                   expected={"verdict": "ok", "status": 200})

    def _signpost(self, st: _SiteState) -> None:
        site, u = st.site, st.urls
        if not site.partners:
            return
        target = u.page("council-and-democracy", "services-provided-by-other-councils")
        links: list[tuple[Link, str]] = []
        for pkey in site.partners:
            pst = self._state(pkey)
            for fid, ft in pst.feature_targets.items():
                feat = FEATURE_BY_ID.get(fid)
                if feat is None or feat.lgsl is None or provided_by(feat.lgsl, site.tier):
                    continue
                links.append((Link(Ref(pkey, ft), f"{feat.title} ({pst.site.name})"), fid))
                self._deep_link(st, target, Ref(pkey, ft), feat.lgsl, "signpost")
        title = ("Services provided by " + self._state(site.partners[0]).site.name
                 if site.tier == "district" else "Services provided by district councils")
        self._page(st, target, "signpost", title, section="council-and-democracy",
                   links=links, partners=list(site.partners), content=True)
        st.feature_targets["signpost"] = target
        site.nav.insert(2, Link(Ref(site.key, target), "Services from other councils"))

    def _atoz(self, st: _SiteState) -> None:
        site, style = st.site, st.site.style
        key = site.key
        groups: dict[int, list[tuple[Link, int, str]]] = {}
        for lgsl_id in site.services:
            svc = self.services[lgsl_id]
            groups.setdefault(svc.atoz_id, []).append(
                (Link(Ref(key, site.service_targets[lgsl_id]), svc.title), lgsl_id, key))
        deep: list[tuple[ServiceInfo, _SiteState]] = self._partner_services(st)
        for svc, pst in deep:
            groups.setdefault(svc.atoz_id, []).append(
                (Link(Ref(pst.site.key, pst.site.service_targets[svc.lgsl_id]),
                      f"{svc.title} ({pst.site.name})"), svc.lgsl_id, pst.site.key))
        entries = sorted(
            ((self.services[items[0][1]].atoz_name, atoz_id, items)
             for atoz_id, items in groups.items()),
            key=lambda e: (e[0].lower(), e[1]))
        letters = sorted({_letter(name) for name, _, _ in entries})
        u = st.urls
        letter_targets: dict[str, str] = {}
        if style.atoz == "letter-pages":
            index = "/a-z/"
            letter_targets = {c: f"/a-z/{c.lower()}" for c in letters}
        elif style.atoz == "jadu-letter":
            index = "/site/scripts/az_home.php"
            letter_targets = {c: f"/site/scripts/az_letter.php?letter={c.lower()}"
                              for c in letters}
        elif style.atoz == "letter-param":
            index = "/atoz"
            letter_targets = {c: f"/atoz?letter={c}" for c in letters}
        else:
            index = "/a_to_z"
        for t in (index, *letter_targets.values()):
            u.used.add(t)
        xml = None
        if style.atoz_xml:
            xml = "/a-z/export.xml" if style.atoz == "letter-pages" else "/a_to_z.xml"
            u.used.add(xml)
        site.atoz_target = index
        for link in site.nav:
            if link.ref.target == "/__atoz__":
                site.nav[site.nav.index(link)] = Link(Ref(key, index), link.text)
        rows = [(name, atoz_id, [(ln, lg, s) for ln, lg, s in items])
                for name, atoz_id, items in entries]
        if style.atoz == "one-page":
            page_of = {c: index for c in letters}
            self._page(st, index, "atoz-onepage", "A to Z of services", section="a-z",
                       letters=letters, entries=rows, xml=xml)
        else:
            page_of = letter_targets
            self._page(st, index, "atoz-index", "A to Z of services", section="a-z",
                       letters=[(c, letter_targets[c]) for c in string.ascii_uppercase
                                if c in letter_targets] + [(c, "") for c in
                                                            string.ascii_uppercase
                                                            if c not in letter_targets],
                       xml=xml)
            for c in letters:
                self._page(st, letter_targets[c], "atoz-letter", f"A to Z of services: {c}",
                           section="a-z", letter=c, letters=letter_targets,
                           entries=[r for r in rows if _letter(r[0]) == c], index=index)
        if xml:
            self._page(st, xml, "atoz-xml", "A to Z of services (XML)", section="a-z",
                       entries=rows)
        man_entries = []
        for name, atoz_id, items in rows:
            src = page_of[_letter(name)]
            links = []
            for ln, lg, s in items:
                links.append({"url": ln.ref, "lgsl_id": lg, "site": s, "deep": s != key})
                if s != key:
                    self._deep_link(st, src, ln.ref, lg, "atoz")
            man_entries.append({"term": name, "lgcl_id": atoz_id, "page": Ref(key, src),
                                "links": links})
        self.entry("atoz", key, Ref(key, index), outcomes=["R3"], style=style.atoz,
                   letter_urls={c: Ref(key, t) for c, t in letter_targets.items()},
                   xml_url=Ref(key, xml) if xml else None,
                   expected={"entries": man_entries, "lgcl": True,
                             "letters": letters, "partner_entries": len(deep),
                             "url_pattern": index})
        if xml:
            self.entry("atoz-xml", key, Ref(key, xml), outcomes=["R3"],
                       expected={"content_type": "application/xml", "entries": len(rows)})
        # Directgov (national portal) link on the home page, to the loopback stand-in.
        home = site.pages["/"]
        home.data["directgov"] = Link(Ref(PORTAL, "/"), "Directgov",
                                      title="Directgov - public services all in one place "
                                            "(www.direct.gov.uk)")
        self.entry("national-portal-link", key, Ref(key, "/"), target=Ref(PORTAL, "/"),
                   outcomes=["R3"], expected={"present": True, "link_text": "Directgov",
                                              "stands_in_for": "http://www.direct.gov.uk/"})

    # ------------------------------------------------------------------ planted faults
    def _carrier(self, st: _SiteState, salt: str) -> Page:
        rng = self.rng("carrier", st.site.key, salt)
        return st.site.pages[rng.choice(st.content)]

    def _plant(self, st: _SiteState, salt: str, link: Link, note: str = "") -> Page:
        page = self._carrier(st, salt)
        page.data.setdefault("extra_links", []).append((link, note))
        return page

    def _fault_page(self, st: _SiteState, target: str, kind: str, title: str, status: int,
                    counted: bool = False, **data: Any) -> str:
        st.urls.used.add(target)
        st.site.add(Page(target=target, kind=kind, title=title, status=status,
                         data=dict(data), counted=counted))
        return target

    def _cross_faults(self, st: _SiteState) -> None:
        for (src, dst), faults in CROSS_FAULTS.items():
            if src != st.role:
                continue
            pst = self.states[dst]
            for i, fault in enumerate(faults):
                self._link_fault(st, pst, fault, f"x{dst}-{i}", cross=True)

    def _own_faults(self, st: _SiteState) -> None:
        for i, fault in enumerate(OWN_FAULTS[st.role]):
            if fault in ("huge-page", "binary-as-html", "legacy-encoding", "private-address",
                         "cookie-redirect"):
                self._special(st, fault)
            else:
                self._link_fault(st, st, fault, f"own-{i}", cross=False)
        self._robots(st)

    def _lgsl_for(self, pst: _SiteState, salt: str, source_tier: str | None
                  ) -> tuple[int, str]:
        """A service for a planted link, with its page on ``pst``: for a cross-tier link one
        the source council does not provide (per the data) when there is one."""
        rng = self.rng("fault-service", pst.site.key, salt)
        pool = pst.site.services
        if source_tier is not None:
            other = [i for i in pool if self.services[i].tier
                     and not provided_by(i, source_tier)]
            pool = other or pool
        lgsl_id = rng.choice(pool)
        return lgsl_id, pst.site.service_targets[lgsl_id]

    def _link_fault(self, st: _SiteState, pst: _SiteState, fault: str, salt: str,
                    cross: bool) -> None:
        key, pkey = st.site.key, pst.site.key
        lgsl_id, good = self._lgsl_for(pst, salt, st.site.tier if cross else None)
        svc = self.services[lgsl_id]
        old = f"/{svc.top_slug}/{svc.slug}-{salt}"
        text = svc.title if not cross else f"{svc.title} ({pst.site.name})"
        expected: JsonDict
        target: Ref
        extra: JsonDict = {}
        kind = fault
        if fault == "broken-404":
            target = Ref(pkey, old + ".asp")
            expected = {"verdict": "broken", "status": 404}
            kind = "broken-link"
        elif fault == "broken-410":
            t = self._fault_page(pst, old + "/", "gone", "Page removed", 410)
            target = Ref(pkey, t)
            expected = {"verdict": "broken", "status": 410}
            kind = "broken-link"
        elif fault == "refused":
            target = Ref(DEAD, good)
            expected = {"verdict": "unreachable", "error": "refused"}
            kind = "unreachable-link"
            extra["stands_in_for"] = f"http://www.{pst.site.short_name.lower()}cc.gov.uk" \
                + good
        elif fault == "timeout":
            t = self._fault_page(pst, f"/apps/{svc.slug}/lookup.asp?area=all", "stall",
                                 svc.title, 200)
            target = Ref(pkey, t)
            expected = {"verdict": "unreachable", "error": "timeout",
                        "stall_seconds": self.stall_seconds}
            kind = "unreachable-link"
        elif fault == "soft-404":
            t = self._fault_page(pst, old + ".htm", "soft404", "Page not found", 200,
                                 counted=not cross)
            target = Ref(pkey, t)
            expected = {"verdict": "soft-404", "status": 200, "text": "page not found"}
        elif fault == "redirect-to-home":
            t = self._fault_page(pst, old + "/index.html", "redirect", "Moved", 301,
                                 location=Ref(pkey, "/"))
            target = Ref(pkey, t)
            expected = {"verdict": "redirects-to-home", "status": 301,
                        "final_url": Ref(pkey, "/")}
        elif fault == "shallow":
            target = Ref(pkey, "/")
            expected = {"verdict": "shallow", "status": 200, "final_url": Ref(pkey, "/")}
            kind = "shallow-link"
        elif fault == "redirect-chain":
            hops = [f"/go/{svc.slug}-{salt}", f"/redirect.asp?to={svc.slug}-{salt}",
                    f"/{svc.top_slug}/{salt}-moved/"]
            statuses = [301, 302, 301]
            nexts: list[Ref] = [Ref(pkey, hops[1]), Ref(pkey, hops[2]), Ref(pkey, good)]
            for h, s, n in zip(hops, statuses, nexts, strict=True):
                self._fault_page(pst, h, "redirect", "Moved", s, location=n)
            target = Ref(pkey, hops[0])
            expected = {"verdict": "ok", "hops": [Ref(pkey, h) for h in hops],
                        "statuses": statuses, "final_url": Ref(pkey, good), "final_status": 200,
                        "redirects": 3}
        elif fault == "redirect-loop":
            a, b = f"/{svc.top_slug}/{salt}-a/", f"/{svc.top_slug}/{salt}-b/"
            self._fault_page(pst, a, "redirect", "Moved", 301, location=Ref(pkey, b))
            self._fault_page(pst, b, "redirect", "Moved", 302, location=Ref(pkey, a))
            target = Ref(pkey, a)
            expected = {"verdict": "redirect-loop", "cycle": [Ref(pkey, a), Ref(pkey, b)]}
        elif fault == "bot-challenge":
            t = self._fault_page(pst, f"/{svc.top_slug}/{svc.slug}-online/", "bot-challenge",
                                 "Checking your browser", 403)
            target = Ref(pkey, t)
            expected = {"verdict": "blocked", "status": 403}
        elif fault == "rate-limited":
            t = self._fault_page(pst, f"/{svc.top_slug}/{svc.slug}-apply/", "rate-limited",
                                 "Too many requests", 429)
            target = Ref(pkey, t)
            expected = {"verdict": "rate-limited", "status": 429, "retry_after": 3600}
        elif fault == "missing-fragment":
            frag = "fees-and-charges-2004"
            target = Ref(pkey, f"{good}#{frag}")
            expected = {"verdict": "missing-fragment", "status": 200, "fragment": frag}
        else:  # pragma: no cover - table typo
            raise ValueError(fault)
        if cross:
            # Cross-tier links live where a council puts them: its page of partner services.
            page = st.site.pages[st.feature_targets["signpost"]]
            page.data["links"].append((Link(target, text), fault))
        else:
            page = self._plant(st, salt, Link(target, text))
        fields: JsonDict = {"target": target, "target_site": target.site, "lgsl_id": lgsl_id,
                            "fault": fault, "cross_tier": cross, "outcomes": ["R3"] if cross
                            else [], "expected": expected}
        fields.update(extra)
        if cross:
            fields["relation"] = f"{st.site.tier}->{pst.site.tier}"
        self.entry(kind, key, Ref(key, page.target), **fields)

    def _special(self, st: _SiteState, fault: str) -> None:
        site, u = st.site, st.urls
        key = site.key
        if fault == "huge-page":
            t = u.page("planning", "register-of-planning-decisions-1990-2005")
            self._fault_page(st, t, "huge", "Register of planning decisions 1990 to 2005",
                             200, counted=True)
            self._plant(st, "huge", Link(Ref(key, t), "Register of planning decisions"))
            self.entry("huge-page", key, Ref(key, t), outcomes=[],
                       expected={"min_bytes": HUGE_BYTES, "content_type":
                                 "text/html; charset=utf-8", "exceeds": 5_000_000})
        elif fault == "binary-as-html":
            t = "/site/scripts/download_info.php?fileID=42" if site.style.cms == "jadu" else \
                u.page("documents", "annual-report-2004")
            self._fault_page(st, t, "binary", "Annual report 2004/05", 200, counted=True)
            self._plant(st, "binary", Link(Ref(key, t), "Annual report 2004/05 (PDF, 1.2MB)"))
            self.entry("binary-as-html", key, Ref(key, t), outcomes=[],
                       expected={"content_type": "text/html", "binary": True, "magic": "%PDF-"})
        elif fault == "legacy-encoding":
            t = u.page("council-and-democracy", "fees-and-charges-2005")
            self._fault_page(st, t, "cp1252", "Fees and charges 2005/06", 200, counted=True)
            self._plant(st, "cp1252", Link(Ref(key, t), "Fees and charges 2005/06"))
            self.entry("legacy-encoding", key, Ref(key, t), outcomes=[],
                       expected={"encoding": "windows-1252", "charset_declared": False,
                                 "content_type": "text/html",
                                 "text": ["£25.00", "\u201cgarden waste\u201d"]})
        elif fault == "cookie-redirect":
            t = "/site/scripts/login.php?return=account"
            self._fault_page(st, t, "cookie-gate", "Your account", 200, counted=True,
                             cookie="JADU_SESSION")
            self._plant(st, "cookie", Link(Ref(key, t), "Sign in to your account"))
            self.entry("cookie-redirect", key, Ref(key, t), outcomes=[],
                       expected={"verdict": "ok-with-cookies", "cookie": "JADU_SESSION",
                                 "status_without_cookie": 302, "location": Ref(key, t)})
        elif fault == "private-address":
            for host_key, path, text in ((CANARY, "/intranet/", "Staff intranet"),
                                         (CANARY_IP, "/admin/", "Website administration")):
                ref = Ref(host_key, path)
                page = self._plant(st, f"private-{host_key}", Link(ref, text))
                self.entry("private-address-link", key, Ref(key, page.target), target=ref,
                           outcomes=[], expected={"verdict": "refused-private-address",
                                                  "must_not_fetch": True})

    def _robots(self, st: _SiteState) -> None:
        site, u = st.site, st.urls
        key = site.key
        if not site.style.robots:
            self.entry("robots-txt", key, Ref(key, "/robots.txt"), outcomes=[],
                       expected={"status": 404, "present": False})
            return
        prefix = {"modgov": "/internal/", "jadu": "/site/scripts/intranet/",
                  "static": "/staff/"}.get(site.style.cms, "/internal/")
        site.disallowed = (prefix, "/cgi-bin/")
        site.robots_txt = ("# robots.txt for " + site.name + "\n"
                           "User-agent: *\n" + "".join(f"Disallow: {p}\n"
                                                       for p in site.disallowed))
        pages = [f"{prefix}staff-directory.htm", f"{prefix}committee-drafts.htm",
                 f"{prefix}phone-list.htm"]
        for i, t in enumerate(pages):
            u.used.add(t)
            site.add(Page(t, "internal", ("Staff directory", "Draft committee reports",
                                          "Internal telephone list")[i],
                          data={"links": pages}, counted=False))
        self._plant(st, "robots", Link(Ref(key, pages[0]), "Staff directory"))
        self.entry("robots-disallowed", key, Ref(key, "/robots.txt"), outcomes=[],
                   urls=[Ref(key, p) for p in pages],
                   expected={"disallow": list(site.disallowed), "must_not_fetch": True,
                             "robots_txt": site.robots_txt})

    def _a11y(self, st: _SiteState) -> None:
        site, u = st.site, st.urls
        key = site.key
        titles = {
            "image-alt": ("The Chairman's charity ball", "news"),
            "label": ("Join our residents' panel", "council-and-democracy"),
            "color-contrast": ("Recycling centre opening times", "environment"),
            "html-has-lang": ("Parish council contacts", "council-and-democracy"),
            "link-name": ("Photo gallery: Britain in Bloom", "news"),
            "document-title": ("Christmas and New Year opening hours", "contact-us"),
            "button-name": ("Find your nearest recycling bank", "environment"),
            "input-image-alt": ("Search the planning register", "environment"),
            "frame-title": ("Ward map", "council-and-democracy"),
            "select-name": ("Find your polling station", "council-and-democracy"),
            "html-lang-valid": ("Welsh language scheme", "council-and-democracy"),
            "list": ("Useful contacts", "contact-us"),
            "valid-lang": ("Information in other languages", "contact-us"),
        }
        for rule in A11Y_RULES[st.role]:
            title, section = titles[rule]
            t = u.page(section, tx.slugify(title))
            site.add(Page(t, "a11y", title, section=section, data={"rule": rule}))
            self._plant(st, f"a11y-{rule}", Link(Ref(key, t), title))
            self.entry("a11y-violation", key, Ref(key, t), outcomes=["G20"], axe_rule=rule,
                       expected={"axe_rule": rule, "tags": [AXE_TAGS[rule]], "nodes": 1,
                                 "only_violation": True})

    def _egms(self, st: _SiteState) -> None:
        site = st.site
        key = site.key
        from ._egms import house_expectation, variant_expectation

        self.entry("egms-template", key, Ref(key, "/"), outcomes=["G21"],
                   style=site.style.egms,
                   expected=house_expectation(site.style.egms),
                   applies_to="every HTML page of the site not listed in an egms-variant entry "
                              "(error pages and planted-fault pages excepted)")
        candidates = sorted(t for t in st.content if site.pages[t].kind in
                            ("service", "feature", "meeting", "councillor"))
        rng = self.rng("egms", key)
        chosen = rng.sample(candidates, k=min(len(EGMS_VARIANTS[st.role]), len(candidates)))
        for variant, t in zip(EGMS_VARIANTS[st.role], chosen, strict=False):
            site.pages[t].data["egms"] = variant
            self.entry("egms-variant", key, Ref(key, t), outcomes=["G21"], variant=variant,
                       expected=variant_expectation(site.style.egms, variant))

    # ------------------------------------------------------------------ bulk content
    def _fill(self, st: _SiteState) -> None:
        """Bring the site to its size with bulk content: councillors (up to a real council's
        number), committee meetings with agendas and minutes, library catalogue records or
        planning applications (by tier), and news releases, which take the rest."""
        site = st.site
        remaining = self.target - len(site.counted_pages())
        if remaining > 0:
            rng = self.rng("fill", site.key)
            shares: list[tuple[str, float]] = [("councillors", 0.05), ("meetings", 0.25)]
            if "library-catalogue" in st.feature_targets:
                shares.append(("library", 0.4 if site.tier == "county" else 0.2))
            if "planning-applications" in st.feature_targets:
                shares.append(("planning", 0.4 if site.tier == "district" else 0.2))
            total_w = sum(w for _, w in shares) + 0.3
            used = 0
            if remaining >= 12:
                for name, w in shares:
                    used += self._collection(st, name, int(remaining * w / total_w), rng)
            if remaining - used > 0:
                self._collection(st, "news", remaining - used, rng)
        self._link_orphans(st)

    def _collection(self, st: _SiteState, name: str, budget: int, rng: random.Random) -> int:
        """Add up to ``budget`` counted pages (items plus the listing pages that link them);
        returns how many were added."""
        site, u = st.site, st.urls
        if budget <= 0:
            return 0
        if name == "councillors":
            az = site.pages[st.feature_targets["councillors"]]
            cllrs = az.data["councillors"]
            extra = max(0, min(budget, MAX_COUNCILLORS - len(cllrs)))
            for _ in range(extra):
                cllrs.append(self._councillor(st, rng, len(cllrs)))
            return extra
        if name == "meetings":
            return self._meetings_bulk(st, budget) if budget >= 3 else 0
        if budget <= 2:
            items, listings = budget, 0
        else:
            listings = max(1, math.ceil(budget / (PER_LISTING + 1)))
            items = budget - listings
        section = {"news": "news", "library": "catalogue", "planning": "planning"}[name]
        parent_key = {"news": "news", "catalogue": "library-catalogue",
                      "planning": "planning-applications"}[section]
        item_targets: list[str] = []
        for i in range(items):
            if section == "news":
                when = self.as_of - timedelta(days=i * 3650 // max(items, 1200)
                                              + rng.randrange(3))
                topic, _ = tx.NEWS_TOPICS[(i + rng.randrange(3)) % len(tx.NEWS_TOPICS)]
                title = topic.format(place=site.places[i % len(site.places)],
                                     road=tx.ROADS[i % len(tx.ROADS)])
                slug = tx.slugify(title)
                t = (u.item("news", 5000 + i, slug) if site.style.cms != "modgov"
                     else u.unique(f"/news/{when:%Y/%m}/{slug}/"))
                self._page(st, t, "news", title, section="news", date=when.isoformat(),
                           content=i < 20)
            elif section == "catalogue":
                n = 100_000 + i * 13 + rng.randrange(13)
                title, author = tx.book_title(rng)
                t = u.item("catalogue", n, tx.slugify(title))
                self._page(st, t, "catalogue-record", title, section="libraries",
                           author=author, record=n, year=1950 + (n % 55))
            else:
                n = 100 + i
                year = 2005 - (i // 900)
                ref = f"{n % 10000:04d}/{year % 100:02d}"
                place = site.places[i % len(site.places)]
                t = u.item("planning", n + year * 10000, ref.replace("/", "-"))
                self._page(st, t, "planning-application", f"Planning application {ref}",
                           section="planning", ref=ref, place=place,
                           received=(self.as_of - timedelta(days=i // 3)).isoformat())
            item_targets.append(t)
        parent = site.pages[st.feature_targets[parent_key]]
        if listings == 0:
            parent.data.setdefault("links", []).extend(item_targets)
            return items
        listing_title = {"news": "News archive", "catalogue": "New in the library",
                         "planning": "Planning applications received"}[section]
        listing_targets = [u.listing(section, p + 1) for p in range(listings)]
        for p, lt in enumerate(listing_targets):
            last = p == listings - 1
            chunk = item_targets[p * PER_LISTING:None if last else (p + 1) * PER_LISTING]
            self._page(st, lt, "listing", f"{listing_title} (page {p + 1})", section=section,
                       links=chunk, pages=listing_targets)
        parent.data.setdefault("listings", []).append((listing_title, listing_targets))
        return items + listings

    def _meetings_bulk(self, st: _SiteState, budget: int) -> int:
        """Committee pages, each listing its past meetings (agenda page + minutes page)."""
        site, u = st.site, st.urls
        committees = _committees(site.tier)[1:]
        diary = site.pages[st.feature_targets["meetings"]]
        n_comm = min(len(committees), max(1, budget // 40))
        per = max(1, (budget - n_comm) // (2 * n_comm))
        made = 0
        for ci, cname in enumerate(committees[:n_comm]):
            cid = 200 + ci
            ct = u.committee(cid, tx.slugify(cname))
            made += 1
            meetings = []
            count = per if ci < n_comm - 1 else max(0, (budget - made) // 2)
            for j in range(count):
                when = self.as_of - timedelta(days=(14 * (j + 1) + ci) * 200 // max(per, 200))
                mid = 5000 + ci * 10000 + j
                mt = u.meeting(cid, mid, f"{cname}-{when:%Y-%m-%d}")
                mn = u.minutes(cid, mid, f"{cname}-{when:%Y-%m-%d}")
                m = {"target": mt, "date": when.isoformat(), "committee": cname, "minutes": mn}
                meetings.append(m)
                self._page(st, mt, "meeting", f"{cname}, {tx.long_date(when)}",
                           section="council-and-democracy", meeting=m)
                self._page(st, mn, "minutes", f"Minutes: {cname}, {tx.long_date(when)}",
                           section="council-and-democracy", meeting=m)
                made += 2
            self._page(st, ct, "committee", cname, section="council-and-democracy",
                       meetings=meetings)
            diary.data["committees"].append((cname, ct))
        return made

    def _link_orphans(self, st: _SiteState) -> None:
        """Every counted page must be reachable: link any that nothing links yet from the
        site map page."""
        from ._links import page_links

        site = st.site
        linked: set[str] = {"/"} | {link.ref.target for link in site.nav}
        for page in site.pages.values():
            if not page.counted:
                continue
            for ref in page_links(site, page):
                if ref.site == site.key:
                    linked.add(ref.target.split("#", 1)[0])
        orphans = [t for t in site.counted_pages() if t not in linked]
        if orphans:
            sitemap = st.urls.page("about-this-site", "site-map")
            site.add(Page(sitemap, "listing", "Site map", section="about-this-site",
                          data={"links": orphans, "intro": "sitemap"}))
            site.pages["/"].data["sitemap"] = sitemap

    def _site_entry(self, st: _SiteState) -> None:
        site = st.site
        self.entry("site", site.key, Ref(site.key, "/"), outcomes=[], council=site.name,
                   short_name=site.short_name, tier=site.tier, snac=site.snac,
                   domain=site.domain, partners=list(site.partners), cms=site.style.cms,
                   atoz_style=site.style.atoz, egms_style=site.style.egms,
                   expected={"pages": len(site.counted_pages()),
                             "pages_per_site": self.target,
                             "dynamic_paths": list(site.dynamic),
                             "as_of": self.as_of.isoformat()})


def _committees(tier: str) -> list[str]:
    if tier == "county":
        return ["Cabinet", "Full Council", "Development Control Committee",
                "Scrutiny Committee", "Children and Young People Scrutiny Committee",
                "Adult Care Scrutiny Committee", "Audit Committee", "Pensions Committee",
                "Standards Committee", "Rights of Way Committee"]
    return ["Executive Committee", "Full Council", "Planning Committee", "Licensing Committee",
            "Overview and Scrutiny Committee", "Audit Committee", "Standards Committee",
            "Environment Panel", "Housing Panel", "Joint Area Committee"]


def _letter(name: str) -> str:
    first = name.strip()[:1].upper()
    return first if first in string.ascii_uppercase else "#"


def _ref_regex(fmt: str) -> str:
    out = ""
    for literal, field_name, spec, _ in string.Formatter().parse(fmt):
        out += re.escape(literal)
        if field_name is not None:
            width = int(spec.strip("0d") or "1") if spec else 1
            out += rf"\d{{{width}}}"
    return out


def _feature_outcomes(lgsl_id: int | None) -> list[str]:
    if lgsl_id is None:
        return []
    return sorted({o for f in FEATURES if f.lgsl == lgsl_id for o in f.outcomes})

