"""az-index (R3): the A–Z of council services, its LGCL coverage, deep-linked entries and
joined-up two-tier services.

**What it looks for.** On every page, links whose text reads "A to Z" / "A-Z" / "A–Z" mark
their target as an A–Z; pages whose URL looks like one (``/a-z``, ``/atoz``, ``/a_to_z``,
``az_home``, ``a-z_directory``, ``?letter=``, ``startat=``, ``/a-z/b``) or whose title or
heading reads "A to Z" are read as A–Z pages: their letter navigation (``A``…``Z``, to other
pages or to ``#B`` anchors), their entries (link text, the heading above a nested list, the
target URL) and any XML/RSS export link. The crawler follows the letter links; the probe
recognises the letter pages as they arrive and keeps everything in ``ctx.state`` until
``finalize``, which groups the pages into A–Zs (pages joined by letter links), tells the A–Z
of services from near-misses (an A–Z of councillors, streets, documents…: by its title, and by
entries that match no LGCL/LGSL term) and reports on the A–Z of services:

* ``found`` – where it is, how many letter pages and entries (``fail`` when there is none);
* ``lgcl-coverage`` – how many of the LGCL 1.04 terms flagged for an A–Z its entries cover
  (entries matched to LGCL preferred and lead-in terms and LGSL names, see ``probes/_text``);
* ``home-page-entry`` – an entry that links to a home page, not a service page;
* ``broken-entry`` – an entry whose link the link checker found broken, unreachable, a soft
  404 or looping (``warning`` for "check by hand" verdicts and missing anchors);
* ``partner-entries`` – entries that point to partner councils, by council;
* ``joined-up`` – in a two-tier area, how many of the services the *partner's* tier provides
  and this council's does not (LGSL providing tiers in the project data) the A–Z includes;
* ``xml-export`` – whether the A–Z links an XML/RSS export of itself;
* ``near-miss`` (``info``) – each A–Z that is not the A–Z of services, and why.

**Why R3 asks for it.** R3: "Online facilities to be available to allow one stop direct access
and deep linking to joined up A-Z information on all local authority services … using the
recognised taxonomy of the Local Government Category List". Checklist: "A to Z list" /
"Available on website and to call handling staff." / "XML output enabled". The notes: "The A-Z
list of services must be “joined-up” … As a minimum it should include as many of the services
on the Local Government Category List as possible"; "Links themselves should, as a minimum, be
“deep” links to pages giving detailed information on services"; "A to Z lists from districts
should as a minimum include all the services provided by their county" and "A to Z lists
compiled by counties should include all the services provided by their districts"; "a Local
Authority would be advised to ensure that the means by which they hold their A-Z type
information is readily extractable into an XML format, although this is not mandatory at
present".

**Example that passes.** ``<a href="/a-z/">A to Z of services</a>`` on the home page; ``/a-z/``
links ``<a href="/a-z/p">P</a>``; ``/a-z/p`` lists ``<li><a href="http://www.suffolk.gov.uk/
transport/potholes/">Potholes</a> (Suffolk County Council)</li>`` and the link checks out.

**Example that fails.** No page reads "A to Z" except ``<h1>A to Z of councillors</h1>`` (a
near-miss, reported as such); or an A–Z whose "Libraries" entry links to
``http://www.suffolk.gov.uk/`` (a home page: the notes say "a link to a home page is not
sufficient").

**Known limits.** Entries are matched by words, not meaning: an entry worded unlike any LGCL
term, lead-in or LGSL name is counted as unmatched (``unmatched_sample`` shows them). A term's
coverage counts an entry filed under a narrower term towards its nearest A–Z-flagged term. An
A–Z behind a search form (``?azq=``) or JavaScript, or letter pages the crawl did not reach,
cannot be read. Availability to call-handling staff is not observable. The joined-up check
knows only the ~100 LGSL services that have a providing tier in the data. Broken entries need
``ctx.link_verdicts``; without them entries are reported as not checked.

Options (``az-index`` in the site profile): ``min_lgcl_coverage`` (default 0.5),
``min_joined_up`` (0.8), ``min_letters`` (3), ``min_match_ratio`` (0.1), ``sample`` (20).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from poaudit.findings import Finding, Kind
from poaudit.taxonomy import lgcl, normalise_label
from probes._text import (
    Hosts,
    Match,
    VerdictView,
    atoz_term_ids,
    home_page,
    lgsl_services,
    match_text,
    owner_of,
    partner_tier,
    services_for,
    tier_services,
    tokens,
    verdict_for,
)
from probes.base import Context, Page, ProbeMeta

__all__ = ["META", "evaluate", "finalize"]

META = ProbeMeta(
    id="az-index",
    code="PO101",
    outcomes=("R3",),
    scope=("page", "site"),
    tags=("atoz", "lgcl", "lgsl", "two-tier", "deep-links", "xml"),
    status="preview",
    title="A–Z of services: LGCL coverage, deep-linked entries, joined-up tiers, XML export",
)

DEFAULTS: Mapping[str, float] = {
    "min_lgcl_coverage": 0.5,
    "min_joined_up": 0.8,
    "min_letters": 3,
    "min_match_ratio": 0.1,
    "sample": 20,
}

AZ_TEXT = re.compile(r"\bA\s*(?:-|–|—|to)\s*Z\b", re.I)
AZ_URL = re.compile(
    r"(?:^|[/=?&._-])(?:a-z(?![a-z0-9])|a_z(?![a-z0-9])|a_to_z|a-to-z|atoz|az_home|az_index"
    r"|az_letter|azindex|az_list)", re.I)
LETTER_PARAM = re.compile(r"[?&](?:letter|startat|alpha|initial|char)=([A-Za-z0-9])(?:&|$)",
                          re.I)
LETTER_PATH = re.compile(r"/(?:a-z|a_z|atoz|a_to_z|a-to-z)/([a-z0-9])/?$", re.I)
LETTER_TEXT = re.compile(r"^(?:[A-Z]|[A-Z]\s*[-–]\s*[A-Z]|0\s*-\s*9|#)$", re.I)
BACK_TEXT = re.compile(r"^(back\s+to\s+)?(the\s+)?(top|top\s+of\s+(the\s+)?page|index)$", re.I)
XML_URL = re.compile(r"\.(xml|rss|rdf|atom)$|[?&](format|output|view|type)=(xml|rss|atom)\b",
                     re.I)
XML_TEXT = re.compile(r"\b(xml|rss|atom|feed)\b", re.I)
TEMPLATE = re.compile(
    r"nav|menu|header|footer|crumb|skip|sidebar|masthead|banner|toolbar|utility|topbar"
    r"|accesskey", re.I)
CONTENT_XPATH = ("//main", "//*[@role='main']", "//*[@id='content']", "//*[@id='main']",
                 "//*[@id='maincontent']", "//*[@id='main-content']", "//*[@id='main_content']")

SUBJECT_AFTER = re.compile(
    r"\bA\s*(?:-|–|—|to)\s*Z\b(?:\s+(?:of|for|listing|list|index|guide|directory)\b)*"
    r"\s*(?P<words>[A-Za-z' ]{0,60})", re.I)
SUBJECT_BEFORE = re.compile(r"(?P<words>[A-Za-z']+(?:\s+[A-Za-z']+)?)\s+A\s*(?:-|–|—|to)\s*Z\b",
                            re.I)
SERVICE_WORDS = frozenset({"service", "site", "information", "website", "web"})
NON_SERVICE_WORDS = frozenset({
    "councillor", "member", "mp", "mep", "street", "road", "document", "publication", "form",
    "policy", "policie", "school", "parish", "glossary", "term", "jargon", "abbreviation",
    "acronym", "link", "club", "group", "organisation", "society", "job", "vacancy", "place",
    "venue", "event", "ward", "polling", "book", "author", "business", "company", "staff",
    "officer", "committee", "meeting", "contact", "telephone", "phone", "plant", "walk",
    "footpath", "village", "town", "attraction", "recipe", "archive", "record",
})
LIST_ENTRIES = 10
LIST_MATCH_RATIO = 0.3
"""An A–Z page without letter links or headings still counts when it lists at least this
many entries, this share of them matching LGCL/LGSL terms."""
PEOPLE = re.compile(r"^(councillor|cllr\.?|county councillor|alderman|mr|mrs|ms|dr)\b", re.I)


# --------------------------------------------------------------------------------------------
# What a page yields (kept in ctx.state until finalize)


@dataclass(frozen=True, slots=True)
class Entry:
    text: str
    heading: str
    note: str
    url: str
    fragment: str


@dataclass
class AzPage:
    url: str
    aliases: tuple[str, ...]
    title: str
    heading: str
    found_by: tuple[str, ...]
    letter_links: dict[str, str] = field(default_factory=dict)  # letter -> page URL
    anchor_letters: list[str] = field(default_factory=list)  # one-page A-Z: #A, #B
    letter: str | None = None  # this page is the page of one letter
    entries: list[Entry] = field(default_factory=list)
    xml_links: list[str] = field(default_factory=list)


@dataclass
class State:
    linked_as_az: dict[str, list[str]] = field(default_factory=dict)  # URL -> link texts
    letter_urls: set[str] = field(default_factory=set)
    pages: dict[str, AzPage] = field(default_factory=dict)


def _state(ctx: Context) -> State:
    st = ctx.state.get(META.id)
    if not isinstance(st, State):
        st = State()
        ctx.state[META.id] = st
    return st


def _opt(ctx: Context, key: str) -> float:
    value = ctx.opts(META.id).get(key, DEFAULTS[key])
    return float(value)


# --------------------------------------------------------------------------------------------
# Page scope


_AFTER_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#]*(.*)$", re.I | re.S)


def _target(url: str) -> str:
    """Path, query and fragment of an absolute URL (cheaper than urlsplit, called per page)."""
    m = _AFTER_HOST.search(url)
    return m.group(1) if m else ""


def _page_letter(url: str) -> str | None:
    m = LETTER_PARAM.search(url) or LETTER_PATH.search(urlsplit(url).path)
    return m.group(1).upper() if m else None


def evaluate(page: Page, ctx: Context) -> list[Finding]:
    """Remember links that read "A to Z" and read any page that looks like an A–Z page."""
    st = _state(ctx)
    for link in page.links:
        if link.tag in ("a", "area") and link.text and len(link.text) < 120 \
                and AZ_TEXT.search(link.text):
            texts = st.linked_as_az.setdefault(link.url, [])
            if link.text not in texts and len(texts) < 5:
                texts.append(link.text)
    if page.status != 200:
        return []
    urls = tuple(dict.fromkeys((page.final_url, page.url)))
    found_by: list[str] = []
    if any(AZ_URL.search(_target(u)) or LETTER_PARAM.search(u) for u in urls):
        found_by.append("url")
    if any(u in st.linked_as_az for u in urls):
        found_by.append("link-text")
    if any(u in st.letter_urls for u in urls):
        found_by.append("letter-link")
    heading: str | None = None
    if AZ_TEXT.search(page.title):
        found_by.append("title")
    else:
        heading = _first_heading(page.tree)
        if AZ_TEXT.search(heading):
            found_by.append("title")
    if not found_by:
        return []
    if heading is None:
        heading = _first_heading(page.tree)
    record = _read(page, urls, heading, tuple(found_by))
    st.pages[page.final_url] = record
    st.letter_urls.update(record.letter_links.values())
    return []


def _first_heading(tree: lxml.html.HtmlElement) -> str:
    for tag in ("h1", "h2"):
        node = tree.find(f".//{tag}")
        if node is not None:
            return " ".join(node.text_content().split())
    return ""


def _classes(el: lxml.html.HtmlElement) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}"


def _in_template(el: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> bool:
    node = el.getparent()
    while node is not None and node is not root:
        if TEMPLATE.search(_classes(node)) or node.tag in ("nav", "header", "footer"):
            return True
        node = node.getparent()
    return False


def _content_root(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for xpath in CONTENT_XPATH:
        found = tree.xpath(xpath)
        if found:
            node: lxml.html.HtmlElement = found[0]
            return node
    body = tree.find(".//body")
    return body if body is not None else tree


def _text_of(el: lxml.html.HtmlElement) -> str:
    text = " ".join(el.text_content().split())
    if not text:
        text = el.get("title") or ""
        img = el.find(".//img[@alt]")
        if not text and img is not None:
            text = img.get("alt") or ""
    return " ".join(text.split())


def _own_text(li: lxml.html.HtmlElement) -> str:
    """The text of a list item before its nested list (an A–Z heading over several links)."""
    parts = [li.text or ""]
    for child in li:
        if child.tag in ("ul", "ol", "dl"):
            break
        parts.append(child.text_content())
        parts.append(child.tail or "")
    return " ".join(" ".join(parts).split())


def _heading_and_note(a: lxml.html.HtmlElement, text: str) -> tuple[str, str]:
    heading, note = "", ""
    li = next((n for n in a.iterancestors("li", "dd", "td")), None)
    if li is None:
        return heading, note
    if li.tag == "li":
        outer = li.getparent()
        outer_li = outer.getparent() if outer is not None else None
        if outer_li is not None and outer_li.tag == "li":
            heading = _own_text(outer_li)
        if len(li.findall(".//a")) == 1:
            own = " ".join(li.text_content().split())
            note = own.replace(text, "", 1).strip(" -–,;:")
    elif li.tag == "dd":
        dt = li.getprevious()
        while dt is not None and dt.tag != "dt":
            dt = dt.getprevious()
        if dt is not None:
            heading = " ".join(dt.text_content().split())
    return heading, note


def _read(page: Page, urls: tuple[str, ...], heading: str, found_by: tuple[str, ...]) -> AzPage:
    tree = page.tree
    record = AzPage(url=page.final_url, aliases=urls, title=page.title, heading=heading,
                    found_by=found_by, letter=_page_letter(page.final_url))
    same = set(urls)
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower()
        kind = (link.get("type") or "").lower()
        href = link.get("href")
        if href and rel == "alternate" and ("xml" in kind or "rss" in kind or "atom" in kind):
            try:
                record.xml_links.append(page.resolve(href.strip())[0])
            except ValueError:
                continue
    body = tree.find(".//body")
    if body is None:
        return record
    root = _content_root(tree)
    for node in root.iter("h2", "h3", "h4", "dt"):
        text = " ".join(node.text_content().split())
        if len(text) == 1 and text.isalpha() and text.upper() not in record.anchor_letters:
            record.anchor_letters.append(text.upper())  # a one-page A–Z's letter headings
    for a in body.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
            continue
        try:
            url, fragment = page.resolve(href)
        except ValueError:  # a malformed href is the link checker's finding, not an entry
            continue
        text = _text_of(a)
        if not text:
            continue
        if LETTER_TEXT.match(text):
            letter = text[0].upper()
            if url in same and fragment:
                if letter not in record.anchor_letters:
                    record.anchor_letters.append(letter)
            elif url not in same:
                record.letter_links.setdefault(letter, url)
            continue
        if not _is_descendant(a, root) or _in_template(a, root):
            continue
        if url in same or BACK_TEXT.match(text) or AZ_TEXT.search(text):
            continue
        if XML_URL.search(url) or XML_TEXT.search(text):
            record.xml_links.append(url)
            continue
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        entry_heading, note = _heading_and_note(a, text)
        record.entries.append(Entry(text, entry_heading, note, url, fragment))
    return record


def _is_descendant(el: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> bool:
    return el is root or any(node is root for node in el.iterancestors())


# --------------------------------------------------------------------------------------------
# Site scope


@dataclass
class Group:
    pages: list[AzPage]
    subject: str
    subject_words: str
    subject_from: str
    letters: list[str]
    entries: list[Entry]
    matches: dict[Entry, Match | None]

    @property
    def index(self) -> AzPage:
        return self.pages[0]

    @property
    def matched(self) -> int:
        return sum(1 for m in self.matches.values() if m is not None)

    @property
    def match_ratio(self) -> float:
        return self.matched / len(self.entries) if self.entries else 0.0

    @property
    def one_page(self) -> bool:
        return len(self.pages) == 1


def _subject_of(texts: Iterable[str]) -> tuple[str, str, str]:
    """What an A–Z is of: ("services" | "unspecified" | a non-service word, the words as
    written, the text they came from)."""
    service_from = ""
    for text in texts:
        for pattern in (SUBJECT_AFTER, SUBJECT_BEFORE):
            for m in pattern.finditer(text):
                words = set(tokens(m.group("words")))
                other = sorted(words & NON_SERVICE_WORDS)
                if other and not words & SERVICE_WORDS:
                    return other[0], " ".join(m.group("words").split()), text
                if words & SERVICE_WORDS and not service_from:
                    service_from = text
    return ("services" if service_from else "unspecified"), "", service_from


def _groups(st: State) -> list[list[AzPage]]:
    by_url: dict[str, AzPage] = {}
    for page in st.pages.values():
        for alias in page.aliases:
            by_url.setdefault(alias, page)
    parent: dict[str, str] = {p.url: p.url for p in st.pages.values()}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for page in st.pages.values():
        for url in page.letter_links.values():
            other = by_url.get(url)
            if other is not None:
                parent[find(other.url)] = find(page.url)
    groups: dict[str, list[AzPage]] = {}
    for page in st.pages.values():
        groups.setdefault(find(page.url), []).append(page)
    out = []
    for pages in groups.values():
        # The index first: the page not of a single letter with the most letter links.
        pages.sort(key=lambda p: (p.letter is not None, -len(p.letter_links), len(p.url), p.url))
        out.append(pages)
    return out


def _build_group(pages: list[AzPage], st: State) -> Group:
    texts: list[str] = []
    for page in pages:
        texts += [page.title, page.heading]
        for alias in page.aliases:
            texts += st.linked_as_az.get(alias, [])
    subject, subject_words, subject_from = _subject_of(t for t in texts if t)
    urls = {a for p in pages for a in p.aliases}
    seen: set[tuple[str, str, str]] = set()
    entries: list[Entry] = []
    for page in pages:
        for e in page.entries:
            key = (normalise_label(e.text), e.url, e.fragment)
            if e.url in urls or key in seen:
                continue
            seen.add(key)
            entries.append(e)
    letters = sorted({c for p in pages for c in (*p.letter_links, *p.anchor_letters)}
                     | {p.letter for p in pages if p.letter})
    matches = {e: _entry_match(e) for e in entries}
    return Group(pages, subject, subject_words, subject_from, letters, entries, matches)


def _entry_match(e: Entry) -> Match | None:
    """The entry's link text match; under a heading (several links for one A–Z term) the
    heading's LGCL terms are added to it, or stand for it when the text matches nothing."""
    found = match_text(e.text)
    over = match_text(e.heading) if e.heading else None
    if found is None or over is None:
        return found or over
    terms = tuple(dict.fromkeys((*found.lgcl_ids, *over.lgcl_ids)))
    return Match(terms, found.lgsl_ids, found.via, found.term)


