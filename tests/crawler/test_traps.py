"""Trap detection on URLs alone (no crawl): calendars, session ids, query explosions."""

from __future__ import annotations

from crawler.traps import TrapGuard, TrapOptions
from crawler.urls import normalise

SITE = "http://www.example.gov.uk"


def test_calendar_window_around_the_dates_the_site_links_to() -> None:
    guard = TrapGuard(TrapOptions(calendar_window=3))
    events = f"{SITE}/whats-on/"
    assert guard.check(f"{SITE}/cal?month=2005-11", events) is None  # the entry point
    referrer = f"{SITE}/cal?month=2005-11"
    allowed = []
    for step in range(1, 10):
        month = 11 + step
        url = f"{SITE}/cal?month={2005 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
        if guard.check(url, referrer) is None:
            allowed.append(url)
        referrer = url
    assert len(allowed) == 3  # 2005-12 .. 2006-02
    (finding,) = guard.findings()
    assert finding.probe_id == "crawl-traps" and finding.detail["trap"] == "calendar"
    assert finding.detail["entry_months"] == ["2005-11"] and finding.detail["not_crawled"] == 6
    assert "cal?month={date}" in finding.detail["pattern"]


def test_other_date_shapes_are_calendars_too() -> None:
    guard = TrapGuard(TrapOptions(calendar_window=1))
    assert guard.check(f"{SITE}/diary/2005/11/", f"{SITE}/") is None
    assert guard.check(f"{SITE}/diary/2007/01/", f"{SITE}/diary/2005/11/") == "calendar"
    assert guard.check(f"{SITE}/ev?year=2005&month=3", f"{SITE}/") is None
    assert guard.check(f"{SITE}/ev?year=2009&month=3", f"{SITE}/ev?year=2005&month=3") \
        == "calendar"
    assert guard.check(f"{SITE}/ev?date=14/11/2005", f"{SITE}/") is None


def test_session_ids_are_stripped_and_reported() -> None:
    url = normalise(f"{SITE}/page.php;jsessionid=ABC123?id=4&PHPSESSID=77aa&sid=9")
    assert url == f"{SITE}/page.php?id=4" and url is not None and url.session_stripped
    assert normalise(f"{SITE}/a.asp?ASPSESSIONIDQQGGQGPA=XYZ&x=1") == f"{SITE}/a.asp?x=1"
    assert not normalise(f"{SITE}/page.php?id=4").session_stripped  # type: ignore[union-attr]
    guard = TrapGuard()
    guard.session_stripped(f"{SITE}/a?PHPSESSID=1", f"{SITE}/")
    (finding,) = guard.findings()
    assert finding.detail["trap"] == "session-id" and "session ids" in finding.message


def test_query_explosion_is_cut_but_an_id_parameter_is_a_large_site() -> None:
    guard = TrapGuard(TrapOptions(pattern_budget=50))
    for i in range(2000):
        assert guard.check(f"{SITE}/news_info.php?newsID={i}", f"{SITE}/") is None
    cut = 0
    for sort in ("name", "date", "size", "type"):
        for order in ("asc", "desc"):
            for page in range(20):
                if guard.check(f"{SITE}/list.php?sort={sort}&order={order}&page={page}",
                               f"{SITE}/list.php") is not None:
                    cut += 1
    assert cut == 160 - 50  # the first pattern_budget combinations were followed
    traps = {f.detail["trap"] for f in guard.findings()}
    assert traps == {"query-explosion"}


def test_parameter_combinations_and_path_traps() -> None:
    guard = TrapGuard(TrapOptions(combos_per_path=4))
    names = ["a", "b", "c", "d", "e", "f"]
    results = [guard.check(f"{SITE}/search?{n}=1", f"{SITE}/") for n in names]
    assert results.count("parameter-combinations") == 2
    assert guard.check(f"{SITE}/x/y/x/y/x/y/page.html", None) == "repeating-path"
    assert guard.check(f"{SITE}/a/b/c/", None) is None
    assert guard.check(f"{SITE}/" + "x" * 2000, None) == "long-url"
    assert guard.check(f"{SITE}/" + "/".join(f"d{i}" for i in range(30)), None) == "deep-path"


def test_options_come_from_the_profile() -> None:
    opts = TrapOptions.from_options({"calendar_window": "2", "unknown": 1})
    assert opts.calendar_window == 2 and opts.pattern_budget == TrapOptions().pattern_budget
