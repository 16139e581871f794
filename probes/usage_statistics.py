"""usage-statistics (R26): published website usage figures — page impressions and unique users.

What it looks for. Pages that publish how much the website is used: tables with metric columns
("Year | Page impressions | Unique users", monthly rows) or metric rows ("Page impressions |
2003/04 | 2004/05"), and sentences ("In October 2005 the website received 153,000 page
impressions from 21,000 unique users", "1.2 million visits to our website in 2004/05"). Metrics
are normalised to ``page_impressions`` (page impressions, page views), ``unique_users`` (unique
users, unique visitors, unique browsers), ``visits`` (visits, sessions, visitors) and ``hits``
(not an industry measure: recorded, never counted as page impressions). Each value is tied to
its period ("2003/04", "October 2005", "Q1 2005/06"); the series per metric is ordered by period
to say whether use is rising. Ambiguous metrics (visits, visitors, hits) count only when the
website is what is measured: "250,000 visitors to the leisure centre" is not website usage.
Figures whose latest period ended more than ``max_age_days`` (option, default 400) before
``today`` (option, default the run date) are stale. At the end of the crawl the site finding
says which metrics and periods were published, and whether the statistics page is linked from
the home page (IEG web check "statistics … accessible from homepage").

Why R26 asks for it. "Monitoring of performance of corporate website … in order to demonstrate
rising and sustained use, as measured by industry standards including page impressions and
unique users"; "Figures should then be published in a format that will allow trends to be
easily monitored." The checklist:

    Website traffic monitoring procedures in place.
    Data gathered according to industry best practice.
    Results published in structured way.

Example that passes::

    <table><tr><th>Year</th><th>Page impressions</th><th>Unique users</th></tr>
    <tr><td>2003/04</td><td>3,988,306</td><td>430,848</td></tr>
    <tr><td>2004/05</td><td>5,327,705</td><td>510,302</td></tr></table>

Example that fails (a near-miss: not website usage)::

    <p>The leisure centre welcomed 250,000 visitors in 2004/05.</p>

Findings. Per page with figures (repeats of the same figures are counted, not repeated):
``pass`` (page impressions and unique users for two or more periods, not stale), ``warning``
(a metric missing, one period only, or stale). At the end: one site finding,
``pass``/``warning``/``fail`` (nothing published).

Known limits. Figures in PDFs, images or analytics packages' separate reports are not read.
Whether the figures follow the IFABC/ABCe definitions is taken from what the page says
(``definitions_stated``). A partial year ("2005/06 (April to October)") is compared as if whole.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from poaudit.findings import Finding, Kind
from probes._statements import (
    PageText,
    Table,
    age_days,
    any_in,
    checkable,
    first_number,
    lowered,
    page_date,
    page_text,
    parse_number,
    parse_period,
    sentences,
    statement_state,
    today_from,
)
from probes.base import Context, Page, ProbeMeta

__all__ = ["META", "evaluate", "extract", "finalize"]

META = ProbeMeta(
    id="usage-statistics",
    code="PO226",
    outcomes=("R26",),
    scope=("page", "site"),
    stage="html",
    tags=("statement", "statistics", "take-up"),
    status="preview",
    title="Published website usage: page impressions and unique users",
)
DEFAULT_MAX_AGE_DAYS = 400
METRICS = ("page_impressions", "unique_users", "visits", "hits")
_AMBIGUOUS = frozenset({"visits", "hits"})

_METRIC_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("page_impressions", re.compile(
        r"\bpage[\s-]*impressions?\b|\bpage[\s-]*views?\b|\bpages?\s+viewed\b|"
        r"\bpage\s+requests?\b", re.IGNORECASE)),
    ("unique_users", re.compile(
        r"\bunique\s+(?:users?|visitors?|browsers?)\b|\bindividual\s+(?:users|visitors)\b",
        re.IGNORECASE)),
    ("visits", re.compile(r"\bvisits?\b|\bsessions?\b|\bvisitors?\b", re.IGNORECASE)),
    ("hits", re.compile(r"\bhits\b", re.IGNORECASE)),
)
_PREFILTER = re.compile(r"impression|page\s*views|unique\s+(?:users|visitors)|visit|hits\b",
                        re.IGNORECASE)
_PAGE_PREFILTER = ("impression", "page view", "pageview", "page-view", "pages viewed",
                   "unique user", "unique visitor", "unique browser", "visits", "visitors",
                   "sessions", "hits")
_WEB = re.compile(r"\bweb\s?sites?\b|\bweb\b|\b(?:the|our|this)\s+site\b|\bonline\b|"
                  r"\binternet\b|\bportal\b|\bweb\s?pages?\b", re.IGNORECASE)
_VENUE = re.compile(r"\b(?:visitors?|visits?)\s+(?:to|at|in)\s+(?!(?:the\s+|our\s+|this\s+)?"
                    r"(?:web|site|online|internet|portal|pages?))(?:the\s+|our\s+)?([a-z]+)",
                    re.IGNORECASE)
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(million|m|thousand|k)\b)?"
_DEFINITIONS = re.compile(r"\bIFABC\b|\bABCe?\b|industry[\s-]+(?:standard|audit)|"
                          r"audit(?:ed)?\s+definitions?", re.IGNORECASE)


_checkable = checkable


def _metric_of(label: str) -> str | None:
    for metric, rx in _METRIC_PATTERNS:
        if rx.search(label):
            return metric
    return None


def _plausible(value: float | None) -> bool:
    return value is not None and value >= 10


def _add(series: dict[str, dict[str, Any]], metric: str, label: str, period: Any,
         value: float, source: str) -> None:
    key = period.label if period is not None else "(no period)"
    entry = series.setdefault(metric, {})
    if key not in entry:
        entry[key] = {"value": int(value) if value == int(value) else value,
                      "period_end": period.end.isoformat() if period and period.end else None,
                      "label": label, "source": source}


def _table(table: Table, about: str, series: dict[str, dict[str, Any]]) -> None:
    context = f"{table.context()} {about}"
    web = bool(_WEB.search(context))
    rows = table.rows
    header = table.header
    # Metric columns, period rows.
    metric_cols = {i: m for i, h in enumerate(header) if (m := _metric_of(h))
                   and (m not in _AMBIGUOUS or web)}
    if metric_cols:
        for r in table.body:
            period = next((p for c in r if (p := parse_period(c)) is not None), None)
            if period is None:
                continue
            for i, metric in metric_cols.items():
                if i < len(r) and _plausible(v := first_number(r[i])) and v is not None:
                    _add(series, metric, header[i], period, v, "table")
        return
    # Metric rows, period columns (the header holds the periods).
    if not rows:
        return
    periods = [parse_period(c) for c in rows[0]]
    if not any(periods):
        return
    for r in rows[1:]:
        row_metric = _metric_of(r[0]) if r else None
        if row_metric is None or (row_metric in _AMBIGUOUS and not web):
            continue
        for i, cell in enumerate(r[1:], 1):
            p = periods[i] if i < len(periods) else None
            if p is not None and _plausible(v := first_number(cell)) and v is not None:
                _add(series, row_metric, r[0], p, v, "table")


def _sentence(sentence: str, context: str, series: dict[str, dict[str, Any]]) -> None:
    web = bool(_WEB.search(sentence)) or bool(_WEB.search(context))
    venue = _VENUE.search(sentence)
    period = parse_period(sentence)
    for metric, rx in _METRIC_PATTERNS:
        for m in rx.finditer(sentence):
            if metric == "visits" and re.search(r"unique\s+$", sentence[:m.start()],
                                                re.IGNORECASE):
                continue
            if metric in _AMBIGUOUS and (not web or venue):
                continue
            before = sentence[max(0, m.start() - 40):m.start()]
            after = sentence[m.end():m.end() + 40]
            num = re.search(_NUMBER + r"\s+(?:[a-z-]+\s+){0,2}$", before, re.IGNORECASE)
            if num is None:
                num = re.match(r"\s*(?:(?:for|in|during)\s+[\w/ ]{1,25}?\s+)?"
                               r"(?:of|:|was|were|totalled|reached|numbered|=)\s*" + _NUMBER,
                               after, re.IGNORECASE)
            if num is None:
                continue
            raw, unit = num.group(1), num.group(2)
            value = parse_number(f"{raw} {unit}" if unit else raw)
            if value is None or not _plausible(value):
                continue
            if period is None and 1990 <= value <= 2030 and "," not in raw:
                continue
            _add(series, metric, m.group(0), period, value, "text")


def extract(page: Page, text: PageText) -> dict[str, Any]:
    """The usage series found on the page, per metric and period."""
    about = text.about()
    series: dict[str, dict[str, Any]] = {}
    for table in text.tables:
        _table(table, about, series)
    seen: set[str] = set()
    definitions = False
    for block in text.blocks:
        if block.tag in ("td", "th") or block.text in seen:
            continue
        seen.add(block.text)
        if _DEFINITIONS.search(block.text):
            definitions = True
        if not _PREFILTER.search(block.text):
            continue
        for sentence in sentences(block.text):
            _sentence(sentence, f"{block.heading} {about}", series)
    return {"series": series, "definitions_stated": definitions}


def _ordered(points: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(points.items(), key=lambda kv: (kv[1]["period_end"] or "9999", kv[0]))


def _judge(page: Page, text: PageText, found: dict[str, Any], today: date,
           max_age: int) -> tuple[Kind, str, dict[str, Any]]:
    series: dict[str, dict[str, Any]] = found["series"]
    detail: dict[str, Any] = {}
    rising: dict[str, bool | None] = {}
    periods: set[str] = set()
    ends: list[date] = []
    for metric in METRICS:
        points = _ordered(series.get(metric, {}))
        detail[metric] = {k: v["value"] for k, v in points} if points else None
        if points:
            periods.update(k for k, _ in points)
            ends.extend(date.fromisoformat(v["period_end"]) for _, v in points
                        if v["period_end"])
            dated = [v["value"] for _, v in points if v["period_end"]]
            rising[metric] = dated[-1] > dated[0] if len(dated) >= 2 else None
    pdate, pdate_source = page_date(page, text)
    as_of = min(max(ends), today) if ends else pdate  # a period still running is current
    age = age_days(today, as_of)
    stale = age is not None and age > max_age
    labels = {m: sorted({v["label"] for v in series[m].values()}) for m in series}
    period_order = sorted(periods, key=lambda p: min(
        (series[m][p]["period_end"] or "9999") for m in series if p in series[m]))
    detail.update({
        "metrics": sorted(series, key=METRICS.index),
        "labels": labels,
        "periods": period_order,
        "rising": rising,
        "observations": {m: [{"period": k, **v} for k, v in _ordered(series[m])]
                         for m in sorted(series, key=METRICS.index)},
        "definitions_stated": found["definitions_stated"],
        "latest_period_end": max(ends).isoformat() if ends else None,
        "page_date": pdate.isoformat() if pdate else None,
        "page_date_source": pdate_source or None,
        "as_of": as_of.isoformat() if as_of else None,
        "age_days": age,
        "stale": stale,
        "max_age_days": max_age,
        "today": today.isoformat(),
    })
    has_pi = "page_impressions" in series
    has_uu = "unique_users" in series
    shown = ", ".join(m.replace("_", " ") for m in detail["metrics"])
    span = (f"{period_order[0]} to {period_order[-1]}" if len(period_order) > 1
            else (period_order[0] if period_order else "no period"))
    missing = [name for ok, name in ((has_pi, "page impressions"), (has_uu, "unique users"))
               if not ok]
    if missing:
        return (Kind.WARNING, f"Website usage published ({shown}; {span}) but not "
                f"{' or '.join(missing)}.", detail)
    if stale:
        return (Kind.WARNING, f"Website usage figures are stale: latest period ends {as_of} "
                f"({age} days old; limit {max_age}).", detail)
    if len([p for p in period_order if p != "(no period)"]) < 2:
        return (Kind.WARNING, f"Website usage published for one period only ({span}): no trend "
                "can be seen.", detail)
    trend = "rising" if rising.get("page_impressions") and rising.get("unique_users") else \
        "not rising"
    return Kind.PASS, f"Website usage published: {shown} for {span} ({trend}).", detail


def _state(ctx: Context) -> dict[str, Any]:
    return statement_state(ctx, META.id, home_links=None)


def evaluate(page: Page, ctx: Context) -> list[Finding]:
    """A finding for each page that publishes website usage figures."""
    if not _checkable(page):
        return []
    st = _state(ctx)
    st["checked"] += 1
    if page.depth == 0 and st["home_links"] is None:
        st["home_links"] = sorted({link.url for link in page.links})
    if not any_in(lowered(page, ctx), _PAGE_PREFILTER):
        return []
    text = page_text(page, ctx)
    found = extract(page, text)
    series = found["series"]
    if not series or (set(series) <= {"hits"} and not any(len(v) > 1
                                                          for v in series.values())):
        return []
    opts = ctx.opts(META.id)
    kind, message, detail = _judge(page, text, found, today_from(opts),
                                   int(opts.get("max_age_days", DEFAULT_MAX_AGE_DAYS)))
    signature = repr([(m, detail[m]) for m in METRICS])
    if signature in st["signatures"]:
        st["signatures"][signature]["pages"] += 1
        return []
    record = {"url": page.final_url, "kind": kind.value, "pages": 1, "depth": page.depth,
              **{k: detail[k] for k in (*METRICS, "periods", "rising", "as_of", "stale",
                                        "definitions_stated")}}
    st["signatures"][signature] = record
    st["pages"].append(record)
    return [ctx.finding(META, kind, message, page, **detail)]


def finalize(ctx: Context) -> list[Finding]:
    """The site's R26 evidence, merged over every page that publishes usage figures."""
    st = ctx.state.get(META.id)
    if not st or not st["checked"]:
        return [ctx.finding(META, Kind.NOT_ASSESSED, "No HTML pages were checked for website "
                            "usage statistics.", None, pages_checked=0)]
    records: list[dict[str, Any]] = st["pages"]
    merged: dict[str, dict[str, Any]] = {m: {} for m in METRICS}
    for r in records:
        for m in METRICS:
            for period, value in (r[m] or {}).items():
                merged[m].setdefault(period, value)
    home: list[str] | None = st["home_links"]
    detail: dict[str, Any] = {
        "pages_checked": st["checked"],
        "urls": [r["url"] for r in records],
        **{m: merged[m] or None for m in METRICS},
        "periods": sorted({p for r in records for p in r["periods"]}),
        "stale": bool(records) and all(r["stale"] for r in records),
        "definitions_stated": any(r["definitions_stated"] for r in records),
        "linked_from_home": (None if home is None else
                             [r["url"] for r in records if r["url"] in home]),
    }
    if not records:
        n = st["checked"]
        return [ctx.finding(META, Kind.FAIL, "No website usage statistics found on the "
                            f"{n} page{'s' if n != 1 else ''} checked.", None, **detail)]
    both = [r for r in records if r["page_impressions"] and r["unique_users"]
            and not r["stale"] and len(r["periods"]) >= 2]
    if both:
        return [ctx.finding(META, Kind.PASS, "Page impressions and unique users are published "
                            "for more than one period.", None, **detail)]
    missing = [name for m, name in (("page_impressions", "page impressions"),
                                    ("unique_users", "unique users")) if not merged[m]]
    why = (f"not {' or '.join(missing)}" if missing else
           "the figures are stale" if detail["stale"] else "a single period only")
    return [ctx.finding(META, Kind.WARNING, f"Website usage statistics incomplete: {why}.", None,
                        **detail)]
