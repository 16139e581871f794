"""Accessibility faults are exactly what the manifest says (axe-core in Debian's Chromium).

Each planted page violates its one axe rule on one node and nothing else in WCAG 2.1 A/AA;
a page of every other kind (all four site templates) has no violations at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from demoarea import RunningArea

pytestmark = pytest.mark.browser

HAVE_BROWSER = os.access("/usr/bin/chromium", os.X_OK) and os.access("/usr/bin/chromedriver",
                                                                       os.X_OK)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not HAVE_BROWSER:
        pytest.skip("Debian chromium and chromium-driver are not installed")
    from probes.browser import BrowserConfig, start_browser
    from probes.browser.driver import LOOPBACK_ONLY_ARGS

    with start_browser(BrowserConfig(extra_args=LOOPBACK_ONLY_ARGS)) as b:
        yield b


def _violations(browser: Any, url: str) -> dict[str, int]:
    from probes.browser import AxeOptions, run_axe

    browser.driver.get(url)
    result = run_axe(browser, AxeOptions())
    assert not result.errored_rules(), result.errored_rules()
    return {str(v["id"]): len(v["nodes"]) for v in result.violations}


def test_planted_violations_are_exact(browser: Any, running: RunningArea,
                                      manifest: list[dict[str, Any]]) -> None:
    planted = [e for e in manifest if e["kind"] == "a11y-violation"]
    assert len({e["axe_rule"] for e in planted}) == len(planted) >= 12
    for e in planted:
        assert _violations(browser, e["url"]) == {e["axe_rule"]: e["expected"]["nodes"]}, e


def test_every_other_page_kind_is_clean(browser: Any, running: RunningArea) -> None:
    """Every page kind on the unitary (which has them all); home, A-Z, a service and a form
    page on the other three templates."""
    skip = {"huge", "binary", "atoz-xml", "a11y", "cp1252"}
    for key, site in running.area.sites.items():
        wanted = None if site.tier == "unitary" else {"home", "atoz-letter", "service", "form"}
        kinds: set[str] = set()
        for target, page in site.pages.items():
            if (page.counted and page.kind not in skip and page.kind not in kinds
                    and (wanted is None or page.kind in wanted)):
                kinds.add(page.kind)
                assert _violations(browser, running.url(key, target)) == {}, (key, target)
