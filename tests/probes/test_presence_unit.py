"""The presence engine (probes/_presence.py) and the 25 presence probes built on it.

* the probes against the catalogue: ids, codes (PO300-PO399), outcomes, docstrings quoting
  each outcome's checklist, LGCL subjects and LGSL ids that exist;
* the engine's rules one by one on small pages (identity and near-miss exclusions, forms and
  the site-wide search box, links on and off the site, claims, dates against "today", tiers
  and partner deep links, evidence bounds, one shared analysis per page);
* the fixture cases' names state the intended kind of each finding (``pass-...``,
  ``r1-warning-g1-pass-...``): checked here independently of the regenerated expectations;
* the generated demo area, rendered offline: every planted feature and partner deep link is
  found (recall), no ``pass`` without a planted feature (precision), and a ``pass`` where the
  demo area plants the transactional element itself.
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from functools import cache
from types import ModuleType
from typing import Any

import pytest

from demoarea import Area, build_area
from demoarea._features import FEATURES
from demoarea._render import Renderer
from poaudit.catalogue import load_catalogue
from poaudit.findings import Finding, Kind
from poaudit.taxonomy import lgcl, lgsl
from probes import _presence as presence
from probes._presence import (
    Check,
    DateRule,
    Element,
    FormRule,
    LinkRule,
    PageRule,
    PresenceProbe,
    Spec,
    TextRule,
    facts_for,
    today_for,
)
from probes.base import Context, Page, ProbeMeta
from probes.registry import registry
from tests.demoarea.helpers import fake_hosts
from tests.probes.test_fixtures import cases, run

OTHERS = frozenset({
    "az-index", "deep-links", "national-portal-link", "egms-metadata", "availability-statement",
    "usage-statistics", "response-standards", "accessibility-axe", "form-inventory",
    "form-acknowledgement",
})
PRESENCE = [p.id for p in load_catalogue().probe_ids if p.id not in OTHERS]
TODAY = "2005-11-14"


def module(probe_id: str) -> ModuleType:
    return importlib.import_module("probes." + probe_id.replace("-", "_"))


def squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# The probes against the catalogue


def test_every_presence_probe_is_registered_once() -> None:
    assert len(PRESENCE) == 25
    reg = registry()
    for probe_id in PRESENCE:
        assert probe_id in reg, probe_id
        assert isinstance(reg[probe_id].meta, ProbeMeta)
        assert reg[probe_id].evaluate is not None and reg[probe_id].finalize is not None


def test_codes_are_unique_and_in_the_presence_range() -> None:
    codes = [module(p).META.code for p in PRESENCE]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"PO3\d\d", c) for c in codes), codes
    others = {p.meta.code for i, p in registry().items() if i not in PRESENCE}
    assert not others & set(codes)


@pytest.mark.parametrize("probe_id", PRESENCE)
def test_probe_matches_the_catalogue(probe_id: str) -> None:
    mod = module(probe_id)
    cat = load_catalogue()
    outcomes = {o.code for o in cat.for_probe(probe_id)}
    assert set(mod.META.outcomes) == outcomes
    assert mod.META.id == probe_id
    assert {c.outcome for c in mod.SPEC.checks} == outcomes
    assert mod.PROBE.spec is mod.SPEC and mod.PROBE.meta is mod.META
    assert mod.evaluate == mod.PROBE.evaluate and mod.finalize == mod.PROBE.finalize


@pytest.mark.parametrize("probe_id", PRESENCE)
def test_docstring_follows_the_template_and_quotes_the_checklist(probe_id: str) -> None:
    mod = module(probe_id)
    doc = squash(mod.__doc__ or "")
    assert doc.startswith(f"{probe_id} (")
    for heading in ("What it looks for.", "Why the outcome", "Example that passes",
                    "Example that fails", "Known limits."):
        assert heading in doc, f"{probe_id}: no {heading!r}"
    for outcome in load_catalogue().for_probe(probe_id):
        for item in outcome.checklist:
            assert f'"{squash(item)}"' in doc, f"{probe_id}: checklist {item!r} not quoted"


@pytest.mark.parametrize("probe_id", PRESENCE)
def test_spec_data_is_valid(probe_id: str) -> None:
    spec = module(probe_id).SPEC
    for subject in spec.subjects:
        assert lgcl().contains_name(subject), f"{probe_id}: {subject!r} is not an LGCL term"
    services = lgsl()
    for check in spec.checks:
        for lgsl_id in check.tier_lgsl or ():
            assert lgsl_id in services
    for lgsl_id in spec.extra_lgsl:
        assert lgsl_id in services
    compiled = module(probe_id).PROBE.compiled  # compiles: element names and refs are valid
    assert compiled.terms


# Which council tiers must carry each outcome themselves (the rest may deep-link to a partner
# that does): the LGSL refs' providing tiers, unless the notes' exemptions say "applies to all
# councils" (G3, G5, G7: overridden in the spec) or the refs carry no tier (all tiers).
COUNTY, DISTRICT = ["county", "unitary"], ["district", "unitary"]
EVERY = ["county", "district", "unitary"]
PROVIDERS: dict[str, list[str]] = {
    "R1": COUNTY, "G1": COUNTY, "R2": COUNTY, "R12": COUNTY, "R14": COUNTY, "R15": COUNTY,
    "G14": COUNTY, "R18": COUNTY, "R8": DISTRICT, "R11": DISTRICT, "G11": DISTRICT,
    "R16": DISTRICT, "R17": DISTRICT, "R6": EVERY, "R7": EVERY, "R10": EVERY, "G13": EVERY,
    "E8": EVERY, "G2": EVERY,
}


@pytest.mark.parametrize("probe_id", PRESENCE)
def test_providing_tiers_follow_the_exemptions(probe_id: str) -> None:
    for check in module(probe_id).PROBE.compiled.checks:
        assert sorted(check.tiers) == PROVIDERS.get(check.src.outcome, []), (
            probe_id, check.src.outcome)


# --------------------------------------------------------------------------------------------
# Small pages for the engine


def html(title: str, body: str, head: str = "") -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body>"
            '<form action="/search" method="get"><label for="q">Search this site</label>'
            '<input name="q" id="q"></form>'
            f"<h1>{title}</h1>{body}</body></html>")


def page(url: str, text: str, headers: dict[str, str] | None = None) -> Page:
    return Page(url=url, final_url=url, status=200, text=text, headers=headers or {},
                site_hosts=frozenset({"www.x.gov.uk"}))


def ctx(tier: str = "unitary", partners: dict[str, str] | None = None,
        options: dict[str, Any] | None = None) -> Context:
    return Context(council="X Council", tier=tier, site_hosts=frozenset({"www.x.gov.uk"}),
                   partner_hosts=partners or {}, options=options or {})


def probe(*elements: Element, checks: tuple[Check, ...] | None = None,
          **spec: Any) -> PresenceProbe:
    meta = ProbeMeta(id="test-presence", code="PO399", outcomes=("R12",))
    spec.setdefault("terms", ("widgets", "widget service"))
    spec.setdefault("service", "widgets")
    return PresenceProbe(meta, Spec(
        elements=elements,
        checks=checks or (Check("R12", required=tuple(e.name for e in elements),
                                tier_lgsl=()),),
        **spec))


def finish(p: PresenceProbe, c: Context, *pages: Page) -> list[Finding]:
    for pg in pages:
        assert p.evaluate(pg, c) == []
    return p.finalize(c)


def one(p: PresenceProbe, c: Context, *pages: Page) -> Finding:
    out = finish(p, c, *pages)
    assert len(out) == 1
    return out[0]


URL = "http://www.x.gov.uk/w.htm"


def test_service_page_from_title_and_near_miss_exclusion() -> None:
    p = probe(Element("info", "information", text=TextRule(groups=(("opening",),))),
              exclude=("widget museum",))
    f = one(p, ctx(), page(URL, html("Widget service", "<p>Opening hours</p>")))
    assert f.kind is Kind.PASS
    assert f.detail["service_pages"][0]["matched"][:1] == ["title: widget service"]
    p = probe(Element("info", "information", text=TextRule(groups=(("opening",),))),
              exclude=("widget museum",))
    f = one(p, ctx(), page(URL, html("The widget museum", "<p>Opening hours</p>")))
    assert f.kind is Kind.FAIL and f.detail["service_pages_count"] == 0


def test_url_words_alone_do_not_make_a_service_page() -> None:
    p = probe(Element("info", "information", text=TextRule(groups=(("opening",),))))
    f = one(p, ctx(), page("http://www.x.gov.uk/widgets/a.htm", html("A page", "opening")))
    assert f.kind is Kind.FAIL


def test_subject_and_lgsl_metadata_identify_a_service_page() -> None:
    meta = ('<meta name="eGMS.subject.category" scheme="LGCL" content="Libraries" />'
            '<meta name="eGMS.subject.service" scheme="LGSL" content="439" />')
    p = probe(Element("info", "information", text=TextRule(groups=(("opening",),))),
              subjects=("Libraries",), lgsl_identity=True,
              checks=(Check("R12", required=("info",), tier_lgsl=()),))
    f = one(p, ctx(), page(URL, html("Opening times", "<p>opening</p>", head=meta)))
    assert f.kind is Kind.PASS
    assert set(f.detail["service_pages"][0]["matched"]) == {"subject: libraries", "lgsl: 439"}


def test_site_search_box_is_never_a_service_search() -> None:
    el = Element("search", "a catalogue search",
                 forms=FormRule(fields=(("author", "title"),), action=("catalogue",),
                                search=True))
    f = one(probe(el), ctx(), page(URL, html("Widget service", "<p>Find things.</p>")))
    assert f.kind is Kind.WARNING and f.detail["elements_missing"] == ["search"]
    body = ('<form action="/catalogue/search" method="get"><label for="a">Author</label>'
            '<input id="a" name="author"></form>')
    f = one(probe(el), ctx(), page(URL, html("Widget service", body)))
    assert f.kind is Kind.PASS
    ev = f.detail["elements"]["search"][0]
    assert ev["how"] == "form" and ev["target"] == "http://www.x.gov.uk/catalogue/search"
    assert ev["matched"] == ["author", "action: catalogue"]


def test_form_needs_the_service_page_or_the_service_named() -> None:
    el = Element("report", "a report form", forms=FormRule(
        fields=(("location", "street"), ("describe", "problem")), context=("report",)))
    form = ('<form method="post" action="/f"><label>Street</label><input name="street">'
            '<label>Describe the problem</label><textarea name="d"></textarea></form>')
    assert one(probe(el), ctx(), page(URL, html("Contact us", form))).kind is Kind.FAIL
    named = form.replace("<form", "<form title='x'").replace("</form>",
                                                             "<p>Report it</p></form>")
    f = one(probe(el), ctx(), page(URL, html("Contact us", named)))
    assert f.kind is Kind.PASS and f.detail["service_pages"] == []


def test_search_forms_refuse_text_areas() -> None:
    el = Element("search", "a search", forms=FormRule(fields=(("reference",),), search=True))
    body = ('<form method="post" action="/f"><input name="reference">'
            '<textarea name="message"></textarea></form>')
    assert one(probe(el), ctx(), page(URL, html("Widget service", body))).kind is Kind.WARNING


def test_internal_link_text_is_not_the_facility_but_an_external_one_is() -> None:
    el = Element("booking", "online booking", links=LinkRule(text=("book online",),
                                                           url=("bookingsystem",)))
    internal = '<p><a href="/widgets/book.htm">Book online</a></p>'
    assert one(probe(el), ctx(), page(URL, html("Widget service", internal))).kind \
        is Kind.WARNING
    external = '<p><a href="http://book.contractor.co.uk/">Book online</a></p>'
    f = one(probe(el), ctx(), page(URL, html("Widget service", external)))
    assert f.kind is Kind.PASS
    assert f.detail["elements"]["booking"][0]["target"] == "http://book.contractor.co.uk/"
    by_url = '<p><a href="/cgi-bin/bookingsystem/start">Start</a></p>'
    assert one(probe(el), ctx(), page(URL, html("Widget service", by_url))).kind is Kind.PASS


def test_internal_links_count_when_the_rule_says_so_and_prefix_is_honoured() -> None:
    el = Element("minutes", "minutes", links=LinkRule(text=("minutes",), internal=True,
                                                      prefix=True))
    menu = '<p><a href="/m/">Meetings, agendas and minutes</a></p>'
    assert one(probe(el), ctx(), page(URL, html("Widget service", menu))).kind \
        is Kind.WARNING
    doc = '<p><a href="/m/1.pdf">Minutes of 3 May 2005</a></p>'
    assert one(probe(el), ctx(), page(URL, html("Widget service", doc))).kind is Kind.PASS


def test_links_need_context_unless_told_otherwise() -> None:
    el = Element("planner", "a journey planner",
                 links=LinkRule(hosts=("transportdirect.info",), need_context=False))
    body = '<p><a href="http://www.transportdirect.info/">Plan</a></p>'
    f = one(probe(el), ctx(), page(URL, html("Home page", body)))
    assert f.kind is Kind.PASS
    el = Element("planner", "a journey planner", links=LinkRule(hosts=("transportdirect.info",)))
    assert one(probe(el), ctx(), page(URL, html("Home page", body))).kind is Kind.FAIL


def test_claims_are_reported_unless_accepted() -> None:
    el = Element("book", "online booking", links=LinkRule(text=("book online",)),
                 claims=("book online in real time",))
    body = "<p>You can book online in real time.</p>"
    f = one(probe(el), ctx(), page(URL, html("Widget service", body)))
    assert f.kind is Kind.WARNING
    assert f.detail["elements_claimed"] == ["book"]
    assert "You can book online in real time." in f.detail["claims"]["book"][0]["snippet"]
    el = Element("book", "online booking", claims=("book online in real time",),
                 accept_claims=True)
    f = one(probe(el), ctx(), page(URL, html("Widget service", body)))
    assert f.kind is Kind.PASS and f.detail["elements"]["book"][0]["how"] == "text"


def test_text_groups_must_all_be_on_one_page() -> None:
    el = Element("t", "targets", text=TextRule(groups=(("target",), ("first contact",))))
    a = page(URL, html("Widget service", "<p>Our target is 75%.</p>"))
    b = page("http://www.x.gov.uk/b.htm", html("Widget service", "<p>first contact</p>"))
    assert one(probe(el), ctx(), a, b).kind is Kind.WARNING
    c = page(URL, html("Widget service", "<p>Target: 75% resolved at first contact.</p>"))
    assert one(probe(el), ctx(), c).kind is Kind.PASS


def test_page_shape_rule_counts_pages() -> None:
    el = Element("pages", "a page per widget",
                 page=PageRule(title_prefixes=("widget",), exclude_prefixes=("widgets",)))
    pages = [page(f"http://www.x.gov.uk/w{i}.htm", html(f"Widget number {i}", "")) for i in
             range(7)] + [page(URL, html("Widgets", ""))]
    f = one(probe(el), ctx(), *pages)
    assert f.kind is Kind.PASS
    assert f.detail["element_pages"] == {"pages": 7}
    assert len(f.detail["elements"]["pages"]) == presence.MAX_EVIDENCE


def test_email_and_phone_on_service_pages_only() -> None:
    el = Element("contact", "contact details", email=True)
    body = '<p>Email <a href="mailto:Team@x.gov.uk">the team</a> or b.c@x.gov.uk.</p>'
    f = one(probe(el), ctx(), page(URL, html("Widget service", body)))
    assert f.detail["elements"]["contact"][0]["matched"] == ["team@x.gov.uk", "b.c@x.gov.uk"]
    assert one(probe(el), ctx(), page(URL, html("Other", body))).kind is Kind.FAIL
    el = Element("phone", "a phone number", phone=True)
    f = one(probe(el), ctx(), page(URL, html("Widget service", "<p>Call 01473 583000.</p>")))
    assert f.detail["elements"]["phone"][0]["matched"] == ["01473 583000"]


DIARY = ("<table><tr><td>12 October 2005</td><td>Cabinet</td></tr>"
         "<tr><td>27th November 2005</td><td>Council</td></tr></table>"
         "<p>Page last updated: 30 November 2005</p>")


def test_forward_diary_is_measured_against_the_today_option() -> None:
    el = Element("diary", "a current diary", dates=DateRule(mode="forward"))
    c = ctx(options={"test-presence": {"today": TODAY}})
    f = one(probe(el), c, page(URL, html("Widget service", DIARY)))
    assert f.kind is Kind.PASS
    item = f.detail["elements"]["diary"][0]
    assert item["date"] == "2005-11-27" and item["latest_past"] == "2005-10-12"
    assert item["dates_found"] == 2  # the "last updated" date is not a meeting
    assert f.detail["today"] == TODAY
    c = ctx(options={"test-presence": {"today": "2005-12-01"}})
    f = one(probe(el), c, page(URL, html("Widget service", DIARY)))
    assert f.kind is Kind.WARNING
    assert f.detail["stale"]["diary"][0] == {"url": URL, "how": "dates", "date": "2005-11-27",
                                             "days_old": 4}


def test_updated_rule_reads_last_updated_text_and_header() -> None:
    el = Element("fresh", "a daily update", dates=DateRule(mode="updated", max_age_days=2))

    def c(**extra: Any) -> Context:
        return ctx(options={"test-presence": {"today": "2005-12-01", **extra}})

    f = one(probe(el), c(), page(URL, html("Widget service", DIARY)))
    assert f.kind is Kind.PASS and f.detail["elements"]["fresh"][0]["days_old"] == 1
    old = html("Widget service", "<p>Last updated: 1 September 2005</p>")
    f = one(probe(el), c(), page(URL, old))
    assert f.kind is Kind.WARNING and f.detail["stale"]["fresh"][0]["days_old"] == 91
    hdr = {"last-modified": "Wed, 30 Nov 2005 10:00:00 GMT"}
    f = one(probe(el), c(), page(URL, html("Widget service", "<p>x</p>"), headers=hdr))
    assert f.kind is Kind.PASS
    assert one(probe(el), c(max_age_days=0), page(URL, html("Widget service", "x"),
                                                  headers=hdr)).kind is Kind.WARNING


def test_today_option_forms() -> None:
    assert today_for(ctx(options={"p": {"today": "2005-11-14"}}), "p") == date(2005, 11, 14)
    assert today_for(ctx(options={"p": {"today": date(2005, 1, 2)}}), "p") == date(2005, 1, 2)
    assert today_for(ctx(), "p") == date.today()


PARTNER = {"www.county.gov.uk": "County Council"}


def test_non_providing_tier_passes_through_a_deep_link_to_the_partner() -> None:
    el = Element("search", "a catalogue search", forms=FormRule(fields=(("author",),)))
    checks = (Check("R12", required=("search",), tier_lgsl=(437,)),)  # county/unitary
    deep = '<p><a href="http://www.county.gov.uk/libraries/catalogue/">Widget service</a></p>'
    f = one(probe(el, checks=checks), ctx("district", PARTNER),
            page(URL, html("Services from the county", deep)))
    assert f.kind is Kind.PASS
    assert f.detail["via_partner"] == "County Council"
    assert f.detail["tier_provides"] is False
    assert f.detail["providing_tiers"] == ["county", "unitary"]
    assert f.detail["partner_links"][0]["deep"] is True
    assert f.detail["elements_found"] == []  # the partner's service is not this site's own
    shallow = '<p><a href="http://www.county.gov.uk/">Widget service</a></p>'
    f = one(probe(el, checks=checks), ctx("district", PARTNER), page(URL, html("S", shallow)))
    assert f.kind is Kind.FAIL and "via_partner" not in f.detail
    assert f.detail["partner_links"][0]["deep"] is False
    # a council whose tier provides the service is not excused by a partner's page
    f = one(probe(el, checks=checks), ctx("county", {"www.district.gov.uk": "D"}),
            page(URL, html("S", deep.replace("county.gov.uk", "district.gov.uk"))))
    assert f.kind is Kind.FAIL and f.detail["tier_provides"] is True


def test_partner_link_must_name_the_service() -> None:
    el = Element("search", "a catalogue search", forms=FormRule(fields=(("author",),)))
    checks = (Check("R12", required=("search",), tier_lgsl=(437,)),)
    other = '<p><a href="http://www.county.gov.uk/roads/gritting/">Gritting</a></p>'
    f = one(probe(el, checks=checks), ctx("district", PARTNER), page(URL, html("S", other)))
    assert f.kind is Kind.FAIL and f.detail["partner_links"] == []
    by_url = '<p><a href="http://www.county.gov.uk/widget-service/">here</a></p>'
    f = one(probe(el, checks=checks), ctx("district", PARTNER), page(URL, html("S", by_url)))
    assert f.kind is Kind.PASS


def test_catalogue_refs_decide_the_tier_by_default() -> None:
    checks = (Check("R8", required=("info",)),)  # R8's refs: building control, district
    el = Element("info", "information", text=TextRule(groups=(("opening",),)))
    f = one(probe(el, checks=checks), ctx("county"), page(URL, html("Other", "")))
    assert f.detail["providing_tiers"] == ["district", "unitary"]
    assert f.kind is Kind.FAIL and "provided by district and unitary" in f.message


def test_two_tier_elements_are_required_of_counties_and_districts_only() -> None:
    els = (Element("pages", "pages", page=PageRule(title_prefixes=("widget",))),
           Element("tiers", "tiers", text=TextRule(groups=(("county",),))))
    checks = (Check("R12", required=("pages",), two_tier=("tiers",), tier_lgsl=()),)
    pg = page(URL, html("Widget one", ""))
    assert one(probe(*els, checks=checks), ctx("unitary"), pg).kind is Kind.PASS
    f = one(probe(*els, checks=checks), ctx("district", PARTNER), pg)
    assert f.kind is Kind.WARNING and f.detail["required"] == ["pages", "tiers"]


def test_one_analysis_per_page_is_shared() -> None:
    c = ctx()
    a = page(URL, html("Widget service", ""))
    assert facts_for(a, c) is facts_for(a, c)
    b = page(URL, html("Widget service", ""))
    assert facts_for(b, c) is not facts_for(a, c)


def test_non_html_and_error_pages_are_skipped() -> None:
    el = Element("info", "information", text=TextRule(groups=(("opening",),)))
    bad = Page(url=URL, final_url=URL, status=404, text=html("Widget service", "opening"))
    pdf = Page(url=URL, final_url=URL, status=200, text="%PDF", content_type="application/pdf")
    assert one(probe(el), ctx(), bad, pdf).kind is Kind.FAIL


def test_snippets_are_short_and_from_the_content() -> None:
    el = Element("info", "information", text=TextRule(groups=(("opening hours",),)))
    body = "<p>" + "word " * 200 + "Opening hours are 9 to 5. " + "more " * 200 + "</p>"
    f = one(probe(el), ctx(), page(URL, html("Widget service", body)))
    snippet = f.detail["elements"]["info"][0]["snippet"]
    assert "Opening hours" in snippet and len(snippet) <= presence.SNIPPET


def test_state_is_per_context() -> None:
    el = Element("info", "information", text=TextRule(groups=(("opening",),)))
    p = probe(el)
    c1, c2 = ctx(), ctx()
    p.evaluate(page(URL, html("Widget service", "opening")), c1)
    assert p.finalize(c1)[0].kind is Kind.PASS
    assert p.finalize(c2)[0].kind is Kind.FAIL


def test_spec_errors_are_reported() -> None:
    with pytest.raises(ValueError, match="unknown elements"):
        _ = probe(Element("a", "a"), checks=(Check("R12", required=("b",)),)).compiled
    with pytest.raises(ValueError, match="unique"):
        _ = probe(Element("a", "a"), Element("a", "b")).compiled


def test_real_probe_near_misses() -> None:
    """The brief's near-misses, through the real specs."""
    planning = module("planning-applications").PROBE
    c = ctx("district")
    body = "<p>The local plan sets out planning policies.</p>"
    pg = page("http://www.x.gov.uk/planning/policy.htm", html("Planning policy", body))
    f = {x.outcomes[0]: x for x in finish(planning, c, pg)}["R8"]
    assert f.kind is Kind.WARNING and f.detail["elements_found"] == []
    library = module("library-catalogue").PROBE
    c = ctx("county")
    pg = page("http://www.x.gov.uk/libraries/", html("Libraries", "<p>Opening hours</p>"))
    f = finish(library, c, pg)[0]
    assert f.kind is Kind.WARNING and "catalogue_search" in f.detail["elements_missing"]
    maps = module("gis-maps").PROBE
    pg = page("http://www.x.gov.uk/sitemap.htm",
              html("Site map", '<a href="/sitemap/">Site map</a>'))
    assert finish(maps, ctx(), pg)[0].kind is Kind.FAIL


