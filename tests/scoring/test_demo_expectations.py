"""TODO (issue 8, "Done when"): all 73 statuses on the two-tier demo area, hand-checked.

Audits the district (Mid Suffolk), the county (Suffolk) and the unitary (Peterborough) of the
generated demo area end to end (crawl, HTML probes, link checks, browser checks, scoring) and
compares every outcome's status with ``demo-expected-statuses.yaml`` beside this file::

    mid-suffolk:
      R1: met via partner deep link   # the county's admissions page, linked and working
      ...

The expectations must be checked by hand against the demo area's manifest
(``RunningArea.manifest()``: every planted feature and fault), not copied from a run: a
status that disagrees with the manifest is a bug in a probe or in the rules. Skipped, saying
why, until the crawler has landed and the file has been written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

import crawler

EXPECTED = Path(__file__).with_name("demo-expected-statuses.yaml")
SITES = ("mid-suffolk", "suffolk", "peterborough")
HAVE_BROWSER = os.access("/usr/bin/chromium", os.X_OK) and os.access("/usr/bin/chromedriver",
                                                                       os.X_OK)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        not callable(getattr(crawler, "crawl", None)),
        reason="TODO(issue 8): crawler.crawl() has not landed yet (issue 4); the demo-area "
               "expectations need a real crawl"),
    pytest.mark.skipif(
        not EXPECTED.exists(),
        reason="TODO(issue 8): write tests/scoring/demo-expected-statuses.yaml, hand-checked "
               "against the demo area's manifest, for mid-suffolk, suffolk and peterborough"),
    pytest.mark.skipif(not HAVE_BROWSER, reason="G20 needs Debian chromium and chromium-driver"),
]


@pytest.mark.parametrize("site", SITES)
def test_demo_area_statuses_match_the_hand_checked_expectations(site: str,
                                                                tmp_path: Path) -> None:
    from demoarea import build_area, serve
    from poaudit.audit import audit
    from poaudit.profile import parse_profile

    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))[site]
    with serve(build_area(seed=2004, pages_per_site=300)) as running:
        profile = parse_profile(running.profile(site), f"<demo {site}>")
        result = audit(profile, f"sqlite:///{tmp_path / 'demo.sqlite'}", tmp_path / "out",
                       browser=True, ieg=True, partners=True)
    assert set(expected) == set(result.statuses), "the expectations must list all 73 outcomes"
    wrong = {code: (want, result.statuses[code]) for code, want in expected.items()
             if result.statuses[code] != want}
    assert not wrong, "\n".join(f"{site} {code}: expected {w!r}, got {g!r}"
                                for code, (w, g) in sorted(wrong.items()))
