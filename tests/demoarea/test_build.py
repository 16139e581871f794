"""The generated area, offline: determinism, size, reachability, data-derived content."""

from __future__ import annotations

import json
import string
from collections import Counter

import lxml.html
import pytest

from demoarea import Area, build_area
from demoarea._model import Ref
from demoarea._render import Renderer
from poaudit.councils import find_council
from poaudit.taxonomy import lgcl, lgsl, providing_tiers
from tests.demoarea.helpers import crawl, egms_names, egms_status, fake_hosts, target_of

# Every kind the manifest must carry at the default size (later tests score against them).
KINDS = {
    "site", "atoz", "atoz-xml", "atoz-near-miss", "service-page", "deep-link",
    "national-portal-link", "egms-template", "egms-variant", "availability-statement",
    "usage-statistics", "response-standards", "enquiry-form", "tracking-page",
    "council-meetings", "councillors", "infinite-calendar", "library-catalogue",
    "planning-applications", "school-admissions", "online-payments",
    "broken-link", "unreachable-link", "soft-404", "redirect-to-home", "shallow-link",
    "redirect-chain", "redirect-loop", "cookie-redirect", "bot-challenge", "rate-limited",
    "missing-fragment", "a11y-violation", "huge-page", "binary-as-html", "legacy-encoding",
    "robots-disallowed", "robots-txt", "private-address-link",
}


def _all_bytes(area: Area) -> dict[tuple[str, str], bytes]:
    renderer = Renderer(area, fake_hosts(area))
    return {(key, t): renderer.page(key, p).body for key, site in area.sites.items()
            for t, p in site.pages.items() if p.kind != "huge"}


def test_same_seed_same_manifest_and_bytes(area: Area) -> None:
    again = build_area(stall_seconds=area.stall_seconds)
    hosts = fake_hosts(area)
    assert json.dumps(area.manifest(hosts)) == json.dumps(again.manifest(hosts))
    assert _all_bytes(area) == _all_bytes(again)


def test_different_seed_differs(area: Area) -> None:
    other = build_area(seed=1999, stall_seconds=area.stall_seconds)
    hosts = fake_hosts(area)
    assert json.dumps(area.manifest(hosts)) != json.dumps(other.manifest(hosts))
    mine, theirs = _all_bytes(area), _all_bytes(other)
    same_targets = mine.keys() & theirs.keys()
    assert any(mine[k] != theirs[k] for k in same_targets)


def test_manifest_is_json_with_unique_ids_and_every_kind(area: Area) -> None:
    manifest = area.manifest(fake_hosts(area))
    json.dumps(manifest)
    ids = [e["id"] for e in manifest]
    assert len(ids) == len(set(ids))
    assert {e["kind"] for e in manifest} >= KINDS
    for e in manifest:
        assert e["site"] in area.sites
        assert isinstance(e.get("expected", {}), dict)


def test_real_councils_in_a_real_two_tier_area(area: Area) -> None:
    county, d1, d2, unitary = area.sites.values()
    assert (county.name, d1.name, d2.name, unitary.name) == (
        "Suffolk County Council", "Mid Suffolk District Council", "Babergh District Council",
        "Peterborough City Council")
    assert [s.tier for s in area.sites.values()] == ["county", "district", "district", "unitary"]
    for d in (d1, d2):
        assert find_council(d.name).parent_county == county.name
        assert d.partners == [county.key]
    assert county.partners == [d1.key, d2.key]