# --------------------------------------------------------------------------------------------
# Fixture cases: the kind each case's name promises

_CASE_KIND = re.compile(r"^(pass|warning|fail)-")
_CASE_PAIRS = re.compile(r"([a-z]\d+)-(pass|warning|fail)")


def intended(name: str, outcomes: list[str]) -> dict[str, str]:
    m = _CASE_KIND.match(name)
    if m:
        return dict.fromkeys(outcomes, m.group(1))
    return {code.upper(): kind for code, kind in _CASE_PAIRS.findall(name)}


def _presence_cases() -> Iterator[Any]:
    for case in cases(PRESENCE):
        yield pytest.param(case, id=case.id)


@pytest.mark.parametrize("case", list(_presence_cases()))
def test_fixture_case_gives_the_kind_its_name_promises(case: Any) -> None:
    findings = run(case)
    outcomes = [f["outcomes"][0] for f in findings]
    assert sorted(outcomes) == sorted(module(case.probe_id).META.outcomes)
    want = intended(case.name, outcomes)
    assert set(want) == set(outcomes), f"{case.id}: the name does not state every outcome"
    got = {f["outcomes"][0]: f["kind"] for f in findings}
    assert got == want


def test_every_presence_probe_has_pass_warning_and_fail_fixtures() -> None:
    kinds: dict[str, set[str]] = defaultdict(set)
    for case in cases(PRESENCE):
        for code_kind in _CASE_KIND.findall(case.name) + [k for _, k in
                                                           _CASE_PAIRS.findall(case.name)]:
            kinds[case.probe_id].add(code_kind)
    for probe_id in PRESENCE:
        assert kinds[probe_id] >= {"pass", "warning", "fail"}, probe_id


