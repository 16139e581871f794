"""Submit the forms a site profile lists, and nothing else (R28's active probe).

Safety rules, each enforced here whatever any other setting says:

- Only a form whose resolved action URL is exactly the ``action`` of an entry in
  ``Profile.forms`` is ever submitted; the list is read from the profile when the
  :class:`Submitter` is built and nothing can add to it.
- A CAPTCHA, login or payment form is refused even when listed, both as the crawl saw it and
  as the page shows it now (the page is fetched again before submitting); the refusal says why.
- At most ``max_submissions`` per form per run, counting submissions already logged for the
  run; every submission carries the profile's test marker (with the run and sequence number)
  in the field the profile names, and a form without that field is refused.
- Requests go only to http(s) URLs whose addresses are public, unless the profile's
  ``crawl.allow_private_addresses`` says otherwise; the check runs on every request, redirects
  included. Redirects are followed up to a bound; a redirect that would re-send the POST to
  another URL (307/308) is refused.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from poaudit import __version__
from poaudit.findings import Finding
from poaudit.profile import AllowedForm, Profile
from probes.base import Page, host_of
from probes.form_inventory import NEVER_SUBMIT, FormInfo, extract_forms

__all__ = [
    "InventoryForm",
    "Prepared",
    "Refusal",
    "Submission",
    "SubmissionRefused",
    "Submitter",
    "address_refusal",
    "main_text",
]

MAX_REDIRECTS = 10
Resolver = Callable[[str, int], list[str]]


class SubmissionRefused(Exception):
    """A request the safety rules do not allow (raised inside the HTTP client's hooks)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class InventoryForm:
    """A form as the crawl's ``form-inventory`` finding describes it."""

    action: str
    page_url: str
    method: str
    category: str
    captcha_kinds: tuple[str, ...]
    field_names: tuple[str, ...]
    hidden_fields: tuple[str, ...]
    enctype: str = "application/x-www-form-urlencoded"
    fingerprint: str = ""
    email_field: str | None = None
    lookup: str | None = None

    @property
    def captcha(self) -> bool:
        return bool(self.captcha_kinds)

    @classmethod
    def from_finding(cls, finding: Finding) -> InventoryForm | None:
        d = finding.detail
        if finding.probe_id != "form-inventory" or d.get("check") != "form":
            return None
        return cls(
            action=str(d["action"]), page_url=str(finding.page_url or ""),
            method=str(d.get("method", "POST")), category=str(d.get("category", "other")),
            captcha_kinds=tuple(d.get("captcha_kinds") or (("unknown",) if d.get("captcha")
                                                           else ())),
            field_names=tuple(d.get("field_names") or ()),
            hidden_fields=tuple(d.get("hidden_fields") or ()),
            enctype=str(d.get("enctype") or "application/x-www-form-urlencoded"),
            fingerprint=str(d.get("fingerprint", "")), email_field=d.get("email_field"),
            lookup=d.get("lookup"),
        )


@dataclass(frozen=True, slots=True)
class Refusal:
    """A listed form that was not submitted, and why (``reason`` is a stable key)."""

    action: str
    page_url: str | None
    reason: str  # captcha | login | payment | not-listed | not-in-inventory | address |
    #              form-gone | marker-field-missing | budget-spent | fetch-failed
    message: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A listed form checked against the live page and ready to submit."""

    allowed: AllowedForm
    page_url: str
    method: str
    enctype: str
    hidden: tuple[tuple[str, str], ...]
    live: FormInfo


@dataclass(slots=True)
class Submission:
    """One test submission: what was sent where and when, and what came back."""

    action: str
    page_url: str
    method: str
    sequence: int
    of: int
    submitted_at: datetime
    payload: dict[str, str]
    marker_field: str
    marker_value: str
    status: int | None = None
    final_url: str | None = None
    redirects: list[str] = field(default_factory=list)
    title: str = ""
    text: str = ""  # the acknowledgement page's visible text, whitespace-normalised
    form_actions: list[str] = field(default_factory=list)  # forms on the answer page
    elapsed_ms: float | None = None
    error: str | None = None

    def log(self, run_id: int) -> dict[str, Any]:
        """The submission log entry (stored so the council can find and delete it)."""
        return {
            "check": "submission", "run_id": run_id, "action": self.action,
            "page_url": self.page_url, "method": self.method, "sequence": self.sequence,
            "of": self.of, "submitted_at": self.submitted_at.isoformat(),
            "payload": dict(self.payload), "marker_field": self.marker_field,
            "marker_value": self.marker_value, "status": self.status,
            "final_url": self.final_url, "redirects": list(self.redirects),
            "elapsed_ms": self.elapsed_ms, "error": self.error,
        }


def main_text(page: Page) -> str:
    """The visible text of a page's main content (``main``, ``#content``, else ``body``)."""
    tree = page.tree
    for path in ("//main", "//*[@role='main']", "//*[@id='content']", "//body"):
        found = tree.xpath(path)
        if found:
            return " ".join(found[0].text_content().split())
    return " ".join(tree.text_content().split())


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def address_refusal(url: str, allow_private: bool, resolve: Resolver = _resolve) -> str | None:
    """Why ``url`` may not be requested, or ``None`` when it may."""
    parts = httpx.URL(url)
    if parts.scheme not in ("http", "https"):
        return f"{url}: only http and https URLs are requested"
    host = parts.host
    if not host:
        return f"{url}: no host"
    if allow_private:
        return None
    try:
        addresses = [host] if _is_ip(host) else resolve(host, parts.port or 443)
    except OSError as exc:
        return f"{host} does not resolve: {exc}"
    for addr in addresses:
        ip = ipaddress.ip_address(addr.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            return (f"{host} resolves to {addr}, a loopback, private, link-local or reserved "
                    "address (the profile's crawl.allow_private_addresses is off)")
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class Submitter:
    """Submits the forms ``profile.forms`` lists, under the module's safety rules."""

    def __init__(
        self, profile: Profile, *, run_id: int, already: Mapping[str, int] | None = None,
        transport: httpx.BaseTransport | None = None, resolve: Resolver = _resolve,
        interval: float | None = None,
    ) -> None:
        self.profile = profile
        self.run_id = run_id
        self._allowed: dict[str, AllowedForm] = {}
        for form in profile.forms:
            self._allowed.setdefault(form.action, form)
        self.counts: dict[str, int] = dict(already or {})
        self.allow_private = profile.crawl.allow_private_addresses
        self._resolve = resolve
        self._post_to: httpx.URL | None = None
        rps = profile.crawl.requests_per_second
        self.interval = 1.0 / rps if interval is None else interval
        self._last = 0.0
        self.requests: list[tuple[str, str]] = []  # (method, url) of every request sent
        self.client = httpx.Client(
            transport=transport,
            follow_redirects=True,
            max_redirects=min(profile.crawl.max_redirects, MAX_REDIRECTS),
            timeout=profile.crawl.timeout_seconds,
            headers={"User-Agent": f"poaudit/{__version__} (+{profile.contact_url}) "
                     "R28 acknowledgement check"},
            event_hooks={"request": [self._check_request]},
        )

    # -- safety ----------------------------------------------------------------------------
    def _check_request(self, request: httpx.Request) -> None:
        url = str(request.url)
        why = address_refusal(url, self.allow_private, self._resolve)
        if why is not None:
            raise SubmissionRefused("address", why)
        if request.method not in ("GET", "HEAD") and (
                self._post_to is None or request.url != self._post_to):
            raise SubmissionRefused(
                "not-listed", f"refused to send {request.method} to {url}: not the listed "
                "form action (a redirect would have re-sent the submission elsewhere)")
        self.requests.append((request.method, url))

    def allowed(self, action: str) -> AllowedForm | None:
        """The profile's entry for exactly this action, if any."""
        return self._allowed.get(action)

    def _pace(self) -> None:
        wait = self._last + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()

    def get(self, url: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        """A safety-checked GET (form pages, tracking lookups)."""
        self._pace()
        return self.client.get(url, params=dict(params) if params else None)

    # -- preparing -------------------------------------------------------------------------
    def prepare(self, allowed: AllowedForm, inventory: Iterable[InventoryForm]
                ) -> Prepared | Refusal:
        """Check a listed form against the crawl's inventory and the live page."""
        action = allowed.action
        if self.allowed(action) is None:
            return Refusal(action, allowed.page, "not-listed",
                           "Not submitted: the form is not listed in the site profile.")
        seen = [f for f in inventory if f.action == action]
        if allowed.page:
            seen.sort(key=lambda f: f.page_url != allowed.page)
        if not seen:
            return Refusal(action, allowed.page, "not-in-inventory",
                           "Not submitted: no form with exactly this action was found in the "
                           "crawl, so it could not be checked first.")
        crawled = seen[0]
        refusal = self._unsafe(action, allowed.page or crawled.page_url, crawled.category,
                               crawled.captcha_kinds, "as crawled")
        if refusal is not None:
            return refusal
        page_url = allowed.page or crawled.page_url
        try:
            resp = self.get(page_url)
        except SubmissionRefused as exc:
            return Refusal(action, page_url, exc.reason, f"Not submitted: {exc.message}")
        except httpx.HTTPError as exc:
            return Refusal(action, page_url, "fetch-failed",
                           f"Not submitted: the form page could not be fetched ({exc}).")
        page = Page(page_url, str(resp.url), resp.status_code, resp.text,
                    site_hosts=frozenset({host_of(page_url)}))
        live = [f for f in extract_forms(page) if f.action == action]
        if resp.status_code != 200 or not live:
            return Refusal(action, page_url, "form-gone",
                           "Not submitted: the page no longer carries a form with this action.",
                           {"status": resp.status_code, "final_url": str(resp.url)})
        form = live[0]
        refusal = self._unsafe(action, page_url, form.category, form.captcha, "on the live page")
        if refusal is not None:
            return refusal
        names = {f.name for f in form.fields} | {n for n, _ in form.hidden}
        if allowed.test_marker_field not in names:
            return Refusal(action, page_url, "marker-field-missing",
                           f"Not submitted: the form has no field {allowed.test_marker_field!r} "
                           "to carry the test marker.", {"field_names": sorted(names)})
        return Prepared(allowed, page_url, form.method, form.enctype, form.hidden, form)

    @staticmethod
    def _unsafe(action: str, page_url: str | None, category: str,
                captcha: Iterable[str], when: str) -> Refusal | None:
        kinds = list(captcha)
        if kinds:
            return Refusal(action, page_url, "captcha",
                           f"Not submitted: the form has a CAPTCHA ({', '.join(kinds)}) {when}; "
                           "automated submissions would defeat it.",
                           {"captcha_kinds": kinds, "category": category})
        if category in NEVER_SUBMIT:
            return Refusal(action, page_url, category,
                           f"Not submitted: it is a {category} form {when}; poaudit never "
                           f"submits {category} forms.", {"category": category})
        return None

    # -- submitting ------------------------------------------------------------------------
    def remaining(self, action: str) -> int:
        allowed = self.allowed(action)
        if allowed is None:
            return 0
        return max(0, allowed.max_submissions - self.counts.get(action, 0))

    def submit(self, prepared: Prepared, sequence: int, of: int) -> Submission | Refusal:
        """Submit once (the caller logs the returned :class:`Submission` at once)."""
        allowed = prepared.allowed
        action = allowed.action
        if self.allowed(action) is not allowed:
            return Refusal(action, prepared.page_url, "not-listed",
                           "Not submitted: the form is not listed in the site profile.")
        if self.remaining(action) <= 0:
            return Refusal(action, prepared.page_url, "budget-spent",
                           f"Not submitted: already submitted {self.counts.get(action, 0)} "
                           f"times in this run (max_submissions {allowed.max_submissions}).")
        now = datetime.now(UTC)
        marker = (f"{allowed.test_marker_value} [poaudit run {self.run_id}, submission "
                  f"{sequence} of {of}, {now:%Y-%m-%d %H:%M:%S} UTC]")
        payload = {name: value for name, value in prepared.hidden}
        payload.update(allowed.payload)
        given = payload.get(allowed.test_marker_field, "").strip()
        payload[allowed.test_marker_field] = f"{given}\n\n{marker}" if given else marker
        sub = Submission(action=action, page_url=prepared.page_url, method=prepared.method,
                         sequence=sequence, of=of, submitted_at=now, payload=payload,
                         marker_field=allowed.test_marker_field, marker_value=marker)
        self.counts[action] = self.counts.get(action, 0) + 1  # counted even if it fails
        self._pace()
        sub.submitted_at = datetime.now(UTC)
        started = time.monotonic()
        self._post_to = httpx.URL(action)
        try:
            if prepared.method == "GET":
                self._post_to = None
                resp = self.client.get(action, params=payload)
            elif prepared.enctype.startswith("multipart/"):
                resp = self.client.post(action, files=[(k, (None, v)) for k, v in payload.items()])
            else:
                resp = self.client.post(action, data=payload)
        except SubmissionRefused as exc:
            sub.error = f"{exc.reason}: {exc.message}"
            return sub
        except Exception as exc:  # logged as an attempt: it may have reached the server
            sub.error = f"{type(exc).__name__}: {exc}"
            return sub
        finally:
            self._post_to = None
            sub.elapsed_ms = round((time.monotonic() - started) * 1000, 1)
        sub.status = resp.status_code
        sub.final_url = str(resp.url)
        sub.redirects = [str(r.url) for r in resp.history]
        ack = Page(action, str(resp.url), resp.status_code, resp.text)
        sub.title = ack.title
        sub.text = main_text(ack)
        sub.form_actions = [f.action for f in extract_forms(ack)]
        return sub

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Submitter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
