"""egms-metadata (G21): e-GMS / Dublin Core metadata in every page head.

What it looks for. On every HTML page (status 200) the ``<meta>`` tags named ``DC.*``,
``DCTERMS.*`` and ``eGMS.*``, read the way council CMSs actually wrote them
(../shared/reference/standards.md §1.5–1.6): names case-insensitive (``dc.``, ``DC.Date.Created``,
``EGMS.``), the encoding scheme in ``scheme=`` or ``class=`` (HTML5, East Sussex), the value in
``content=`` (a value in ``value=``/``type=`` is reported as ``wrong-attribute``),
``;``-separated multi-values and repeated metas, ``schema.DC``/``schema.DCTERMS`` links. Per page,
for the "e-GMS for websites" mandatory set — Creator, Date (any ``DC.date.*``/``DCTERMS``
created/issued/modified/…), Subject (e-GMS 3.0 ``eGMS.subject.category`` or 3.1 ``DC.subject``),
Title, and the "mandatory if applicable" Accessibility, Identifier, Publisher — a status:
``present``, ``absent``, ``empty`` (``content=""``), ``placeholder`` (an unrendered template
value such as ``PARAM_TITLE``: a template fault), ``wrong-attribute``, or ``malformed`` (a date
not in W3CDTF). When an element appears more than once the worst instance decides. Subject
terms are checked against the declared scheme (LGCL 1.04, IPSV 2.00, GCL 2.10, LGSL numbers,
LGIL): preferred, ``lead-in`` (valid but not preferred; the preferred term is named) or unknown
(listed); a subject with no scheme is looked up in LGCL, IPSV and GCL. ``DC.language`` codes are
checked against their scheme (ISO 639-2 wants ``eng``: ``en`` is ISO 639-1; RFC 3066 tags).
The page's ``eGMS.accessibility`` value is recorded as a *claim* (``Double-A``, WCAG 1.0), never
as a verdict. At the end of the crawl, a site summary gives, per element, the percentage of pages
in each status, overall compliance, subject schemes, unknown terms, template-wide faults, and a
G20 finding with the accessibility claims.

Why G21 asks for it. "Compliance with Government Interoperability Framework (e-GIF), including
the Government Metadata Standard (e-GMS)". The checklist:

    all systems interfacing to external customers accessible through a browser
    using XML as the primary means for data integration
    using Internet and World Wide Web standards
    using metadata for content management

This probe evidences the last line ("using metadata for content management") on the public
website; e-GMS for websites names the seven elements above as the web mandatory set.

Example that passes::

    <meta name="DC.title" content="Council tax bands" />
    <meta name="DC.creator" content="Mid Suffolk District Council" />
    <meta name="DC.date.created" scheme="DCTERMS.W3CDTF" content="2005-04-01" />
    <meta name="DC.subject" scheme="eGMS.IPSV" content="Council tax" />
    <meta name="DC.identifier" scheme="DCTERMS.URI" content="http://www.midsuffolk.gov.uk/ct" />
    <meta name="DC.publisher" content="Mid Suffolk District Council" />
    <meta name="eGMS.accessibility" scheme="WCAG" content="Double-A" />

Example that fails (Rushcliffe, 2011: mandatory values empty)::

    <meta name="DC.date.created" scheme="W3CDTF" content="">
    <meta name="eGMS.subject.category" scheme="IPSV" content="">

Known limits. IPSV is checked against 2.00 (2006); terms added in later versions are reported
unknown. LGIL names are matched against the 2004 list by name or id only. Language codes are
checked against ISO 639-1/639-2 (ISO 639-3 codes outside 639-2 cannot be confirmed). The
accessibility claim is not verified (see accessibility-axe). RDFa ``property="dc:…"`` metadata is
not read (none was found in council pages of the time). Whether an ``if applicable`` element
applies to a page is not judged: web pages are treated as core pages, as e-GMS for websites does.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from poaudit.findings import Finding, Kind
from poaudit.taxonomy import Taxonomy, gcl, ipsv, lgcl, lgsl, normalise_label
from probes.base import Context, Page, ProbeMeta

__all__ = ["META", "Assessment", "MetaTag", "assess", "evaluate", "finalize", "read_metadata"]

META = ProbeMeta(
    id="egms-metadata",
    code="PO221",
    outcomes=("G21", "G20"),
    scope=("page", "site"),
    stage="html",
    tags=("metadata", "e-gms", "dublin-core", "lgcl", "ipsv"),
    status="preview",
    title="e-GMS metadata: mandatory elements, subject terms, dates and language",
)
PAGE_OUTCOMES = ("G21",)
CLAIM_OUTCOMES = ("G20",)

CORE = ("creator", "date", "subject", "title")
IF_APPLICABLE = ("accessibility", "identifier", "publisher")
WEB_MANDATORY = ("accessibility", "creator", "date", "identifier", "publisher", "subject", "title")
# Worst first: when an element appears more than once, the worst instance decides its status.
STATUS_ORDER = ("empty", "placeholder", "wrong-attribute", "malformed", "present")
SEVERITY_ORDER = ("fail", "warning", "note")
SNIPPET = 200
TEMPLATE_SHARE = 0.8  # a problem on at least this share of pages is reported as template-wide
MAX_SAMPLES = 5
MAX_TERMS = 200

_PREFIXES = ("dc", "dcterms", "egms")
_DCTERMS_REFINES: dict[str, str] = {
    **{r: "date" for r in ("created", "issued", "modified", "available", "valid",
                           "dateaccepted", "datecopyrighted", "datesubmitted")},
    **{r: "coverage" for r in ("spatial", "temporal")},
    **{r: "relation" for r in ("ispartof", "haspart", "isversionof", "hasversion", "isformatof",
                               "hasformat", "references", "isreferencedby", "requires",
                               "isrequiredby", "replaces", "isreplacedby", "conformsto")},
    **{r: "description" for r in ("abstract", "tableofcontents")},
    **{r: "format" for r in ("extent", "medium")},
    **{r: "rights" for r in ("accessrights", "license", "rightsholder")},
    **{r: "audience" for r in ("educationlevel", "mediator")},
    "alternative": "title",
    "bibliographiccitation": "identifier",
}
_DATE_REFINEMENTS = frozenset({"", "created", "issued", "modified", "available", "valid",
                               "accepted", "dateaccepted", "copyrighted", "datecopyrighted",
                               "submitted", "datesubmitted"})
_VOCABULARY = frozenset({
    # e-GMS 3.1 elements and the refinements seen in council heads (standards.md §1.2, §1.6)
    "accessibility", "addressee", "aggregation", "audience", "contributor", "coverage",
    "creator", "date", "description", "digitalsignature", "disposal", "format", "identifier",
    "language", "location", "mandate", "preservation", "publisher", "relation", "rights",
    "source", "status", "subject", "title", "type", "copyright", "category", "keyword",
    "keywords", "service", "interaction", "process", "programme", "project", "spatial",
    "temporal", "postcode", "created", "issued", "modified", "available", "valid", "accepted",
    "copyrighted", "submitted", "acquired", "closed", "declared", "review", "action", "comment",
    "authority", "expiry", "alternative", "abstract", "medium", "extent", "systemid",
    "disposalreview", "nextversiondue", "autoremovedate", "updatingfrequency", "scheduleid",
    *_DCTERMS_REFINES,
})
_KNOWN_ATTRS = frozenset({"name", "content", "scheme", "class", "lang", "xml:lang", "href",
                          "http-equiv", "id", "value", "type", "charset", "property", "dir",
                          "itemprop", "title", "rel"})

_PLACEHOLDER = re.compile(
    r"PARAM_[A-Z0-9_]+|\{[./@$][^}]*\}|\[%.*?%\]|<%.*?%>|\{\{.*?\}\}|\$\{\w+\}|%%\w+%%")
_W3CDTF = re.compile(
    r"(\d{4})(?:-(\d\d)(?:-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?"
    r"(Z|[+-](\d\d):(\d\d)))?)?)?")
_DATE_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"), "day-month-year order"),
    (re.compile(r"\d{1,2}[-\s][A-Za-z]{3,9}[-\s]\d{4}"), "month name"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d.*"), "space instead of T"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?"), "time without time zone"),
)
_SCHEME_PREFIX = re.compile(r"^(?:egms|dcterms|dc)\.", re.IGNORECASE)
_SCHEME_VERSION = re.compile(r"-?v?\d+(?:\.\d+)*$", re.IGNORECASE)
_LANG_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*", re.IGNORECASE)
_LGIL = ("Applications for service", "Booking venues, resources and courses",
         "Collecting revenue", "Consultation", "Paying for goods and services", "Procurement",
         "Providing access to community, professional or business networks",
         "Providing benefits and grants", "Providing information", "Regulation", "Appealing",
         "Changes in circumstances", "Checking status", "Complaints", "Renewing", "Repairing",
         "Replacing", "Reporting", "Entitlement checking", "Registration and Licensing")



def _words(text: str) -> list[str]:
    return text.split()


_ISO639_2T = frozenset(_words("""
aar abk ace ach ada ady afa afh afr ain aka akk ale alg alt amh ang anp apa ara arc arg arn arp
art arw asm ast ath aus ava ave awa aym aze bad bai bak bal bam ban bas bat bej bel bem ben ber
bho bih bik bin bis bla bnt bod bos bra bre btk bua bug bul byn cad cai car cat cau ceb cel ces
cha chb che chg chk chm chn cho chp chr chu chv chy cmc cnr cop cor cos cpe cpf cpp cre crh crp
csb cus cym dak dan dar day del den deu dgr din div doi dra dsb dua dum dyu dzo efi egy eka ell
elx eng enm epo est eus ewe ewo fan fao fas fat fij fil fin fiu fon fra frm fro frr frs fry ful
fur gaa gay gba gem gez gil gla gle glg glv gmh goh gon gor got grb grc grn gsw guj gwi hai hat
hau haw heb her hil him hin hit hmn hmo hrv hsb hun hup hye iba ibo ido iii ijo iku ile ilo ina
inc ind ine inh ipk ira iro isl ita jav jbo jpn jpr jrb kaa kab kac kal kam kan kar kas kat kau
kaw kaz kbd kha khi khm kho kik kin kir kmb kok kom kon kor kos kpe krc krl kro kru kua kum kur
kut lad lah lam lao lat lav lez lim lin lit lol loz ltz lua lub lug lui lun luo lus mad mag mah
mai mak mal man map mar mas mdf mdr men mga mic min mis mkd mkh mlg mlt mnc mni mno moh mon mos
mri msa mul mun mus mwl mwr mya myn myv nah nai nap nau nav nbl nde ndo nds nep new nia nic niu
nld nno nob nog non nor nqo nso nub nwc nya nym nyn nyo nzi oci oji ori orm osa oss ota oto paa
pag pal pam pan pap pau peo phi phn pli pol pon por pra pro pus que raj rap rar roa roh
rom ron run rup rus sad sag sah sai sal sam san sas sat scn sco sel sem sga sgn shn sid sin sio
sit sla slk slv sma sme smi smj smn smo sms sna snd snk sog som son sot spa sqi srd srn srp srr
ssa ssw suk sun sus sux swa swe syc syr tah tai tam tat tel tem ter tet tgk tgl tha tig tir tiv
tkl tlh tli tmh tog ton tpi tsi tsn tso tuk tum tup tur tut tvl twi tyv udm uga uig ukr umb und
urd uzb vai ven vie vol vot wak wal war was wen wln wol xal xho yao yap yid yor ypk zap zbl zen
zgh zha zho znd zul zun zxx zza
"""))
_ISO639_2B_ONLY = frozenset(_words("""
alb arm baq bur chi cze dut fre geo ger gre ice mac mao may per rum slo tib wel
"""))
_ISO639_1_TO_2 = dict(pair.split(":", 1) for pair in _words("""
aa:aar ab:abk ae:ave af:afr ak:aka am:amh an:arg ar:ara as:asm av:ava ay:aym az:aze ba:bak
be:bel bg:bul bh:bih bi:bis bm:bam bn:ben bo:bod br:bre bs:bos ca:cat ce:che ch:cha co:cos
cr:cre cs:ces cu:chu cv:chv cy:cym da:dan de:deu dv:div dz:dzo ee:ewe el:ell en:eng eo:epo
es:spa et:est eu:eus fa:fas ff:ful fi:fin fj:fij fo:fao fr:fra fy:fry ga:gle gd:gla gl:glg
gn:grn gu:guj gv:glv ha:hau he:heb hi:hin ho:hmo hr:hrv ht:hat hu:hun hy:hye hz:her ia:ina
id:ind ie:ile ig:ibo ii:iii ik:ipk io:ido is:isl it:ita iu:iku ja:jpn jv:jav ka:kat kg:kon
ki:kik kj:kua kk:kaz kl:kal km:khm kn:kan ko:kor kr:kau ks:kas ku:kur kv:kom kw:cor ky:kir
la:lat lb:ltz lg:lug li:lim ln:lin lo:lao lt:lit lu:lub lv:lav mg:mlg mh:mah mi:mri mk:mkd
ml:mal mn:mon mr:mar ms:msa mt:mlt my:mya na:nau nb:nob nd:nde ne:nep ng:ndo nl:nld nn:nno
no:nor nr:nbl nv:nav ny:nya oc:oci oj:oji om:orm or:ori os:oss pa:pan pi:pli pl:pol ps:pus
pt:por qu:que rm:roh rn:run ro:ron ru:rus rw:kin sa:san sc:srd sd:snd se:sme sg:sag si:sin
sk:slk sl:slv sm:smo sn:sna so:som sq:sqi sr:srp ss:ssw st:sot su:sun sv:swe sw:swa ta:tam
te:tel tg:tgk th:tha ti:tir tk:tuk tl:tgl tn:tsn to:ton tr:tur ts:tso tt:tat tw:twi ty:tah
ug:uig uk:ukr ur:urd uz:uzb ve:ven vi:vie vo:vol wa:wln wo:wol xh:xho yi:yid yo:yor za:zha
zh:zho zu:zul
"""))



# ------------------------------------------------------------------ reading the head
class MetaTag(NamedTuple):
    """One ``<meta>`` of the DC/DCTERMS/eGMS families, as written and as understood (a named
    tuple: a page has a dozen, and a frozen dataclass cost four times as much to build)."""

    name: str  # as written, e.g. "DC.Date.Created"
    prefix: str  # dc | dcterms | egms
    element: str  # e-GMS element: title, creator, date, subject, coverage, ...
    refinement: str  # lower-case refinement ("created", "category", ...), "" when none
    scheme: str | None  # scheme= (or class=), as written
    value: str | None  # content=, None when the tag has no content attribute
    value_attr: str  # "content", or where the value sits instead ("value", "type"), or ""
    odd_attrs: tuple[str, ...]  # attributes that are neither known nor expected
    text: str = ""  # the value stripped ("" when absent)


@functools.lru_cache(maxsize=4096)
def _classify_name(name: str) -> tuple[str, str, str] | None:
    parts = [p for p in name.strip().lower().split(".") if p]
    if len(parts) < 2 or parts[0] not in _PREFIXES:
        return None
    prefix, first, rest = parts[0], parts[1], ".".join(parts[2:])
    if prefix == "dcterms" and first in _DCTERMS_REFINES:
        return prefix, _DCTERMS_REFINES[first], first + (f".{rest}" if rest else "")
    return prefix, first, rest


def read_metadata(page: Page) -> tuple[list[MetaTag], dict[str, str], list[str]]:
    """The page's e-GMS metas, its ``schema.*`` links, and unprefixed DC-like names."""
    metas: list[MetaTag] = []
    plain: list[str] = []
    head = page.tree.find("head")
    root = head if head is not None and len(head) else page.tree
    for el in root.iter("meta"):
        raw_name = el.get("name")
        if raw_name is None:
            continue
        parsed = _classify_name(raw_name)
        if parsed is None:
            low = raw_name.strip().lower()
            if low in ("creator", "publisher", "subject", "date", "identifier", "title"):
                plain.append(raw_name.strip())
            continue
        prefix, element, refinement = parsed
        attrs = {k.lower(): v for k, v in el.attrib.items()}
        scheme = attrs.get("scheme")
        if scheme is None:
            scheme = attrs.get("class")
        scheme = scheme.strip() if scheme is not None and scheme.strip() else None
        value = attrs.get("content")
        value_attr = "content" if value is not None else ""
        if value is None:
            for alt in ("value", "type"):
                if attrs.get(alt):
                    value, value_attr = attrs[alt], alt
                    break
        odd = tuple(sorted(k for k in attrs if k not in _KNOWN_ATTRS))
        metas.append(MetaTag(raw_name.strip(), prefix, element, refinement, scheme, value,
                             value_attr, odd, (value or "").strip()))
    links: dict[str, str] = {}
    for el in root.iter("link"):
        rel = (el.get("rel") or "").strip().lower()
        if rel.startswith("schema."):
            links.setdefault(rel[7:], (el.get("href") or "").strip())
    return metas, links, plain