# --------------------------------------------------------------------------------------------
# The demo area, rendered offline: precision and recall against the manifest

# Features whose transactional element the demo area really plants: these must pass.
PLANTED_ELEMENTS: dict[str, tuple[str, ...]] = {
    "school-admissions": ("R1", "G1"), "library-catalogue": ("R12",),
    "planning-applications": ("R8",), "online-payments": ("R10",),
    "council-meetings": ("R5",), "councillors": ("R6",), "report-it": ("R7",),
    "transport-information": ("R14",), "looked-after-children": ("R2",),
    "out-of-hours-contact": ("R23",), "e-procurement": ("E6",),
    "benefits-information": ("R16",), "parking-fines": ("E8",),
}


def render(area: Area, hosts: dict[str, str], key: str) -> Iterator[Page]:
    renderer = Renderer(area, hosts)
    me = hosts[key]
    for target, pg in area.sites[key].pages.items():
        if pg.status != 200 or pg.kind in ("binary", "atoz-xml", "redirect", "huge", "cp1252"):
            continue
        resp = renderer.page(key, pg)
        if resp.status != 200:
            continue
        yield Page(url=f"http://{me}{target}", final_url=f"http://{me}{target}", status=200,
                   text=resp.body.decode("utf-8"),
                   headers={k.lower(): v for k, v in resp.headers},
                   site_hosts=frozenset({me}))


