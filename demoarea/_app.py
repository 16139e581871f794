"""Request handling for the area: static pages, planted faults and the few dynamic handlers.

``App.handle`` maps (site, method, target, headers, body) to a :class:`Response`, or to an
awaitable one for the handlers that must wait (the stalling link target, sending email). It
keeps what tests need to see afterwards: hit counts per URL, the enquiries logged and the
acknowledgement emails (sent to ``smtp`` when given, always recorded in ``outbox``).
"""

from __future__ import annotations

import asyncio
import smtplib
from collections import Counter
from collections.abc import Awaitable, Mapping
from datetime import date
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, quote

from . import _text as tx
from ._model import CANARY, PORTAL, Area, FormSpec, Page, Site
from ._render import CSS, HTML_UTF8, Renderer, Response
from ._text import esc

WIRE_LIMIT = 128 * 1024 * 1024  # bytes of serialised responses kept in memory
_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00"
        b"\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

Result = Response | Awaitable[Response]


class App:
    def __init__(self, area: Area, hosts: Mapping[str, str], *,
                 smtp: tuple[str, int] | None = None) -> None:
        self.area = area
        self.hosts = dict(hosts)
        self.render = Renderer(area, hosts)
        self.smtp = smtp
        self.hits: Counter[tuple[str, str, str]] = Counter()
        self.outbox: list[dict[str, Any]] = []
        self.enquiries: dict[str, dict[str, Any]] = {}
        self._counters: dict[str, int] = {}
        # Serialised responses of static pages, filled by the server as pages are served.
        self.wire: dict[tuple[str, str], bytes] = {}
        self.wire_bytes = 0

    # ------------------------------------------------------------------ entry point
    def handle(self, site_key: str, method: str, target: str,
               headers: Mapping[str, str], body: bytes) -> Result:
        if "x-demoarea-probe" not in headers:
            self.hits[(site_key, method, target)] += 1
        if method == "HEAD":
            method = "GET"
        if site_key == CANARY:
            return Response(200, (("Content-Type", HTML_UTF8),),
                            b"<html><body><p>Staff intranet</p></body></html>")
        if site_key == PORTAL:
            return self._portal(target)
        if method not in ("GET", "HEAD", "POST"):
            return Response(405, (("Allow", "GET, HEAD, POST"),), b"")
        site = self.area.sites[site_key]
        if method == "POST":
            spec = site.forms.get(target)
            if spec is None:
                return Response(405, (("Allow", "GET, HEAD"),), b"")
            return self._submit(site, spec, body, headers)
        page = site.pages.get(target)
        if page is not None:
            if page.kind == "stall":
                return self._stall(site_key, page)
            if page.kind == "cookie-gate":
                return self._cookie_gate(site_key, page, headers)
            resp = self.static(site_key, page)
            since = headers.get("if-modified-since")
            if since and resp.status == 200:
                modified = dict(resp.headers).get("Last-Modified")
                if modified == since:
                    return Response(304, (("Last-Modified", modified),), b"")
            return resp
        if target == "/robots.txt":
            if site.robots_txt is None:
                return self.render.not_found(site_key, target)
            return Response(200, (("Content-Type", "text/plain"),), site.robots_txt.encode())
        path, _, query = target.partition("?")
        params = {k: v[0] for k, v in parse_qs(query).items()}
        if path == site.calendar_target:
            return self._calendar(site, params.get("month", ""))
        if site.track_target and path == site.track_target:
            return self._track(site, params.get("ref", ""))
        if path == site.search_target:
            return self._search(site, params.get("q", ""))
        if path in (site.catalogue_search, site.planning_search):
            return self._catalogue(site, path, params)
        if path.startswith("/images/"):
            return self._image(site, path)
        if path.startswith("/css/"):
            css = CSS.replace("%LINK%", site.style.palette[1])
            return Response(200, (("Content-Type", "text/css"),), css.encode())
        return self.render.not_found(site_key, target)

    def static(self, site_key: str, page: Page) -> Response:
        return self.render.page(site_key, page)

    def is_static(self, site_key: str, target: str) -> bool:
        """Whether ``target`` always answers the same bytes (so may be kept serialised)."""
        site = self.area.sites.get(site_key)
        page = site.pages.get(target) if site is not None else None
        return page is not None and page.kind not in ("stall", "cookie-gate")

    def keep(self, site_key: str, target: str, data: bytes) -> None:
        if self.wire_bytes + len(data) <= WIRE_LIMIT:
            self.wire[(site_key, target)] = data
            self.wire_bytes += len(data)

    # ------------------------------------------------------------------ planted behaviour
    async def _stall_async(self, site_key: str, page: Page) -> Response:
        await asyncio.sleep(self.area.stall_seconds)
        return self.render.page(site_key, page)

    def _stall(self, site_key: str, page: Page) -> Awaitable[Response]:
        return self._stall_async(site_key, page)

    def _cookie_gate(self, site_key: str, page: Page, headers: Mapping[str, str]) -> Response:
        name = str(page.data.get("cookie", "SESSION"))
        cookies = headers.get("cookie", "")
        if f"{name}=" in cookies:
            return self.static(site_key, page)
        location = f"http://{self.hosts[site_key]}{page.target}"
        value = f"{tx.stable_hash(self.area.seed, site_key, 'session'):08x}"
        return Response(302, (("Location", location),
                              ("Set-Cookie", f"{name}={value}; Path=/; HttpOnly"),
                              ("Content-Type", HTML_UTF8)),
                        b"<html><body><p>Redirecting to sign in.</p></body></html>")

    # ------------------------------------------------------------------ dynamic pages
    def _calendar(self, site: Site, month: str) -> Response:
        try:
            y, m = (int(x) for x in month.split("-", 1))
            first = date(y, m, 1)
        except (ValueError, TypeError):
            first = self.area.as_of.replace(day=1)
        prev_m, next_m = tx.add_months(first, -1), tx.add_months(first, 1)
        rng = tx.rng_for(self.area.seed, "calendar", site.key, first.isoformat())
        events = sorted((rng.randrange(1, 28), rng.choice((
            "Farmers' market", "Library storytime", "Recycling roadshow", "Council meeting",
            "Guided heritage walk", "Craft fair", "Family fun day", "Parish clerks' forum")),
            rng.choice(site.places)) for _ in range(rng.randrange(3, 8)))
        rows = "".join(f"<li>{d} {tx.MONTHS[first.month - 1]}: {esc(what)}, {esc(where)}</li>"
                       for d, what, where in events)
        path = site.calendar_target
        body = (f"<h2>{tx.MONTHS[first.month - 1]} {first.year}</h2>\n<ul>{rows}</ul>\n"
                f'<p><a href="{path}?month={prev_m:%Y-%m}">Previous month</a> | '
                f'<a href="{path}?month={next_m:%Y-%m}">Next month</a></p>\n')
        return self.render.simple(site.key, f"Events calendar: {tx.MONTHS[first.month - 1]} "
                                  f"{first.year}", body)

    def _track(self, site: Site, ref: str) -> Response:
        ref = ref.strip()
        found = self.enquiries.get(ref)
        if found is None or found["site"] != site.key:
            body = (f"<p>We could not find an enquiry with reference {esc(ref)}. Please check "
                    "the number and try again.</p>\n")
        else:
            body = (f"<p>Enquiry reference <strong>{esc(ref)}</strong></p>\n<table>"
                    f'<tr><th scope="row">Received</th><td>{found["received"]}</td></tr>'
                    f'<tr><th scope="row">About</th><td>{esc(found["title"])}</td></tr>'
                    f'<tr><th scope="row">Status</th><td>{found["status"]}</td></tr></table>\n')
        return self.render.simple(site.key, "Track your enquiry", body)

    def _search(self, site: Site, q: str) -> Response:
        words = q.lower().split()
        results: list[Page] = []
        if words:
            for page in site.pages.values():
                if page.counted and page.kind not in ("binary", "huge") and all(
                        w in page.title.lower() for w in words):
                    results.append(page)
                    if len(results) >= 10:
                        break
        items = "".join(f"<li>{self.render.a(site, p.target, p.title)}</li>" for p in results)
        body = (f"<p>{len(results)} results for &ldquo;{esc(q)}&rdquo;.</p>\n"
                + (f"<ol>{items}</ol>\n" if items else ""))
        return self.render.simple(site.key, "Search results", body)

    def _catalogue(self, site: Site, path: str, params: Mapping[str, str]) -> Response:
        q = params.get("q") or params.get("ref") or ""
        rng = tx.rng_for(self.area.seed, "catalogue", site.key, q)
        if path == site.catalogue_search:
            rows = [tx.book_title(rng) for _ in range(rng.randrange(0, 6) if q else 0)]
            items = "".join(f"<li>{esc(t)} by {esc(a)} - available</li>" for t, a in rows)
            title = "Library catalogue search"
        else:
            rows = [(f"{rng.randrange(1, 9999):04d}/05", "") for _ in range(
                rng.randrange(0, 4) if q else 0)]
            items = "".join(f"<li>Application {esc(r)}: pending consideration</li>"
                            for r, _ in rows)
            title = "Planning application search"
        body = f"<p>{len(rows)} results for &ldquo;{esc(q)}&rdquo;.</p>\n<ul>{items}</ul>\n"
        return self.render.simple(site.key, title, body)

    def _image(self, site: Site, path: str) -> Response:
        if path.endswith(".html"):
            doc = (b'<!DOCTYPE html><html lang="en"><head><title>Ward map</title></head>'
                   b"<body><p>Map of council wards.</p></body></html>")
            return Response(200, (("Content-Type", HTML_UTF8),), doc)
        return Response(200, (("Content-Type", "image/gif"),), _GIF)

    def _portal(self, target: str) -> Response:
        path = target.partition("?")[0]
        titles = {"/": "Directgov - Public services all in one place",
                  "/transportdirect/": "Transport Direct - journey planner",
                  "/planningportal/": "Planning Portal - apply online"}
        title = titles.get(path)
        if title is None and path.startswith("/LDGRedirect/"):
            title = "Local Directgov"
        if title is None:
            return Response(404, (("Content-Type", HTML_UTF8),),
                            b"<html><body><p>Not found</p></body></html>")
        body = (f'<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>'
                f"<h1>{title}</h1><p>A stand-in for the national site, served on loopback."
                "</p></body></html>")
        return Response(200, (("Content-Type", HTML_UTF8),), body.encode())

    # ------------------------------------------------------------------ forms
    def _submit(self, site: Site, spec: FormSpec, body: bytes,
                headers: Mapping[str, str]) -> Result:
        ctype = headers.get("content-type", "application/x-www-form-urlencoded")
        if "multipart/" in ctype:
            return self.render.simple(site.key, "Form error", "<p>Unsupported encoding.</p>",
                                      status=400)
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if spec.ref_mode == "payment" and fields.get("step") == "card":
            return self.render.simple(site.key, "Payment", "<p>This is a demonstration site: "
                                      "no payment has been taken.</p>\n")
        missing = [label for name, label, _, required in spec.fields
                   if required and not fields.get(name, "").strip()]
        if missing:
            items = "".join(f"<li>{esc(m)}</li>" for m in missing)
            return self.render.simple(site.key, spec.title, "<p>Please complete the following "
                                      f"fields:</p>\n<ul>{items}</ul>\n")
        n = self._counters.get(spec.form_id, spec.ref_start)
        if spec.ref_mode != "reused":
            self._counters[spec.form_id] = n + 1
        ref = spec.ref_format.format(n=n)
        email = fields.get(spec.email_field, "").strip()
        received = self.area.as_of.isoformat()
        if spec.ref_mode != "none":
            self.enquiries[ref] = {"site": site.key, "form_id": spec.form_id,
                                   "title": spec.title, "received": received,
                                   "status": "Received - with the customer services team",
                                   "fields": fields}
        page = self._ack_page(site, spec, ref, email)
        if spec.ref_mode == "payment":
            return page
        message = self._ack_email(site, spec, ref, email)
        self.outbox.append({"site": site.key, "form_id": spec.form_id, "to": email,
                            "subject": str(message["Subject"]), "body": message.get_content(),
                            "ref": ref if spec.ref_mode != "none" else None,
                            "sent": self.smtp is not None})
        if self.smtp is None or not email:
            return page
        return self._send_then(message, page)

    async def _send_then(self, message: EmailMessage, page: Response) -> Response:
        assert self.smtp is not None
        host, port = self.smtp
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, _send, host, port, message)
        return page

    def _ack_page(self, site: Site, spec: FormSpec, ref: str, email: str) -> Response:
        mode = spec.ref_mode
        track = ""
        if spec.tracking and mode in ("unique", "reused"):
            link = self.render.a(site, f"{spec.tracking}?ref={quote(ref)}",
                                 "track the progress of your enquiry")
            track = f"<p>You can {link} online.</p>\n"
        if mode in ("unique", "reused"):
            body = (f"<p>Thank you. We have received your enquiry.</p>\n<p>Your reference "
                    f"number is <strong>{esc(ref)}</strong>. Please quote this number if you "
                    f"contact us about this enquiry.</p>\n<p>We have sent an acknowledgement "
                    f"to {esc(email)}.</p>\n{track}")
        elif mode == "email-only":
            body = (f"<p>Thank you. We have received your enquiry and sent a confirmation "
                    f"email to {esc(email)}. The email tells you how to follow up your "
                    f"enquiry.</p>\n")
        elif mode == "payment":
            body = (f"<p>Transaction ID: <strong>{esc(ref)}</strong></p>\n<p>Enter your card "
                    f"details on the next page. An email receipt will be sent to "
                    f"{esc(email)} when your payment is complete.</p>\n"
                    f'<form method="post" action="{esc(spec.action)}"><p>'
                    '<input type="hidden" name="step" value="card" />'
                    '<label for="card">Card number</label> <input type="text" id="card" '
                    'name="card" size="20" /> <input type="submit" value="Pay now" /></p>'
                    "</form>\n")
        else:
            body = ("<p>Thank you for contacting us. Your enquiry has been passed to the "
                    "relevant department, who will reply within 10 working days.</p>\n")
        return self.render.simple(site.key, "Thank you", body)

    def _ack_email(self, site: Site, spec: FormSpec, ref: str, email: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = f"{site.name} <{spec.from_address}>"
        msg["To"] = email or "unknown@invalid"
        mode = spec.ref_mode
        if mode == "none":
            msg["Subject"] = f"Your enquiry to {site.name}"
            text = ("Thank you for contacting us. Your enquiry has been passed to the relevant "
                    "department.\n")
        else:
            msg["Subject"] = f"Your enquiry to {site.name} - reference {ref}"
            text = (f"Thank you for your enquiry.\n\nYour reference number is {ref}. Please "
                    "quote this number if you need to contact us about this enquiry.\n")
            if spec.tracking:
                text += (f"\nTrack your enquiry: http://{self.hosts[site.key]}{spec.tracking}"
                         f"?ref={quote(ref)}\n")
        msg.set_content(text + f"\n{site.name}\n")
        return msg


def _send(host: str, port: int, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(host, port, timeout=10) as client:
            client.send_message(message)
    except (OSError, smtplib.SMTPException):
        pass