# ------------------------------------------------------------------ value checks
def w3cdtf(value: str) -> bool:
    """Whether ``value`` is a W3CDTF date/datetime (a real calendar date, a zone with times)."""
    m = _W3CDTF.fullmatch(value.strip())
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        date(year, month, day)
    except ValueError:
        return False
    if m.group(4) is not None:
        if int(m.group(4)) > 23 or int(m.group(5)) > 59 or int(m.group(6) or 0) > 59:
            return False
        if m.group(8) is not None and (int(m.group(8)) > 23 or int(m.group(9)) > 59):
            return False
    return True


def _date_ok(value: str, scheme: str | None) -> bool:
    if w3cdtf(value):
        return True
    key = scheme_key(scheme)
    if key in ("ISO8601", "DCMIPERIOD", "PERIOD") and "/" in value:
        return all(w3cdtf(part) for part in value.split("/", 1))
    return False


def _date_hint(value: str) -> str:
    for rx, hint in _DATE_HINTS:
        if rx.fullmatch(value.strip()):
            return hint
    return "not ccyy-mm-dd"


@functools.lru_cache(maxsize=4096)
def scheme_key(scheme: str | None) -> str:
    """A scheme name folded for comparison: ``eGMS.IPSV`` -> ``IPSV``, ``ISO 639-2/T`` ->
    ``ISO639-2/T``, ``DCTERMS.W3CDTF`` -> ``W3CDTF``, ``LGCL 1.04`` -> ``LGCL``."""
    if not scheme:
        return ""
    key = _SCHEME_PREFIX.sub("", scheme.strip()).replace(" ", "").replace("_", "").upper()
    if key.startswith(("LGCL", "IPSV", "GCL", "LGSL", "LGIL", "LGAL", "LGNL")):
        key = _SCHEME_VERSION.sub("", key)
    return key


