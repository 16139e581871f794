"""LGSL services as the area uses them, resolved from the project's data (poaudit.taxonomy).

Which councils carry a service page comes from the data, never from a list in this package:

* the LGSL providing tier (GOV.UK's column, ``county/unitary`` etc.) when the data has one;
* otherwise a tier inferred from the LGCL category list: the providing tier shared by every
  tiered service filed under the same LGCL term, else under its broader terms, else under its
  LGCL top-level category when at least 75% of that category's tiered services agree;
* otherwise ``all`` (every council carries a page).

Only services with a providing tier *in the data* produce cross-tier deep links, so the links a
deep-link checker is scored on are exactly those :func:`poaudit.taxonomy.providing_tiers`
predicts.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from types import MappingProxyType
from typing import Final

from poaudit.taxonomy import Taxonomy, gcl, ipsv, lgcl, lgcl_gcl_mapping, lgsl, providing_tiers

from ._model import ServiceInfo
from ._text import slugify

ALL: Final = "all"
_MAJORITY: Final = 0.75
_TRAILING_DASH = re.compile(r"\s*-\s*$")


def tiers_of(tier: str) -> frozenset[str]:
    """Council tiers named by a tier value (``county/unitary`` -> {county, unitary})."""
    if tier in ("", ALL):
        return frozenset({"county", "district", "unitary"})
    return frozenset(tier.split("/"))


def provided_by(lgsl_id: int, council_tier: str) -> bool:
    """Whether a council of ``council_tier`` provides LGSL ``lgsl_id`` per the data (an
    unknown providing tier counts as provided by everyone)."""
    tiers = providing_tiers(lgsl_id)
    return not tiers or council_tier in tiers


def _atoz_term(tax: Taxonomy, term_id: int) -> int:
    """The LGCL term an A-Z lists the service under: the term itself if flagged for the A-Z,
    else the nearest broader term that is."""
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
    return tax.preferred_for(term_id).id


def _title(name: str, category: str) -> str:
    name = _TRAILING_DASH.sub("", name.strip())
    low, cat = name.lower(), category.lower()
    if cat in low or low in cat or len(name.split()) > 3:
        return name[0].upper() + name[1:]
    return f"{category}: {name[0].lower() + name[1:]}"


@functools.cache
def all_services() -> MappingProxyType[int, ServiceInfo]:
    tax, ipsv_tax, gcl_tax = lgcl(), ipsv(), gcl()
    to_gcl = lgcl_gcl_mapping()
    services = lgsl()

    by_term: dict[int, set[str]] = defaultdict(set)
    by_top: dict[int, Counter[str]] = defaultdict(Counter)
    for svc in services.values():
        if svc.tier and svc.lgcl_ids:
            term = tax.preferred_for(svc.lgcl_ids[0])
            by_term[term.id].add(svc.tier)
            if term.top_level_id is not None:
                by_top[term.top_level_id][svc.tier] += 1

    def inferred(term_id: int) -> str:
        term = tax.preferred_for(term_id)
        tiers = by_term.get(term.id, set())
        if len(tiers) == 1:
            return next(iter(tiers))
        broader: set[str] = set()
        for b in term.broader_ids:
            broader |= by_term.get(b, set())
        if len(broader) == 1:
            return next(iter(broader))
        counts = by_top.get(term.top_level_id or -1)
        if counts:
            tier, n = counts.most_common(1)[0]
            if n / sum(counts.values()) >= _MAJORITY:
                return tier
        return ALL

    out: dict[int, ServiceInfo] = {}
    for lgsl_id, svc in sorted(services.items()):
        if not svc.lgcl_ids or svc.lgcl_ids[0] not in tax.by_id:
            continue
        term = tax.preferred_for(svc.lgcl_ids[0])
        atoz = tax.by_id[_atoz_term(tax, term.id)]
        top = tax.top_level(term)
        top_name = top.name if top is not None else term.name
        ipsv_term = ipsv_tax.lookup(term.name) or ipsv_tax.lookup(atoz.name)
        gcl_ids = to_gcl.get(term.id, ())
        gcl_name = gcl_tax.by_id[gcl_ids[0]].name if gcl_ids else "Local government"
        title = _title(svc.name, term.name)
        out[lgsl_id] = ServiceInfo(
            lgsl_id=lgsl_id,
            name=svc.name,
            title=title,
            slug=slugify(title)[:60].strip("-"),
            lgcl_id=term.id,
            lgcl_name=term.name,
            atoz_id=atoz.id,
            atoz_name=atoz.name,
            top_name=top_name,
            top_slug=slugify(top_name),
            ipsv_name=ipsv_tax.preferred_for(ipsv_term).name if ipsv_term else "Local government",
            gcl_name=gcl_name,
            tier=svc.tier,
            host_tier=svc.tier or inferred(term.id),
        )
    return MappingProxyType(out)
