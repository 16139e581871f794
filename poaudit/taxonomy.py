"""The 2004-vintage controlled lists: LGCL 1.04, IPSV 2.00, GCL 2.10 and LGSL 2.01.

The data ships as CSV files in ``config/data/`` (derived by ``scripts/derive_data.py``; sources
and licences in ``config/data/ATTRIBUTION.md``) and is found through
``importlib.resources.files("config")``, so it works from a checkout and from an installed wheel.
Every loader parses its file once and caches the result.

``normalise_label`` is the one label-matching rule for the project (taxonomy terms, A-Z entries,
council names): compare ``normalise_label(a) == normalise_label(b)``.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from types import MappingProxyType

__all__ = [
    "Service",
    "Taxonomy",
    "Term",
    "gcl",
    "ipsv",
    "lgcl",
    "lgcl_gcl_mapping",
    "lgsl",
    "normalise_label",
    "providing_tiers",
    "read_data_csv",
]

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`\u00b4]")
_NON_WORD = re.compile(r"[\W_]+")


def normalise_label(text: str) -> str:
    """Fold a label for matching: Unicode-compatibility and case folded, ``&`` read as ``and``,
    apostrophes dropped, every other run of punctuation/whitespace made a single space.

    >>> normalise_label("  Parks &  open-spaces ")
    'parks and open spaces'
    >>> normalise_label("Children\u2019s  Services") == normalise_label("childrens services")
    True
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def read_data_csv(filename: str) -> list[dict[str, str]]:
    """Rows of ``config/data/<filename>`` as dicts (header row as keys)."""
    resource = files("config") / "data" / filename
    text = resource.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(";") if part)