def _placeholder(value: str) -> str | None:
    m = _PLACEHOLDER.search(value)
    return m.group(0) if m else None


def _instance_status(tag: MetaTag) -> str:
    if tag.value_attr not in ("content",):
        return "wrong-attribute" if tag.value_attr else "empty"
    text = tag.text
    if not text:
        return "empty"
    if _placeholder(text):
        return "placeholder"
    if tag.element == "date" and not _date_ok(text, tag.scheme):
        return "malformed"
    return "present"


def _mandatory_element(tag: MetaTag) -> str | None:
    el, ref = tag.element, tag.refinement
    if el in ("title", "creator", "publisher") and ref == "":
        return el
    if el == "identifier":
        return "identifier"
    if el == "date" and ref in _DATE_REFINEMENTS:
        return "date"
    if el == "accessibility" and tag.prefix == "egms":
        return "accessibility"
    if el == "subject":
        if tag.prefix == "egms":
            return "subject" if ref == "category" else None
        if ref == "" and scheme_key(tag.scheme) not in ("LGSL", "LGIL"):
            return "subject"
    return None


@functools.cache
def _lgsl_index() -> tuple[frozenset[int], Mapping[str, int]]:
    services = lgsl()
    return frozenset(services), {normalise_label(s.name): i for i, s in services.items()}