@cache
def demo(size: int) -> tuple[Area, dict[str, str], list[dict[str, Any]],
                             dict[tuple[str, str], list[Finding]]]:
    area = build_area(pages_per_site=size)
    hosts = fake_hosts(area)
    mods = [module(p) for p in PRESENCE]
    out: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for key, site in area.sites.items():
        c = Context(council=site.name, tier=site.tier, site_hosts=frozenset({hosts[key]}),
                    partner_hosts={hosts[p]: area.sites[p].name for p in site.partners},
                    options={p: {"today": area.as_of.isoformat()} for p in PRESENCE})
        for pg in render(area, hosts, key):
            for m in mods:
                m.evaluate(pg, c)
        for m in mods:
            out[(key, m.META.id)].extend(m.finalize(c))
    return area, hosts, area.manifest(hosts), dict(out)


def planted(area: Area, manifest: list[dict[str, Any]]
            ) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], list[tuple[str, str]]]]:
    """(site, probe) -> planted URL; (site, probe) -> [(partner council, deep link target)]."""
    own: dict[tuple[str, str], str] = {}
    partner: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    by_lgsl = {f.lgsl: f.id for f in FEATURES if f.lgsl is not None}
    for e in manifest:
        kind = e["kind"]
        if kind in PRESENCE:
            own[(e["site"], kind)] = e["url"]
        elif kind == "enquiry-form" and e.get("lgsl_id") is not None:
            own[(e["site"], "report-it")] = e["url"]
        elif kind == "deep-link" and e.get("placement") == "signpost":
            probe_id = by_lgsl.get(int(e.get("lgsl_id") or 0))
            if probe_id:
                partner[(e["site"], probe_id)].append(
                    (area.sites[e["target_site"]].name, e["target"]))
    return own, dict(partner)


