"""form-inventory (R28, and the outcomes that ask for an e-form): every form, classified.

What it looks for. Every ``<form>`` on every crawled page (controls tied to it by ``form=""``
included), described as data: method, action resolved as a browser would (``<base href>``;
an empty action is the document URL), enctype, fields (name, type, label, required), submit
labels, the nearest heading, whether the action is on the site, a partner council's host or a
third party's, whether the page and the action are HTTPS, CAPTCHA widgets or challenges, and a
category: ``enquiry``, ``report-it``, ``application``, ``search``, ``login``, ``payment`` or
``other`` (first match in that order; ``reasons`` says which signal decided). A search form
that looks an enquiry up by its reference is marked ``lookup: "tracking"``. One ``info``
finding per distinct form (same method, action and field names = same form, however many
pages carry it; reported after the crawl, on the shortest URL that carries it, so that crawl
order never moves it), a ``warning`` for a login or payment form not served and posted over HTTPS,
and a site summary at the end. It never submits anything: that is the opt-in
``form-acknowledgement`` probe, which reads this inventory.

Why the outcomes ask for it. R28: "All email and web form acknowledgements to include unique
reference number allocated to allow tracking of enquiry and service response"; its checklist:
"All communications acknowledged" / "All communications logged & number issued" / "Email
notifications sent" / "Ability to track progress." The inventory is the list of web forms
those lines are about, and a public tracking lookup is evidence for the last one. The
category also feeds the outcomes that ask for an e-form: R7 (report-it), R1 (school
admission application), R10 (payments), G13 (penalty charge appeal), G25 (change of
address), G7 (licensing), G2 (community listings) and R23 (self-service outside office hours).

Example that passes (info, ``enquiry``): ``<h2>Contact us</h2><form method="post"
action="/forms/contact"><label for="e">Your email</label><input id="e" name="email"
type="email"><textarea name="enquiry"></textarea></form>``. Example that warns: a
``payment`` form with a card number field on an ``http://`` page.

Known limits. Forms built by script after load, forms inside iframes from another host and
downloadable (PDF/Word) forms are not seen. An ASP.NET page-wide ``<form>`` holding the
search box and the content is one form, classified by everything in it (``aspnet: true``).
Categories come from words: a form with no telling label or heading is ``other``. A CAPTCHA
script on the page is attributed to every POST form on it (safer for the active probe).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html

from poaudit.findings import Finding, Kind
from probes.base import Context, Page, ProbeMeta, host_of

__all__ = [
    "CATEGORIES",
    "META",
    "NEVER_SUBMIT",
    "FormField",
    "FormInfo",
    "evaluate",
    "extract_forms",
    "finalize",
    "owner_of",
]

META = ProbeMeta(
    id="form-inventory",
    code="PO280",
    outcomes=("R1", "G2", "R7", "G7", "R10", "G13", "R23", "R28", "G25"),
    scope=("page", "site"),
    stage="html",
    tags=("forms", "passive", "r28"),
    status="preview",
    title="Every form on the site, classified (never submitted)",
)

Category = Literal["enquiry", "report-it", "application", "search", "login", "payment", "other"]
CATEGORIES: tuple[Category, ...] = (
    "enquiry", "report-it", "application", "search", "login", "payment", "other",
)
NEVER_SUBMIT: frozenset[str] = frozenset({"login", "payment"})  # and any form with a CAPTCHA
MAX_SUMMARY_FORMS = 500
MAX_TEXT = 200

# Outcomes a form of each category can evidence (topics below add R1, G7, G13, G25, G2).
_CATEGORY_OUTCOMES: dict[str, tuple[str, ...]] = {
    "enquiry": ("R28", "R23"),
    "report-it": ("R7", "R28", "R23"),
    "application": ("R28", "R23"),
    "payment": ("R10", "R23"),
}
_TOPICS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("school-admission", "R1", re.compile(
        r"\bschool (place|admission)|\bpreference school|\badmissions?\b")),
    ("licensing", "G7", re.compile(r"\blicen[cs](e|ing)\b|\bpremises licen")),
    ("parking-appeal", "G13", re.compile(
        r"\bpenalty charge|\bpcn\b|\bparking (fine|ticket|appeal)|\bchallenge (a|your) (pcn|"
        r"penalty|ticket)")),
    ("change-of-address", "G25", re.compile(r"\bchange (of|your) address|\bmoving (home|house)")),
    ("community-listing", "G2", re.compile(
        r"\b(add|submit|list|register) (your |an? )?(event|club|group|organisation|society)")),
)

_SPACE = re.compile(r"\s+")
_CARD = re.compile(
    r"\bcard ?(number|no\b|holder)|\bcardnumber|\bcc[-_ ]?(num|number|no)\b|\bcvv2?\b|\bcvc\b|"
    r"\bcv2\b|\bexpiry( date)?\b|\bexpiration date|\bname on (the )?card|\bcard security code"
)
_CARD_AUTOCOMPLETE = re.compile(r"^cc-(number|exp|csc|name)")
_PAY_WORD = re.compile(r"\bpay(ing|ment|ments)?\b|\bpay now\b|\bcheckout\b")
_PAY_SUBMIT = re.compile(r"\bpay( now| online)?\b|\bmake (a )?payment\b|\bcheckout\b")
_AMOUNT = re.compile(r"\bamount\b|£|\bsum\b")
_PAY_HOSTS = re.compile(
    r"worldpay|paypal|sagepay|opayo|civicaepay|paye\.net|capita-?software|adelante|epdq|"
    r"barclaycard|stripe|securetrading|payments\.service\.gov\.uk|\bepay|e-pay|paymentsense"
)
_LOGIN_NAME = re.compile(r"^(user_?name|username|userid|user_id|login|logon|signin|sign_in)$")
_LOGIN_WORD = re.compile(r"\b(sign|log) ?(in|on)\b|\blogin\b|\blogon\b")
_SEARCH_NAMES = frozenset({
    "q", "query", "search", "searchtext", "search_text", "keywords", "keyword", "term", "terms",
    "s", "k", "text", "searchterm", "search_term", "qt", "ref", "reference", "postcode", "pc",
})
_SEARCH_WORD = re.compile(r"\bsearch\b|\bfind\b|\bgo\b|\blook ?up\b|\btrack\b|\bview\b")
_TRACK_WORD = re.compile(
    r"\btrack\b|\btracking\b|\bprogress\b|\b(enquiry|report|case|request|complaint) "
    r"(reference|number|ref)\b"
)
_REPORT = re.compile(
    r"\breport (it|a|an|the|missed|problem|fault|issue|abandoned|fly|graffiti|pothole|street|"
    r"dog|noise|anti|damage|broken|dumped|litter|blocked)\b|\bfly[- ]?tip|\bgraffiti\b|"
    r"\bpot ?holes?\b|\bstreet ?light(ing)? fault|\bmissed (bin|collection)|\babandoned "
    r"(vehicle|car)|\bdog fouling|\bdescribe the (problem|fault|issue)|\bwhere is the "
    r"(problem|fault)|\bproblem (location|details)"
)
_APPLICATION = re.compile(
    r"\bapply\b|\bapplying\b|\bapplication\b|\bregister\b|\bregistration\b|\bclaim\b|"
    r"\bbook(ing)?\b|\blicen[cs]e\b|\bpermit\b|\bconcession|\bpreference school|"
    r"\bdate of birth\b|\bdob\b|\bnational insurance|\bchange (of|your) address|\bappeal\b|"
    r"\bpenalty charge|\brenew(al)?\b"
)
_ENQUIRY = re.compile(
    r"\bcontact\b|\benquir|\binquir|\bfeedback\b|\bcomment|\bcomplain|\bcompliment|"
    r"\bquestion|\bask (us|a)\b|\bget in touch|\bemail us\b|\bmessage\b|\byour views?\b|"
    r"\bsuggestion"
)
_CAPTCHA_ATTR = re.compile(r"g-recaptcha|h-captcha|cf-turnstile|frc-captcha|captcha", re.I)
_CAPTCHA_LABEL = re.compile(
    r"enter the (characters|letters|code|word|text)s?|type the (characters|letters|code|word|"
    r"text)|\bverification code\b|\banti-?spam\b|prove (that )?you('re| are) (a )?human|"
    r"\bare you (a )?human|what is \d+ ?(\+|plus|add|and) ?\d+|\bcaptcha\b|"
    r"characters (shown|in the (image|picture))"
)
_CAPTCHA_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("recaptcha", "recaptcha"),
    ("hcaptcha.com", "hcaptcha"),
    ("challenges.cloudflare.com/turnstile", "turnstile"),
    ("friendlycaptcha", "friendlycaptcha"),
)
_EFORM_PRODUCTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"/ufs/|ebase", re.I), "Ebase"),
    (re.compile(r"xforms", re.I), "Jadu XForms"),
    (re.compile(r"firmstep|achieveservice|achieveforms", re.I), "Firmstep"),
    (re.compile(r"lagan|frontlineforms", re.I), "Lagan"),
    (re.compile(r"govdelivery|granicus", re.I), "GovDelivery"),
)
_CONTROLS = ("input", "select", "textarea", "button")
_BUTTON_TYPES = frozenset({"submit", "image", "reset", "button"})
_TEXTISH = frozenset({"text", "search", "email", "tel", "number", "url", ""})


@dataclass(frozen=True, slots=True)
class FormField:
    """One named control of a form."""

    name: str
    type: str  # input type (lower case), "textarea" or "select"
    label: str
    required: bool

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "label": self.label,
                "required": self.required}


@dataclass(frozen=True, slots=True)
class FormInfo:
    """A form as found on one page: what it sends where, and what kind of form it is.

    ``hidden`` keeps hidden fields' default values for the active probe's submitter; they are
    never written to findings (they can hold session tokens).
    """

    page_url: str
    index: int
    method: str  # GET | POST
    action: str  # absolute, without fragment
    action_raw: str | None
    enctype: str
    form_id: str
    fields: tuple[FormField, ...]
    hidden: tuple[tuple[str, str], ...]
    submit_labels: tuple[str, ...]
    heading: str
    legend: str
    category: Category
    reasons: tuple[str, ...]
    topics: tuple[str, ...]
    captcha: tuple[str, ...]
    lookup: str | None
    eform_product: str | None
    js_submit: bool
    aspnet: bool

    @property
    def fingerprint(self) -> str:
        """Same method, action and field names = the same form, whatever page carries it."""
        return _fingerprint(self.method, self.action,
                            {f.name for f in self.fields} | {n for n, _ in self.hidden})

    @property
    def page_https(self) -> bool:
        return self.page_url.lower().startswith("https:")

    @property
    def action_https(self) -> bool:
        return self.action.lower().startswith("https:")

    @property
    def email_field(self) -> str | None:
        for f in self.fields:
            if f.type == "email" or re.search(r"e-?mail", f"{f.name} {f.label}", re.I):
                return f.name
        return None

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Outcomes this form can evidence, from its category, topics and lookup."""
        out = list(_CATEGORY_OUTCOMES.get(self.category, ()))
        if self.category in ("application", "enquiry", "report-it"):
            out += [code for topic, code, _ in _TOPICS if topic in self.topics]
        if self.lookup == "tracking":
            out.append("R28")
        return tuple(dict.fromkeys(out))

    def detail(self) -> dict[str, Any]:
        """The machine-readable description stored in the inventory finding."""
        types = {f.type for f in self.fields}
        return {
            "check": "form",
            "fingerprint": self.fingerprint,
            "category": self.category,
            "reasons": list(self.reasons),
            "topics": list(self.topics),
            "method": self.method,
            "action": self.action,
            "action_raw": self.action_raw,
            "enctype": self.enctype,
            "form_id": self.form_id,
            "fields": [f.as_dict() for f in self.fields],
            "field_names": [f.name for f in self.fields],
            "hidden_fields": [n for n, _ in self.hidden],
            "submit_labels": list(self.submit_labels),
            "heading": self.heading,
            "legend": self.legend,
            "action_host": host_of(self.action),
            "page_https": self.page_https,
            "action_https": self.action_https,
            "captcha": bool(self.captcha),
            "captcha_kinds": list(self.captcha),
            "lookup": self.lookup,
            "eform_product": self.eform_product,
            "js_submit": self.js_submit,
            "aspnet": self.aspnet,
            "email_field": self.email_field,
            "has_textarea": "textarea" in types,
            "has_password": "password" in types,
            "has_file": "file" in types,
        }