@functools.cache
def _lgil_index() -> Mapping[str, int]:
    return {normalise_label(name): i for i, name in enumerate(_LGIL)}


_LISTS: dict[str, Callable[[], Taxonomy]] = {"LGCL": lgcl, "IPSV": ipsv, "GCL": gcl}


def _differs(name: str, term: str) -> str | None:
    """``name`` when it is spelt differently from ``term`` (beyond case and punctuation)."""
    return None if normalise_label(name) == normalise_label(term) else name


@functools.lru_cache(maxsize=16384)
def check_term(scheme: str, term: str) -> tuple[str, str | None, tuple[str, ...]]:
    """(status, preferred term, lists the term is found in) for a subject term.

    ``scheme`` is a :func:`scheme_key`. Status: ``preferred``, ``lead-in`` (valid but not
    preferred), ``unknown`` (not in the declared list) or ``not-checked`` (no list for it).
    """
    found = tuple(key for key, load in _LISTS.items() if load().lookup(term) is not None)
    if scheme in _LISTS:
        tax = _LISTS[scheme]()
        hit = tax.lookup(term)
        if hit is None:
            return "unknown", None, found
        if hit.preferred:
            return "preferred", _differs(hit.name, term), found
        return "lead-in", tax.preferred_for(hit).name, found
    if scheme == "LGSL":
        ids, names = _lgsl_index()
        digits = term.strip()
        if digits.isdigit():
            return ("preferred" if int(digits) in ids else "unknown"), None, found
        return ("preferred" if normalise_label(term) in names else "unknown"), None, found
    if scheme == "LGIL":
        digits = term.strip()
        if digits.isdigit():
            return ("preferred" if int(digits) < len(_LGIL) else "unknown"), None, found
        return ("preferred" if normalise_label(term) in _lgil_index() else "unknown"), None, found
    if scheme == "":
        for load in _LISTS.values():
            hit = load().lookup(term)
            if hit is not None and hit.preferred:
                return "preferred", _differs(hit.name, term), found
        if found:
            tax = _LISTS[found[0]]()
            hit = tax.lookup(term)
            assert hit is not None
            return "lead-in", tax.preferred_for(hit).name, found
        return "unknown", None, found
    return "not-checked", None, found


def _claim(tag: MetaTag) -> dict[str, Any]:
    return dict(_claim_check(tag.text, tag.scheme))


