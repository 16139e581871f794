"""Unit tests for egms-metadata (G21): value checks, the site summary, and agreement with the
demoarea manifest (every planted e-GMS house style and variant found as planted)."""

from __future__ import annotations

from functools import cache

import pytest

from demoarea import build_area
from demoarea._render import Renderer
from poaudit.findings import Kind
from probes import egms_metadata as egms
from probes.base import Context, Page


def _page(head: str, url: str = "http://www.example.gov.uk/page.html") -> Page:
    return Page(url=url, final_url=url, status=200,
                text=f"<html><head><title>t</title>{head}</head><body><p>x</p></body></html>")


FULL = """
<meta name="DC.title" content="Council tax bands" />
<meta name="DC.creator" content="Example District Council" />
<meta name="DC.publisher" content="Example District Council" />
<meta name="DC.date.created" scheme="W3CDTF" content="2005-04-01" />
<meta name="DC.identifier" scheme="URI" content="http://www.example.gov.uk/page.html" />
<meta name="eGMS.subject.category" scheme="LGCL" content="Council tax and finance" />
<meta name="eGMS.accessibility" scheme="WCAG" content="Double-A" />
<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/" />
"""


@pytest.mark.parametrize(("value", "ok"), [
    ("2005", True), ("2005-04", True), ("2005-04-01", True), ("2007-01-31T17:09:55Z", True),
    ("2005-10-14T09:30:00+01:00", True), ("2005-10-14T09:30+01:00", True),
    ("2005-10-14T09:30:00.5Z", True),
    ("01-04-2005", False), ("5-Jan-2012", False), ("2005-02-30", False), ("2005-13-01", False),
    ("2005-10-14T09:30:00", False), ("2005-10-14 09:30:00", False), ("PARAM_DATE", False),
    ("", False),
])
def test_w3cdtf(value: str, ok: bool) -> None:
    assert egms.w3cdtf(value) is ok


@pytest.mark.parametrize(("raw", "key"), [
    ("eGMS.IPSV", "IPSV"), ("IPSV", "IPSV"), ("DCTERMS.W3CDTF", "W3CDTF"),
    ("ISO 639-2/T", "ISO639-2/T"), ("DCTERMS.ISO639-2", "ISO639-2"), ("LGCL 1.04", "LGCL"),
    ("EGMS.WCAG10", "WCAG10"), (None, ""), ("", ""),
])
def test_scheme_key(raw: str | None, key: str) -> None:
    assert egms.scheme_key(raw) == key


def test_check_term_against_each_list() -> None:
    assert egms.check_term("LGCL", "Council tax")[:2] == ("lead-in", "Council tax and finance")
    assert egms.check_term("LGCL", "council tax and finance")[0] == "preferred"
    assert egms.check_term("IPSV", "Online petitions")[0] == "unknown"
    assert egms.check_term("GCL", "Local government")[0] == "preferred"
    assert egms.check_term("LGSL", " 57")[0] == "preferred"
    assert egms.check_term("LGSL", "99999")[0] == "unknown"
    assert egms.check_term("LGIL", "Providing information")[0] == "preferred"
    assert egms.check_term("LGNL", "Anything")[0] == "not-checked"
    status, _, found = egms.check_term("", "Websites")
    assert status == "preferred" and found == ("IPSV",)


def test_misspellings() -> None:
    assert egms.misspelling_of("spacial") == "spatial"
    assert egms.misspelling_of("spatial") is None
    assert egms.misspelling_of("keywords") is None
    assert egms.misspelling_of("xyzzy") is None


@pytest.mark.parametrize(("scheme", "value", "problem"), [
    ("ISO 639-2/T", "eng", None), ("ISO 639-2", "en", "two-letter-code"),
    ("DCTERMS.ISO639-1", "en", None), ("DCTERMS.ISO639-1", "eng", "three-letter-code"),
    ("RFC3066", "en-GB", None), ("RFC3066", "english", "unknown-code"),
    ("ISO 639-3/T", "EN", "two-letter-code"), ("ISO 639-2/T", "xxq", "unknown-code"),
    (None, "en", None), ("Klingon", "en", "unknown-scheme"), ("ISO 639-2/T", "", "empty"),
])
def test_language(scheme: str | None, value: str, problem: str | None) -> None:
    scheme_attr = f' scheme="{scheme}"' if scheme else ""
    result = egms.assess(_page(FULL + f'<meta name="DC.language"{scheme_attr} content="{value}">'))
    (lang,) = result.detail["languages"]
    assert lang["problem"] == problem
    assert lang["valid"] is (problem is None)


def test_complete_head_passes() -> None:
    result = egms.assess(_page(FULL))
    assert result.kind is Kind.PASS
    assert result.detail["web_complete"] and result.detail["core_complete"]
    assert result.detail["accessibility_claim"] == "Double-A"
    assert result.detail["identifier"]["same_path_as_page"] is True