def _optional_int(text: str | None) -> int | None:
    return int(text) if text else None


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a controlled list.

    ``preferred`` is false for lead-in (non-preferred) terms, whose ``use_preferred_id`` names the
    preferred term to use instead. ``broader_ids`` are preferred broader terms, the default one
    first; ``top_level_id`` is the top of the default chain (None for lead-ins and lists without
    a hierarchy). ``in_atoz`` is the list's own "belongs in an A-Z" flag (LGCL only).
    """

    id: int
    name: str
    preferred: bool
    in_atoz: bool
    broader_ids: tuple[int, ...]
    top_level_id: int | None
    use_preferred_id: int | None


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """A controlled list indexed by id and by normalised name."""

    key: str
    by_id: Mapping[int, Term]
    _by_label: Mapping[str, Term] = field(repr=False)
    _atoz: tuple[Term, ...] = field(repr=False)

    @classmethod
    def from_terms(cls, key: str, terms: list[Term]) -> Taxonomy:
        by_id = {t.id: t for t in terms}
        if len(by_id) != len(terms):
            raise ValueError(f"{key}: duplicate term ids")
        # On a label clash a preferred term beats a lead-in, then the lower id wins.
        by_label: dict[str, Term] = {}
        for term in sorted(terms, key=lambda t: (not t.preferred, t.id)):
            by_label.setdefault(normalise_label(term.name), term)
        atoz = sorted(
            (t for t in terms if t.preferred and t.in_atoz),
            key=lambda t: (normalise_label(t.name), t.id),
        )
        return cls(key, MappingProxyType(by_id), MappingProxyType(by_label), tuple(atoz))

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.by_id.values())

    def lookup(self, name: str) -> Term | None:
        """The term whose name matches ``name`` under ``normalise_label`` (lead-ins included)."""
        return self._by_label.get(normalise_label(name))

    def contains_name(self, name: str) -> bool:
        return normalise_label(name) in self._by_label

    def preferred_for(self, term: Term | int) -> Term:
        """The preferred term for ``term``: itself if preferred, else its lead-in target."""
        if isinstance(term, int):
            term = self.by_id[term]
        if term.preferred or term.use_preferred_id is None:
            return term
        return self.by_id[term.use_preferred_id]

    def atoz_terms(self) -> list[Term]:
        """Preferred terms the list flags as A-Z entries, sorted by normalised name."""
        return list(self._atoz)

    def top_level(self, term: Term) -> Term | None:
        """The top-level category of ``term`` (of its preferred term for a lead-in)."""
        top_id = self.preferred_for(term).top_level_id
        return None if top_id is None else self.by_id[top_id]


def _load_taxonomy(key: str, filename: str) -> Taxonomy:
    terms = [
        Term(
            id=int(row["id"]),
            name=row["name"],
            preferred=row["preferred"] == "true",
            in_atoz=row.get("in_atoz") == "true",
            broader_ids=_ids(row.get("broader_ids") or ""),
            top_level_id=_optional_int(row.get("top_level_id")),
            use_preferred_id=_optional_int(row.get("use_preferred_id")),
        )
        for row in read_data_csv(filename)
    ]
    return Taxonomy.from_terms(key, terms)


@functools.cache
def lgcl() -> Taxonomy:
    """Local Government Category List 1.04 (2004-08-12): 3714 terms, 1412 preferred."""
    return _load_taxonomy("LGCL 1.04", "lgcl-1.04.csv")


@functools.cache
def ipsv() -> Taxonomy:
    """Integrated Public Sector Vocabulary 2.00 (2006): 7923 terms, 3080 preferred."""
    return _load_taxonomy("IPSV 2.00", "ipsv-2.00.csv")


@functools.cache
def gcl() -> Taxonomy:
    """Government Category List 2.10 (2004-08-12); the source has no hierarchy or lead-ins."""
    return _load_taxonomy("GCL 2.10", "gcl-2.10.csv")


@functools.cache
def _lgcl_gcl() -> Mapping[int, tuple[int, ...]]:
    pairs: dict[int, list[int]] = {}
    for row in read_data_csv("lgcl-gcl-mapping.csv"):
        pairs.setdefault(int(row["lgcl_id"]), []).append(int(row["gcl_id"]))
    return MappingProxyType({k: tuple(v) for k, v in pairs.items()})


def lgcl_gcl_mapping() -> dict[int, tuple[int, ...]]:
    """LGCL 1.04 id -> GCL 2.10 ids (the esd crosswalk)."""
    return dict(_lgcl_gcl())


# --------------------------------------------------------------------------------------------
# LGSL services and providing tiers


@dataclass(frozen=True, slots=True)
class Service:
    """An LGSL 2.01 service. ``tier`` is GOV.UK's 'Providing Tier' for the same LGSL number
    (``county/unitary``, ``district/unitary``, ``all``) or ``""`` when GOV.UK does not list it."""

    lgsl_id: int
    name: str
    lgcl_ids: tuple[int, ...]
    tier: str
    govuk_description: str


_ALL_TIERS = "all"
_TIER_SEPARATOR = "/"


@functools.cache
def _lgsl() -> Mapping[int, Service]:
    services = {
        int(row["lgsl_id"]): Service(
            lgsl_id=int(row["lgsl_id"]),
            name=row["name"],
            lgcl_ids=_ids(row["lgcl_ids"]),
            tier=row["tier"],
            govuk_description=row["govuk_description"],
        )
        for row in read_data_csv("lgsl-2.01.csv")
    }
    return MappingProxyType(services)


def lgsl() -> dict[int, Service]:
    """LGSL 2.01 services by LGSL number (672). A fresh dict; the services are shared."""
    return dict(_lgsl())


@functools.cache
def _tier_sets() -> Mapping[str, frozenset[str]]:
    """Tier value -> the council tiers it names. ``all`` means every tier any value names."""
    values = {s.tier for s in _lgsl().values() if s.tier}
    named = {v: frozenset(v.split(_TIER_SEPARATOR)) for v in values if v != _ALL_TIERS}
    every = frozenset(tier for tiers in named.values() for tier in tiers)
    if _ALL_TIERS in values:
        named[_ALL_TIERS] = every
    return MappingProxyType(named)


def providing_tiers(lgsl_id: int) -> frozenset[str]:
    """Council tiers that provide LGSL service ``lgsl_id``, e.g. ``{"district", "unitary"}``.

    Empty when the service is unknown or GOV.UK gives no providing tier for it.
    """
    service = _lgsl().get(lgsl_id)
    if service is None or not service.tier:
        return frozenset()
    return _tier_sets()[service.tier]