def evidence_urls(f: Finding) -> set[str]:
    d = f.detail
    urls = {p["url"] for p in d["service_pages"]} | {d["primary_url"]}
    for bucket in (d["elements"], d["claims"]):
        for items in bucket.values():
            urls |= {i["url"] for i in items}
    return urls


def scores(size: int) -> dict[str, dict[str, int]]:
    area, _hosts, manifest, results = demo(size)
    own, partner = planted(area, manifest)
    table: dict[str, dict[str, int]] = {p: defaultdict(int) for p in PRESENCE}  # type: ignore
    for (key, probe_id), findings in results.items():
        row = table[probe_id]
        present = [f for f in findings if f.kind in (Kind.PASS, Kind.WARNING)]
        passes = [f for f in findings if f.kind is Kind.PASS]
        if (key, probe_id) in own:
            row["planted"] += 1
            url = own[(key, probe_id)]
            row["found"] += any(url in evidence_urls(f) for f in present)
        for council, target in partner.get((key, probe_id), ()):
            row["partner_planted"] += 1
            row["partner_found"] += any(
                f.detail.get("via_partner") and target in {p["url"] for p in
                                                           f.detail["partner_links"]}
                and council in {p["council"] for p in f.detail["partner_links"]}
                for f in passes)
        if (key, probe_id) not in own and (key, probe_id) not in partner:
            row["pass_unplanted"] += bool(passes)
            row["warning_unplanted"] += bool(present) and not passes
        else:
            row["pass_planted"] += bool(passes)
    return table


