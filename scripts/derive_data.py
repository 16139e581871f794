#!/usr/bin/env python3
"""Derive poaudit's project data (``config/data/``) from the shared research data.

Usage (from the repository root)::

    python scripts/derive_data.py --shared ../shared/data --out config/data

Inputs are the files described in ``shared/data/PROVENANCE.md``. The taxonomies are rebuilt from
the APLAWS XML originals (``taxonomies/aplaws-esd-2004/``), not from the flattened CSVs in
``derived/``; the council list starts from ``derived/england_councils_2004-05_derived.csv`` and is
re-checked against the mySociety and local-links-manager files.

The output is deterministic: rows are sorted, CSVs are UTF-8 with ``\\n`` line endings, and the
attribution file carries no timestamps, so re-running the script reproduces ``config/data/``
byte for byte (``tests/test_taxonomy.py`` checks this). Expected counts are asserted; the script
exits non-zero with a message when the sources do not match them. Data defects that the script
works around are reported on stderr.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

NS = "{http://xmlns.redhat.com/london/terms/1.0}"
APLAWS = Path("taxonomies") / "aplaws-esd-2004"

# Expected counts (PROVENANCE.md and standards.md §2-3, re-verified against the XML originals).
# NB: the docs say 636 preferred LGCL terms are flagged inAtoZ; both the XML and the derived CSV
# give 644 (see the report in ATTRIBUTION.md).
EXPECTED = {
    "lgcl_terms": 3714,
    "lgcl_preferred": 1412,
    "lgcl_preferred_atoz": 644,
    "lgcl_roots": 14,
    "ipsv_terms": 7923,
    "ipsv_preferred": 3080,
    "ipsv_roots": 16,
    "lgsl_services": 672,
    "gcl_terms": 1813,
    "lgcl_gcl_pairs": 653,
    "govuk_services": 117,
    "councils": 388,
    "deep_links": 7405,
}

COUNCIL_TYPE_COUNTS = {
    "county": 34,
    "district": 238,
    "metropolitan district": 36,
    "London borough": 32,
    "City of London (sui generis)": 1,
    "unitary": 46,
    "Isles of Scilly (sui generis)": 1,
}

# Service-provision tier per council type: only counties and (non-metropolitan) districts share
# services; every other type provides both tiers' services and is "unitary" for that purpose.
TIER_OF_TYPE = {"county": "county", "district": "district"}

SHORT_NAME_SUFFIXES = (
    " Metropolitan Borough Council",
    " Metropolitan District Council",
    " City and District Council",
    " District Council",
    " Borough Council",
    " County Council",
    " City Council",
    " Council",
    " Corporation",
)
SHORT_NAME_PREFIXES = (
    "London Borough of ",
    "Royal Borough of ",
    "Borough Council of ",
    "Council of the ",
    "Borough of ",
    "City of ",
)


class DataError(Exception):
    """The shared data does not have the expected shape or counts."""


def warn(message: str) -> None:
    print(f"derive_data: {message}", file=sys.stderr)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise DataError(message)


def clean(text: str) -> str:
    """Strip and collapse internal whitespace runs (source names contain stray double spaces)."""
    return " ".join(text.split())


def bool_text(value: bool) -> str:
    return "true" if value else "false"


def join_ids(ids: Iterable[int]) -> str:
    return ";".join(str(i) for i in ids)


# --------------------------------------------------------------------------------------------
# APLAWS terms XML


@dataclass(frozen=True)
class XmlTerm:
    id: int
    name: str
    in_atoz: bool


@dataclass(frozen=True)
class Pair:
    source: int
    destination: int
    is_default: bool


def read_domain(path: Path) -> list[XmlTerm]:
    root = ET.parse(path).getroot()
    check(root.tag == NS + "domain", f"{path}: not a terms:domain document")
    terms = [
        XmlTerm(int(el.attrib["id"]), clean(el.attrib["name"]), el.get("inAtoZ") == "true")
        for el in root.findall(NS + "term")
    ]
    check(len({t.id for t in terms}) == len(terms), f"{path}: duplicate term ids")
    return terms


def _pair_id(pair: ET.Element, part: str, path: Path) -> tuple[int, ET.Element]:
    holder = pair.find(NS + part)
    term = holder.find(NS + "term") if holder is not None else None
    check(holder is not None and term is not None, f"{path}: orderedPair without {part}")
    assert holder is not None and term is not None
    return int(term.attrib["id"]), holder


def read_pairs(path: Path) -> tuple[list[int], list[Pair]]:
    """Root term ids (hierarchies only) and the ordered pairs of a hierarchy/synonyms/mapping."""
    root = ET.parse(path).getroot()
    roots = [int(el.attrib["id"]) for el in root.findall(NS + "term")]
    pairs: list[Pair] = []
    for el in root.findall(NS + "orderedPair"):
        source, _ = _pair_id(el, "source", path)
        destination, holder = _pair_id(el, "destination", path)
        pairs.append(Pair(source, destination, holder.get("isDefault", "true") == "true"))
    return roots, pairs


@dataclass(frozen=True)
class ThesaurusRow:
    id: int
    name: str
    preferred: bool
    in_atoz: bool
    broader_ids: tuple[int, ...]
    top_level_id: int | None
    use_preferred_id: int | None


def derive_thesaurus(shared: Path, key: str) -> list[ThesaurusRow]:
    """Flatten an APLAWS domain + hierarchy + synonyms triple (LGCL 1.04, IPSV 2.00).

    In these files a *synonyms* pair is preferred term -> lead-in (non-preferred) term, and the
    hierarchy lists lead-ins again as "narrower" terms of their preferred term; those pairs are
    dropped so ``broader_ids`` is the preferred -> preferred hierarchy only. The default broader
    term (``isDefault="true"``) comes first, other broader terms follow in id order, and
    ``top_level_id`` follows the chain of default broader terms up to a root.
    """
    base = shared / APLAWS
    terms = read_domain(base / f"domain-{key}.xml")
    roots, hierarchy = read_pairs(base / f"hierarchy-{key}.xml")
    _, synonyms = read_pairs(base / f"synonyms-{key}.xml")
    ids = {t.id for t in terms}

    lead_ins = {p.destination for p in synonyms}
    check(not lead_ins & {p.source for p in synonyms}, f"{key}: a lead-in has lead-ins")
    use_preferred: dict[int, int] = {}
    for p in synonyms:
        if p.is_default:
            check(p.destination not in use_preferred, f"{key}: lead-in {p.destination} has "
                  "two default preferred terms")
            use_preferred[p.destination] = p.source
    check(set(use_preferred) == lead_ins, f"{key}: lead-in without a default preferred term")

    broader: dict[int, list[Pair]] = defaultdict(list)
    for p in hierarchy:
        check(p.source in ids and p.destination in ids, f"{key}: hierarchy id not in domain")
        check(p.source not in lead_ins, f"{key}: lead-in {p.source} has narrower terms")
        if p.destination in lead_ins:
            continue  # lead-in listed under its preferred term; not part of the hierarchy
        broader[p.destination].append(p)

    def default_parent(term_id: int) -> int:
        defaults = [p.source for p in broader[term_id] if p.is_default]
        check(len(defaults) == 1, f"{key}: term {term_id} has {len(defaults)} default parents")
        return defaults[0]

    top_cache: dict[int, int] = {}

    def top_level(term_id: int) -> int:
        seen: list[int] = []
        current = term_id
        while current not in roots and current not in top_cache:
            check(current not in seen, f"{key}: cycle in default hierarchy at {current}")
            seen.append(current)
            current = default_parent(current)
        top = top_cache.get(current, current)
        for visited in seen:
            top_cache[visited] = top
        return top

    rows: list[ThesaurusRow] = []
    for t in sorted(terms, key=lambda t: t.id):
        if t.id in lead_ins:
            check(not broader[t.id], f"{key}: lead-in {t.id} has broader terms")
            rows.append(ThesaurusRow(t.id, t.name, False, t.in_atoz, (), None,
                                     use_preferred[t.id]))
            continue
        parents = sorted(broader[t.id], key=lambda p: (not p.is_default, p.source))
        if t.id in roots:
            check(not parents, f"{key}: root {t.id} has broader terms")
        else:
            check(bool(parents), f"{key}: preferred term {t.id} is outside the hierarchy")
        rows.append(ThesaurusRow(t.id, t.name, True, t.in_atoz,
                                 tuple(p.source for p in parents), top_level(t.id), None))
    return rows


# --------------------------------------------------------------------------------------------
# CSV helpers


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            check(len(row) == len(header), f"{path.name}: row width {len(row)} != header")
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


# --------------------------------------------------------------------------------------------
# Individual outputs


def build_lgcl(shared: Path, out: Path) -> tuple[int, set[int], set[int]]:
    rows = derive_thesaurus(shared, "lgcl-1.04")
    preferred = [r for r in rows if r.preferred]
    check(len(rows) == EXPECTED["lgcl_terms"], f"LGCL: {len(rows)} terms")
    check(len(preferred) == EXPECTED["lgcl_preferred"], f"LGCL: {len(preferred)} preferred")
    atoz = sum(1 for r in preferred if r.in_atoz)
    check(atoz == EXPECTED["lgcl_preferred_atoz"], f"LGCL: {atoz} preferred A-Z terms")
    roots = {r.id for r in preferred if r.top_level_id == r.id}
    check(len(roots) == EXPECTED["lgcl_roots"], f"LGCL: {len(roots)} top-level terms")
    count = write_csv(
        out / "lgcl-1.04.csv",
        ["id", "name", "preferred", "in_atoz", "broader_ids", "top_level_id",
         "use_preferred_id"],
        ([r.id, r.name, bool_text(r.preferred), bool_text(r.in_atoz), join_ids(r.broader_ids),
          r.top_level_id, r.use_preferred_id] for r in rows),
    )
    return count, {r.id for r in rows}, {r.id for r in preferred}


def build_ipsv(shared: Path, out: Path) -> int:
    rows = derive_thesaurus(shared, "ipsv-2.00")
    preferred = [r for r in rows if r.preferred]
    check(len(rows) == EXPECTED["ipsv_terms"], f"IPSV: {len(rows)} terms")
    check(len(preferred) == EXPECTED["ipsv_preferred"], f"IPSV: {len(preferred)} preferred")
    roots = {r.id for r in preferred if r.top_level_id == r.id}
    check(len(roots) == EXPECTED["ipsv_roots"], f"IPSV: {len(roots)} top-level terms")
    return write_csv(
        out / "ipsv-2.00.csv",
        ["id", "name", "preferred", "use_preferred_id", "broader_ids"],
        ([r.id, r.name, bool_text(r.preferred), r.use_preferred_id, join_ids(r.broader_ids)]
         for r in rows),
    )


def build_gcl(shared: Path, out: Path, lgcl_preferred: set[int]) -> tuple[int, int]:
    """GCL 2.10 terms and the LGCL 1.04 -> GCL 2.10 crosswalk.

    The APLAWS bundle has no GCL hierarchy or synonyms file (files-1.04.txt comments the GCL
    hierarchy out), so every GCL term is listed as preferred with no broader terms.
    """
    terms = read_domain(shared / APLAWS / "domain-gcl-2.10.xml")
    check(len(terms) == EXPECTED["gcl_terms"], f"GCL: {len(terms)} terms")
    _, mapping = read_pairs(shared / APLAWS / "mapping-lgcl-1.04-gcl-2.10.xml")
    gcl_ids = {t.id for t in terms}
    pairs = sorted({(p.source, p.destination) for p in mapping})
    check(len(pairs) == EXPECTED["lgcl_gcl_pairs"], f"LGCL->GCL: {len(pairs)} pairs")
    for lgcl_id, gcl_id in pairs:
        check(lgcl_id in lgcl_preferred, f"LGCL->GCL: {lgcl_id} is not a preferred LGCL term")
        check(gcl_id in gcl_ids, f"LGCL->GCL: unknown GCL id {gcl_id}")
    n_terms = write_csv(
        out / "gcl-2.10.csv",
        ["id", "name", "preferred", "broader_ids"],
        ([t.id, t.name, "true", ""] for t in sorted(terms, key=lambda t: t.id)),
    )
    n_pairs = write_csv(out / "lgcl-gcl-mapping.csv", ["lgcl_id", "gcl_id"], pairs)
    return n_terms, n_pairs


def build_lgsl(shared: Path, out: Path, lgcl_preferred: set[int]) -> tuple[int, dict[str, int]]:
    services = read_domain(shared / APLAWS / "domain-lgsl-2.01.xml")
    check(len(services) == EXPECTED["lgsl_services"], f"LGSL: {len(services)} services")
    _, mapping = read_pairs(shared / APLAWS / "mapping-lgcl-1.04-lgsl-2.01.xml")
    lgcl_ids: dict[int, set[int]] = defaultdict(set)
    for p in mapping:
        check(p.source in lgcl_preferred, f"LGCL->LGSL: {p.source} is not a preferred LGCL term")
        lgcl_ids[p.destination].add(p.source)
    service_ids = {s.id for s in services}
    check(set(lgcl_ids) <= service_ids, "LGCL->LGSL: mapping to an unknown LGSL id")

    govuk_path = shared / "services" / "govuk-publisher_local_services.csv"
    govuk = read_csv(govuk_path)
    check(len(govuk) == EXPECTED["govuk_services"], f"GOV.UK services: {len(govuk)} rows")
    check(list(govuk[0]) == ["LGSL", "Description", "Providing Tier"], "GOV.UK header changed")
    tiers: dict[int, tuple[str, str]] = {}
    for row in govuk:
        lgsl_id = int(row["LGSL"])
        check(lgsl_id not in tiers, f"GOV.UK services: LGSL {lgsl_id} twice")
        tier = row["Providing Tier"].strip()
        check(tier in {"county/unitary", "district/unitary", "all"}, f"GOV.UK tier {tier!r}")
        tiers[lgsl_id] = (tier, clean(row["Description"]))
    outside = sorted(set(tiers) - service_ids)
    if outside:
        warn(f"{len(outside)} GOV.UK LGSL ids are not in LGSL 2.01 (later additions, dropped): "
             f"{join_ids(outside)}")
    count = write_csv(
        out / "lgsl-2.01.csv",
        ["lgsl_id", "name", "lgcl_ids", "tier", "govuk_description"],
        ([s.id, s.name, join_ids(sorted(lgcl_ids[s.id])), *tiers.get(s.id, ("", ""))]
         for s in sorted(services, key=lambda s: s.id)),
    )
    tier_counts = Counter(tiers[s.id][0] for s in services if s.id in tiers)
    return count, dict(sorted(tier_counts.items()))


# --------------------------------------------------------------------------------------------
# Councils


def short_name(name: str) -> str:
    """Name without its council-type words: ``Mid Suffolk District Council`` -> ``Mid Suffolk``,
    ``London Borough of Brent`` -> ``Brent``, ``City of London Corporation`` -> ``City of London``.
    """
    short = name
    for suffix in SHORT_NAME_SUFFIXES:
        if short.endswith(suffix):
            short = short[: -len(suffix)]
            break
    for prefix in SHORT_NAME_PREFIXES:
        # "City of London" must stay as it is: "London" alone would mean Greater London.
        if short.startswith(prefix) and short != "City of London":
            short = short[len(prefix):]
            break
    return short


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass(frozen=True)
class LlmAuthority:
    gss: str
    snac: str
    slug: str
    name: str


def read_llm(path: Path) -> list[LlmAuthority]:
    rows = []
    for row in read_csv(path):
        if row["country_name"] != "England":
            continue
        if "DUPLICATE" in row["snac"]:
            # 2022 file: "Buckinghamshire County Council", snac 11-DUPLICATE, slug
            # buckinghamshire-county-council - an import artefact; the county's GOV.UK slug
            # while it existed was "buckinghamshire" (as used in the 2017 fallback links).
            warn(f"ignoring local-links-manager row {row['slug']!r} (snac {row['snac']})")
            continue
        rows.append(LlmAuthority(row["gss"], row["snac"], row["slug"], clean(row["name"])))
    return rows


def build_councils(shared: Path, out: Path, link_slugs: set[str]) -> tuple[int, int]:
    source = read_csv(shared / "derived" / "england_councils_2004-05_derived.csv")
    check(len(source) == EXPECTED["councils"], f"councils: {len(source)} rows")
    type_counts = Counter(r["type"] for r in source)
    check(type_counts == Counter(COUNCIL_TYPE_COUNTS), f"councils: type counts {type_counts}")

    by_snac = {r["snac"]: r for r in source}
    check(len(by_snac) == len(source), "councils: duplicate SNAC")
    counties = {r["snac"]: r for r in source if r["type"] == "county"}

    # Cross-check the district -> county parent (taken from the SNAC prefix) with mySociety's
    # county-la; report disagreements (known: Forest Heath county-la=SRY, should be SFK).
    mysoc = read_csv(shared / "authorities" / "mysociety_uk_local_authorities_future.csv")
    mysoc_by_code = {r["local-authority-code"]: r for r in mysoc}
    mysoc_by_gss = {r["gss-code"]: r for r in mysoc if r["gss-code"]}

    llm_current = read_llm(shared / "authorities" / "llm_local-authorities_current.csv")
    llm_2022 = read_llm(shared / "authorities" / "llm_local-authorities_2022-07-27.csv")

    def slug_index(field: str, llm: list[LlmAuthority]) -> dict[str, str]:
        return {getattr(a, field): a.slug for a in llm if getattr(a, field)}

    # Slug candidates in this order: local-links-manager by GSS (current, then 2022 file),
    # mySociety's gov-uk-slug by GSS, local-links-manager by SNAC, by exact name (Durham County
    # Council -> county-durham), then the slugified short name. The first candidate that the
    # (2017) fallback links use wins, so renamed councils keep the slug of the time (Folkestone
    # and Hythe -> "shepway"); when none is used, the first candidate.
    slug_indexes = [
        ("gss", slug_index("gss", llm_current)),
        ("gss", slug_index("gss", llm_2022)),
        ("gss", {r["gss-code"]: r["gov-uk-slug"] for r in mysoc
                 if r["gss-code"] and r["gov-uk-slug"]}),
        ("snac", slug_index("snac", llm_current)),
        ("snac", slug_index("snac", llm_2022)),
        ("name", slug_index("name", llm_current)),
        ("name", slug_index("name", llm_2022)),
    ]

    rows = []
    for r in source:
        name = clean(r["name"])
        if name != r["name"]:
            warn(f"council name {r['name']!r} has stray whitespace; cleaned")
        tier = TIER_OF_TYPE.get(r["type"], "unitary")
        parent_snac = ""
        parent_name = ""
        if tier == "district":
            parent_snac = r["snac"][:2]
            check(parent_snac in counties, f"{name}: no county with SNAC {parent_snac}")
            parent_name = clean(counties[parent_snac]["name"])
            check((parent_name, parent_snac) == (clean(r["parent_county"]), r["parent_snac"]),
                  f"{name}: derived parent disagrees with SNAC prefix")
            ms = mysoc_by_gss.get(r["gss"])
            if ms is not None and ms["county-la"]:
                ms_county = mysoc_by_code.get(ms["county-la"])
                ms_snac = ms_county["snac"] if ms_county else "?"
                if ms_snac != parent_snac:
                    warn(f"{name}: mySociety county-la={ms['county-la']} (SNAC {ms_snac}) "
                         f"disagrees with SNAC prefix {parent_snac}; using {parent_name}")
        else:
            check(not r["parent_snac"], f"{name}: non-district with a parent")

        keys = {"gss": r["gss"], "snac": r["snac"], "name": name}
        candidates = [index[keys[field]] for field, index in slug_indexes
                      if keys[field] and keys[field] in index]
        candidates.append(slugify(short_name(name)))
        linked = [c for c in candidates if c in link_slugs]
        slug = linked[0] if linked else candidates[0]
        if slug != candidates[0]:
            warn(f"{name}: slug {slug!r} (used in the fallback links) rather than "
                 f"{candidates[0]!r}")
        rows.append([name, short_name(name), r["type"], tier, r["snac"], r["gss"], parent_name,
                     parent_snac, r["homepage_url_current"].strip(), slug])

    slugs = Counter(row[9] for row in rows)
    check(all(n == 1 for n in slugs.values()),
          f"councils: duplicate slugs {[s for s, n in slugs.items() if n > 1]}")
    missing = sorted(s for s in slugs if s not in link_slugs)
    warn(f"{len(slugs) - len(missing)} of {len(slugs)} council slugs have fallback deep links")
    rows.sort(key=lambda row: (row[0].casefold(), row[4]))
    count = write_csv(
        out / "councils-england-2004.csv",
        ["name", "short_name", "type", "tier", "snac", "gss", "parent_county", "parent_snac",
         "homepage_url", "slug"],
        rows,
    )
    return count, len(slugs) - len(missing)


def read_deep_links(shared: Path) -> list[tuple[str, int, int, str]]:
    """The local-links-manager fallback links; the header names 4 columns but rows have 6."""
    path = shared / "services" / "llm_lgsl_lgil_fallback_links.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        check(header == ["la", "lgsl", "lgil", "link"], f"{path.name}: header {header}")
        links = []
        for line_no, row in enumerate(reader, start=2):
            check(len(row) == 6, f"{path.name}:{line_no}: {len(row)} fields, expected 6")
            la_slug, _lgsl_slug, _lgil_slug, url, lgsl_id, lgil_id = row
            links.append((la_slug, int(lgsl_id), int(lgil_id), url.strip()))
    check(len(links) == EXPECTED["deep_links"], f"deep links: {len(links)} rows")
    check(len(set(links)) == len(links), "deep links: duplicate rows")
    return sorted(links)


# --------------------------------------------------------------------------------------------
# Attribution

ESD = (
    "Repository `libreccm/ccm` (APLAWS+/LibreCCM), commit "
    "`fe58bbce2cc66edb512aa44cff50719b459181b3` (2019-11-30), directory "
    "`ccm-ldn-terms/doc/esd/` (`xml-1.04/` and `xml-ipsv/`)"
)
ESD_LICENCE = (
    "Repository licence LGPL-2.1 (`LICENSE.txt`). Content: the esd-toolkit / LAWs national "
    "project lists (ODPM-funded, published at www.esd.org.uk/standards, Porism/LAWs as "
    "publisher). No separate licence text for the 2004 lists was found; the current "
    "esd-toolkit (LG Inform Plus) lists state \"licensed under the Open Government Licence and "
    "must be attributed to the esd-toolkit programme\". Treated as OGL-style; attribution: "
    "**esd-toolkit / LAWs**."
)
GOVUK_PUBLISHER = (
    "Repository `alphagov/publisher`, path `data/local_services.csv`, commit "
    "`a51e3588de140f82cd76866a3796ba69bfd331e4` (file last changed `71d85309…`, 2025-07-02). "
    "Licence: MIT (Crown copyright GDS)."
)
LLM_CURRENT = (
    "Repository `alphagov/local-links-manager`, path `data/local-authorities.csv`, commit "
    "`a9e5e8ed7bd9cb7269529cee8fe3df632c3c0098`. Licence: MIT."
)
LLM_2022 = (
    "Repository `alphagov/local-links-manager`, path `data/local-authorities.csv`, commit "
    "`a9e8b570e5bd45b62205feb05efe40306a0d89f5` (first version, 2022-07-27). Licence: MIT."
)
MYSOCIETY = (
    "Repository `mysociety/uk_local_authority_names_and_codes`, path "
    "`data/packages/uk_la_future/uk_local_authorities_future.csv`, commit "
    "`67ef8b118938678401a452f4f19f669a7221cc73`. Licence: code MIT; data package CC-BY-4.0 "
    "(`datapackage.yaml`). Attribution: **mySociety**, CC-BY-4.0."
)
MAPIT = (
    "Repository `mysociety/mapit`, path `mapit_gb/data/initial-fix-ups.sql`, commit "
    "`d4f413d60938f5ef3257ddb7797e9a6acb9f7032` (the 38 English councils abolished on "
    "1 April 2009, with ONS SNAC codes). Licence: mySociety (AGPL code); data from ONS/OS "
    "Boundary-Line (OGL)."
)
LLM_LINKS = (
    "Repository `alphagov/local-links-manager`, path `lgsl_lgil_fallback_links.csv`, commit "
    "`a9e5e8ed7bd9cb7269529cee8fe3df632c3c0098` (file dated 2017-04-11). Licence: MIT."
)


def attribution(counts: dict[str, str]) -> str:
    def section(file: str, what: str, sources: Sequence[str], notes: str = "") -> str:
        lines = [f"## `{file}` ({counts[file]})", "", what, "", "Sources:", ""]
        lines += [f"- {s}" for s in sources]
        if notes:
            lines += ["", notes]
        return "\n".join(lines) + "\n"

    parts = [
        "# Attribution and provenance of `config/data/`\n",
        "These files are **derived copies**, not originals: they were generated by "
        "`scripts/derive_data.py` from the research copies in `shared/data/` (see "
        "`shared/data/PROVENANCE.md`), which were themselves copied byte-for-byte from the "
        "public repositories named below. The derivation reshapes, sorts and joins the data and "
        "fixes whitespace; it adds no information of its own except the council `tier`, "
        "`short_name` and fallback `slug` rules documented in the script. Re-running "
        "`python scripts/derive_data.py --shared ../shared/data --out config/data` reproduces "
        "these files byte for byte.\n",
        "The content owners' terms apply to each file. Every file built from the esd-toolkit "
        "lists must carry the attribution \"esd-toolkit / LAWs\"; files built from mySociety data "
        "must credit mySociety (CC-BY-4.0).\n",
        section(
            "lgcl-1.04.csv",
            "Local Government Category List 1.04 (released 2004-08-12): every term, preferred "
            "flag, inAtoZ flag, preferred->preferred broader terms (default first), top-level "
            "term (via default broader terms), and the preferred term of each lead-in term.",
            [f"{ESD}: `domain-lgcl-1.04.xml`, `hierarchy-lgcl-1.04.xml`, "
             f"`synonyms-lgcl-1.04.xml`. {ESD_LICENCE}"],
            f"`shared/data/PROVENANCE.md` and `shared/reference/standards.md` say 636 preferred "
            f"terms are flagged inAtoZ; the XML (and `shared/data/derived/lgcl-1.04_terms.csv`) "
            f"give {counts['lgcl_atoz']}. Where a term has several broader terms, "
            "`top_level_id` follows the default one; the shared derived CSV follows the "
            "shortest path instead and differs for 32 terms.",
        ),
        section(
            "ipsv-2.00.csv",
            "Integrated Public Sector Vocabulary 2.00 (released 2006-05-24): terms, preferred "
            "flag, preferred term of each lead-in, broader terms (default first).",
            [f"{ESD}: `domain-ipsv-2.00.xml`, `hierarchy-ipsv-2.00.xml`, "
             f"`synonyms-ipsv-2.00.xml`. {ESD_LICENCE}"],
        ),
        section(
            "gcl-2.10.csv",
            "Government Category List 2.10 (released 2004-08-12). The source bundle has no GCL "
            "hierarchy or synonyms, so all terms are listed as preferred, without broader terms.",
            [f"{ESD}: `domain-gcl-2.10.xml`. {ESD_LICENCE}"],
        ),
        section(
            "lgcl-gcl-mapping.csv",
            "Crosswalk LGCL 1.04 -> GCL 2.10.",
            [f"{ESD}: `mapping-lgcl-1.04-gcl-2.10.xml`. {ESD_LICENCE}"],
        ),
        section(
            "lgsl-2.01.csv",
            "Local Government Service List 2.01 (released 2004-07-19) with its LGCL 1.04 "
            "categories; `tier` and `govuk_description` are GOV.UK's current 'Providing Tier' and "
            "description for the same LGSL number (empty where GOV.UK does not list it). "
            f"Tier counts: {counts['lgsl_tiers']}.",
            [f"{ESD}: `domain-lgsl-2.01.xml`, `mapping-lgcl-1.04-lgsl-2.01.xml`. {ESD_LICENCE}",
             GOVUK_PUBLISHER],
            "GOV.UK lists 15 LGSL numbers that are not in LGSL 2.01 (later additions); they are "
            "not included.",
        ),
        section(
            "councils-england-2004.csv",
            "The 388 English principal councils of 2004/05 with SNAC (and, where one exists, "
            "GSS) codes, district -> county parent (from the SNAC prefix), service tier, "
            "short name, today's homepage URL (often a successor council's; none for councils "
            "abolished in 2009) and GOV.UK local-links-manager slug.",
            ["`shared/data/derived/england_councils_2004-05_derived.csv`, built for this project "
             "from the sources below (see PROVENANCE.md, `derived/`).",
             MYSOCIETY, MAPIT, LLM_CURRENT + " (homepage URLs, slugs)", LLM_2022 + " (slugs)"],
            "Corrections and caveats: Forest Heath's parent is Suffolk (SNAC 42UC; mySociety's "
            "`county-la` says SRY, Surrey); stray whitespace in \"North Somerset  Council\" "
            "removed; the 2022 local-links-manager row `buckinghamshire-county-council` (snac "
            "`11-DUPLICATE`) is ignored, so the county keeps its slug of the time, "
            "`buckinghamshire`; where candidate slugs differ, the one the fallback links use wins "
            "(Folkestone and Hythe -> `shepway`); councils without GSS/SNAC match take a slug by "
            "exact name (Durham County Council -> `county-durham`, its namesake successor) or "
            "the slugified short name. Council names are mySociety's current official "
            "names (\"Folkestone and Hythe\" was Shepway in 2004; Greenwich became a Royal "
            "Borough in 2012). Some homepage hosts are shared by several 2004 councils (merged "
            "or shared successor sites, e.g. westsuffolk.gov.uk).",
        ),
        section(
            "council-deep-links.csv",
            "Real council deep links by LGSL service and LGIL interaction (the GOV.UK/Local "
            "Directgov fallback links). The source header says `la,lgsl,lgil,link` but each row "
            "has six fields (la slug, lgsl slug, lgil slug, url, LGSL number, LGIL number); the "
            "numbers are used. It includes Scottish and Welsh councils (slugs not in "
            "`councils-england-2004.csv`); URLs are kept verbatim (one contains a space).",
            [LLM_LINKS],
        ),
    ]
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------


def derive(shared: Path, out: Path) -> dict[str, str]:
    check(shared.is_dir(), f"shared data directory {shared} not found")
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, str] = {}

    n, _, lgcl_preferred = build_lgcl(shared, out)
    counts["lgcl-1.04.csv"] = f"{n} rows"
    counts["lgcl_atoz"] = str(EXPECTED["lgcl_preferred_atoz"])
    counts["ipsv-2.00.csv"] = f"{build_ipsv(shared, out)} rows"
    n_gcl, n_map = build_gcl(shared, out, lgcl_preferred)
    counts["gcl-2.10.csv"] = f"{n_gcl} rows"
    counts["lgcl-gcl-mapping.csv"] = f"{n_map} rows"
    n, tiers = build_lgsl(shared, out, lgcl_preferred)
    counts["lgsl-2.01.csv"] = f"{n} rows"
    counts["lgsl_tiers"] = ", ".join(f"{k} {v}" for k, v in tiers.items())
    counts["lgsl_tiers"] += f", none {n - sum(tiers.values())}"

    links = read_deep_links(shared)
    n, with_links = build_councils(shared, out, {link[0] for link in links})
    counts["councils-england-2004.csv"] = f"{n} rows; {with_links} with fallback deep links"
    n = write_csv(out / "council-deep-links.csv", ["council_slug", "lgsl_id", "lgil_id", "url"],
                  links)
    counts["council-deep-links.csv"] = f"{n} rows"

    (out / "ATTRIBUTION.md").write_text(attribution(counts), encoding="utf-8", newline="\n")
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=repo.parent / "shared" / "data",
                        help="the shared/data directory (default: ../shared/data of the repo)")
    parser.add_argument("--out", type=Path, default=repo / "config" / "data",
                        help="output directory (default: config/data of the repo)")
    args = parser.parse_args(argv)
    try:
        counts = derive(args.shared, args.out)
    except (DataError, OSError, KeyError, ValueError) as exc:
        print(f"derive_data: error: {exc}", file=sys.stderr)
        return 1
    for name, count in counts.items():
        if name.endswith((".csv", ".md")):
            print(f"{args.out / name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
