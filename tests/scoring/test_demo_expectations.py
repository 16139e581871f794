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

One check per site and outcome, so a disagreement is visible on its own: where the hand-checked
status differs from what the scorer gives today, the case is ``xfail(strict=True)`` with the
evidence (``DISAGREEMENTS``); fixing the probe makes it XPASS, which fails until the entry goes.
The audit runs without a browser (as ``--no-browser``) to keep the test well under a minute, so
G20 (axe-core) is "not assessed" here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import crawler

EXPECTED = Path(__file__).with_name("demo-expected-statuses.yaml")
SITES = ("mid-suffolk", "suffolk", "peterborough")

DISAGREEMENTS: dict[tuple[str, str], str] = {}


def _cases() -> list[object]:
    if not EXPECTED.exists():
        return [pytest.param(site, "-", id=site) for site in SITES]  # skipped below
    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    return [pytest.param(site, code, id=f"{site}-{code}",
                         marks=[pytest.mark.xfail(strict=True, reason=DISAGREEMENTS[site, code])]
                         if (site, code) in DISAGREEMENTS else [])
            for site in SITES for code in expected[site]]


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not callable(getattr(crawler, "crawl", None)),
        reason="TODO(issue 8): crawler.crawl() has not landed yet (issue 4); the demo-area "
               "expectations need a real crawl"),
    pytest.mark.skipif(
        not EXPECTED.exists(),
        reason="TODO(issue 8): write tests/scoring/demo-expected-statuses.yaml, hand-checked "
               "against the demo area's manifest, for mid-suffolk, suffolk and peterborough"),
]


@pytest.fixture(scope="module")
def statuses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Audit the three sites once, from one running demo area."""
    from demoarea import build_area, serve
    from poaudit.audit import audit
    from poaudit.profile import parse_profile

    found: dict[str, dict[str, str]] = {}
    with serve(build_area(seed=2004, pages_per_site=300)) as running:
        for site in SITES:
            tmp_path = tmp_path_factory.mktemp(site)
            profile = parse_profile(running.profile(site), f"<demo {site}>")
            result = audit(profile, f"sqlite:///{tmp_path / 'demo.sqlite'}", tmp_path / "out",
                           browser=False, ieg=True, partners=True)
            found[site] = dict(result.statuses)
    return found


@pytest.mark.parametrize("site", SITES)
def test_the_expectations_list_all_73_outcomes(site: str,
                                               statuses: dict[str, dict[str, str]]) -> None:
    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))[site]
    assert len(expected) == 73
    assert set(expected) == set(statuses[site]), "the expectations must list all 73 outcomes"


@pytest.mark.parametrize(("site", "code"), _cases())
def test_demo_area_status_matches_the_hand_checked_expectation(
        site: str, code: str, statuses: dict[str, dict[str, str]]) -> None:
    want = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))[site][code]
    assert statuses[site][code] == want, f"{site} {code}: expected {want!r}"