# ---------------------------------------------------------------------------------- parsing
def _text(el: lxml.html.HtmlElement | None) -> str:
    if el is None:
        return ""
    return _SPACE.sub(" ", el.text_content()).strip()[:MAX_TEXT]


def _labels(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """``id`` -> text of the ``<label for>`` naming it."""
    out: dict[str, str] = {}
    for label in tree.iter("label"):
        target = (label.get("for") or "").strip()
        if target and target not in out:
            out[target] = _text(label)
    return out


def _label_of(el: lxml.html.HtmlElement, labels: Mapping[str, str]) -> str:
    ident = (el.get("id") or "").strip()
    if ident and ident in labels:
        return labels[ident]
    for anc in el.iterancestors("label"):
        return _text(anc)
    for attr in ("aria-label", "title", "placeholder"):
        value = (el.get(attr) or "").strip()
        if value:
            return _SPACE.sub(" ", value)[:MAX_TEXT]
    return ""


def _controls(form: lxml.html.HtmlElement, tree: lxml.html.HtmlElement
              ) -> list[lxml.html.HtmlElement]:
    els = list(form.iter(*_CONTROLS))
    ident = (form.get("id") or "").strip()
    if ident:
        owned = [el for el in tree.iter(*_CONTROLS) if el.get("form") == ident]
        seen = set(map(id, els))
        els += [el for el in owned if id(el) not in seen]
    return els


def _heading(form: lxml.html.HtmlElement) -> str:
    inner = form.xpath(".//*[self::h1 or self::h2 or self::h3 or self::h4][1]")
    if inner:
        return _text(inner[0])
    before = form.xpath("preceding::*[self::h1 or self::h2 or self::h3 or self::h4][1]")
    return _text(before[0]) if before else ""


def _page_captcha(tree: lxml.html.HtmlElement) -> tuple[str, ...]:
    kinds: list[str] = []
    for script in tree.iter("script"):
        src = (script.get("src") or "").lower()
        for needle, kind in _CAPTCHA_SCRIPTS:
            if needle in src and kind not in kinds:
                kinds.append(kind)
    return tuple(kinds)


def _form_captcha(form: lxml.html.HtmlElement, labels_text: str) -> list[str]:
    kinds: list[str] = []

    def add(kind: str) -> None:
        if kind not in kinds:
            kinds.append(kind)

    for el in form.iter():
        if not isinstance(el.tag, str):
            continue
        attrs = " ".join(el.get(a) or "" for a in ("class", "id", "name", "src", "alt"))
        if not _CAPTCHA_ATTR.search(attrs):
            continue
        low = attrs.lower()
        if "g-recaptcha" in low or "recaptcha" in low:
            add("recaptcha")
        elif "h-captcha" in low:
            add("hcaptcha")
        elif "cf-turnstile" in low:
            add("turnstile")
        elif el.tag == "img":
            add("image")
        else:
            add("field")
    if _CAPTCHA_LABEL.search(labels_text):
        add("challenge-question")
    return kinds


def _classify(
    *, method: str, fields: list[FormField], submits: list[str], context: str, labels: str,
    action: str, page_title: str, role_search: bool, autocompletes: list[str],
) -> tuple[Category, list[str]]:
    """The category and the signals that decided it (first match in priority order)."""
    types = [f.type for f in fields]
    names = [f.name.lower() for f in fields]
    words = f"{context} {labels}"
    submit_text = " ".join(submits).lower()
    host = host_of(action)
    # payment
    card = [f.name for f in fields if _CARD.search(f"{f.name} {f.label}".lower())]
    if card or any(_CARD_AUTOCOMPLETE.match(a) for a in autocompletes):
        return "payment", [f"card field: {(card or ['autocomplete'])[0]}"]
    if _PAY_HOSTS.search(host):
        return "payment", [f"payment provider host: {host}"]
    amount = [f.name for f in fields if _AMOUNT.search(f"{f.name} {f.label}".lower())]
    if amount and _PAY_WORD.search(words):
        return "payment", [f"amount field {amount[0]!r} with pay wording"]
    if _PAY_SUBMIT.search(submit_text):
        return "payment", [f"submit button {submit_text!r}"]
    # login
    if "password" in types:
        return "login", ["password field"]
    if any(_LOGIN_NAME.match(n) for n in names) and _LOGIN_WORD.search(f"{submit_text} {words}"):
        return "login", ["user name field with sign-in wording"]
    # search
    visible = [f for f in fields if f.type not in ("hidden",)]
    textish = [f for f in visible if f.type in _TEXTISH]
    personal = {"textarea", "email", "tel", "file", "password"} & set(types)
    if role_search or "search" in types:
        return "search", ["role=search" if role_search else "search input"]
    if textish and not personal and len(visible) <= 3:
        named = [f.name for f in textish if f.name.lower() in _SEARCH_NAMES]
        if method == "GET" and named:
            return "search", [f"GET with query field {named[0]!r}"]
        if method == "GET" and _SEARCH_WORD.search(f"{submit_text} {context}"):
            return "search", ["GET with search wording"]
        if len(textish) == 1 and re.search(r"\bsearch\b", f"{submit_text} {context}"):
            return "search", ["one field with search wording"]
    # report it, application, enquiry
    match = _REPORT.search(words)
    if match:
        return "report-it", [f"report wording: {match.group(0)!r}"]
    match = _APPLICATION.search(words)
    if match:
        return "application", [f"application wording: {match.group(0)!r}"]
    match = _ENQUIRY.search(words)
    if match and personal:
        return "enquiry", [f"enquiry wording: {match.group(0)!r}"]
    if "textarea" in types and any(f.type == "email" or "mail" in f.name.lower()
                                   for f in fields):
        return "enquiry", ["free-text and email fields"]
    match = _ENQUIRY.search(page_title)
    if match and "textarea" in types:
        return "enquiry", [f"free-text field on a page titled {page_title!r}"]
    if not textish and "select" in types and method == "GET":
        if re.search(r"\bsearch\b|\bfind\b|\blook ?up\b|\bshow\b", f"{submit_text} {context}"):
            return "search", ["GET choice list with search wording"]
        return "other", ["choice list only (a jump menu)"]
    return "other", ["no telling wording"]


def _parse_form(page: Page, index: int, form: lxml.html.HtmlElement,
                labels: Mapping[str, str], page_captcha: tuple[str, ...]) -> FormInfo:
    method, action = _method_action(page, form)
    raw = form.get("action")
    fields: list[FormField] = []
    hidden: list[tuple[str, str]] = []
    submits: list[str] = []
    autocompletes: list[str] = []
    for el in _controls(form, page.tree):
        tag = str(el.tag)
        kind = ("textarea" if tag == "textarea" else "select" if tag == "select"
                else (el.get("type") or ("submit" if tag == "button" else "text")).strip().lower())
        name = (el.get("name") or "").strip()
        if kind in _BUTTON_TYPES or tag == "button":
            label = (el.get("value") or el.get("alt") or _text(el) or "").strip()
            if kind in ("submit", "image") and label:
                submits.append(_SPACE.sub(" ", label)[:MAX_TEXT])
            continue
        if kind == "hidden":
            if name:
                hidden.append((name, el.get("value") or ""))
            continue
        if not name:
            continue
        label = _label_of(el, labels)
        required = el.get("required") is not None or el.get("aria-required") == "true" or bool(
            re.search(r"\(required\)|\*\s*$|\brequired\b", label, re.I))
        fields.append(FormField(name, kind, label, required))
        if el.get("autocomplete"):
            autocompletes.append(str(el.get("autocomplete")).lower())
    legend = _text(next(form.iter("legend"), None))
    heading = _heading(form)
    attrs = " ".join(form.get(a) or "" for a in ("id", "name", "class", "aria-label"))
    split = urlsplit(action)
    action_words = re.sub(r"[/_.?=&-]+", " ", f"{split.path} {split.query}")
    labels_text = " ".join(f"{f.label} {f.name}" for f in fields).lower()
    context = " ".join([heading, legend, attrs, action_words, *submits]).lower()
    role_search = form.get("role") == "search" or any(
        a.get("role") == "search" for a in form.iterancestors())
    category, reasons = _classify(
        method=method, fields=fields, submits=submits, context=context, labels=labels_text,
        action=action, page_title=page.title.lower(), role_search=role_search,
        autocompletes=autocompletes)
    captcha = _form_captcha(form, labels_text)
    if method == "POST":
        captcha += [k for k in page_captcha if k not in captcha]
    words = f"{context} {labels_text}"
    topics = tuple(topic for topic, _, rx in _TOPICS if rx.search(words))
    lookup = None
    if category == "search" and _TRACK_WORD.search(words):
        lookup = "tracking"
    product = next((name for rx, name in _EFORM_PRODUCTS if rx.search(action)), None)
    return FormInfo(
        page_url=page.final_url, index=index, method=method, action=action,
        action_raw=raw, enctype=(form.get("enctype") or "application/x-www-form-urlencoded")
        .strip().lower(), form_id=(form.get("id") or form.get("name") or "").strip(),
        fields=tuple(fields), hidden=tuple(hidden), submit_labels=tuple(submits),
        heading=heading, legend=legend, category=category, reasons=tuple(reasons),
        topics=topics, captcha=tuple(captcha), lookup=lookup, eform_product=product,
        js_submit=bool(form.get("onsubmit")) or (raw or "").strip().lower().startswith(
            "javascript:"),
        aspnet=any(n in ("__VIEWSTATE", "__EVENTVALIDATION") for n, _ in hidden),
    )


def _fingerprint(method: str, action: str, names: Iterable[str]) -> str:
    key = "|".join([method, action, *sorted(set(names))])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _method_action(page: Page, form: lxml.html.HtmlElement) -> tuple[str, str]:
    method = (form.get("method") or "get").strip().upper()
    raw = form.get("action")
    absolute = urljoin(page.base_url, raw.strip()) if raw and raw.strip() else page.final_url
    return (method if method in ("GET", "POST") else "GET"), urldefrag(absolute)[0]


def _quick_fingerprint(page: Page, form: lxml.html.HtmlElement) -> str:
    """:attr:`FormInfo.fingerprint` without parsing labels, headings or wording."""
    names = set()
    for el in _controls(form, page.tree):
        tag = str(el.tag)
        kind = (el.get("type") or "").strip().lower()
        name = (el.get("name") or "").strip()
        if name and tag != "button" and not (tag == "input" and kind in _BUTTON_TYPES):
            names.add(name)
    return _fingerprint(*_method_action(page, form), names)


def extract_forms(page: Page, skip: Container[str] = ()) -> list[FormInfo]:
    """Every form on ``page`` (shares the page's one lxml parse), except those whose
    fingerprint is in ``skip``."""
    forms = [(i, f) for i, f in enumerate(page.tree.iter("form"))
             if not skip or _quick_fingerprint(page, f) not in skip]
    if not forms:
        return []
    labels = _labels(page.tree)
    page_captcha = _page_captcha(page.tree)
    return [_parse_form(page, i, form, labels, page_captcha) for i, form in forms]


def owner_of(action: str, site_hosts: Iterable[str], partner_hosts: Mapping[str, str],
             page_url: str) -> tuple[str, str | None]:
    """``("site" | "partner" | "third-party", partner name)`` for a form's action host."""
    host = host_of(action)
    hosts = set(site_hosts) or {host_of(page_url)}
    if host in hosts:
        return "site", None
    if host in partner_hosts:
        return "partner", partner_hosts[host]
    return "third-party", None


# ---------------------------------------------------------------------------------- probe
_LABELS = {
    "enquiry": "Enquiry/contact", "report-it": "Report-it", "application": "Application",
    "search": "Search", "login": "Login", "payment": "Payment", "other": "Other",
}


def _state(ctx: Context) -> dict[str, Any]:
    state: dict[str, Any] = ctx.state.setdefault(
        META.id, {"forms": {}, "sightings": 0, "pages_with_forms": 0})
    return state


def _page_key(url: str) -> tuple[int, str]:
    """Which page a form that many pages carry is reported on: the shortest URL, then the
    first in order. Not the first page crawled: crawl order differs between runs, and the
    same site must give the same findings every night."""
    return len(url), url


def evaluate(page: Page, ctx: Context) -> Iterator[Finding]:
    """Notes each distinct form and the best page it is on; the findings come at the end."""
    elements = list(page.tree.iter("form"))
    if not elements:
        return
    state = _state(ctx)
    state["pages_with_forms"] += 1
    state["sightings"] += len(elements)
    known: dict[str, dict[str, Any]] = state["forms"]
    key = _page_key(page.final_url)
    fingerprints = [_quick_fingerprint(page, el) for el in elements]
    repeats = {fp for fp in fingerprints if fp in known}
    for fp in fingerprints:
        if fp in known:
            known[fp]["pages"] += 1
    better = {fp for fp in repeats if key < _page_key(known[fp]["first_page"])}
    if len(repeats) == len(elements) and not better:
        return
    hosts = ctx.site_hosts or page.site_hosts
    done: set[str] = set()
    for form in extract_forms(page, skip=frozenset(repeats - better)):
        fp = form.fingerprint
        if fp in done:  # the same form twice on one page: counted above
            continue
        done.add(fp)
        owner, partner = owner_of(form.action, hosts, ctx.partner_hosts, page.final_url)
        detail = form.detail()
        detail.update({"owner": owner, "partner": partner, "third_party": owner != "site"})
        kind = Kind.INFO
        where = {"site": "", "partner": f" on {partner}'s site",
                 "third-party": f" on another host ({host_of(form.action)})"}[owner]
        message = f"{_LABELS[form.category]} form ({form.method} to {form.action}{where})"
        if form.lookup == "tracking":
            message = f"Enquiry tracking lookup ({form.method} to {form.action}{where})"
        if form.category in NEVER_SUBMIT and not (form.page_https and form.action_https):
            kind = Kind.WARNING
            what = "a password" if form.category == "login" else "payment details"
            gap = ("the page and the action are" if not (form.page_https or form.action_https)
                   else "the page is" if not form.page_https else "the action is")
            message += f": asks for {what} but {gap} not HTTPS"
        if form.captcha:
            message += f"; CAPTCHA ({', '.join(form.captcha)})"
        known[fp] = {
            "fingerprint": fp, "category": form.category, "method": form.method,
            "action": form.action, "first_page": page.final_url,
            "pages": known[fp]["pages"] if fp in known else fingerprints.count(fp),
            "owner": owner, "captcha": bool(form.captcha), "lookup": form.lookup,
            "https": form.page_https and form.action_https,
            "finding": (kind.value, message, list(form.outcomes), detail),
        }
    yield from ()


def finalize(ctx: Context) -> Iterator[Finding]:
    """One finding per distinct form, on the best page that carries it (see
    :func:`_page_key`), then the site summary: forms by category, hosts, HTTPS, CAPTCHA,
    tracking lookups."""
    state = _state(ctx)
    forms: list[dict[str, Any]] = [
        {k: v for k, v in f.items() if k != "finding"} for f in state["forms"].values()]
    for entry in sorted(state["forms"].values(),
                        key=lambda f: (_page_key(f["first_page"]), f["fingerprint"])):
        kind, message, outcomes, detail = entry["finding"]
        yield ctx.finding(META, Kind(kind), message, entry["first_page"], outcomes=outcomes,
                          **detail)
    by_category = {c: sum(1 for f in forms if f["category"] == c) for c in CATEGORIES}
    transactional = [f for f in forms if f["category"] in
                     ("enquiry", "report-it", "application", "payment", "login")]
    tracking = sorted({f["action"] for f in forms if f["lookup"] == "tracking"})
    enquiry = by_category["enquiry"] + by_category["report-it"]
    counts = ", ".join(f"{n} {c}" for c, n in by_category.items() if n) or "none"
    message = f"{len(forms)} distinct forms on {state['pages_with_forms']} pages ({counts})"
    if not enquiry:
        message += "; no enquiry or report-it form found"
    yield ctx.finding(
        META, Kind.INFO, message, None, outcomes=("R28",),
        check="summary",
        forms=len(forms),
        sightings=state["sightings"],
        pages_with_forms=state["pages_with_forms"],
        by_category=by_category,
        third_party=sum(1 for f in forms if f["owner"] != "site"),
        not_https=sum(1 for f in transactional if not f["https"]),
        captcha=sum(1 for f in forms if f["captcha"]),
        tracking_lookups=tracking,
        enquiry_actions=sorted(f["action"] for f in forms
                               if f["category"] in ("enquiry", "report-it")),
        form_list=sorted(forms, key=lambda f: (f["category"], f["action"]))[:MAX_SUMMARY_FORMS],
        truncated=len(forms) > MAX_SUMMARY_FORMS,
    )