@pytest.mark.parametrize("size", [60, 120])
def test_demoarea_recall_and_precision(size: int) -> None:
    table = scores(size)
    for probe_id, row in table.items():
        assert row["found"] == row["planted"], f"{probe_id}: planted feature missed {row}"
        assert row["partner_found"] == row["partner_planted"], f"{probe_id}: {row}"
        assert row["pass_unplanted"] == 0, f"{probe_id}: pass without a planted feature {row}"
    assert sum(r["planted"] for r in table.values()) >= (40 if size == 60 else 80)
    assert sum(r["partner_planted"] for r in table.values()) >= 10


def test_demoarea_planted_elements_pass() -> None:
    area, _hosts, manifest, results = demo(120)
    own, _partner = planted(area, manifest)
    for (key, probe_id), _url in own.items():
        for f in results[(key, probe_id)]:
            if f.outcomes[0] in PLANTED_ELEMENTS.get(probe_id, ()):
                assert f.kind is Kind.PASS, (key, probe_id, f.outcomes, f.detail[
                    "elements_missing"])


def test_state_survives_a_checkpoint() -> None:
    """The crawler checkpoints ``ctx.state`` for resumable runs: presence state round-trips
    (the per-page analysis is dropped with its Page and recomputed)."""
    from crawler.probestate import dump_state, load_state

    p = module("library-catalogue").PROBE
    c = ctx("county")
    pg = page("http://www.x.gov.uk/libraries/", html("Libraries", "<p>Opening hours</p>"))
    p.evaluate(pg, c)
    before = [f.as_dict() for f in p.finalize(c)]
    restored = ctx("county")
    restored.state.update(load_state(dump_state(c.state)))
    assert [f.as_dict() for f in p.finalize(restored)] == before
    p.evaluate(pg, restored)  # the memo slot came back empty: recomputed, no error


def test_trie_pattern_matches_exactly_the_terms() -> None:
    terms = ["e-pay", "epay", "report", "report it", "report a fault", "opac", "op", "hip/"]
    words = presence._alternation(terms, words=True)
    flat = presence._alternation(terms)
    assert words is not None and flat is not None
    for text, want in (("report items", "report"), ("please report it now", "report it"),
                       ("reports", None), ("report a fault", "report a fault"),
                       ("the op is", "op"), ("opacity", None)):
        m = words.search(text)
        assert (m.group(0) if m else None) == want, text
    for url, hit in (("http://x/epayments/", True), ("http://x/cgi/hip/a", True),
                     ("http://x/e_pay", False), ("http://x/opa", True)):
        assert bool(flat.search(url)) is hit, url
    assert presence._alternation([]) is None
