"""Shared helpers for the R3 probes: match link text to LGCL/LGSL, and read links and verdicts.

Matching builds on :func:`poaudit.taxonomy.normalise_label` (case, ``&``, apostrophes and
punctuation folded) and adds what A-Z entries and link texts need on top:

* words are reduced to a crude singular (``libraries`` -> ``library``, ``services`` ->
  ``service``) and a few British/American spellings are folded (``center`` -> ``centre``);
* filler words (``the``, ``of``, ``your``, ...) are dropped, so ``Pay your council tax`` and
  ``Council tax, pay`` share their words;
* LGCL lead-in (non-preferred) terms resolve to their preferred term;
* LGSL names are matched alone when the name is specific (unique in the list) and together
  with their LGCL category (``Housing benefits: new claim`` is LGSL 69, "New claim" under
  "Housing benefits"), in either order;
* annotations are stripped first: ``(Suffolk County Council)``, ``(PDF, 1.2MB)``,
  ``(external link)``;
* last, a text that contains every word of a term of two or more words matches that term
  (``Pay your council tax online`` -> "Council tax"), the longest such term winning.

Every index is built once per process (``functools.cache``) as plain dicts, so a lookup is a
few dict probes and never a scan of the lists.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from poaudit.councils import Council, council_for_host, find_council, partners_of
from poaudit.taxonomy import Term, lgcl, lgsl, normalise_label, providing_tiers
from probes.base import host_of

__all__ = [
    "Hosts",
    "Match",
    "Owner",
    "VerdictView",
    "atoz_term_ids",
    "home_page",
    "lgsl_services",
    "match_text",
    "owner_of",
    "partner_tier",
    "services_for",
    "split_annotations",
    "tier_services",
    "tokens",
    "verdict_for",
]

# --------------------------------------------------------------------------------------------
# Words

STOPWORDS = frozenset((
    "a", "an", "the", "of", "and", "or", "for", "to", "in", "on", "at", "by", "with", "from",
    "about", "into", "your", "our", "my", "you", "we", "us", "its", "their", "this", "that",
    "these", "those", "is", "are", "be", "how", "what", "where", "when", "who", "can", "do",
))
"""Filler words dropped before matching."""

SPELLINGS: Mapping[str, str] = MappingProxyType({
    "center": "centre",
    "organization": "organisation",
    "license": "licence",
    "program": "programme",
    "color": "colour",
    "neighbor": "neighbour",
    "neighborhood": "neighbourhood",
    "carpark": "car park",
    "email": "e mail",
    "website": "web site",
    "pothole": "pot hole",
    "roadwork": "road work",
    "streetlight": "street light",
    "dustbin": "dust bin",
})
"""Word variants folded to one spelling (applied after singularising)."""

PHRASES: Mapping[str, str] = MappingProxyType({
    "school places": "School admissions",
    "bin collections": "Household waste",
    "rubbish and recycling": "Rubbish, waste and recycling",
    "library catalogue": "Libraries",
    "bus timetables": "Bus travel",
    "looked after children": "Children and family care",
})
"""Common council wordings that are not LGCL lead-in terms, read as lead-ins to the LGCL term
named (kept short: every entry is a judgement, not data)."""

GENERIC = frozenset((
    "council", "service", "information", "online", "general", "other", "advice", "help",
    "local", "contact", "page", "home", "detail", "form", "more", "find", "about", "new",
))
"""Words that never identify a service on their own (a term made only of these is not used
for the contained-words match)."""

ACTIONS = frozenset((
    "apply", "pay", "report", "book", "renew", "request", "search", "view", "check", "order",
    "make", "get", "see", "track", "tell", "download", "submit", "use", "visit", "read",
    "challenge", "claim",
))
"""Interaction words (LGIL's "apply", "pay", "report"...) ignored when a link text is read as
the general form of several LGSL services ("Apply for a school place")."""

MAX_GENERAL = 10
"""At most this many LGSL services for one general link text; more is not a service."""

_COUNCIL_NAME = re.compile(
    r"^(?:(?:run|provided|managed)\s+by\s+)?(?:the\s+)?(?:[A-Z][\w'&.-]*\s+){0,5}"
    r"(?:Council|Borough|County|District|Authority|Directgov)$|\bgov\.uk\b")
_FILE_NOTE = re.compile(
    r"\b(pdf|word|doc|rtf|excel|xls|kb|mb|opens?\s+in\s+(a\s+)?new\s+window|external(\s+"
    r"(link|site|website))?|new\s+window|off[- ]site)\b", re.I)
_TRAILING_PAREN = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")
_TRAILING_DASH_NOTE = re.compile(r"\s+[-–—|]\s+([^-–—|]*)$")


def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """The content words of ``text``: folded, singular, filler words dropped.

    >>> tokens("Libraries & Archives")
    ('library', 'archive')
    >>> tokens("Pay your Council Tax")
    ('pay', 'council', 'tax')
    """
    out: list[str] = []
    for raw in normalise_label(text).split():
        if raw in STOPWORDS:
            continue
        word = _singular(raw)
        out.extend(SPELLINGS.get(word, word).split())
    return tuple(out)


def _seq(words: Iterable[str]) -> str:
    return " ".join(words)


def _bag(words: Iterable[str]) -> str:
    return " ".join(sorted(set(words)))


def split_annotations(text: str) -> tuple[str, list[str]]:
    """``text`` without trailing notes that are not part of a service name, and the notes.

    Strips trailing ``(…)``/``[…]`` that name a council (a capitalised name ending in
    ``Council``, ``County``…) or a file/link type, and a trailing ``- Suffolk County Council``;
    keeps other brackets and dashes (LGSL names have some: ``Library facilities (incl.
    location, opening hours)``, ``Housing repairs - council property``).

    >>> split_annotations("Potholes (Suffolk County Council)")
    ('Potholes', ['Suffolk County Council'])
    >>> split_annotations("Library facilities (incl. location, opening hours)")[0]
    'Library facilities (incl. location, opening hours)'
    >>> split_annotations("Unauthorised occupation (council homes)")[0]
    'Unauthorised occupation (council homes)'
    """
    text = " ".join(text.split())
    notes: list[str] = []
    while True:
        m = _TRAILING_PAREN.search(text)
        if m and (_COUNCIL_NAME.search(m.group(1).strip()) or _FILE_NOTE.search(m.group(1))):
            notes.insert(0, m.group(1).strip())
            text = text[: m.start()].rstrip()
            continue
        m = _TRAILING_DASH_NOTE.search(text)
        if m and _COUNCIL_NAME.search(m.group(1).strip()):
            notes.insert(0, m.group(1).strip())
            text = text[: m.start()].rstrip()
            continue
        return text, notes


# --------------------------------------------------------------------------------------------
# The lookup indexes (built once)


@dataclass(frozen=True, slots=True)
class Match:
    """What a text matched: preferred LGCL term ids and LGSL service ids, and how.

    ``via`` is one of ``lgcl`` (a preferred term's name), ``lgcl-lead-in`` (a non-preferred
    term, resolved), ``lgsl`` (a service name, alone or with its category), ``contains`` (all
    words of a term of two or more words found in the text).
    """

    lgcl_ids: tuple[int, ...]
    lgsl_ids: tuple[int, ...]
    via: str
    term: str

    def as_detail(self) -> dict[str, Any]:
        return {"lgcl_ids": list(self.lgcl_ids), "lgsl_ids": list(self.lgsl_ids),
                "match_via": self.via, "matched_term": self.term}


@dataclass(frozen=True)
class _Entry:
    kind: str  # "lgcl" | "lgcl-lead-in" | "lgsl"
    ids: tuple[int, ...]
    name: str


@dataclass(frozen=True)
class _Index:
    seq: Mapping[str, _Entry]
    bag: Mapping[str, _Entry]
    postings: Mapping[str, tuple[tuple[frozenset[str], _Entry], ...]]
    lgsl_by_word: Mapping[str, frozenset[int]]


_RANK = {"lgcl": 0, "lgcl-lead-in": 1, "lgsl": 2}


def _put(table: dict[str, _Entry | None], key: str, entry: _Entry) -> None:
    """Add ``key``. A preferred LGCL name beats a lead-in, which beats an LGSL name; a key
    claimed by two different targets of the same rank is ambiguous and kept as ``None``
    (never matched)."""
    if not key:
        return
    if key not in table:
        table[key] = entry
        return
    old = table[key]
    if old is None or old == entry or _RANK[entry.kind] > _RANK[old.kind]:
        return
    table[key] = entry if _RANK[entry.kind] < _RANK[old.kind] else None


@functools.cache
def _index() -> _Index:
    tax = lgcl()
    seq: dict[str, _Entry | None] = {}
    bag: dict[str, _Entry | None] = {}
    postings: dict[str, list[tuple[frozenset[str], _Entry]]] = {}

    def post(words: tuple[str, ...], entry: _Entry) -> None:
        content = frozenset(words)
        if len(content) < 2 or content <= GENERIC:
            return
        rarest = min(content, key=lambda w: (w in GENERIC, w))
        postings.setdefault(rarest, []).append((content, entry))

    for term in sorted(tax, key=lambda t: (not t.preferred, t.id)):
        preferred = tax.preferred_for(term)
        entry = _Entry("lgcl" if term.preferred else "lgcl-lead-in", (preferred.id,), term.name)
        words = tokens(term.name)
        _put(seq, _seq(words), entry)
        _put(bag, _bag(words), entry)
        post(words, entry)
    for phrase, target in PHRASES.items():
        found = tax.lookup(target)
        if found is None:
            raise LookupError(f"PHRASES: {target!r} is not an LGCL term")
        entry = _Entry("lgcl-lead-in", (tax.preferred_for(found).id,), phrase)
        _put(seq, _seq(tokens(phrase)), entry)
        _put(bag, _bag(tokens(phrase)), entry)
        post(tokens(phrase), entry)
    services = lgsl()
    name_count: dict[str, int] = {}
    for svc in services.values():
        key = _bag(tokens(svc.name))
        name_count[key] = name_count.get(key, 0) + 1
    by_word: dict[str, set[int]] = {}
    for svc in sorted(services.values(), key=lambda s: s.lgsl_id):
        entry = _Entry("lgsl", (svc.lgsl_id,), svc.name)
        words = tokens(svc.name)
        for word in words:
            by_word.setdefault(word, set()).add(svc.lgsl_id)
        specific = name_count[_bag(words)] == 1 and not set(words) <= GENERIC
        if specific:
            _put(seq, _seq(words), entry)
            _put(bag, _bag(words), entry)
            post(words, entry)
        for cat_id in svc.lgcl_ids[:1]:
            if cat_id not in tax.by_id:
                continue
            cat = tokens(tax.preferred_for(cat_id).name)
            _put(seq, _seq(cat + words), entry)
            _put(seq, _seq(words + cat), entry)
            _put(bag, _bag(cat + words), entry)
            if not specific:
                post(cat + words, entry)
    return _Index(
        seq=MappingProxyType({k: v for k, v in seq.items() if v is not None}),
        bag=MappingProxyType({k: v for k, v in bag.items() if v is not None}),
        postings=MappingProxyType({k: tuple(v) for k, v in postings.items()}),
        lgsl_by_word=MappingProxyType({k: frozenset(v) for k, v in by_word.items()}),
    )


def _to_match(entry: _Entry) -> Match:
    tax = lgcl()
    if entry.kind == "lgsl":
        svc = lgsl_services()[entry.ids[0]]
        cats = tuple(dict.fromkeys(
            tax.preferred_for(i).id for i in svc.lgcl_ids if i in tax.by_id))
        return Match(cats, entry.ids, "lgsl", entry.name)
    return Match(entry.ids, (), entry.kind, entry.name)


@functools.cache
def lgsl_services() -> Mapping[int, Any]:
    """LGSL services by id (one shared read-only mapping)."""
    return MappingProxyType(lgsl())


def _lookup(text: str) -> Match | None:
    idx = _index()
    words = tokens(text)
    if not words:
        return None
    for table, key in ((idx.seq, _seq(words)), (idx.bag, _bag(words))):
        entry = table.get(key)
        if entry is not None:
            return _to_match(entry)
    return None


def _contained(text: str) -> Match | None:
    idx = _index()
    words = frozenset(tokens(text))
    if len(words) < 2:
        return None
    best: list[_Entry] = []
    best_len = 0
    for word in words:
        for content, entry in idx.postings.get(word, ()):
            if len(content) < best_len or not content <= words:
                continue
            if len(content) > best_len:
                best, best_len = [entry], len(content)
            elif entry not in best:
                best.append(entry)
    if not best or best_len * 2 < len(words):
        return None
    lgcl_entries = [e for e in best if e.kind != "lgsl"]
    chosen = lgcl_entries or best
    ids = {e.ids[0] for e in chosen}
    if len(ids) != 1:
        return None  # two different terms fit equally well: ambiguous
    found = _to_match(chosen[0])
    return Match(found.lgcl_ids, found.lgsl_ids, "contains", found.term)


_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_PARTS = re.compile(r"\s*(?::|\s[-–—]\s)\s*")


def _general(text: str) -> tuple[int, ...]:
    """LGSL services whose names contain every content word of ``text`` (at most
    ``MAX_GENERAL`` of them; two content words at least)."""
    words = set(tokens(text)) - ACTIONS - GENERIC
    if len(words) < 2:
        return ()
    by_word = _index().lgsl_by_word
    found: frozenset[int] | None = None
    for word in words:
        ids = by_word.get(word, frozenset())
        found = ids if found is None else found & ids
        if not found:
            return ()
    return tuple(sorted(found)) if found and len(found) <= MAX_GENERAL else ()


def _match(core: str) -> Match | None:
    found = _lookup(core)
    if found is not None:
        return found
    parts = [p for p in _PARTS.split(core) if p]
    if len(parts) > 1:
        for part in parts:
            found = _lookup(part)
            if found is not None and found.via != "lgsl":
                return found
    found = _contained(core)
    if found is not None:
        return found
    # Last, a list ("Births, deaths and marriages"): the first item that is a term.
    for part in _BRACKETS.sub(" ", core).split(","):
        found = _lookup(part)
        if found is not None and found.via != "lgsl" and part.strip() != core:
            return found
    return None


@functools.lru_cache(maxsize=65536)
def match_text(text: str) -> Match | None:
    """The LGCL/LGSL match for a link text or A-Z heading, or None.

    >>> match_text("Rubbish (Mid Suffolk District Council)").term
    'Rubbish'
    >>> match_text("Housing benefits: new claim").lgsl_ids
    (69,)
    >>> match_text("Apply for a school place").lgsl_ids
    (12, 13, 14)
    >>> match_text("Councillor Jane Smith") is None
    True
    """
    core, _notes = split_annotations(text)
    if not core:
        return None
    found = _match(core)
    if found is not None and found.lgsl_ids:
        return found
    general = _general(core)
    if not general:
        return found
    if found is not None:
        return Match(found.lgcl_ids, general, found.via, found.term)
    tax, services = lgcl(), lgsl_services()
    cats = tuple(dict.fromkeys(tax.preferred_for(i).id for s in general
                               for i in services[s].lgcl_ids[:1] if i in tax.by_id))
    return Match(cats, general, "general", core)


# --------------------------------------------------------------------------------------------
# Services and terms


def _atoz_ancestor(term_id: int) -> int | None:
    """The nearest term at or above ``term_id`` that LGCL flags for the A-Z (breadth first)."""
    tax = lgcl()
    seen: set[int] = set()
    queue = [term_id]
    while queue:
        current = queue.pop(0)
        if current in seen or current not in tax.by_id:
            continue
        seen.add(current)
        term = tax.preferred_for(current)
        if term.in_atoz:
            return term.id
        queue.extend(term.broader_ids)
    return None


@functools.cache
def _service_terms() -> Mapping[int, frozenset[int]]:
    """LGSL id -> the LGCL terms an A-Z entry for it may be filed under: its own preferred
    terms and, for each, the nearest A-Z-flagged term above it."""
    tax = lgcl()
    out: dict[int, frozenset[int]] = {}
    for sid, svc in lgsl().items():
        terms: set[int] = set()
        for tid in svc.lgcl_ids:
            if tid not in tax.by_id:
                continue
            pref = tax.preferred_for(tid).id
            terms.add(pref)
            anc = _atoz_ancestor(pref)
            if anc is not None:
                terms.add(anc)
        out[sid] = frozenset(terms)
    return MappingProxyType(out)


@functools.cache
def _services_by_term() -> Mapping[int, frozenset[int]]:
    inverse: dict[int, set[int]] = {}
    for sid, terms in _service_terms().items():
        for tid in terms:
            inverse.setdefault(tid, set()).add(sid)
    return MappingProxyType({k: frozenset(v) for k, v in inverse.items()})


def services_for(found: Match | None) -> frozenset[int]:
    """The LGSL services a match stands for: the one named, or every service filed under its
    LGCL terms (directly or through their A-Z heading) and any its words generalise."""
    if found is None:
        return frozenset()
    if found.via == "lgsl":
        return frozenset(found.lgsl_ids)
    by_term = _services_by_term()
    out: set[int] = set(found.lgsl_ids)
    for tid in found.lgcl_ids:
        out |= by_term.get(tid, frozenset())
    return frozenset(out)


def atoz_term_ids(found: Match | None) -> frozenset[int]:
    """The A-Z-flagged LGCL terms a match covers: its own terms when flagged, else their
    nearest flagged broader term."""
    if found is None:
        return frozenset()
    tax = lgcl()
    out: set[int] = set()
    for tid in found.lgcl_ids:
        term: Term = tax.by_id[tid]
        if term.in_atoz:
            out.add(tid)
        else:
            anc = _atoz_ancestor(tid)
            if anc is not None:
                out.add(anc)
    return frozenset(out)


def partner_tier(tier: str) -> str | None:
    """The other tier in a two-tier area (``district`` <-> ``county``); None for unitaries."""
    return {"district": "county", "county": "district"}.get(tier)


def tier_services(provider: str, not_provider: str) -> list[int]:
    """LGSL services the data says ``provider``'s tier provides and ``not_provider``'s not."""
    return sorted(sid for sid in lgsl_services()
                  if provider in (t := providing_tiers(sid)) and not_provider not in t)


# --------------------------------------------------------------------------------------------
# Links: owners, home pages, verdicts


@dataclass(frozen=True, slots=True)
class Owner:
    """Who a link points at: ``own`` site, a ``partner`` council, an ``other-council`` or
    ``external``; ``by`` says how it was decided (``host`` or ``link-text``)."""

    relation: str
    council: str | None
    host: str
    by: str = "host"


def _fold(host_or_url: str) -> str:
    """A host as the R3 probes compare hosts: lower case, ``www.`` and a default port dropped,
    any other port kept (a test area serves each council on its own loopback port)."""
    text = host_or_url.strip()
    if "://" in text:  # only the authority matters, and menus repeat it on every page
        authority = text.split("://", 1)[1]
        for stop in "/?#":
            authority = authority.split(stop, 1)[0]
        return _fold_authority(authority)
    return _fold_authority(text.split("/", 1)[0], url=False)


@functools.lru_cache(maxsize=4096)
def _fold_authority(authority: str, url: bool = True) -> str:
    text = authority.lower()
    host = host_of(f"http://{text}") if url else text
    host = host.rstrip(".")
    for default in (":80", ":443"):
        host = host.removesuffix(default)
    return host.removeprefix("www.")


@dataclass
class Hosts:
    """The site's own hosts, its partners' hosts and names, folded once per run."""

    own: frozenset[str]
    partners: Mapping[str, str]  # folded host -> council name
    partner_names: Mapping[str, str]  # normalised name -> council name
    own_council: str
    cache: dict[str, Owner]

    @classmethod
    def from_context(cls, council: str, site_hosts: Iterable[str],
                     partner_hosts: Mapping[str, str]) -> Hosts:
        partners = {_fold(h): name for h, name in partner_hosts.items()}
        if not partners and council:
            for other in _partners_of_name(council):
                if other.homepage_url:
                    partners[_fold(other.homepage_url)] = other.name
        names: dict[str, str] = {}
        for name in partners.values():
            names[normalise_label(name)] = name
        return cls(frozenset(_fold(h) for h in site_hosts), partners, names, council, {})


@functools.lru_cache(maxsize=64)
def _partners_of_name(council: str) -> tuple[Council, ...]:
    try:
        return tuple(partners_of(find_council(council)))
    except LookupError:
        return ()


def owner_of(url: str, text: str, hosts: Hosts) -> Owner:
    """Who ``url`` belongs to. A link to an unknown host whose text names a partner council
    (``Libraries (Suffolk County Council)`` on an old domain) is attributed to that partner."""
    host = _fold(url)
    owner = hosts.cache.get(host)
    if owner is None:
        if host in hosts.own:
            owner = Owner("own", hosts.own_council or None, host)
        elif host in hosts.partners:
            owner = Owner("partner", hosts.partners[host], host)
        else:
            council = council_for_host(host.rsplit(":", 1)[0]) if host else None
            if council is not None and normalise_label(council.name) != normalise_label(
                    hosts.own_council):
                rel = "partner" if normalise_label(council.name) in hosts.partner_names \
                    else "other-council"
                owner = Owner(rel, council.name, host)
            elif council is not None:
                owner = Owner("own", council.name, host)
            else:
                owner = Owner("external", None, host)
        hosts.cache[host] = owner
    if owner.relation == "external" and text and hosts.partner_names:
        folded = normalise_label(text)
        for key, name in hosts.partner_names.items():
            if key and key in folded:
                return Owner("partner", name, host, by="link-text")
    return owner


_HOME_PATH = re.compile(r"^/?((index|default|home|welcome|main)\.(s?html?|aspx?|php\d?|cfm|jsp))?$",
                        re.I)


def home_page(url: str) -> bool:
    """Whether ``url`` is a site's home page (``/``, ``/index.html``, ``/default.aspx``…)."""
    parts = urlsplit(url)
    if parts.query and not all(k.lower() in ("lang", "language") for k, _ in
                               parse_qsl(parts.query, keep_blank_values=True)):
        return False
    return bool(_HOME_PATH.match(unquote(parts.path)))


VERDICT_CLASSES: Mapping[str, str] = MappingProxyType({
    "ok": "ok", "redirected": "ok", "ok-with-cookies": "ok", "redirect": "ok",
    "broken": "broken", "not-found": "broken", "gone": "broken", "error": "broken",
    "server-error": "broken", "client-error": "broken", "redirect-loop": "broken",
    "too-many-redirects": "broken",
    "unreachable": "unreachable", "timeout": "unreachable", "connection-error": "unreachable",
    "refused": "unreachable", "dns-error": "unreachable",
    "soft-404": "soft-404", "soft404": "soft-404",
    "shallow": "shallow", "redirects-to-home": "shallow", "redirect-to-home": "shallow",
    "blocked": "caution", "rate-limited": "caution", "caution": "caution",
    "tls-error": "caution", "bot-challenge": "caution",
    "missing-fragment": "fragment-missing", "fragment-missing": "fragment-missing",
    "refused-private-address": "not-checked", "skipped": "not-checked",
})
"""Link-checker verdicts folded to the classes the R3 probes judge by (unknown verdicts are
kept as ``unknown``)."""


@dataclass(frozen=True, slots=True)
class VerdictView:
    """The link checker's verdict for one link, folded (``cls``) and raw."""

    verdict: str | None
    cls: str  # ok | broken | unreachable | soft-404 | shallow | caution | fragment-missing |
    # not-checked | unknown
    status: int | None
    final_url: str | None
    raw: Mapping[str, Any]

    def as_detail(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "verdict_class": self.cls, "status": self.status,
                "final_url": self.final_url}


def verdict_for(url: str, fragment: str, verdicts: Mapping[str, Mapping[str, Any]]
                ) -> VerdictView:
    """The verdict for ``url`` (with its ``#fragment`` first, then without)."""
    raw: Mapping[str, Any] | None = None
    if fragment:
        raw = verdicts.get(f"{url}#{fragment}")
    if raw is None:
        raw = verdicts.get(url)
    if raw is None:
        return VerdictView(None, "not-checked", None, None, {})
    verdict = str(raw.get("verdict") or "") or None
    cls = VERDICT_CLASSES.get((verdict or "").lower(), "unknown")
    status = raw.get("status")
    final = raw.get("final_url")
    if cls == "ok" and final and home_page(str(final)) and not home_page(url):
        cls = "shallow"  # the checker said ok, but it landed on the home page
    return VerdictView(verdict, cls, int(status) if isinstance(status, int) else None,
                       str(final) if final else None, raw)