@pytest.mark.parametrize("pages", [50, 60, 250, 1200])
def test_pages_per_site_honoured_and_all_reachable(pages: int) -> None:
    area = build_area(pages_per_site=pages)
    hosts = fake_hosts(area)
    for key, site in area.sites.items():
        counted = set(site.counted_pages())
        assert abs(len(counted) - pages) <= max(1, pages // 10), (key, len(counted))
        reached, missing = crawl(area, key, hosts)
        static = {t for t in reached if t in site.pages}
        # Exactly the counted pages are crawlable 200 resources from the home page ...
        assert {t for t in static if site.pages[t].counted} == counted
        assert all(site.pages[t].status != 200 or site.pages[t].kind in ("redirect",)
                   or site.pages[t].counted for t in static)
        # ... and the only links to nothing are dynamic pages or planted broken links.
        planted = {target_of(e["target"]) for e in area.manifest(hosts)
                   if e["kind"] == "broken-link" and e["target_site"] == key}
        dynamic = {t for t in missing if t.split("?")[0] in site.dynamic
                   or t.startswith(("/css/", "/images/"))}
        assert missing - dynamic <= planted, (key, sorted(missing - dynamic))


def test_robots_disallowed_pages_are_linked_but_not_counted(area: Area) -> None:
    for site in area.sites.values():
        for t, page in site.pages.items():
            if any(t.startswith(p) for p in site.disallowed):
                assert not page.counted


def test_atoz_entries_are_lgcl_atoz_terms(area: Area) -> None:
    atoz_names = {t.name for t in lgcl().atoz_terms()}
    hosts = fake_hosts(area)
    for entry in area.manifest(hosts):
        if entry["kind"] != "atoz":
            continue
        terms = entry["expected"]["entries"]
        assert terms
        for t in terms:
            assert t["term"] in atoz_names
            assert lgcl().by_id[t["lgcl_id"]].name == t["term"]
        assert [t["term"].lower() for t in terms] == sorted(t["term"].lower() for t in terms)
        assert set(entry["expected"]["letters"]) <= set(string.ascii_uppercase)


def test_deep_links_follow_the_lgsl_tier_data(area: Area) -> None:
    services = lgsl()
    hosts = fake_hosts(area)
    links = [e for e in area.manifest(hosts) if e["kind"] == "deep-link"]
    by_relation = Counter(e["relation"] for e in links)
    assert by_relation["district->county"] > 0 and by_relation["county->district"] > 0
    for e in links:
        src, dst = area.sites[e["site"]], area.sites[e["target_site"]]
        tiers = providing_tiers(e["lgsl_id"])
        assert tiers, f"LGSL {e['lgsl_id']} has no providing tier in the data"
        assert dst.tier in tiers and src.tier not in tiers, (e["lgsl_id"], services[e["lgsl_id"]])
        assert dst.key in src.partners


def test_district_to_county_covers_education_libraries_care_transport() -> None:
    area = build_area(pages_per_site=400)
    tops = {area.services[e["lgsl_id"]].top_name if e["lgsl_id"] in area.services else
            lgcl().top_level(lgcl().by_id[lgsl()[e["lgsl_id"]].lgcl_ids[0]]).name  # type: ignore[union-attr]
            for e in area.manifest(fake_hosts(area)) if e["kind"] == "deep-link"
            and e["relation"] == "district->county"}
    assert {"Education and learning", "Health and social care",
            "Transport and streets"} <= tops
    back = {area.services[e["lgsl_id"]].top_name for e in area.manifest(fake_hosts(area))
            if e["kind"] == "deep-link" and e["relation"] == "county->district"}
    assert {"Housing", "Environment"} <= back


def test_service_pages_carry_lgsl_services_of_their_tier(area: Area) -> None:
    for site in area.sites.values():
        for lgsl_id in site.services:
            tiers = providing_tiers(lgsl_id)
            if tiers:
                assert site.tier in tiers


def test_egms_heads_match_the_manifest(area: Area) -> None:
    hosts = fake_hosts(area)
    renderer = Renderer(area, hosts)
    manifest = area.manifest(hosts)
    variants = {(e["site"], target_of(e["url"])): e for e in manifest
                if e["kind"] == "egms-variant"}
    assert {e["variant"] for e in variants.values()} >= {
        "missing", "empty", "placeholders", "malformed-date", "value-attribute"}
    templates = {e["site"]: e for e in manifest if e["kind"] == "egms-template"}
    for key, site in area.sites.items():
        for t, page in site.pages.items():
            if page.status != 200 or page.kind not in ("service", "feature", "home", "news",
                                                       "meeting", "councillor", "atoz-index"):
                continue
            expect = variants.get((key, t)) or templates[key]
            doc = lxml.html.fromstring(renderer.page(key, page).body)
            for element, exp in expect["expected"]["elements"].items():
                if exp["status"] == "absent":
                    continue
                assert egms_status(doc, exp) == exp["status"], (key, t, element)
            if expect.get("variant") == "missing":
                assert not egms_names(doc)


def test_atoz_near_miss_is_a_councillor_list(area: Area) -> None:
    hosts = fake_hosts(area)
    renderer = Renderer(area, hosts)
    for e in area.manifest(hosts):
        if e["kind"] == "atoz-near-miss":
            site = area.sites[e["site"]]
            body = renderer.page(site.key, site.pages[target_of(e["url"])]).body.decode()
            assert "A to Z of councillors" in body


def test_refs_resolve_to_known_hosts(area: Area) -> None:
    hosts = fake_hosts(area)
    for e in area.manifest(hosts):
        for value in (e.get("url"), e.get("target")):
            if value:
                assert value.split("/")[2] in hosts.values()
    assert Ref("suffolk", "/x").url(hosts).endswith("/x")


def test_build_rejects_wrong_councils() -> None:
    with pytest.raises(ValueError, match="not a district of"):
        build_area(districts=("Mid Suffolk District Council", "Mendip District Council"))
    with pytest.raises(ValueError, match="at least"):
        build_area(pages_per_site=10)


def test_other_real_area_builds() -> None:
    area = build_area(pages_per_site=50, county="Kent County Council",
                      districts=("Maidstone Borough Council", "Dover District Council"),
                      unitary="Medway Council")
    assert next(iter(area.sites.values())).name == "Kent County Council"
    hosts = fake_hosts(area)
    for key in area.sites:
        reached, _ = crawl(area, key, hosts)
        assert "/" in reached