@functools.lru_cache(maxsize=1024)
def _claim_check(value: str, scheme: str | None) -> dict[str, Any]:
    key = scheme_key(scheme)
    folded = value.lower().replace(" ", "-").replace("_", "-")
    level = {"a": "A", "single-a": "A", "level-a": "A", "wcag-a": "A",
             "aa": "AA", "double-a": "AA", "level-aa": "AA", "wcag-aa": "AA",
             "aaa": "AAA", "triple-a": "AAA", "level-aaa": "AAA", "wcag-aaa": "AAA"}.get(folded)
    if "ICRA" in key or "PICS" in key or value.startswith("(pics"):
        kind, wcag = "content-rating", None
    else:
        kind = "wcag"
        wcag = "2.0" if "WCAG2" in key else ("1.0" if "WCAG" in key or level else None)
    return {"value": clip(value), "scheme": scheme, "kind": kind, "level": level,
            "wcag": wcag, "verified": False}


def clip(text: str, limit: int = SNIPPET) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _language(tag: MetaTag) -> dict[str, Any]:
    return dict(_language_check(tag.text, tag.scheme))


@functools.lru_cache(maxsize=1024)
def _language_check(value: str, scheme: str | None) -> dict[str, Any]:
    key = scheme_key(scheme)
    code = value.lower()
    out: dict[str, Any] = {"value": value, "scheme": scheme, "valid": True, "problem": None}

    def bad(problem: str, expected: str | None = None) -> dict[str, Any]:
        out.update(valid=False, problem=problem)
        if expected:
            out["expected"] = expected
        return out

    if not value:
        return bad("empty")
    if _placeholder(value):
        return bad("placeholder")
    if key.startswith("ISO639-2") or key in ("ISO639", "ISO639-3", "ISO639-3/T"):
        if key not in ("ISO639-2", "ISO639-2/T", "ISO639-2/B", "ISO639-3"):
            out["scheme_problem"] = "unknown-scheme"
        if len(code) == 2 and code in _ISO639_1_TO_2:
            return bad("two-letter-code", _ISO639_1_TO_2[code])
        if len(code) != 3 or code not in _ISO639_2T | _ISO639_2B_ONLY:
            return bad("unknown-code")
        if key == "ISO639-2/T" and code in _ISO639_2B_ONLY:
            out["note"] = "bibliographic (/B) code with an ISO 639-2/T scheme"
        return out if "scheme_problem" not in out else bad("unknown-scheme")
    if key == "ISO639-1":
        if len(code) == 3 and code in _ISO639_2T:
            two = next((a for a, t in _ISO639_1_TO_2.items() if t == code), None)
            return bad("three-letter-code", two)
        return out if code in _ISO639_1_TO_2 else bad("unknown-code")
    if key in ("", "RFC3066", "RFC1766", "RFC4646", "RFC5646", "BCP47") or key.startswith("RFC"):
        if not _LANG_TAG.fullmatch(code):
            return bad("unknown-code")
        primary = code.split("-", 1)[0]
        known = primary in _ISO639_1_TO_2 if len(primary) == 2 else primary in _ISO639_2T
        if not known:
            return bad("unknown-code")
        if key and not key.startswith(("RFC", "BCP")):
            return bad("unknown-scheme")
        return out
    return bad("unknown-scheme")


@functools.lru_cache(maxsize=4096)
def misspelling_of(word: str) -> str | None:
    """The known e-GMS name component ``word`` is a likely misspelling of, or None."""
    if word in _VOCABULARY or len(word) < 5:
        return None
    best: tuple[int, str] | None = None
    for known in _VOCABULARY:
        if abs(len(known) - len(word)) > 2 or len(known) < 5:
            continue
        d = _distance(word, known)
        if d <= 2 and (best is None or (d, known) < best):
            best = (d, known)
    return best[1] if best else None


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# ------------------------------------------------------------------ the page assessment
@dataclass(slots=True)
class Assessment:
    """Everything measured on one page (the Finding's ``detail``) and its verdict."""

    kind: Kind
    message: str
    detail: dict[str, Any]


def _problem(code: str, severity: str, **fields: Any) -> dict[str, Any]:
    return {"code": code, "severity": severity, **{k: v for k, v in fields.items()
                                                    if v is not None}}


def _element_summary(tags: list[MetaTag]) -> dict[str, Any]:
    if not tags:
        return {"status": "absent", "count": 0}
    statuses = [_instance_status(t) for t in tags]
    worst = min(range(len(tags)), key=lambda i: (STATUS_ORDER.index(statuses[i]), i))
    tag = tags[worst]
    return {"status": statuses[worst], "name": tag.name, "scheme": tag.scheme,
            "value": clip(tag.text) if tag.value_attr else None,
            "value_attribute": tag.value_attr or None, "count": len(tags)}