def _near_miss_reason(group: Group, ctx: Context) -> str | None:
    if group.subject not in ("services", "unspecified"):
        return f"titled as an A–Z of '{group.subject_words}', not of services"
    if len(group.letters) < _opt(ctx, "min_letters") and not (
            len(group.entries) >= LIST_ENTRIES and group.match_ratio >= LIST_MATCH_RATIO):
        return "no letter index (reads 'A to Z' but is not an A–Z list)"
    people = sum(1 for e in group.entries if PEOPLE.match(e.text))
    if group.entries and people * 2 >= len(group.entries):
        return "its entries are people (councillors), not services"
    if group.subject == "unspecified" and len(group.entries) >= 10 \
            and group.match_ratio < _opt(ctx, "min_match_ratio"):
        return "its entries match no LGCL or LGSL terms"
    return None


def _page_of(group: Group) -> dict[Entry, str]:
    out: dict[Entry, str] = {}
    for page in group.pages:
        for e in page.entries:
            out.setdefault(e, page.url)
    return out


def finalize(ctx: Context) -> list[Finding]:
    """Group the A–Z pages seen, pick the A–Z of services and report on it."""
    st = _state(ctx)
    groups = [_build_group(pages, st) for pages in _groups(st)]
    services: list[Group] = []
    out: list[Finding] = []
    for g in sorted(groups, key=lambda g: g.index.url):
        reason = _near_miss_reason(g, ctx)
        if reason is None:
            services.append(g)
            continue
        out.append(ctx.finding(
            META, Kind.INFO, f"Not the A–Z of services: {reason}.", g.index.url,
            check="near-miss", subject=g.subject, subject_text=g.subject_words or None,
            reason=reason, title=g.index.title,
            pages=len(g.pages), letters=len(g.letters), entries=len(g.entries),
            matched_entries=g.matched))
    if not services:
        out.insert(0, ctx.finding(
            META, Kind.FAIL, "No A–Z of services was found.", None, check="found",
            found=False, near_misses=[g.index.url for g in groups if g not in services],
            linked_as_az=sorted(st.linked_as_az)[: int(_opt(ctx, "sample"))]))
        return out
    services.sort(key=lambda g: (-len(g.entries), g.index.url))
    main = services[0]
    out[:0] = _report(main, [g.index.url for g in services[1:]], ctx)
    return out