def test_worst_instance_decides_and_names_are_case_insensitive() -> None:
    head = FULL.replace('name="DC.title"', 'name="dc.TITLE"') + \
        '<meta name="DCTERMS.modified" content="PARAM_DATE">'
    result = egms.assess(_page(head))
    assert result.detail["elements"]["title"]["status"] == "present"
    date = result.detail["elements"]["date"]
    assert (date["status"], date["name"], date["count"]) == ("placeholder", "DCTERMS.modified", 2)
    assert result.kind is Kind.FAIL


def test_class_attribute_and_semicolon_terms() -> None:
    head = FULL.replace('scheme="LGCL" content="Council tax and finance"',
                        'class="eGMS.LGCL" content="Council tax and finance;Nonsense term"')
    result = egms.assess(_page(head))
    terms = [(s["term"], s["status"]) for s in result.detail["subjects"]]
    assert terms == [("Council tax and finance", "preferred"), ("Nonsense term", "unknown")]
    assert result.kind is Kind.WARNING
    assert "Nonsense term" in result.message


def test_only_ok_pages_are_checked() -> None:
    ctx = Context()
    page = _page(FULL)
    page.status = 404
    assert egms.evaluate(page, ctx) == []
    (site,) = [f for f in egms.finalize(ctx) if f.outcomes == ("G21",)]
    assert site.kind is Kind.NOT_ASSESSED


def test_site_summary_percentages_and_template_problems() -> None:
    ctx = Context()
    for i in range(4):
        head = FULL if i else FULL.replace('content="Council tax bands"', 'content=""')
        egms.evaluate(_page(head, f"http://www.example.gov.uk/{i}.html"), ctx)
    site, claims = egms.finalize(ctx)
    assert site.kind is Kind.PASS or site.kind is Kind.WARNING
    d = site.detail
    assert d["pages"] == 4
    assert d["core_complete_pct"] == 75.0
    assert d["elements_pct"]["title"] == {"present": 75.0, "absent": 0.0, "empty": 25.0,
                                          "placeholder": 0.0, "wrong-attribute": 0.0,
                                          "malformed": 0.0}
    assert d["problems"]["empty:title"]["pages"] == 1
    assert d["problems"]["empty:title"]["sample_urls"] == ["http://www.example.gov.uk/0.html"]
    assert "schema-link-missing" not in d["template_problems"]
    assert site.kind is Kind.WARNING  # 75% is under the 95% pass threshold
    assert claims.outcomes == ("G20",) and claims.kind is Kind.INFO
    assert claims.detail["claims"] == {"Double-A (WCAG 1.0)": 4}
    assert claims.detail["verified"] is False


# ------------------------------------------------------------------ demoarea manifest
@cache
def _demo() -> tuple[list[dict[str, object]], dict[str, tuple[str, Page]]]:
    area = build_area(seed=2004, pages_per_site=120)
    hosts = {k: f"www.{k}.test" for k in [*area.sites, "directgov", "canary", "canary-ip",
                                           "old-host"]}
    renderer = Renderer(area, hosts)
    pages: dict[str, tuple[str, Page]] = {}
    for key, site in area.sites.items():
        for target, spec in site.pages.items():
            if spec.status != 200 or spec.kind in ("redirect", "binary", "atoz-xml", "cp1252"):
                continue
            resp = renderer.page(key, spec)
            content_type = dict(resp.headers).get("Content-Type", "")
            if resp.status != 200 or "html" not in content_type:
                continue
            url = f"http://{hosts[key]}{target}"
            pages[url] = (key, Page(url=url, final_url=url, status=200, content_type=content_type,
                                    text=resp.body.decode("utf-8", "replace")))
    return area.manifest(hosts), pages


def test_demoarea_every_planted_egms_style_and_variant_is_found() -> None:
    manifest, pages = _demo()
    ctxs: dict[str, Context] = {}
    details = {}
    for url, (site, page) in pages.items():
        (finding,) = egms.evaluate(page, ctxs.setdefault(site, Context(council=site)))
        details[url] = finding.detail
    variants = {e["url"] for e in manifest if e["kind"] == "egms-variant"}
    checked = 0
    for entry in manifest:
        if entry["kind"] == "egms-template":
            urls = [u for u, (s, _) in pages.items() if s == entry["site"] and u not in variants]
        elif entry["kind"] == "egms-variant":
            urls = [str(entry["url"])]
        else:
            continue
        expected = entry["expected"]
        assert isinstance(expected, dict)
        for url in urls:
            d = details[url]
            for element, want in expected["elements"].items():
                got = d["elements"][element]
                assert got["status"] == want["status"], (url, element, got, want)
                if want["status"] != "absent":
                    assert (got["name"], got["scheme"]) == (want["name"], want["scheme"]), url
            assert d["accessibility_claim"] == expected["accessibility_claim"], url
            assert d["web_complete"] is expected["mandatory_complete"], url
            checked += 1
    assert checked == len(pages)