def assess(page: Page) -> Assessment:
    """Read and judge the page's e-GMS metadata (pure: the Finding is built by the caller)."""
    metas, links, plain = read_metadata(page)
    problems: list[dict[str, Any]] = []
    by_element: dict[str, list[MetaTag]] = {e: [] for e in WEB_MANDATORY}
    for tag in metas:
        element = _mandatory_element(tag)
        if element:
            by_element[element].append(tag)
    elements = {e: _element_summary(by_element[e]) for e in WEB_MANDATORY}

    if not metas:
        problems.append(_problem("no-metadata", "fail"))
    else:
        for e in WEB_MANDATORY:
            status = elements[e]["status"]
            if status != "present":
                sev = "fail" if e in CORE else "warning"
                problems.append(_problem(status, sev, element=e, name=elements[e].get("name"),
                                         value=elements[e].get("value"),
                                         value_attribute=elements[e].get("value_attribute")
                                         if status == "wrong-attribute" else None))

    # Subject terms against their schemes.
    subjects: list[dict[str, Any]] = []
    unschemed: set[str] = set()
    for tag in metas:
        if tag.element != "subject" or tag.refinement not in ("", "category", "service",
                                                              "interaction"):
            continue
        if not tag.text or _placeholder(tag.text) or tag.value_attr != "content":
            continue
        key = scheme_key(tag.scheme)
        if tag.refinement == "service" and not key:
            key = "LGSL"
        if tag.refinement == "interaction" and not key:
            key = "LGIL"
        for term in (t.strip() for t in tag.text.split(";")):
            if not term:
                continue
            status, preferred, found = check_term(key, term)
            entry: dict[str, Any] = {"name": tag.name, "scheme": tag.scheme, "term": term,
                                     "status": status}
            if preferred and (status == "lead-in" or preferred != term):
                entry["preferred"] = preferred
            if (found and status in ("unknown", "not-checked")) or not key:
                entry["found_in"] = list(found)
            subjects.append(entry)
            if status == "unknown":
                problems.append(_problem("unknown-term", "warning", element="subject",
                                         name=tag.name, scheme=key or None, term=term,
                                         found_in=list(found) or None))
            elif status == "lead-in":
                problems.append(_problem("lead-in-term", "note", element="subject",
                                         name=tag.name, scheme=key or None, term=term,
                                         preferred=preferred))
            elif status == "not-checked":
                problems.append(_problem("unchecked-scheme", "note", element="subject",
                                         name=tag.name, scheme=tag.scheme, term=term))
        if not key and tag.refinement in ("", "category") and tag.name not in unschemed:
            unschemed.add(tag.name)
            problems.append(_problem("subject-without-scheme", "note", element="subject",
                                     name=tag.name))

    # Dates outside the Date element (disposal review, coverage.temporal, ...) with a date
    # scheme; and the format of every Date instance is already in its status.
    for tag in metas:
        if (tag.element == "date" and tag.refinement in _DATE_REFINEMENTS) or not tag.text:
            continue
        if scheme_key(tag.scheme) in ("W3CDTF", "ISO8601") and not _placeholder(tag.text) \
                and not _date_ok(tag.text, tag.scheme):
            problems.append(_problem("malformed-date", "warning", element=tag.element,
                                     name=tag.name, value=clip(tag.text),
                                     hint=_date_hint(tag.text)))
    date_values = [{"name": t.name, "value": clip(t.text), "w3cdtf": w3cdtf(t.text)}
                   for t in by_element["date"] if t.text]
    for t in by_element["date"]:
        if _instance_status(t) == "malformed":
            elements["date"].setdefault("hints", []).append(_date_hint(t.text))

    # Template placeholders and wrong value attributes outside the mandatory elements.
    mandatory_ids = {id(t) for tags in by_element.values() for t in tags}
    for tag in metas:
        if id(tag) in mandatory_ids:
            continue
        if tag.value_attr in ("value", "type"):
            problems.append(_problem("wrong-attribute", "warning", element=tag.element,
                                     name=tag.name, value_attribute=tag.value_attr))
        elif tag.value_attr == "" or (tag.value_attr == "content" and not tag.text):
            problems.append(_problem("empty-optional", "note", element=tag.element,
                                     name=tag.name))
        elif tag.text and (ph := _placeholder(tag.text)):
            problems.append(_problem("placeholder", "warning", element=tag.element,
                                     name=tag.name, value=ph))

    # Language.
    languages = [_language(t) for t in metas if t.element == "language"]
    for lang in languages:
        if not lang["valid"]:
            problems.append(_problem("language-" + lang["problem"], "warning",
                                     element="language", value=lang["value"],
                                     scheme=lang["scheme"], expected=lang.get("expected")))

    # Identifier: a URI?
    identifier = None
    ident_tags = [t for t in by_element["identifier"] if _instance_status(t) == "present"]
    if ident_tags:
        value = ident_tags[0].text
        parts = urlsplit(value)
        is_uri = bool(parts.scheme and (parts.netloc or parts.scheme in ("urn", "mailto")))
        page_parts = urlsplit(page.final_url)
        same = is_uri and (parts.path.rstrip("/"), parts.query) == (
            page_parts.path.rstrip("/"), page_parts.query)
        identifier = {"value": clip(value), "uri": is_uri, "same_path_as_page": same}
        if not is_uri:
            problems.append(_problem("identifier-not-uri", "warning", element="identifier",
                                     value=clip(value)))

    # Names and attributes that look misspelt (DC.coverage.spacial, schmeme=).
    for tag in metas:
        for part in (tag.element, *tag.refinement.split(".")):
            near = misspelling_of(part) if part else None
            if near:
                problems.append(_problem("misspelt-name", "note", name=tag.name, part=part,
                                         expected=near))
        for attr in tag.odd_attrs:
            near_attr = next((k for k in ("scheme", "content") if _distance(attr, k) <= 2),
                             None)
            if near_attr:
                problems.append(_problem("misspelt-attribute", "warning", name=tag.name,
                                         attribute=attr, expected=near_attr))

    # schema.DC / schema.DCTERMS declarations for the prefixes used.
    used = sorted({t.prefix for t in metas if t.prefix in ("dc", "dcterms")})
    undeclared = [p.upper() for p in used if p not in links]
    if undeclared:
        problems.append(_problem("schema-link-missing", "note", prefixes=undeclared))
    if plain and any(elements[p.lower()]["status"] == "absent" for p in plain
                     if p.lower() in elements):
        problems.append(_problem("unprefixed-name", "note", names=plain))

    claims = [_claim(t) for t in by_element["accessibility"] if t.text and not
              _placeholder(t.text)]
    wcag_claim = next((c for c in claims if c["kind"] == "wcag"), None)
    has_category = any(t.element == "subject" and t.refinement == "category" for t in metas)
    has_dc_subject = any(t.element == "subject" and t.refinement == "" for t in metas)
    version = ("3.0+3.1" if has_category and has_dc_subject else
               "3.0" if has_category else "3.1" if has_dc_subject else None)
    core_ok = bool(metas) and all(elements[e]["status"] == "present" for e in CORE)
    web_ok = bool(metas) and all(elements[e]["status"] == "present" for e in WEB_MANDATORY)

    detail: dict[str, Any] = {
        "elements": elements,
        "core_complete": core_ok,
        "web_complete": web_ok,
        "problems": problems,
        "subjects": subjects,
        "subject_schemes": sorted({t.scheme or "" for tags in (by_element["subject"],)
                                   for t in tags}),
        "egms_version": version,
        "dates": date_values,
        "languages": languages,
        "identifier": identifier,
        "accessibility_claim": wcag_claim["value"] if wcag_claim else None,
        "accessibility_claims": claims,
        "schema_links": dict(sorted(links.items())),
        "meta_count": len(metas),
    }
    problems[:] = _sort_problems(problems)
    kind, message = _verdict(problems, elements, bool(metas))
    return Assessment(kind, message, detail)


