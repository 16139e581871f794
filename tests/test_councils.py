"""The 2004/05 English council list, two-tier links, host lookup and deep links."""

from __future__ import annotations

from collections import Counter

import pytest

from poaudit.councils import (
    Council,
    CouncilLookupError,
    council_for_host,
    councils,
    councils_for_host,
    county_of,
    deep_links,
    districts_of,
    find_council,
    normalise_host,
    partners_of,
    provides,
)

SUFFOLK_DISTRICTS_2004 = [
    "Babergh District Council",
    "Forest Heath District Council",
    "Ipswich Borough Council",
    "Mid Suffolk District Council",
    "St Edmundsbury Borough Council",
    "Suffolk Coastal District Council",
    "Waveney District Council",
]


def test_council_counts_by_type_and_tier() -> None:
    all_councils = councils()
    assert len(all_councils) == 388
    assert Counter(c.type for c in all_councils) == Counter({
        "county": 34,
        "district": 238,
        "metropolitan district": 36,
        "London borough": 32,
        "City of London (sui generis)": 1,
        "unitary": 46,
        "Isles of Scilly (sui generis)": 1,
    })
    assert Counter(c.tier for c in all_councils) == Counter(
        {"county": 34, "district": 238, "unitary": 116})


def test_council_keys_are_unique() -> None:
    all_councils = councils()
    for key in ("name", "snac", "slug"):
        values = [getattr(c, key) for c in all_councils]
        assert len(set(values)) == len(values), key
    gss = [c.gss for c in all_councils if c.gss]
    assert len(gss) == len(set(gss)) == 344  # abolished-2009 councils have no GSS code


def test_councils_returns_a_copy() -> None:
    first = councils()
    first.clear()
    assert len(councils()) == 388


def test_short_names() -> None:
    by_name = {c.name: c.short_name for c in councils()}
    assert by_name["Mid Suffolk District Council"] == "Mid Suffolk"
    assert by_name["London Borough of Brent"] == "Brent"
    assert by_name["Royal Borough of Kingston upon Thames"] == "Kingston upon Thames"
    assert by_name["City of Bradford Metropolitan District Council"] == "Bradford"
    assert by_name["St Albans City and District Council"] == "St Albans"
    assert by_name["Council of the Isles of Scilly"] == "Isles of Scilly"
    assert by_name["City of London Corporation"] == "City of London"
    assert by_name["Rutland County Council"] == "Rutland"
    assert by_name["North Somerset Council"] == "North Somerset"  # source had a double space
    for short in by_name.values():
        assert "Council" not in short and short == short.strip()


def test_find_mid_suffolk() -> None:
    mid_suffolk = find_council("Mid Suffolk")
    assert mid_suffolk.name == "Mid Suffolk District Council"
    assert (mid_suffolk.type, mid_suffolk.tier) == ("district", "district")
    assert (mid_suffolk.snac, mid_suffolk.gss) == ("42UE", "E07000203")
    assert mid_suffolk.parent_county == "Suffolk County Council"
    assert mid_suffolk.parent_snac == "42"
    county = county_of(mid_suffolk)
    assert county is not None and county.name == "Suffolk County Council"
    assert county.tier == "county"


@pytest.mark.parametrize(
    "query",
    ["Mid Suffolk District Council", "mid suffolk district council", "MID SUFFOLK", "42UE",
     "e07000203", "mid-suffolk", "Mid Suff"],
)
def test_find_council_by_any_key(query: str) -> None:
    assert find_council(query).name == "Mid Suffolk District Council"


def test_find_council_folds_ampersand() -> None:
    assert find_council("Hammersmith and Fulham").snac == "00AN"
    assert find_council("Telford and Wrekin").snac == "00GF"


def test_find_council_exact_short_name_beats_substring() -> None:
    # "Suffolk" is a substring of Mid Suffolk and Suffolk Coastal too.
    assert find_council("Suffolk").name == "Suffolk County Council"
    assert find_council("Bedford").name == "Bedford Borough Council"


def test_find_council_slug_of_the_time() -> None:
    # Renamed in 2018; the 2017 GOV.UK links (and 2004) call it Shepway.
    assert find_council("shepway").name == "Folkestone and Hythe District Council"
    assert find_council("county-durham").name == "Durham County Council"


def test_find_council_ambiguous_lists_candidates() -> None:
    with pytest.raises(LookupError) as info:
        find_council("Durham")  # a county and a district (Durham City) in 2004
    assert isinstance(info.value, CouncilLookupError)
    assert {c.name for c in info.value.candidates} == {
        "Durham County Council", "Durham City Council"}
    assert "Durham City Council" in str(info.value)


def test_find_council_ambiguous_substring_lists_at_most_five() -> None:
    with pytest.raises(CouncilLookupError) as info:
        find_council("Yorkshire")  # no exact match; a substring of two names
    assert {c.name for c in info.value.candidates} == {
        "North Yorkshire County Council", "East Riding of Yorkshire Council"}
    assert str(info.value).startswith("2 councils match 'Yorkshire'")
    with pytest.raises(CouncilLookupError) as info:
        find_council("Borough")
    assert len(info.value.candidates) == 5
    assert str(info.value).endswith("and 164 more")


