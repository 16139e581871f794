"""The 388 English principal councils of 2004/05, their two-tier links and GOV.UK deep links.

Data: ``config/data/councils-england-2004.csv`` and ``config/data/council-deep-links.csv``
(derived by ``scripts/derive_data.py``; sources and licences in ``config/data/ATTRIBUTION.md``).

``tier`` is the service-provision tier: ``county``, ``district`` or ``unitary`` (metropolitan
districts, London boroughs, the City of London, the Isles of Scilly and unitaries all provide
both tiers' services). ``homepage_url`` is today's URL from GOV.UK, often a successor council's,
and empty for councils abolished in 2009. ``slug`` is the GOV.UK local-links-manager slug.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlsplit

from poaudit.taxonomy import normalise_label, providing_tiers, read_data_csv

__all__ = [
    "Council",
    "CouncilLookupError",
    "DeepLink",
    "council_for_host",
    "councils",
    "councils_for_host",
    "county_of",
    "deep_links",
    "districts_of",
    "find_council",
    "normalise_host",
    "partners_of",
    "provides",
]

MAX_CANDIDATES = 5


@dataclass(frozen=True, slots=True)
class Council:
    name: str
    short_name: str
    type: str
    tier: str
    snac: str
    gss: str | None
    parent_county: str | None
    parent_snac: str | None
    homepage_url: str | None
    slug: str


@dataclass(frozen=True, slots=True)
class DeepLink:
    """A council page for an LGSL service and LGIL interaction (GOV.UK fallback links, 2017)."""

    council_slug: str
    lgsl_id: int
    lgil_id: int
    url: str


class CouncilLookupError(LookupError):
    """``find_council`` found no council, or several; ``candidates`` holds up to 5 of them."""

    def __init__(self, message: str, candidates: tuple[Council, ...]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class _Index:
    councils: tuple[Council, ...]
    by_snac: Mapping[str, Council]
    by_host: Mapping[str, tuple[Council, ...]]
    names: Mapping[Council, str]
    short_names: Mapping[Council, str]


def normalise_host(host_or_url: str) -> str:
    """``https://WWW.Suffolk.gov.uk:443/x`` or ``www.suffolk.gov.uk.`` -> ``suffolk.gov.uk``."""
    text = host_or_url.strip()
    if "://" not in text:
        text = "//" + text
    host = (urlsplit(text).hostname or "").rstrip(".").lower()
    return host.removeprefix("www.")


@functools.cache
def _index() -> _Index:
    rows = read_data_csv("councils-england-2004.csv")
    items = tuple(
        Council(
            name=row["name"],
            short_name=row["short_name"],
            type=row["type"],
            tier=row["tier"],
            snac=row["snac"],
            gss=row["gss"] or None,
            parent_county=row["parent_county"] or None,
            parent_snac=row["parent_snac"] or None,
            homepage_url=row["homepage_url"] or None,
            slug=row["slug"],
        )
        for row in rows
    )
    by_host: dict[str, list[Council]] = {}
    for council in items:
        if council.homepage_url:
            by_host.setdefault(normalise_host(council.homepage_url), []).append(council)
    return _Index(
        councils=items,
        by_snac=MappingProxyType({c.snac: c for c in items}),
        by_host=MappingProxyType({h: tuple(cs) for h, cs in by_host.items()}),
        names=MappingProxyType({c: normalise_label(c.name) for c in items}),
        short_names=MappingProxyType({c: normalise_label(c.short_name) for c in items}),
    )


def councils() -> list[Council]:
    """All 388 councils, sorted by name."""
    return list(_index().councils)


def _describe(found: tuple[Council, ...] | list[Council]) -> str:
    shown = ", ".join(f"{c.name} ({c.snac})" for c in found[:MAX_CANDIDATES])
    more = len(found) - MAX_CANDIDATES
    return shown + (f" and {more} more" if more > 0 else "")


def find_council(query: str) -> Council:
    """The council named by ``query``.

    Tried in turn, each stage deciding if it matches anything: exact full name, SNAC or GSS
    code, exact short name ("Mid Suffolk"; "Durham" is both a county and a district, so it is
    ambiguous), local-links-manager slug, then a substring of the full name. Names
    are compared with ``normalise_label`` (case, punctuation and ``&``/``and`` folded). Raises
    ``CouncilLookupError`` (a ``LookupError``) naming up to 5 candidates when the first matching
    stage matches several councils, or close matches when nothing matches.
    """
    index = _index()
    label = normalise_label(query)
    code = query.strip().casefold()
    if not label:
        raise CouncilLookupError("empty council query", ())
    stages: tuple[Callable[[Council], bool], ...] = (
        lambda c: index.names[c] == label,
        lambda c: code in {c.snac.casefold(), (c.gss or "").casefold()},
        lambda c: index.short_names[c] == label,
        lambda c: code == c.slug,
        lambda c: label in index.names[c],
    )
    for matches_query in stages:
        found = [c for c in index.councils if matches_query(c)]
        if len(found) == 1:
            return found[0]
        if found:
            raise CouncilLookupError(
                f"{len(found)} councils match {query!r}: {_describe(found)}", tuple(found[:5])
            )
    by_short = {index.short_names[c]: c for c in index.councils}
    close = [by_short[s] for s in difflib.get_close_matches(label, by_short, n=MAX_CANDIDATES)]
    hint = f"; did you mean {_describe(close)}?" if close else ""
    raise CouncilLookupError(f"no council matches {query!r}{hint}", tuple(close))


def county_of(council: Council) -> Council | None:
    """The county council of a (two-tier) district; None for counties and unitaries."""
    if council.parent_snac is None:
        return None
    return _index().by_snac.get(council.parent_snac)


def districts_of(county: Council) -> list[Council]:
    """The districts whose county is ``county`` (as of 2004/05), sorted by name."""
    return [c for c in _index().councils if c.parent_snac == county.snac]


def partners_of(council: Council) -> list[Council]:
    """The other tier in a two-tier area: a district's county, a county's districts; [] else."""
    county = county_of(council)
    return [county] if county is not None else districts_of(council)


def councils_for_host(host: str) -> list[Council]:
    """Councils whose homepage is on ``host`` (a host name or URL; ``www.`` folded).

    Several councils share some hosts: today's URLs of districts merged or sharing a website
    (e.g. Forest Heath and St Edmundsbury -> westsuffolk.gov.uk).
    """
    return list(_index().by_host.get(normalise_host(host), ()))


def council_for_host(host: str) -> Council | None:
    """The one council whose homepage is on ``host``; None if none or several share it."""
    found = _index().by_host.get(normalise_host(host), ())
    return found[0] if len(found) == 1 else None


@functools.cache
def _deep_links() -> Mapping[str, tuple[DeepLink, ...]]:
    links: dict[str, list[DeepLink]] = {}
    for row in read_data_csv("council-deep-links.csv"):
        link = DeepLink(row["council_slug"], int(row["lgsl_id"]), int(row["lgil_id"]), row["url"])
        links.setdefault(link.council_slug, []).append(link)
    return MappingProxyType({slug: tuple(items) for slug, items in links.items()})


def deep_links(council_slug: str) -> list[DeepLink]:
    """GOV.UK's fallback deep links for a council slug, by LGSL then LGIL id ([] if none)."""
    return list(_deep_links().get(council_slug, ()))


def provides(council: Council, lgsl_id: int) -> bool | None:
    """Whether ``council``'s tier provides LGSL service ``lgsl_id``; None when the data has no
    providing tier for that service."""
    tiers = providing_tiers(lgsl_id)
    return council.tier in tiers if tiers else None