_STATUS_WORDS = {"absent": "absent", "empty": "present but empty",
                 "placeholder": "unrendered template placeholder",
                 "wrong-attribute": "value not in content=",
                 "malformed": "not a W3CDTF date"}
_ELEMENT_NAMES = {e: e.capitalize() for e in WEB_MANDATORY}
_ELEMENT_STATUSES = frozenset(_STATUS_WORDS)


def _describe(p: dict[str, Any]) -> str:
    code = str(p["code"])
    if code == "unknown-term":
        where = f" (found in {', '.join(p['found_in'])})" if p.get("found_in") else ""
        scheme = p.get("scheme") or "LGCL, IPSV or GCL"
        return f"Subject term '{p['term']}' is not in {scheme}{where}."
    if code == "lead-in-term":
        return (f"Subject term '{p['term']}' is a lead-in term; the preferred term is "
                f"'{p['preferred']}'.")
    if code == "malformed-date":
        return f"{p['name']} = '{p['value']}' is not a W3CDTF date ({p['hint']})."
    if code.startswith("language-"):
        expected = f"; expected '{p['expected']}'" if p.get("expected") else ""
        return (f"DC.language '{p.get('value', '')}' does not fit its scheme "
                f"{p.get('scheme') or '(none)'} ({code[9:]}{expected}).")
    if code == "placeholder":
        return f"{p['name']} holds an unrendered template placeholder {p['value']}."
    if code == "wrong-attribute":
        return f"{p['name']} has its value in {p.get('value_attribute')}= instead of content=."
    if code == "identifier-not-uri":
        return f"DC.identifier '{p['value']}' is not a URI."
    if code == "misspelt-attribute":
        return f"{p['name']} has a '{p['attribute']}' attribute (misspelt {p['expected']}?)."
    if code == "misspelt-name":
        return f"{p['name']}: '{p['part']}' looks like a misspelling of '{p['expected']}'."
    if code == "schema-link-missing":
        return f"No schema link declares the prefix(es) {', '.join(p['prefixes'])}."
    if code == "subject-without-scheme":
        return f"{p['name']} declares no scheme (LGCL, IPSV or GCL expected)."
    if code == "unchecked-scheme":
        return f"Subject scheme {p['scheme']} has no list to check '{p['term']}' against."
    if code == "empty-optional":
        return f"{p['name']} is present but empty."
    if code == "unprefixed-name":
        return f"Metadata without the DC. prefix: {', '.join(p['names'])}."
    return code


def _element_words(p: Mapping[str, Any]) -> str:
    words = f"{_ELEMENT_NAMES[p['element']]}: {_STATUS_WORDS[p['code']]}"
    if p["code"] == "placeholder" and p.get("value"):
        words += f" {_placeholder(p['value']) or ''}".rstrip()
    elif p["code"] == "malformed" and p.get("value"):
        words = f"{_ELEMENT_NAMES[p['element']]}: '{p['value']}' {_STATUS_WORDS['malformed']}"
    elif p["code"] == "wrong-attribute" and p.get("value_attribute"):
        words += f" (in {p['value_attribute']}=)"
    return words