def _report(g: Group, others: list[str], ctx: Context) -> Iterator[Finding]:
    sample = int(_opt(ctx, "sample"))
    index = g.index.url
    found_by = sorted({w for p in g.pages for w in p.found_by})
    yield ctx.finding(
        META, Kind.PASS if g.entries else Kind.WARNING,
        (f"A–Z of services found: {len(g.entries)} entries on {len(g.pages)} page(s)."
         if g.entries else "A–Z of services found, but none of its entries could be read."),
        index, check="found", found=True, index_url=index,
        style="one-page" if g.one_page else "letter-pages",
        pages=sorted(p.url for p in g.pages), letters=g.letters, entries=len(g.entries),
        found_by=found_by, subject_from=g.subject_from or None, other_atoz=others)
    if not g.entries:
        return
    yield _coverage(g, ctx, sample)
    hosts = Hosts.from_context(ctx.council, ctx.site_hosts, ctx.partner_hosts)
    page_of = _page_of(g)
    by_target: dict[tuple[str, str], list[Entry]] = {}
    for e in g.entries:
        by_target.setdefault((e.url, e.fragment), []).append(e)
    partner_entries: Counter[str] = Counter()
    other_entries: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    owners = {}
    for (url, fragment), entries in sorted(by_target.items()):
        first = entries[0]
        owner = owner_of(url, f"{first.text} {first.note}", hosts)
        owners[(url, fragment)] = owner
        if owner.relation == "partner" and owner.council:
            partner_entries[owner.council] += len(entries)
        elif owner.relation == "other-council" and owner.council:
            other_entries[owner.council] += len(entries)
        verdict = verdict_for(url, fragment, ctx.link_verdicts)
        checked[verdict.cls] += 1
        where = page_of.get(first, index)
        common = {
            "entries": [e.text for e in entries], "target_url": url, "fragment": fragment or None,
            "owner": owner.relation, "owner_council": owner.council, "owner_host": owner.host,
            "attributed_by": owner.by, **verdict.as_detail(),
        }
        if home_page(url) or verdict.cls == "shallow":
            why = "home page URL" if home_page(url) else "lands on the home page"
            yield ctx.finding(
                META, Kind.FAIL, f"A–Z entry '{first.text}' links to a home page, not a "
                f"service page ({why}).", where, check="home-page-entry", reason=why, **common)
        elif verdict.cls in ("broken", "unreachable", "soft-404"):
            yield ctx.finding(
                META, Kind.FAIL, f"A–Z entry '{first.text}' is broken ({_why(verdict)}).",
                where, check="broken-entry", **common)
        elif verdict.cls in ("caution", "fragment-missing"):
            yield ctx.finding(
                META, Kind.WARNING, f"A–Z entry '{first.text}' needs checking by hand "
                f"({_why(verdict)}).", where, check="broken-entry", **common)
    yield ctx.finding(
        META, Kind.INFO, f"{sum(partner_entries.values())} A–Z entries point to partner "
        f"councils.", index, check="partner-entries",
        partner_entries=sum(partner_entries.values()), by_partner=dict(sorted(
            partner_entries.items())), other_council_entries=dict(sorted(other_entries.items())),
        link_checks=dict(sorted(checked.items())), targets=len(by_target))
    joined = _joined_up(g, ctx, owners, sample)
    if joined is not None:
        yield joined
    yield _xml(g, ctx)


