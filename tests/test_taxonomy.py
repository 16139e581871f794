"""Taxonomy data (config/data) and loaders; reproducibility of scripts/derive_data.py."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import pytest

from poaudit.taxonomy import (
    gcl,
    ipsv,
    lgcl,
    lgcl_gcl_mapping,
    lgsl,
    normalise_label,
    providing_tiers,
)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "config" / "data"
SCRIPT = REPO / "scripts" / "derive_data.py"
DERIVED_FILES = {
    "lgcl-1.04.csv",
    "lgsl-2.01.csv",
    "ipsv-2.00.csv",
    "gcl-2.10.csv",
    "lgcl-gcl-mapping.csv",
    "councils-england-2004.csv",
    "council-deep-links.csv",
    "ATTRIBUTION.md",
}


def _shared_data() -> Path | None:
    for candidate in (Path("/work/shared/data"), REPO.parent / "shared" / "data"):
        if (candidate / "PROVENANCE.md").is_file():
            return candidate
    return None


# --- normalise_label --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Parks & open spaces", "parks and open spaces"),
        ("  Self-employed ", "self employed"),
        ("Traders\u2019 rights", "traders' rights"),
        ("Citizens' charter", "CITIZENS CHARTER"),
        ("Council\u00a0tax", "council tax"),
        ("Planning: applications / appeals", "planning applications appeals"),
    ],
)
def test_normalise_label_folds_equivalents(a: str, b: str) -> None:
    assert normalise_label(a) == normalise_label(b)


def test_normalise_label_keeps_distinct_words_distinct() -> None:
    assert normalise_label("Council tax") == "council tax"
    assert normalise_label("Council tax") != normalise_label("Council taxi")
    assert normalise_label("A&E") == "a and e"
    assert normalise_label("!!!") == ""


# --- LGCL -----------------------------------------------------------------------------------


def test_lgcl_counts() -> None:
    terms = list(lgcl())
    preferred = [t for t in terms if t.preferred]
    assert len(terms) == 3714
    assert len(preferred) == 1412
    assert len(terms) - len(preferred) == 2302
    # PROVENANCE.md / standards.md say 636; the XML original (and the shared derived CSV)
    # flag 644 preferred terms inAtoZ. The loader must reflect the source, not the prose.
    assert len(lgcl().atoz_terms()) == 644
    assert all(t.preferred and t.in_atoz for t in lgcl().atoz_terms())


def test_lgcl_top_level_categories() -> None:
    roots = {t.name for t in lgcl() if t.preferred and t.top_level_id == t.id}
    assert len(roots) == 14
    assert {"Business", "Housing", "Transport and streets", "Obsolete terms",
            "Council, government and democracy"} <= roots


def test_lgcl_lead_in_resolves_to_preferred_term() -> None:
    tax = lgcl()
    lead_in = tax.lookup("Building sites")
    assert lead_in is not None
    assert (lead_in.id, lead_in.preferred, lead_in.use_preferred_id) == (2, False, 3318)
    preferred = tax.preferred_for(lead_in)
    assert (preferred.id, preferred.name, preferred.preferred) == (
        3318, "Building and construction", True)
    assert tax.preferred_for(preferred) is preferred
    assert tax.preferred_for(2) is preferred
    assert tax.top_level(lead_in) == tax.by_id[1]  # Business


def test_every_lgcl_lead_in_points_at_a_preferred_term() -> None:
    tax = lgcl()
    for term in tax:
        if not term.preferred:
            assert term.use_preferred_id is not None
            assert term.broader_ids == () and term.top_level_id is None
            assert tax.by_id[term.use_preferred_id].preferred


def test_lgcl_hierarchy_is_preferred_only_default_first() -> None:
    tax = lgcl()
    for term in tax:
        for broader_id in term.broader_ids:
            assert tax.by_id[broader_id].preferred
    # 3118 has two broader terms; the default (569 Non-governmental organisations) comes first
    # and decides the top-level category (3088), not the shorter path via 93.
    charities = tax.by_id[3118]
    assert charities.broader_ids == (569, 93)
    assert charities.top_level_id == 3088
    assert tax.by_id[6].broader_ids == (5,)  # Business rates < Business finance
    assert tax.by_id[6].top_level_id == 1


def test_lgcl_lookup_is_normalised() -> None:
    tax = lgcl()
    term = tax.lookup("  COUNCIL-TAX benefits ")
    assert term is not None and term.id == 1489
    assert tax.contains_name("Citizens\u2019 Charter")
    assert tax.contains_name("building SITES")  # lead-ins count as names of the list
    assert not tax.contains_name("Council tax benefit scroungers")
    assert tax.lookup("") is None


def test_lgcl_label_clash_prefers_preferred_term() -> None:
    # "Self employed" and "Self-employed" are four lead-in terms; all normalise alike.
    term = lgcl().lookup("self employed")
    assert term is not None and not term.preferred
    assert term.id == min(t.id for t in lgcl() if normalise_label(t.name) == "self employed")
    for term in lgcl():
        found = lgcl().lookup(term.name)
        assert found is not None
        if term.preferred:
            assert found is term


def test_atoz_terms_sorted_and_a_copy() -> None:
    first = lgcl().atoz_terms()
    keys = [normalise_label(t.name) for t in first]
    assert keys == sorted(keys)
    first.clear()
    assert len(lgcl().atoz_terms()) == 644


def test_lgcl_loads_fast_from_package_data() -> None:
    lgcl.cache_clear()
    start = time.perf_counter()
    tax = lgcl()
    elapsed = time.perf_counter() - start
    assert len(tax) == 3714
    assert lgcl() is tax  # cached
    assert elapsed < 0.5, f"LGCL load took {elapsed * 1000:.0f} ms"


# --- IPSV and GCL ---------------------------------------------------------------------------


def test_ipsv_counts_and_lead_ins() -> None:
    terms = list(ipsv())
    assert len(terms) == 7923
    assert sum(t.preferred for t in terms) == 3080
    roots = [t for t in terms if t.preferred and not t.broader_ids]
    assert len(roots) == 16
    lead_in = ipsv().by_id[2]
    assert (lead_in.name, lead_in.preferred) == ("Air quality monitoring", False)
    assert ipsv().preferred_for(lead_in).name == "Environmental monitoring"
    assert ipsv().atoz_terms() == []  # the shipped IPSV file has no A-Z flag


def test_gcl_and_lgcl_mapping() -> None:
    assert len(gcl()) == 1813
    assert all(t.preferred and not t.broader_ids for t in gcl())
    assert gcl().contains_name("Dustbin collection")
    mapping = lgcl_gcl_mapping()
    assert sum(len(v) for v in mapping.values()) == 653
    assert mapping[1] == (51, 692)
    for lgcl_id, gcl_ids in mapping.items():
        assert lgcl().by_id[lgcl_id].preferred
        assert all(g in gcl().by_id for g in gcl_ids)


# --- LGSL and tiers -------------------------------------------------------------------------


def test_lgsl_services() -> None:
    services = lgsl()
    assert len(services) == 672
    council_tax = services[57]
    assert council_tax.name == "General information (incl. valuation, arrears, refunds)"
    assert council_tax.lgcl_ids == (1489,)
    assert council_tax.govuk_description == "Find out more about council tax"
    assert services[524].name == "Household waste - collection"
    assert services[557].name == "Potholes"
    assert lgcl().by_id[services[557].lgcl_ids[0]].name == "Potholes"
    for service in services.values():
        assert service.lgcl_ids and all(lgcl().by_id[i].preferred for i in service.lgcl_ids)
    services.clear()
    assert len(lgsl()) == 672  # callers get a copy


def test_lgsl_tier_values_from_govuk() -> None:
    services = lgsl()
    assert services[57].tier == "district/unitary"  # council tax is billed by districts
    assert services[524].tier == "district/unitary"  # refuse collection
    assert services[557].tier == "county/unitary"  # potholes: highway authority
    assert services[358].tier == "all"  # councillors
    tiers = [s.tier for s in services.values()]
    assert set(tiers) == {"county/unitary", "district/unitary", "all", ""}
    assert sum(1 for t in tiers if t) == 102  # 117 GOV.UK rows, 15 of them not in LGSL 2.01


def test_providing_tiers() -> None:
    assert providing_tiers(57) == frozenset({"district", "unitary"})
    assert providing_tiers(524) == frozenset({"district", "unitary"})
    assert providing_tiers(557) == frozenset({"county", "unitary"})
    assert providing_tiers(358) == frozenset({"county", "district", "unitary"})
    assert providing_tiers(1) == frozenset({"county", "unitary"})
    unknown_tier = next(i for i, s in lgsl().items() if not s.tier)
    assert providing_tiers(unknown_tier) == frozenset()
    assert providing_tiers(859) == frozenset()  # on GOV.UK but not in LGSL 2.01
    assert providing_tiers(999_999) == frozenset()


def test_all_tiers_match_council_tiers() -> None:
    with (DATA / "councils-england-2004.csv").open(encoding="utf-8", newline="") as handle:
        council_tiers = {row["tier"] for row in csv.DictReader(handle)}
    assert providing_tiers(358) == council_tiers


# --- the data files ---------------------------------------------------------------------------


def test_data_files_present_and_attributed() -> None:
    present = {p.name for p in DATA.iterdir()}
    assert present >= DERIVED_FILES
    attribution = (DATA / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for needle in ("esd-toolkit / LAWs", "OGL", "MIT (Crown copyright GDS)", "CC-BY-4.0",
                   "fe58bbce2cc66edb512aa44cff50719b459181b3",
                   "a51e3588de140f82cd76866a3796ba69bfd331e4",
                   "a9e5e8ed7bd9cb7269529cee8fe3df632c3c0098",
                   "67ef8b118938678401a452f4f19f669a7221cc73", "derived copies"):
        assert needle in attribution
    for name in DERIVED_FILES - {"ATTRIBUTION.md"}:
        assert f"`{name}`" in attribution


@pytest.mark.parametrize("name", sorted(DERIVED_FILES - {"ATTRIBUTION.md"}))
def test_csv_files_are_sorted_utf8_lf(name: str) -> None:
    raw = (DATA / name).read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    raw.decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf")


def test_derivation_is_reproducible(tmp_path: Path) -> None:
    shared = _shared_data()
    if shared is None:
        pytest.skip("shared research data (/work/shared/data or ../shared/data) is absent; "
                    "cannot re-run scripts/derive_data.py")
    out = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(shared), "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    produced = {p.name for p in out.iterdir()}
    assert produced == DERIVED_FILES
    for name in sorted(produced):
        assert (out / name).read_bytes() == (DATA / name).read_bytes(), f"{name} differs"
    # The known source defects are reported, not silently absorbed.
    assert "Forest Heath" in result.stderr and "county-la=SRY" in result.stderr


def test_derivation_fails_loudly_on_missing_source(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(tmp_path / "nowhere"),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 1
    assert "not found" in result.stderr