def test_find_council_none_suggests_close_matches() -> None:
    with pytest.raises(CouncilLookupError) as info:
        find_council("Sufolk")
    assert "no council matches" in str(info.value)
    assert "Suffolk County Council" in {c.name for c in info.value.candidates}
    with pytest.raises(CouncilLookupError):
        find_council("   ")
    with pytest.raises(CouncilLookupError) as info:
        find_council("Xyzzy Quux")
    assert info.value.candidates == ()


def test_partners_suffolk_2004() -> None:
    suffolk = find_council("Suffolk County Council")
    assert [c.name for c in partners_of(suffolk)] == SUFFOLK_DISTRICTS_2004
    assert [c.name for c in districts_of(suffolk)] == SUFFOLK_DISTRICTS_2004
    assert county_of(suffolk) is None
    for district in partners_of(suffolk):
        assert partners_of(district) == [suffolk]


def test_forest_heath_is_in_suffolk_not_surrey() -> None:
    # mySociety's county-la for Forest Heath is SRY (Surrey); its SNAC 42UC says Suffolk.
    forest_heath = find_council("Forest Heath")
    assert forest_heath.parent_county == "Suffolk County Council"
    assert forest_heath not in districts_of(find_council("Surrey County Council"))


def test_unitaries_have_no_partners() -> None:
    for query in ("Bristol", "Leeds", "Brent", "City of London", "Isles of Scilly",
                  "Rutland"):
        council = find_council(query)
        assert council.tier == "unitary", query
        assert partners_of(council) == []
        assert county_of(council) is None


def test_two_tier_structure_is_consistent() -> None:
    all_councils = councils()
    counties = [c for c in all_councils if c.tier == "county"]
    assert sum(len(districts_of(c)) for c in counties) == 238
    for council in all_councils:
        county = county_of(council)
        if council.tier == "district":
            assert county is not None and county.tier == "county"
            assert council.snac.startswith(county.snac)
            assert council.parent_county == county.name
        else:
            assert county is None and council.parent_snac is None
    assert all(districts_of(c) for c in counties)


def test_abolished_2009_councils_present() -> None:
    for name in ("Bedfordshire County Council", "Cheshire County Council", "Caradon",
                 "Penwith", "Alnwick", "Salisbury", "Wear Valley"):
        council = find_council(name)
        assert council.gss is None and council.homepage_url is None
    cornwall = find_council("Cornwall County Council")
    assert len(districts_of(cornwall)) == 6


def test_normalise_host() -> None:
    assert normalise_host("https://WWW.MidSuffolk.gov.uk:443/path?q=1") == "midsuffolk.gov.uk"
    assert normalise_host("www.suffolk.gov.uk.") == "suffolk.gov.uk"
    assert normalise_host("suffolk.gov.uk/") == "suffolk.gov.uk"


def test_council_for_host() -> None:
    found = council_for_host("www.midsuffolk.gov.uk")
    assert found is not None and found.name == "Mid Suffolk District Council"
    assert council_for_host("https://midsuffolk.gov.uk/some/page") == found
    suffolk = council_for_host("http://www.suffolk.gov.uk/")
    assert suffolk is not None and suffolk.tier == "county"
    assert council_for_host("example.org") is None


def test_shared_hosts_are_not_guessed() -> None:
    # Today's URL of two merged 2004 districts.
    assert council_for_host("www.westsuffolk.gov.uk") is None
    assert {c.name for c in councils_for_host("westsuffolk.gov.uk")} == {
        "Forest Heath District Council", "St Edmundsbury Borough Council"}


def test_deep_links() -> None:
    links = deep_links("mid-suffolk")
    assert links, "Mid Suffolk has GOV.UK fallback links"
    assert all(link.council_slug == "mid-suffolk" for link in links)
    assert all(link.url.startswith(("http://", "https://")) for link in links)
    assert [(link.lgsl_id, link.lgil_id) for link in links] == sorted(
        (link.lgsl_id, link.lgil_id) for link in links)
    assert deep_links("no-such-council") == []
    with_links = [c for c in councils() if deep_links(c.slug)]
    assert len(with_links) == 350  # the 38 councils abolished in 2009 have none


def test_deep_link_total() -> None:
    from poaudit.taxonomy import read_data_csv

    rows = read_data_csv("council-deep-links.csv")
    assert len(rows) == 7405
    assert list(rows[0]) == ["council_slug", "lgsl_id", "lgil_id", "url"]


def test_provides_uses_tier_data() -> None:
    mid_suffolk = find_council("Mid Suffolk")
    suffolk = find_council("Suffolk")
    leeds = find_council("Leeds")
    assert provides(mid_suffolk, 524) is True  # refuse collection
    assert provides(suffolk, 524) is False
    assert provides(suffolk, 557) is True  # potholes
    assert provides(mid_suffolk, 557) is False
    assert provides(leeds, 524) is True and provides(leeds, 557) is True
    assert provides(suffolk, 999_999) is None


def test_council_is_frozen() -> None:
    council = councils()[0]
    assert isinstance(council, Council)
    with pytest.raises(AttributeError):
        council.name = "x"  # type: ignore[misc]