def _why(verdict: VerdictView) -> str:
    return ", ".join(str(x) for x in (verdict.verdict, verdict.status) if x)


def _coverage(g: Group, ctx: Context, sample: int) -> Finding:
    tax = lgcl()
    wanted = {t.id: t.name for t in tax.atoz_terms()}
    covered: set[int] = set()
    via: Counter[str] = Counter()
    unmatched: list[str] = []
    for e in g.entries:
        found = g.matches[e]
        if found is None:
            unmatched.append(e.text)
            continue
        via[found.via] += 1
        covered |= atoz_term_ids(found) & wanted.keys()
    share = len(covered) / len(wanted) if wanted else 0.0
    if not covered:
        kind, message = Kind.FAIL, "No A–Z entry matches an LGCL term flagged for the A–Z."
    elif share >= _opt(ctx, "min_lgcl_coverage"):
        kind, message = Kind.PASS, (f"The A–Z covers {len(covered)} of the {len(wanted)} LGCL "
                                    f"A–Z terms ({share:.0%}).")
    else:
        kind, message = Kind.WARNING, (f"The A–Z covers only {len(covered)} of the "
                                       f"{len(wanted)} LGCL A–Z terms ({share:.0%}).")
    missing = sorted((wanted[i] for i in wanted.keys() - covered), key=str.casefold)
    return ctx.finding(
        META, kind, message, g.index.url, check="lgcl-coverage", taxonomy=tax.key,
        lgcl_atoz_terms=len(wanted), covered=len(covered), coverage=round(share, 4),
        covered_ids=sorted(covered), missing_sample=missing[:sample],
        entries=len(g.entries), matched_entries=g.matched,
        match_ratio=round(g.match_ratio, 4), match_via=dict(sorted(via.items())),
        unmatched_sample=unmatched[:sample])


