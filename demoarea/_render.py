"""Pages to bytes, once the hosts (ports) are known.

``Renderer(area, hosts).page(site_key, page)`` is a pure function of the area, the hosts and the
page: the same inputs give the same bytes in any process. Links to the page's own site are
root-relative (the county's CMS writes absolute ones, as ModernGov sites did); links to partner
councils are absolute, with the partner's real host:port.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from . import _text as tx
from ._egms import MetaValues, head_meta
from ._features import BY_ID as FEATURES
from ._model import PORTAL, Area, FormSpec, Link, Page, Ref, ServiceInfo, Site
from ._text import esc

HTML_UTF8 = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 303: "See Other",
           304: "Not Modified", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 410: "Gone", 411: "Length Required",
           413: "Payload Too Large", 429: "Too Many Requests", 431:
           "Request Header Fields Too Large", 500: "Internal Server Error",
           503: "Service Unavailable"}

_DOCTYPES = {
    "modgov": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
              '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
    "jadu": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
    "coldfusion": '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" '
                  '"http://www.w3.org/TR/html4/loose.dtd">',
    "static": "<!DOCTYPE html>",
}

CSS = (
    "body{font-family:Verdana,Arial,sans-serif;font-size:80%;color:#222;background:#fff;"
    "margin:0}#container{max-width:960px;margin:0 auto}#header{padding:10px}"
    "#header a,#header label{color:#fff}#nav{list-style:none;padding:0;margin:0;"
    "background:#eee}#nav li{display:inline;padding:4px 8px}#content{padding:10px}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
    "#footer{background:#f0f0f0;color:#444;padding:10px}.skip{position:absolute;left:-999px}"
    ".skip:focus{left:0}a{color:%LINK%}"
)


def _when(seed: int, site: str, target: str, as_of: date) -> tuple[str, str]:
    rng = tx.rng_for(seed, "dates", site, target)
    modified = as_of - timedelta(days=rng.randrange(1, 400))
    created = modified - timedelta(days=rng.randrange(0, 900))
    return created.isoformat(), modified.isoformat()


class Renderer:
    def __init__(self, area: Area, hosts: Mapping[str, str]) -> None:
        self.area = area
        self.hosts = dict(hosts)
        self._chrome: dict[str, tuple[str, str]] = {}
        self._last_dates: tuple[tuple[str, str], tuple[str, str]] = (("", ""), ("", ""))

    # ------------------------------------------------------------------ links
    def url(self, ref: Ref) -> str:
        return ref.url(self.hosts)

    def href(self, site: Site, ref: Ref, absolute: bool = False) -> str:
        if ref.site == site.key and not absolute and site.style.cms != "modgov":
            return esc(ref.target)
        return esc(ref.url(self.hosts))

    def a(self, site: Site, link: Link | Ref | str, text: str | None = None,
          title: str = "") -> str:
        if isinstance(link, str):
            link = Ref(site.key, link)
        if isinstance(link, Ref):
            link = Link(link, text or "")
        t = f' title="{esc(link.title or title)}"' if (link.title or title) else ""
        label = esc(text if text is not None else link.text)
        return f'<a href="{self.href(site, link.ref, link.absolute)}"{t}>{label}</a>'

    def title_of(self, site: Site, target: str) -> str:
        page = site.pages.get(target)
        return page.title if page else target

    # ------------------------------------------------------------------ responses
    def page(self, site_key: str, page: Page) -> Response:
        site = self.area.sites[site_key]
        kind = page.kind
        if kind == "redirect":
            loc: Ref = page.data["location"]
            body = (f"<html><head><title>Moved</title></head><body><p>This page has moved to "
                    f'<a href="{esc(self.url(loc))}">{esc(self.url(loc))}</a>.</p></body>'
                    "</html>").encode()
            return Response(page.status, (("Location", self.url(loc)),
                                          ("Content-Type", HTML_UTF8)), body)
        if kind == "binary":
            return Response(200, (("Content-Type", "text/html"),), _binary(self.area.seed))
        if kind == "cp1252":
            return Response(200, (("Content-Type", "text/html"),), self._cp1252(site, page))
        if kind == "atoz-xml":
            return Response(200, (("Content-Type", "application/xml"),),
                            self._atoz_xml(site, page).encode("utf-8"))
        if kind == "huge":
            return Response(200, (("Content-Type", HTML_UTF8),), self._huge(site, page))
        fn = getattr(self, "_k_" + kind.replace("-", "_"))
        html: str = fn(site, page)
        headers: list[tuple[str, str]] = [("Content-Type", self._content_type(site))]
        if kind == "rate-limited":
            headers.append(("Retry-After", "3600"))
        if kind == "bot-challenge":
            headers.append(("Cache-Control", "no-store"))
        if page.status == 200:
            modified = self._dates(site, page)[1]
            headers.append(("Last-Modified", _http_date(date.fromisoformat(modified))))
        return Response(page.status, tuple(headers), self.layout(site, page, html))

    def _content_type(self, site: Site) -> str:
        # The ColdFusion site sends no charset in the header; its pages declare it in a meta.
        return "text/html" if site.style.cms == "coldfusion" else HTML_UTF8

    def not_found(self, site_key: str, target: str) -> Response:
        site = self.area.sites[site_key]
        page = Page(target, "not-found", "Page not found", status=404)
        body = self._k_soft404(site, page)
        return Response(404, (("Content-Type", self._content_type(site)),),
                        self.layout(site, page, body, egms=False))

    def simple(self, site_key: str, title: str, body_html: str, status: int = 200,
               headers: Sequence[tuple[str, str]] = (), egms: bool = False) -> Response:
        site = self.area.sites[site_key]
        page = Page("/", "dynamic", title, status=status)
        return Response(status, (("Content-Type", self._content_type(site)), *headers),
                        self.layout(site, page, body_html, egms=egms))

    # ------------------------------------------------------------------ layout
    def layout(self, site: Site, page: Page, body: str, *, egms: bool = True) -> bytes:
        style = site.style
        rule = page.data.get("rule") if page.kind == "a11y" else None
        lang_attr = ' lang="en"' if style.cms != "jadu" else ' lang="en" xml:lang="en"'
        if rule == "html-has-lang":
            lang_attr = ""
        elif rule == "html-lang-valid":
            lang_attr = ' lang="english"'
        xmlns = ' xmlns="http://www.w3.org/1999/xhtml"' if style.cms in ("modgov", "jadu") \
            else ""
        head = [_DOCTYPES[style.cms], f"\n<html{xmlns}{lang_attr}>\n<head>\n"]
        if style.cms == "coldfusion":
            head.append('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n')
        elif style.cms == "static":
            head.append('<meta charset="utf-8">\n')
        else:
            head.append('<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n')
        if rule != "document-title":
            title = f"{site.name}: home page" if page.target == "/" else \
                f"{page.title} - {site.name}"
            head.append(f"<title>{esc(title)}</title>\n")
        if egms and page.status == 200:
            head.append(head_meta(style.egms, page.data.get("egms"), self._meta(site, page)))
        head.append(f'<link rel="stylesheet" type="text/css" href="/css/{style.cms}.css" />\n')
        head.append("</head>\n")
        top, foot = self._site_chrome(site)
        crumbs = ""
        if page.target != "/":
            crumbs = (f'<p class="breadcrumb">You are here: {self.a(site, "/", "Home")} '
                      f"&gt; {esc(page.title)}</p>")
        modified = self._dates(site, page)[1]
        footer = (f"{foot}<p>Page last updated: {tx.long_date(date.fromisoformat(modified))}. "
                  f"&copy; {esc(site.name)} 2005</p></div>")
        html = "".join(head) + (
            f"{top}{crumbs}\n"
            f'<div id="content">\n<h1>{esc(page.title)}</h1>\n{body}\n</div>\n{footer}\n'
            "</div>\n</body>\n</html>\n"
        )
        return html.encode("utf-8")

    def _site_chrome(self, site: Site) -> tuple[str, str]:
        """The header/navigation and the start of the footer, the same on every page."""
        cached = self._chrome.get(site.key)
        if cached is not None:
            return cached
        nav = "".join(f"<li>{self.a(site, link)}</li>" for link in site.nav)
        search = (f'<form action="{esc(site.search_target)}" method="get">'
                  '<label for="q">Search this site</label> '
                  '<input type="text" id="q" name="q" size="20" /> '
                  '<input type="submit" value="Search" /></form>')
        bg = site.style.palette[0]
        top = ('<body>\n<div id="container">\n'
               '<a href="#content" class="skip">Skip to main content</a>\n'
               f'<div id="header" style="background:{bg};color:#fff">'
               f'<p class="logo"><a href="{self.href(site, Ref(site.key, "/"))}">'
               f"{esc(site.name)}</a></p>{search}</div>\n"
               f'<ul id="nav">{nav}</ul>\n')
        foot = (f'<div id="footer"><p>{self.a(site, site.atoz_target, "A to Z")} | '
                f'{self.a(site, site.nav[-1].ref, "About this site")} | '
                f'{self.a(site, site.nav[-2].ref, "Contact us")}</p>'
                f"<p>{esc(site.name)}, {esc(site.address)}. Telephone {_phone(site)}.</p>")
        self._chrome[site.key] = (top, foot)
        return top, foot

    def _dates(self, site: Site, page: Page) -> tuple[str, str]:
        key = (site.key, page.target)
        if self._last_dates[0] != key:
            self._last_dates = (key, _when(self.area.seed, site.key, page.target,
                                           self.area.as_of))
        return self._last_dates[1]

    def _meta(self, site: Site, page: Page) -> MetaValues:
        svc = self._service(page)
        created, modified = self._dates(site, page)
        return MetaValues(
            title=page.title, creator=f"{site.name}, {site.address}", publisher=site.name,
            created=created, modified=modified,
            identifier=f"http://www.{site.domain}{page.target}",
            lgcl=svc.lgcl_name if svc else "Council, government and democracy",
            ipsv=svc.ipsv_name if svc else "Local government",
            gcl=svc.gcl_name if svc else "Local government",
            lgsl=svc.lgsl_id if svc else None, snac=site.snac,
            keywords=", ".join(x for x in (svc.atoz_name if svc else "Council",
                                           svc.top_name if svc else "Government",
                                           site.short_name) if x),
            coverage=site.address.rsplit(" ", 2)[-2] + " " + site.address.rsplit(" ", 1)[-1],
        )

    def _service(self, page: Page) -> ServiceInfo | None:
        lgsl = page.data.get("lgsl")
        return self.area.services.get(lgsl) if isinstance(lgsl, int) else None

    # ------------------------------------------------------------------ shared bits
    def _paras(self, site: Site, page: Page, topic: str, n: int = 3) -> str:
        rng = tx.rng_for(self.area.seed, "text", site.key, page.target)
        place = rng.choice(site.places)
        out = tx.sentences(rng, n, council=site.name, topic=topic.lower(), place=place,
                           phone=_phone(site))
        return "".join(f"<p>{esc(s)}</p>\n" for s in out)

    def _links_list(self, site: Site, targets: Sequence[Any]) -> str:
        items = []
        for t in targets:
            if isinstance(t, Link):
                items.append(f"<li>{self.a(site, t)}</li>")
            else:
                items.append(f"<li>{self.a(site, t, self.title_of(site, t))}</li>")
        return f"<ul>{''.join(items)}</ul>\n" if items else ""

    def _extra(self, site: Site, page: Page) -> str:
        extra = page.data.get("extra_links")
        if not extra:
            return ""
        items = "".join(f"<li>{self.a(site, link)}</li>" for link, _ in extra)
        return f"<h2>Related pages</h2>\n<ul>{items}</ul>\n"

    def _form(self, site: Site, spec: FormSpec, intro: str = "") -> str:
        rows = []
        for name, label, kind, required in spec.fields:
            fid = f"f-{name}"
            req = " (required)" if required else ""
            label_html = f'<label for="{fid}">{esc(label)}{req}</label><br />'
            if kind == "textarea":
                ctl = f'<textarea id="{fid}" name="{name}" rows="5" cols="40"></textarea>'
            else:
                ctl = f'<input type="{kind}" id="{fid}" name="{name}" size="40" />'
            rows.append(f"<p>{label_html}{ctl}</p>")
        return (f"{intro}<form method=\"post\" action=\"{esc(spec.action)}\">\n"
                + "\n".join(rows)
                + '\n<p><input type="submit" value="Submit" /></p>\n</form>\n')

    # ------------------------------------------------------------------ page kinds
    def _k_home(self, site: Site, page: Page) -> str:
        parts = [f"<p>Welcome to the website of {esc(site.name)}. You can find information "
                 "about council services, pay and apply online, and contact us 24 hours a "
                 "day.</p>\n"]
        parts.append("<h2>Find a service</h2>\n<p>"
                     f"{self.a(site, site.atoz_target, 'A to Z of council services')}</p>\n")
        cats = page.data.get("categories", [])
        if cats:
            parts.append("<h2>Council services</h2>\n" + self._links_list(
                site, [Link(Ref(site.key, t), name) for name, t in cats]))
        online = page.data.get("online", [])
        if online:
            parts.append("<h2>Do it online</h2>\n" + self._links_list(
                site, [Link(Ref(site.key, t), name) for name, t in online]))
        portal = page.data.get("directgov")
        if isinstance(portal, Link):
            parts.append(f"<h2>Government services</h2>\n<p>Find government information and "
                         f"services on {self.a(site, portal)}.</p>\n")
        sitemap = page.data.get("sitemap")
        if sitemap:
            parts.append(f"<p>{self.a(site, sitemap, 'Site map')}</p>\n")
        return "".join(parts)

    def _atoz_entries(self, site: Site, rows: Sequence[Any]) -> str:
        out = []
        for name, _atoz_id, items in rows:
            if len(items) == 1:
                link, _lgsl, owner = items[0]
                note = ""
                if owner != site.key:
                    note = f" ({esc(self.area.sites[owner].name)})"
                out.append(f"<li>{self.a(site, link.ref, name)}{note}</li>")
            else:
                inner = "".join(f"<li>{self.a(site, link)}</li>" for link, _l, _o in items)
                out.append(f"<li>{esc(name)}<ul>{inner}</ul></li>")
        return f'<ul class="atoz-list">{"".join(out)}</ul>\n'

    def _k_atoz_index(self, site: Site, page: Page) -> str:
        letters = page.data["letters"]
        nav = " ".join(self.a(site, t, c) if t else f"<span>{c}</span>" for c, t in letters)
        xml = page.data.get("xml")
        xml_html = (f"<p>This A to Z is also available as "
                    f"{self.a(site, xml, 'XML for reuse by other websites')}.</p>\n") if xml \
            else ""
        return (f"<p>Choose a letter to see the council services beginning with it. Services "
                f"provided by other councils in the area are included and link directly to "
                f"their websites.</p>\n<p class=\"az-nav\">{nav}</p>\n{xml_html}")

    def _k_atoz_letter(self, site: Site, page: Page) -> str:
        letters: dict[str, str] = page.data["letters"]
        nav = " ".join(self.a(site, letters[c], c) if c in letters else f"<span>{c}</span>"
                       for c in string.ascii_uppercase)
        return (f'<p class="az-nav">{nav}</p>\n<h2>{page.data["letter"]}</h2>\n'
                + self._atoz_entries(site, page.data["entries"])
                + f"<p>{self.a(site, page.data['index'], 'Back to the A to Z index')}</p>\n")

    def _k_atoz_onepage(self, site: Site, page: Page) -> str:
        letters: list[str] = page.data["letters"]
        nav = " ".join(f'<a href="#{c}">{c}</a>' if c in letters else f"<span>{c}</span>"
                       for c in string.ascii_uppercase)
        parts = [f'<p class="az-nav">{nav}</p>\n']
        for c in letters:
            rows = [r for r in page.data["entries"] if _first(r[0]) == c]
            parts.append(f'<h2 id="{c}">{c}</h2>\n' + self._atoz_entries(site, rows)
                         + '<p><a href="#content">Back to top</a></p>\n')
        xml = page.data.get("xml")
        if xml:
            parts.append(f"<p>Download this A to Z: {self.a(site, xml, 'XML')}.</p>\n")
        return "".join(parts)

    def _atoz_xml(self, site: Site, page: Page) -> str:
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
               f'<AtoZ authority="{esc(site.name)}" snac="{site.snac}" '
               f'generated="{self.area.as_of.isoformat()}" scheme="LGCL 1.04">\n']
        for name, atoz_id, items in page.data["entries"]:
            out.append(f'  <Entry lgcl="{atoz_id}">\n    <Heading>{esc(name)}</Heading>\n')
            for link, lgsl, owner in items:
                out.append(f'    <Service lgsl="{lgsl}" authority="'
                           f'{esc(self.area.sites[owner].name)}">\n'
                           f"      <Title>{esc(link.text)}</Title>\n"
                           f"      <Url>{esc(self.url(link.ref))}</Url>\n    </Service>\n")
            out.append("  </Entry>\n")
        out.append("</AtoZ>\n")
        return "".join(out)

    def _k_councillors_az(self, site: Site, page: Page) -> str:
        cllrs = sorted(page.data["councillors"], key=lambda c: c["name"].split()[-1])
        rows = "".join(
            f"<tr><td>{self.a(site, c['target'], c['name'])}</td><td>{esc(c['ward'])}</td>"
            f"<td>{esc(c['party'])}</td></tr>" for c in cllrs)
        tiers = ""
        if site.partners:
            other = ", ".join(self.a(site, Ref(p, "/"), self.area.sites[p].name)
                              for p in site.partners)
            which = "county councillors" if site.tier == "district" else "district councillors"
            tiers = (f"<p>{esc(site.name)} is one of two tiers of local government here. "
                     f"For {which}, see {other}.</p>\n")
        return (f"<p>An A to Z of councillors, by surname. Select a name for contact details, "
                f"surgeries and committee memberships.</p>\n{tiers}<table><caption>"
                f"Councillors</caption><tr><th scope=\"col\">Name</th><th scope=\"col\">"
                f"Ward</th><th scope=\"col\">Party</th></tr>{rows}</table>\n")

    def _k_councillor(self, site: Site, page: Page) -> str:
        c = page.data["cllr"]
        rng = tx.rng_for(self.area.seed, "cllr", site.key, page.target)
        email = (c["name"].split()[-2][0] + "." + c["name"].split()[-1]).lower()
        return (f"<p><strong>Ward:</strong> {esc(c['ward'])}<br /><strong>Party:</strong> "
                f"{esc(c['party'])}<br /><strong>Email:</strong> "
                f'<a href="mailto:cllr.{email}@{site.domain}">cllr.{email}@{site.domain}</a>'
                f"</p>\n<p>Councillor {esc(c['name'].split(maxsplit=1)[1])} holds a surgery on "
                f"the {rng.choice(('first', 'second', 'last'))} Saturday of each month at "
                f"{esc(c['ward'])} library, 10am to 12 noon.</p>\n"
                + self._paras(site, page, "councillors", 2) + self._extra(site, page))

    def _k_diary(self, site: Site, page: Page) -> str:
        rows = "".join(
            f"<tr><td>{tx.long_date(date.fromisoformat(m['date']))}</td><td>"
            f"{self.a(site, m['target'], m['committee'])}</td><td>7.00pm</td></tr>"
            for m in sorted(page.data["meetings"], key=lambda m: m["date"]))
        comms = "".join(f"<li>{self.a(site, t, name)}</li>"
                        for name, t in page.data["committees"])
        return (f"<p>Forthcoming and recent meetings of the council and its committees. Agendas "
                f"are published five clear working days before each meeting; minutes follow "
                f"within ten working days.</p>\n<table><caption>Meetings diary</caption><tr>"
                f'<th scope="col">Date</th><th scope="col">Meeting</th><th scope="col">Time'
                f"</th></tr>{rows}</table>\n<h2>Committees</h2>\n<ul>{comms}</ul>\n")

    def _k_committee(self, site: Site, page: Page) -> str:
        items = []
        for m in page.data["meetings"]:
            d = tx.long_date(date.fromisoformat(m["date"]))
            mins = f" ({self.a(site, m['minutes'], 'minutes')})" if m.get("minutes") else ""
            items.append(f"<li>{self.a(site, m['target'], d)}{mins}</li>")
        return (f"<p>Membership, terms of reference and meetings of the {esc(page.title)}.</p>\n"
                f"<h2>Meetings</h2>\n<ul>{''.join(items)}</ul>\n")

    def _k_meeting(self, site: Site, page: Page) -> str:
        m = page.data["meeting"]
        rng = tx.rng_for(self.area.seed, "agenda", site.key, page.target)
        items = ["Apologies for absence", "Declarations of interest",
                 "Minutes of the previous meeting", "Questions from the public"]
        extra = ["Revenue budget monitoring", "Local development framework",
                 "Customer access strategy", "Implementing electronic government (IEG) "
                 "statement", "Waste strategy review", "Annual performance plan",
                 "Capital programme", "Review of fees and charges"]
        items += rng.sample(extra, 3)
        agenda = "".join(f"<li>{esc(i)}</li>" for i in items)
        mins = (f"<p>{self.a(site, m['minutes'], 'Minutes of this meeting')}</p>\n"
                if m.get("minutes") else "<p>Minutes will be published after the meeting.</p>\n")
        return (f"<p><strong>Date:</strong> {tx.long_date(date.fromisoformat(m['date']))}, "
                f"7.00pm<br /><strong>Venue:</strong> Council Chamber, "
                f"{esc(site.address.split(',')[0])}</p>\n<h2>Agenda</h2>\n<ol>{agenda}</ol>\n"
                + mins + self._extra(site, page))

    def _k_minutes(self, site: Site, page: Page) -> str:
        m = page.data["meeting"]
        rng = tx.rng_for(self.area.seed, "minutes", site.key, page.target)
        present = ", ".join(f"Councillor {tx.person(rng)}" for _ in range(5))
        return (f"<p>Minutes of the meeting of the {esc(m['committee'])} held on "
                f"{tx.long_date(date.fromisoformat(m['date']))}.</p>\n<p><strong>Present:"
                f"</strong> {esc(present)}</p>\n<p>The minutes of the previous meeting were "
                f"confirmed as a correct record and signed by the Chairman.</p>\n"
                f"<p>RESOLVED: that the recommendations in the report be approved.</p>\n"
                f"<p>{self.a(site, m['target'], 'Agenda for this meeting')}</p>\n")

    def _k_listing(self, site: Site, page: Page) -> str:
        parts = []
        intro = page.data.get("intro")
        if intro == "news":
            parts.append("<p>The latest news and press releases from the council.</p>\n")
        elif intro == "sitemap":
            parts.append("<p>Pages on this website.</p>\n")
        parts.append(self._links_list(site, page.data.get("links", [])))
        for title, targets in page.data.get("listings", []):
            parts.append(f"<h2>{esc(title)}</h2>\n<p>Pages: " + " ".join(
                self.a(site, t, str(i + 1)) for i, t in enumerate(targets)) + "</p>\n")
        pages = page.data.get("pages")
        if pages and len(pages) > 1:
            parts.append("<p>More pages: " + " ".join(
                self.a(site, t, str(i + 1)) for i, t in enumerate(pages)
                if t != page.target) + "</p>\n")
        return "".join(parts)

    def _k_news(self, site: Site, page: Page) -> str:
        when = date.fromisoformat(page.data["date"])
        body = (f"<p><em>{tx.long_date(when)}</em></p>\n"
                + self._paras(site, page, page.title, 4))
        for text in page.data.get("near_miss", ()):
            body += f"<p>{esc(text)}</p>\n"
        return body + self._extra(site, page)

    def _k_category(self, site: Site, page: Page) -> str:
        return (f"<p>Information and services about {esc(page.title.lower())}.</p>\n"
                + self._links_list(site, page.data["links"]))

    def _k_service(self, site: Site, page: Page) -> str:
        svc = self._service(page)
        assert svc is not None
        parts = [self._paras(site, page, svc.title, 3)]
        parts.append(f"<h2>What you need to know</h2>\n<ul><li>This service is part of "
                     f"{esc(svc.top_name.lower())}.</li><li>You can request it online, by "
                     f"telephone on {_phone(site)} or in person.</li></ul>\n")
        subs = page.data.get("subpages", [])
        if subs:
            parts.append("<h2>More about this service</h2>\n" + self._links_list(site, subs))
        related = page.data.get("related", [])
        if related:
            parts.append("<h2>See also</h2>\n" + self._links_list(site, related))
        parts.append(self._extra(site, page))
        return "".join(parts)

    def _k_service_sub(self, site: Site, page: Page) -> str:
        return (self._paras(site, page, page.title, 3)
                + f"<p>{self.a(site, page.data['parent'], 'Back to ' + self.title_of(site, page.data['parent']))}</p>\n"  # noqa: E501
                + self._extra(site, page))

    def _k_signpost(self, site: Site, page: Page) -> str:
        partners = ", ".join(self.area.sites[p].name for p in page.data["partners"])
        items = "".join(f"<li>{self.a(site, link)}</li>" for link, _ in page.data["links"])
        return (f"<p>Some services in this area are provided by {esc(partners)}. The links "
                f"below take you straight to the right page on their website.</p>\n"
                f"<ul>{items}</ul>\n" + self._extra(site, page))

    def _k_about_site(self, site: Site, page: Page) -> str:
        return ("<p>Information about this website: how well it is performing, how many "
                "people use it and the standards we work to.</p>\n"
                + self._links_list(site, page.data["links"]))

    def _k_availability(self, site: Site, page: Page) -> str:
        parts = ["<p>We monitor the availability of our web servers every five minutes, "
                 "using an independent monitoring service.</p>\n"]
        if page.data["wording"]:
            parts.append(f"<p><strong>{esc(page.data['wording'])}</strong></p>\n")
        parts.append(f"<p>{esc(page.data['commitment'])}</p>\n")
        if page.data["months"]:
            rows = "".join(f"<tr><td>{esc(m)}</td><td>{v:.2f}</td><td>{'Yes' if ok else 'No'}"
                           f"</td></tr>" for m, v, ok in page.data["months"])
            parts.append("<table><caption>Website availability for the last 12 months"
                         '</caption><tr><th scope="col">Month</th><th scope="col">Service '
                         'availability (%)</th><th scope="col">Target met?</th></tr>'
                         f"{rows}</table>\n")
        parts.append("<p>Planned maintenance takes place on Sunday mornings between 6am and "
                     "8am, when the site may be unavailable.</p>\n")
        return "".join(parts)

    def _k_usage(self, site: Site, page: Page) -> str:
        rows = page.data["rows"]
        has_users = rows[0][2] is not None
        head = ('<tr><th scope="col">Year</th><th scope="col">Page impressions</th>'
                + ('<th scope="col">Unique users</th>' if has_users else
                   '<th scope="col">Visits</th>') + "</tr>")
        body = "".join(
            f"<tr><td>{y}</td><td>{i:,}</td><td>{(u if u is not None else i // 4):,}</td></tr>"
            for y, i, u in rows)
        note = ("<p>Page impressions and unique users are counted to the industry (ABCe/IFABC) "
                "definitions; requests from council offices are excluded.</p>\n"
                if has_users else "<p>Figures are taken from our web server logs.</p>\n")
        return (f"<p>How many people use this website. Figures for "
                f"{esc(page.data['partial_year'])} are for part of the year.</p>\n"
                f"<table><caption>Website usage</caption>{head}{body}</table>\n{note}")

    def _k_standards(self, site: Site, page: Page) -> str:
        track = site.track_target
        track_html = (f"<p>You can check the progress of your enquiry online using your "
                      f"reference number: {self.a(site, track, 'track your enquiry')}.</p>\n"
                      if track else "")
        return (f"<h2>Email</h2>\n<p>{esc(page.data['ack'])} {esc(page.data['reply'])}</p>\n"
                f"<h2>Letters</h2>\n<p>We will reply to letters within 10 working days.</p>\n"
                f"<h2>How we are doing</h2>\n<p>Between April and September 2005 we "
                f"acknowledged {page.data['performance']}% of emails within one working day."
                f"</p>\n{track_html}")

    def _k_form(self, site: Site, page: Page) -> str:
        spec = site.forms[page.data["form"]]
        intro = "<p>Please use this form to contact us. Fields marked required must be " \
                "completed.</p>\n"
        if spec.ref_mode in ("unique", "reused", "email-only"):
            intro += "<p>We will send you an acknowledgement by email.</p>\n"
        track = ""
        if spec.tracking:
            track = f"<p>Already contacted us? {self.a(site, spec.tracking, 'Track your enquiry')}.</p>\n"  # noqa: E501
        return self._form(site, spec, intro) + track

    def _k_track(self, site: Site, page: Page) -> str:
        return ("<p>Enter the reference number from your acknowledgement to see the progress "
                "of your enquiry.</p>\n"
                f'<form method="get" action="{esc(page.target)}"><p><label for="ref">Reference '
                'number</label> <input type="text" id="ref" name="ref" size="20" /> '
                '<input type="submit" value="Track" /></p></form>\n')

    def _k_events(self, site: Site, page: Page) -> str:
        cal = f"{page.data['calendar']}?month={self.area.as_of:%Y-%m}"
        return (self._paras(site, page, "events", 2)
                + f"<p>{self.a(site, cal, 'Events calendar for this month')}</p>\n")

    def _k_feature(self, site: Site, page: Page) -> str:
        feat = FEATURES[page.data["feature"]]
        body = [f"<p>{esc(_FEATURE_TEXT.get(feat.id, feat.title))}</p>\n"]
        if feat.id in ("library-catalogue", "planning-applications"):
            param = "q" if feat.id == "library-catalogue" else "ref"
            label = ("Title, author or keyword" if param == "q"
                     else "Application reference or street name")
            body.append(f'<form method="get" action="{esc(page.data["search"])}"><p>'
                        f'<label for="s-{param}">{label}</label> <input type="text" '
                        f'id="s-{param}" name="{param}" size="30" /> <input type="submit" '
                        'value="Search" /></p></form>\n')
        if feat.id == "planning-applications":
            body.append("<p>You can also apply for planning permission online through the "
                        + self.a(site, Link(Ref(PORTAL, "/planningportal/"), "Planning Portal"))
                        + ".</p>\n")
        if feat.id == "transport-information":
            body.append("<p>Plan your journey with "
                        + self.a(site, Link(Ref(PORTAL, "/transportdirect/"),
                                            "Transport Direct"))
                        + " (www.transportdirect.info).</p>\n")
        form = page.data.get("form")
        if form:
            body.append(self._form(site, site.forms[form]))
        for title, targets in page.data.get("listings", []):
            body.append(f"<h2>{esc(title)}</h2>\n<p>Pages: " + " ".join(
                self.a(site, t, str(i + 1)) for i, t in enumerate(targets)) + "</p>\n")
        links = page.data.get("links")
        if links:
            body.append(self._links_list(site, links))
        body.append(self._paras(site, page, feat.title, 2))
        body.append(self._extra(site, page))
        return "".join(body)

    def _k_catalogue_record(self, site: Site, page: Page) -> str:
        d = page.data
        return (f"<table><tr><th scope=\"row\">Title</th><td>{esc(page.title)}</td></tr>"
                f"<tr><th scope=\"row\">Author</th><td>{esc(d['author'])}</td></tr>"
                f"<tr><th scope=\"row\">Published</th><td>{d['year']}</td></tr>"
                f"<tr><th scope=\"row\">Record number</th><td>{d['record']}</td></tr></table>\n"
                "<p>Available at 3 libraries. Log in to reserve this item or renew your "
                "loans.</p>\n")

    def _k_planning_application(self, site: Site, page: Page) -> str:
        d = page.data
        rng = tx.rng_for(self.area.seed, "planning", site.key, page.target)
        what = rng.choice(("Erection of single storey rear extension",
                           "Change of use from shop to cafe", "Two storey side extension",
                           "Erection of detached garage", "Conversion of barn to dwelling",
                           "Installation of replacement windows (listed building consent)"))
        status = rng.choice(("Pending consideration", "Granted", "Refused", "Withdrawn"))
        return (f"<table><tr><th scope=\"row\">Reference</th><td>{esc(d['ref'])}</td></tr>"
                f"<tr><th scope=\"row\">Proposal</th><td>{esc(what)}</td></tr>"
                f"<tr><th scope=\"row\">Location</th><td>{rng.randrange(1, 120)} High Street, "
                f"{esc(d['place'])}</td></tr><tr><th scope=\"row\">Received</th><td>"
                f"{tx.long_date(date.fromisoformat(d['received']))}</td></tr>"
                f"<tr><th scope=\"row\">Status</th><td>{status}</td></tr></table>\n")

    def _k_internal(self, site: Site, page: Page) -> str:
        return ("<p>For council staff only. This section is not for public use.</p>\n"
                + self._links_list(site, [t for t in page.data["links"] if t != page.target]))

    # ---- planted faults
    def _k_soft404(self, site: Site, page: Page) -> str:
        return ("<p>Sorry, the page you requested could not be found (page not found). It may "
                "have been moved or deleted.</p>\n"
                f"<p>Try the {self.a(site, site.atoz_target, 'A to Z of services')} or go to "
                f"the {self.a(site, '/', 'home page')}.</p>\n")

    def _k_gone(self, site: Site, page: Page) -> str:
        return ("<p>This page has been removed and is no longer available (error 410).</p>\n"
                f"<p>Go to the {self.a(site, '/', 'home page')}.</p>\n")

    def _k_bot_challenge(self, site: Site, page: Page) -> str:
        return (f"<p>Checking your browser before accessing www.{esc(site.domain)}.</p>\n"
                "<p>This process is automatic. Your browser will redirect to your requested "
                "content shortly. Please enable cookies and JavaScript.</p>\n")

    def _k_rate_limited(self, site: Site, page: Page) -> str:
        return ("<p>Too many requests. You have sent too many requests in a given amount of "
                "time; please try again later.</p>\n")

    def _k_stall(self, site: Site, page: Page) -> str:
        return "<p>Results of your search.</p>\n"

    def _k_cookie_gate(self, site: Site, page: Page) -> str:
        return ("<p>You are signed in. From here you can see your council tax account, "
                "report problems and track your enquiries.</p>\n")

    def _k_a11y(self, site: Site, page: Page) -> str:
        rule = page.data["rule"]
        text = self._paras(site, page, page.title, 2)
        snippet = {
            "image-alt": '<p><img src="/images/chairman-ball.jpg" width="200" height="150" />'
                         "</p>\n",
            "label": f'<form method="get" action="{esc(site.search_target)}"><p>Your '
                     'postcode <input type="text" name="postcode" /> <input type="submit" '
                     'value="Register" /></p></form>\n',
            "color-contrast": '<p style="color:#bbbbbb;background:#ffffff">Opening times '
                              "change on bank holidays.</p>\n",
            "html-has-lang": "",
            "link-name": f'<p><a href="{esc(site.atoz_target)}"><img src="/images/bloom.jpg" '
                         'alt="" width="120" height="90" /></a></p>\n',
            "document-title": "",
            "button-name": f'<form method="get" action="{esc(site.search_target)}"><p>'
                           '<label for="pc">Postcode</label> '
                           '<input type="text" id="pc" name="pc" /> '
                           '<button type="submit"></button></p></form>\n',
            "input-image-alt": f'<form method="get" action="{esc(site.search_target)}"><p>'
                               '<label for="pr">Reference</label> '
                               '<input type="text" id="pr" name="pr" /> '
                               '<input type="image" src="/images/go.gif" /></p></form>\n',
            "frame-title": '<p><iframe src="/images/ward-map.html" width="400" height="300">'
                           "</iframe></p>\n",
            "select-name": f'<form method="get" action="{esc(site.search_target)}"><p>'
                           '<select name="ward">'
                           + "".join(f"<option>{esc(p)}</option>" for p in site.places[:5])
                           + '</select> <input type="submit" value="Find" /></p></form>\n',
            "html-lang-valid": "",
            "list": "<ul><li>Customer Services</li><div>Housing Options</div>"
                    "<li>Benefits</li></ul>\n",
            "valid-lang": '<p lang="welsh">Croeso i wefan y cyngor.</p>\n',
        }[rule]
        return text + snippet

    # ---- specials
    def _cp1252(self, site: Site, page: Page) -> bytes:
        rows = "".join(f"<tr><td>{item}</td><td>\u00a3{price}</td></tr>"
                       for item, price in (("Garden waste bin (annual)", "25.00"),
                                           ("Bulky waste collection (up to 3 items)", "18.50"),
                                           ("Replacement wheelie bin", "22.00"),
                                           ("Pest control: rats", "0.00")))
        html = (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n'
            f'<html lang="en"><head><title>{esc(page.title)} - {esc(site.name)}</title></head>\n'
            f"<body><h1>{esc(page.title)}</h1>\n"
            "<p>Our \u201cgarden waste\u201d service costs \u00a325.00 a year \u2013 "
            "collections are fortnightly.</p>\n"
            f"<table><caption>Fees and charges</caption><tr><th>Service</th><th>Charge</th>"
            f"</tr>{rows}</table>\n"
            f'<p><a href="/">Home</a></p></body></html>\n'
        )
        return html.encode("cp1252")

    def _huge(self, site: Site, page: Page) -> bytes:
        from ._build import HUGE_BYTES

        rng = random.Random(tx.stable_hash(self.area.seed, "huge", site.key))
        head = self.layout(site, page, "%%ROWS%%")
        before, after = head.split(b"%%ROWS%%", 1)
        chunks = [before, b"<table><caption>Planning decisions</caption><tr><th>Reference</th>"
                          b"<th>Address</th><th>Proposal</th><th>Decision</th></tr>\n"]
        size = sum(len(c) for c in chunks)
        n = 0
        decisions = (b"Granted", b"Refused", b"Withdrawn", b"Granted with conditions")
        places = [p.encode() for p in site.places]
        while size < HUGE_BYTES + 1000:
            n += 1
            row = (b"<tr><td>%d/%02d</td><td>%d Church Street, %s</td><td>Erection of "
                   b"extension and associated works</td><td>%s</td></tr>\n"
                   % (n % 9000, 90 + n // 9000 % 10, rng.randrange(1, 200),
                      places[n % len(places)], decisions[n % 4]))
            chunks.append(row)
            size += len(row)
        chunks.append(b"</table>\n")
        chunks.append(after)
        return b"".join(chunks)


def _binary(seed: int) -> bytes:
    rng = random.Random(tx.stable_hash(seed, "pdf"))
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    stream = bytes(rng.randrange(256) for _ in range(40_000))
    return head + b"2 0 obj\n<< /Length 40000 /Filter /FlateDecode >>\nstream\n" + stream + \
        b"\nendstream\nendobj\n%%EOF\n"


def _phone(site: Site) -> str:
    # Ofcom's drama range (01632 960000-960999): never a real number.
    return f"01632 960{tx.stable_hash(site.key) % 1000:03d}"


def _first(name: str) -> str:
    c = name.strip()[:1].upper()
    return c if c in string.ascii_uppercase else "#"


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _http_date(d: date) -> str:
    return f"{_DAYS[d.weekday()]}, {d.day:02d} {_MONS[d.month - 1]} {d.year} 09:00:00 GMT"


_FEATURE_TEXT = {
    "school-admissions": "Apply online for a place at a primary or secondary school for "
                         "September 2006. Read the admissions criteria, the school prospectus "
                         "and last year's allocation results before you apply.",
    "library-catalogue": "Search the library catalogue, reserve books and renew your loans "
                         "online 24 hours a day. You will need your library card number and "
                         "PIN to reserve or renew.",
    "planning-applications": "Search planning applications by reference or address, see "
                             "plans and comment online, and view weekly lists of applications "
                             "received and decided.",
    "online-payments": "Pay council tax, business rates, invoices and parking fines online "
                       "by debit or credit card. You will be given a transaction reference "
                       "and sent an email receipt.",
    "benefits-information": "Find out whether you may be entitled to housing benefit or "
                            "council tax benefit with our online benefits calculator, and "
                            "download a claim form.",
    "vulnerable-people-information": "Information about care services for older people, "
                                     "adults with disabilities and carers: what is available, "
                                     "who is eligible and how to ask for an assessment.",
    "transport-information": "Local bus and rail timetables, live service disruption "
                             "information and concessionary travel.",
    "council-tax-account": "View your council tax account balance online and register for "
                           "e-billing if you pay by direct debit.",
    "looked-after-children": "Support for the education of children in care (looked after "
                             "children), with the team's email address for schools, carers and "
                             "social workers: lac.education@example.gov.uk.",
    "roadworks-map": "A map of current and planned roadworks in the county, with contact "
                     "details for each and the date the information was last updated.",
    "e-consultation": "Have your say: current consultations you can respond to online, "
                      "including proposed traffic schemes, and the results of past "
                      "consultations.",
    "out-of-hours-contact": "Outside office hours you can still report problems online, 24 "
                            "hours a day. For emergencies such as dangerous structures, call "
                            "our out of hours emergency number.",
    "change-of-address": "Moving home? Tell us once and we will update your council tax, "
                         "electoral registration, benefits and library records.",
    "parking-fines": "Challenge a penalty charge notice online, read the appeals procedure or "
                     "pay your parking fine by text message.",
    "leisure-booking": "Book sports halls, pitches and courts online in real time at our "
                       "leisure centres.",
    "community-information": "Find local clubs, community groups and events. Groups can add "
                             "and update their own entries.",
    "email-alerts": "Sign up for email or SMS text alerts about the topics you choose: "
                    "planning applications, consultations, news and events.",
    "multimedia": "Watch webcasts of council meetings and listen to audio interviews about "
                  "the council's priorities.",
    "gis-maps": "Interactive maps: planning applications, the local plan, school catchment "
                "areas and flood plains.",
    "online-licensing": "Apply online for premises licences, personal licences and "
                        "entertainment licences, and search the public licensing register.",
    "e-procurement": "Selling to the council: how we buy goods and services, our e-procurement "
                     "portal and help for local suppliers and small businesses.",
    "published-targets": "Our targets for take-up of online services, with baselines and "
                         "results published each year in our IEG statement.",
}
