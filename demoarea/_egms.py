"""e-GMS metadata in page heads, in the variations real council sites used.

One table per house style (reference/standards.md 1.5: APLAWS, Jadu, Immediacy, ESCC/HTML5)
drives both the ``<meta>`` tags written into pages and the manifest's expectations, so the two
cannot drift apart. Planted variants (missing, empty, ``PARAM_`` placeholders, malformed dates,
``value=`` instead of ``content=``, lower-case ``dc.``, misspellings) transform a house table.

Expectations name, for each element of the "e-GMS for websites" mandatory set (Accessibility,
Creator, Date, Identifier, Publisher, Subject, Title), a status: ``present``, ``absent``,
``empty`` (``content=""``), ``placeholder`` (unrendered ``PARAM_*``), ``malformed`` (a date not
in W3CDTF) or ``wrong-attribute`` (the value is in ``value=``, not ``content=``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ._text import esc

MANDATORY = ("accessibility", "creator", "date", "identifier", "publisher", "subject", "title")


@dataclass(frozen=True, slots=True)
class Meta:
    element: str | None  # mandatory element evidenced, or None
    name: str
    value: str  # a value kind, see _value()
    scheme: str | None = None
    scheme_attr: str = "scheme"
    value_attr: str = "content"
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class MetaValues:
    title: str
    creator: str
    publisher: str
    created: str  # ISO date
    modified: str
    identifier: str
    lgcl: str
    ipsv: str
    gcl: str
    lgsl: int | None
    snac: str
    keywords: str
    coverage: str


_SCHEMA_LINKS = ('<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/" />\n'
                 '<link rel="schema.DCTERMS" href="http://purl.org/dc/terms/" />\n')

HOUSE: dict[str, tuple[Meta, ...]] = {
    # APLAWS+ (libreccm/ccm lib.xsl): LGCL + GCL categories, LGSL number, SNAC coverage.
    "aplaws": (
        Meta("title", "DC.title", "title"),
        Meta("creator", "DC.creator", "creator"),
        Meta("publisher", "DC.publisher", "publisher"),
        Meta("date", "DC.date.created", "created", "W3CDTF"),
        Meta(None, "DC.date.modified", "modified", "W3CDTF"),
        Meta("identifier", "DC.identifier", "identifier", "URI"),
        Meta(None, "DC.language", "eng", "ISO 639-2"),
        Meta(None, "DC.coverage.spatial", "snac", "ONS SNAC"),
        Meta("accessibility", "eGMS.accessibility", "double-a", "WCAG"),
        Meta("subject", "eGMS.subject.category", "lgcl", "LGCL"),
        Meta("subject", "eGMS.subject.category", "gcl", "GCL"),
        Meta(None, "eGMS.subject.service", "lgsl", "LGSL"),
    ),
    # Jadu (Waverley/Lichfield): lang attributes, DC.subject with eGMS.IPSV (e-GMS 3.1).
    "jadu": (
        Meta("creator", "DC.creator", "creator", lang="en"),
        Meta("date", "DC.date.created", "created", "DCTERMS.W3CDTF", lang="en"),
        Meta(None, "DC.date.modified", "modified", "DCTERMS.W3CDTF", lang="en"),
        Meta(None, "DC.format", "text/html", "DCTERMS.IMT", lang="en"),
        Meta("identifier", "DC.identifier", "identifier", "DCTERMS.URI"),
        Meta(None, "DC.language", "en", "DCTERMS.ISO639-1"),
        Meta("publisher", "DC.publisher", "publisher", lang="en"),
        Meta("title", "DC.title", "title", lang="en"),
        Meta(None, "eGMS.status", "V1.0 Public Consumption", lang="en"),
        Meta("accessibility", "eGMS.accessibility", "double-a", "WCAG"),
        Meta("subject", "DC.subject", "ipsv-jadu", "eGMS.IPSV", lang="en"),
        Meta(None, "DC.subject", "Council, government and democracy", lang="en"),
    ),
    # Immediacy (Bassetlaw): capitalised refinements, non-W3CDTF dates site-wide.
    "immediacy": (
        Meta("title", "DC.Title", "title"),
        Meta("creator", "DC.Creator", "creator"),
        Meta("publisher", "DC.Publisher", "publisher"),
        Meta("date", "DC.Date.Created", "created-dmony"),
        Meta(None, "DC.Date.Issued", "modified-dmony"),
        Meta("identifier", "DC.Identifier", "identifier"),
        Meta(None, "DC.language", "eng", "ISO 639-2/T"),
        Meta("subject", "eGMS.Subject.Category", "lgcl", "LGCL"),
        Meta(None, "eGMS.Subject.Keywords", "keywords"),
        Meta(None, "eGMS.Status", "Version 21 For Publication"),
        Meta("accessibility", "eGMS.Accessibility", "triple-a", "WCAG"),
    ),
    # East Sussex CC library (HTML5 era): class= instead of scheme=, DCTERMS dates.
    "html5": (
        Meta("title", "DC.title", "title", lang="en-GB"),
        Meta("creator", "DC.creator", "creator"),
        Meta("publisher", "DC.publisher", "publisher"),
        Meta("date", "DCTERMS.created", "created", "DCTERMS.W3CDTF", scheme_attr="class"),
        Meta(None, "DCTERMS.modified", "modified", "DCTERMS.W3CDTF", scheme_attr="class"),
        Meta("subject", "DC.subject", "ipsv", "eGMS.IPSV", scheme_attr="class"),
        Meta(None, "DC.subject", "lgsl", "eGMS.LGSL", scheme_attr="class"),
        Meta("identifier", "DC.identifier", "identifier", "DCTERMS.URI", scheme_attr="class"),
        Meta(None, "DC.language", "eng", "DCTERMS.ISO639-2", scheme_attr="class"),
        Meta(None, "DCTERMS.spatial", "coverage", "eGMS.RoyalMailPostcode",
             scheme_attr="class"),
        Meta("accessibility", "eGMS.accessibility", "double-a", "eGMS.WCAG10",
             scheme_attr="class"),
    ),
}
_SCHEMA_STYLES = {"aplaws", "html5", "jadu"}


def _empty(metas: tuple[Meta, ...]) -> tuple[Meta, ...]:
    targets = {"date", "identifier", "subject"}
    return tuple(replace(m, value="empty") if m.element in targets else m for m in metas)


def _placeholders(metas: tuple[Meta, ...]) -> tuple[Meta, ...]:
    swap = {"title": "PARAM_TITLE", "identifier": "PARAM_DC_IDENTIFIER", "date": "PARAM_DATE"}
    return tuple(replace(m, value=swap[m.element]) if m.element in swap else m for m in metas)


def _malformed_date(metas: tuple[Meta, ...]) -> tuple[Meta, ...]:
    return tuple(replace(m, value="created-dmy", scheme=None) if m.element == "date" else m
                 for m in metas)


def _lowercase(metas: tuple[Meta, ...]) -> tuple[Meta, ...]:
    return tuple(replace(m, name="dc." + m.name[3:]) if m.name.startswith("DC.") else m
                 for m in metas)


def _value_attr(metas: tuple[Meta, ...]) -> tuple[Meta, ...]:
    return tuple(replace(m, value_attr="value") if m.element == "title" else m for m in metas)


def _category_only(metas: tuple[Meta, ...]) -> tuple[Meta, ...]:
    out = [m for m in metas if m.element != "subject" and "LGSL" not in (m.scheme or "")]
    out.append(Meta("subject", "eGMS.subject.category", "lgcl"))
    return tuple(out)


def _misspelt(metas: tuple[Meta, ...]) -> tuple[Meta, ...]:
    out = [replace(m, scheme_attr="schmeme") if m.element == "identifier" else m
           for m in metas]
    out.append(Meta(None, "DC.coverage.spacial", "coverage"))
    return tuple(out)


VARIANTS: dict[str, Callable[[tuple[Meta, ...]], tuple[Meta, ...]]] = {
    "missing": lambda metas: (),
    "empty": _empty,
    "placeholders": _placeholders,
    "malformed-date": _malformed_date,
    "lowercase-dc": _lowercase,
    "value-attribute": _value_attr,
    "subject-category-only": _category_only,
    "misspelt": _misspelt,
}
VARIANT_NOTES = {
    "missing": "no e-GMS or Dublin Core metadata at all",
    "empty": "date, identifier and subject present with content=\"\"",
    "placeholders": "unrendered CMS placeholders PARAM_TITLE, PARAM_DC_IDENTIFIER, PARAM_DATE",
    "malformed-date": "date in dd-mm-yyyy (01-04-2005), not W3CDTF",
    "lowercase-dc": "lower-case dc. prefixes (valid: names are case-insensitive)",
    "value-attribute": "DC.title carries its value in value= instead of content=",
    "subject-category-only": "e-GMS 3.0 eGMS.subject.category with no scheme",
    "misspelt": "identifier scheme in a misspelt schmeme= attribute; DC.coverage.spacial",
}


def metas_for(style: str, variant: str | None) -> tuple[Meta, ...]:
    metas = HOUSE[style]
    return VARIANTS[variant](metas) if variant else metas


def _dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}-{m}-{y}"


_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _dmony(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(d)}-{_MON[int(m) - 1]}-{y}"


_SIMPLE = {"title", "creator", "publisher", "created", "modified", "identifier", "snac",
           "lgcl", "gcl", "ipsv", "keywords", "coverage"}
_DERIVED: dict[str, Callable[[MetaValues], str]] = {
    "ipsv-jadu": lambda v: f"{v.ipsv};Government, politics and public administration",
    "double-a": lambda v: "Double-A",
    "triple-a": lambda v: "Triple-A",
    "created-dmy": lambda v: _dmy(v.created),
    "created-dmony": lambda v: _dmony(v.created),
    "modified-dmony": lambda v: _dmony(v.modified),
    "empty": lambda v: "",
}


def _value(kind: str, v: MetaValues) -> str | None:
    if kind in _SIMPLE:
        value: str = getattr(v, kind)
        return value
    if kind == "lgsl":
        return None if v.lgsl is None else str(v.lgsl)
    derived = _DERIVED.get(kind)
    return derived(v) if derived else kind


def head_meta(style: str, variant: str | None, values: MetaValues) -> str:
    metas = metas_for(style, variant)
    if not metas:
        return ""
    lines = [_SCHEMA_LINKS] if style in _SCHEMA_STYLES else []
    for m in metas:
        value = _value(m.value, values)
        if value is None:
            continue
        attrs = f'name="{m.name}"'
        if m.lang:
            attrs += f' lang="{m.lang}"'
        if m.scheme:
            attrs += f' {m.scheme_attr}="{m.scheme}"'
        attrs += f' {m.value_attr}="{esc(value)}"'
        lines.append(f"<meta {attrs} />\n")
    return "".join(lines)


def _status(m: Meta) -> str:
    if m.value_attr != "content":
        return "wrong-attribute"
    if m.value == "empty":
        return "empty"
    if m.value.startswith("PARAM_"):
        return "placeholder"
    if m.value in ("created-dmy", "created-dmony"):
        return "malformed"
    return "present"


def _expect(metas: tuple[Meta, ...]) -> dict[str, Any]:
    elements: dict[str, Any] = {}
    for element in MANDATORY:
        found = [m for m in metas if m.element == element]
        if not found:
            elements[element] = {"status": "absent"}
            continue
        m = found[0]
        elements[element] = {
            "status": _status(m), "name": m.name,
            "scheme": m.scheme if m.scheme_attr in ("scheme", "class") else None,
        }
    subject_schemes = sorted({m.scheme or "" for m in metas if m.element == "subject"})
    access = next((m for m in metas if m.element == "accessibility"), None)
    return {
        "elements": elements,
        "subject_schemes": subject_schemes,
        "accessibility_claim": (_value(access.value, _NO_VALUES) if access else None),
        "mandatory_complete": all(e["status"] == "present" for e in elements.values()),
    }


_NO_VALUES = MetaValues("", "", "", "2005-01-01", "2005-01-01", "", "", "", "", None, "", "",
                        "")


def house_expectation(style: str) -> dict[str, Any]:
    out = _expect(HOUSE[style])
    out["style"] = style
    return out


def variant_expectation(style: str, variant: str) -> dict[str, Any]:
    out = _expect(metas_for(style, variant))
    out["style"] = style
    out["variant"] = variant
    out["note"] = VARIANT_NOTES[variant]
    return out