def _sort_problems(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = {e: i for i, e in enumerate(WEB_MANDATORY)}
    return [p for _, p in sorted(
        enumerate(problems), key=lambda ip: (SEVERITY_ORDER.index(ip[1]["severity"]),
                                             order.get(ip[1].get("element", ""), 99), ip[0]))]


def _verdict(problems: list[dict[str, Any]], elements: Mapping[str, Mapping[str, Any]],
             has_meta: bool) -> tuple[Kind, str]:
    if not has_meta:
        return Kind.FAIL, "No e-GMS or Dublin Core metadata on this page."
    fails = [p for p in problems if p["severity"] == "fail"]
    warnings = [p for p in problems if p["severity"] == "warning"]
    notes = [p for p in problems if p["severity"] == "note"]
    bad_if_applicable = [e for e in IF_APPLICABLE if elements[e]["status"] != "present"]
    if fails:
        items = "; ".join(_element_words(p) for p in fails)
        rest = len(problems) - len(fails)
        more = f" (+{rest} other problem{'s' if rest != 1 else ''})" if rest else ""
        return Kind.FAIL, f"e-GMS mandatory elements not in order: {items}.{more}"
    if warnings:
        if bad_if_applicable:
            items = "; ".join(_element_words(p) for p in warnings
                              if p.get("element") in bad_if_applicable
                              and p["code"] in _ELEMENT_STATUSES)
            head = f"e-GMS web-mandatory elements not in order: {items}."
            rest = len(warnings) - len(bad_if_applicable)
        else:
            head = _describe(warnings[0])
            rest = len(warnings) - 1
        more = f" (+{rest} other warning{'s' if rest != 1 else ''})" if rest else ""
        return Kind.WARNING, head + more
    tail = f" ({len(notes)} note{'s' if len(notes) != 1 else ''})" if notes else ""
    return Kind.PASS, ("e-GMS metadata in order: all seven web-mandatory elements present "
                       f"and well-formed.{tail}")


# ------------------------------------------------------------------ probe entry points
def _checkable(page: Page) -> bool:
    return page.status == 200 and "html" in page.content_type.lower()


def _state(ctx: Context) -> dict[str, Any]:
    state: dict[str, Any] | None = ctx.state.get(META.id)
    if state is not None:
        return state
    state = ctx.state.setdefault(META.id, {
        "pages": 0, "with_metadata": 0, "core": 0, "web": 0,
        "elements": {e: Counter() for e in WEB_MANDATORY},
        "problems": Counter(), "samples": {}, "schemes": Counter(), "claims": Counter(),
        "unknown_terms": Counter(), "versions": Counter(),
    })
    return state


def _record(ctx: Context, page: Page, result: Assessment) -> None:
    st = _state(ctx)
    d = result.detail
    st["pages"] += 1
    st["with_metadata"] += 1 if d["meta_count"] else 0
    st["core"] += 1 if d["core_complete"] else 0
    st["web"] += 1 if d["web_complete"] else 0
    for e in WEB_MANDATORY:
        st["elements"][e][d["elements"][e]["status"]] += 1
    seen: set[str] = set()
    for p in d["problems"]:
        key = p["code"] + (f":{p['element']}" if p.get("element") else "")
        if key in seen:
            continue
        seen.add(key)
        st["problems"][key] += 1
        samples = st["samples"].setdefault(key, [])
        if len(samples) < MAX_SAMPLES:
            samples.append(page.final_url)
        if p["code"] == "unknown-term" and (
                p["term"] in st["unknown_terms"] or len(st["unknown_terms"]) < MAX_TERMS):
            st["unknown_terms"][f"{p.get('scheme') or '-'}: {p['term']}"] += 1
    for scheme in d["subject_schemes"]:
        st["schemes"][scheme or "(none)"] += 1
    claim = next((c for c in d["accessibility_claims"] if c["kind"] == "wcag"), None)
    if claim:
        st["claims"][f"{claim['value']} (WCAG {claim['wcag'] or '?'})"] += 1
    st["versions"][d["egms_version"] or "(none)"] += 1


def evaluate(page: Page, ctx: Context) -> list[Finding]:
    """One finding per HTML page: its e-GMS elements, problems and verdict."""
    if not _checkable(page):
        return []
    result = assess(page)
    _record(ctx, page, result)
    return [ctx.finding(META, result.kind, result.message, page, outcomes=PAGE_OUTCOMES,
                        **result.detail)]


def _pct(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def finalize(ctx: Context) -> list[Finding]:
    """The site summary (G21) and the accessibility claims seen (G20, claimed only)."""
    st = ctx.state.get(META.id)
    if not st or not st["pages"]:
        return [ctx.finding(META, Kind.NOT_ASSESSED, "No HTML pages were checked for e-GMS "
                            "metadata.", None, outcomes=PAGE_OUTCOMES, pages=0)]
    opts = ctx.opts(META.id)
    pass_pct = float(opts.get("pass_pct", 95.0))
    fail_pct = float(opts.get("fail_pct", 50.0))
    n = st["pages"]
    elements = {
        e: {status: _pct(st["elements"][e][status], n)
            for status in ("present", "absent", *STATUS_ORDER[:-1])}
        for e in WEB_MANDATORY
    }
    problems = {k: {"pages": v, "pct": _pct(v, n), "sample_urls": st["samples"].get(k, [])}
                for k, v in sorted(st["problems"].items(), key=lambda kv: (-kv[1], kv[0]))}
    template = sorted(k for k, v in st["problems"].items() if n > 1 and v / n >= TEMPLATE_SHARE)
    core_pct, web_pct = _pct(st["core"], n), _pct(st["web"], n)
    detail: dict[str, Any] = {
        "pages": n,
        "pages_with_metadata_pct": _pct(st["with_metadata"], n),
        "core_complete_pct": core_pct,
        "web_complete_pct": web_pct,
        "elements_pct": elements,
        "problems": problems,
        "template_problems": template,
        "subject_schemes": dict(sorted(st["schemes"].items())),
        "egms_versions": dict(sorted(st["versions"].items())),
        "unknown_terms": dict(st["unknown_terms"].most_common(50)),
        "pass_pct": pass_pct,
        "fail_pct": fail_pct,
    }
    if core_pct >= pass_pct and web_pct >= pass_pct:
        kind = Kind.PASS
    elif core_pct < fail_pct:
        kind = Kind.FAIL
    else:
        kind = Kind.WARNING
    message = (f"e-GMS: {core_pct:g}% of {n} pages carry the mandatory set (Creator, Date, "
               f"Subject, Title) and {web_pct:g}% the full web set.")
    if template:
        message += f" Template-wide: {', '.join(template[:3])}."
    out = [ctx.finding(META, kind, message, None, outcomes=PAGE_OUTCOMES, **detail)]
    claimed = sum(st["claims"].values())
    claims_msg = (", ".join(f"{k} on {_pct(v, n):g}%" for k, v in st["claims"].most_common(3))
                  or "none")
    out.append(ctx.finding(
        META, Kind.INFO,
        f"Accessibility claimed in e-GMS metadata (not verified): {claims_msg}.", None,
        outcomes=CLAIM_OUTCOMES, pages=n, pages_with_claim_pct=_pct(claimed, n),
        claims=dict(st["claims"].most_common()), verified=False))
    return out
