"""The probe's pure parts: findings from a result, template-fault grouping, options, META."""

from __future__ import annotations

from typing import Any

from poaudit.findings import Kind
from probes import accessibility_axe as probe
from probes.browser.axe import (
    ALL_TAGS,
    DEFAULT_TAGS,
    WCAG22_TAGS,
    AxeOptions,
    AxeResult,
    wcag_criteria,
)
from probes.browser.pool import PageResult


def rule(rid: str, targets: list[list[str]], html: str = "<img src=x>",
         **kw: Any) -> dict[str, Any]:
    return {"id": rid, "impact": "critical",
            "tags": ["cat.text-alternatives", "wcag2a", "wcag111"],
            "help": "Images must have alternate text", "helpUrl": "https://example/rule",
            "description": "d", "nodes": [{"target": t, "html": html, "failureSummary": "Fix"}
                                          for t in targets], **kw}


def page(url: str, violations: list[dict[str, Any]], incomplete: list[dict[str, Any]] | None = None
         ) -> PageResult:
    axe = AxeResult(url=url, axe_version="4.10.2", tags=DEFAULT_TAGS, violations=violations,
                    incomplete=incomplete or [], passes=["html-has-lang", "label"],
                    inapplicable=["list"])
    return PageResult(url, 0, "ok", axe=axe, final_url=url, dom_hash="h")


def test_meta() -> None:
    assert probe.META.id == "accessibility-axe"
    assert probe.META.outcomes == ("G20",)
    assert probe.META.scope == ("page",) and probe.META.stage == "browser"
    assert "Level AA of the W3C standards achieved." in " ".join((probe.__doc__ or "").split())


def test_wcag_criteria_from_tags() -> None:
    assert wcag_criteria(["wcag2a", "wcag111", "wcag1412", "wcag21aa", "wcag258", "ACT"]) == [
        "1.1.1", "1.4.12", "2.5.8"]


def test_tag_sets() -> None:
    assert DEFAULT_TAGS == ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
    assert WCAG22_TAGS[-1] == "wcag22aa"
    assert {"section508", "best-practice", "experimental"} <= set(ALL_TAGS)
    opts = AxeOptions().to_axe()
    assert opts["runOnly"] == {"type": "tag", "values": list(DEFAULT_TAGS)}


def test_findings_kinds_and_details() -> None:
    res = page("http://a/1", [rule("image-alt", [["#logo"]], html="<img " + "x" * 600 + ">")],
               [rule("color-contrast", [["#p"]])])
    fail, warn, summary = probe.findings_for(res)
    assert fail.kind is Kind.FAIL and warn.kind is Kind.WARNING and summary.kind is Kind.INFO
    assert fail.detail["rule"] == "image-alt" and fail.detail["wcag"] == ["1.1.1"]
    assert fail.detail["impact"] == "critical" and fail.detail["helpUrl"]
    assert len(fail.detail["nodes"][0]["html"]) <= probe.SNIPPET_CHARS + 1
    assert warn.detail["needs_review"] is True and warn.message.startswith("Needs review")
    assert summary.detail["rules_passed"] == 2 and summary.detail["rules_violated"] == 1
    assert summary.detail["axe_version"] == "4.10.2"
    assert "WCAG 2.x" in summary.message and "compliant" not in summary.message.lower()


def test_errored_rule_is_reported_not_hidden() -> None:
    broken = {"id": "color-contrast", "impact": None, "tags": ["wcag2aa", "wcag143"],
              "help": "h", "helpUrl": "u", "description": "d", "nodes": [],
              "error": 'Unable to parse color "oklch(0.9 0 none)"'}
    res = page("http://a/1", [], [broken])
    assert res.axe is not None and res.axe.incomplete_ids() == []
    warn, summary = probe.findings_for(res)
    assert warn.kind is Kind.WARNING and warn.detail["rule_error"].startswith("Unable to parse")
    assert "could not run" in warn.message
    assert summary.kind is Kind.PASS and summary.detail["rules_errored"] == ["color-contrast"]


def test_not_assessed() -> None:
    res = PageResult("http://a/x", 0, "not assessed", error="attempt 1: timed out", attempts=2)
    (f,) = probe.findings_for(res)
    assert f.kind is Kind.NOT_ASSESSED and f.detail["attempts"] == 2


def test_group_template_faults() -> None:
    banner = rule("image-alt", [["#banner"]], html='<img id="banner" src="b.png">')
    own = rule("image-alt", [["#photo"]], html='<img id="photo" src="p.png">')
    findings = [f for r in (page("http://a/1", [banner]), page("http://a/2", [banner, own]),
                            page("http://a/3", [banner]))
                for f in probe.findings_for(r)]
    groups = probe.group_template_faults(findings)
    assert [(g.rule, g.target, len(g.pages), g.template) for g in groups] == [
        ("image-alt", ["#banner"], 3, True), ("image-alt", ["#photo"], 1, False)]
    assert groups[0].as_dict()["scope"] == "template"


def test_same_target_different_html_is_not_grouped() -> None:
    a = rule("image-alt", [["main > img"]], html='<img src="a.png">')
    b = rule("image-alt", [["main > img"]], html='<img src="b.png">')
    findings = [f for r in (page("http://a/1", [a]), page("http://a/2", [b]))
                for f in probe.findings_for(r)]
    assert [len(g.pages) for g in probe.group_template_faults(findings)] == [1, 1]


def test_options_from_profile() -> None:
    pool, axe = probe.options_from({"wcag22": True, "pool_size": 3, "page_timeout": 5,
                                    "remote_url": "http://grid:4444"})
    assert axe.tags == WCAG22_TAGS
    assert pool.size == 3 and pool.page_timeout == 5
    assert pool.browser.remote_url == "http://grid:4444"