def _joined_up(g: Group, ctx: Context, owners: Mapping[tuple[str, str], Any],
               sample: int) -> Finding | None:
    other = partner_tier(ctx.tier)
    if other is None:
        return None
    expected = tier_services(other, ctx.tier)
    names = lgsl_services()
    included: set[int] = set()
    via_partner: set[int] = set()
    for e in g.entries:
        svcs = services_for(g.matches[e]) & set(expected)
        included |= svcs
        owner = owners.get((e.url, e.fragment))
        if owner is not None and owner.relation == "partner":
            via_partner |= svcs
    share = len(included) / len(expected) if expected else 1.0
    if share >= _opt(ctx, "min_joined_up"):
        kind = Kind.PASS
    elif included:
        kind = Kind.WARNING
    else:
        kind = Kind.FAIL
    missing = [i for i in expected if i not in included]
    return ctx.finding(
        META, kind, f"The A–Z includes {len(included)} of {len(expected)} services provided "
        f"by the {other} tier ({share:.0%}).", g.index.url, check="joined-up",
        own_tier=ctx.tier, partner_tier=other, services_expected=len(expected),
        included=len(included), included_ids=sorted(included), coverage=round(share, 4),
        included_via_partner_link=len(via_partner),
        missing_sample=[{"lgsl_id": i, "name": names[i].name} for i in missing[:sample]])


def _xml(g: Group, ctx: Context) -> Finding:
    links = list(dict.fromkeys(u for p in g.pages for u in p.xml_links))
    if not links:
        return ctx.finding(
            META, Kind.WARNING, "No XML export of the A–Z was found (advised, not mandatory "
            "in 2004/05).", g.index.url, check="xml-export", xml_url=None)
    verdict: VerdictView = verdict_for(links[0], "", ctx.link_verdicts)
    bad = verdict.cls in ("broken", "unreachable", "soft-404")
    return ctx.finding(
        META, Kind.FAIL if bad else Kind.PASS,
        f"The A–Z XML export is {'broken' if bad else 'linked'}: {links[0]}", g.index.url,
        check="xml-export", xml_url=links[0], xml_urls=links, **verdict.as_detail())

