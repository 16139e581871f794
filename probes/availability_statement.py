"""availability-statement (R25): published website availability figures and commitments.

What it looks for. Pages where the council publishes how available its website has been and
what it commits to: a sentence such as "Website availability for the last 12 months was
99.68%" or "Our website was available 99.33% of the time over the last 12 months" (a *figure*:
value and period), a monthly table ("Month | Service availability (%) | Target met?"), and a
*commitment* ("we have a commitment to make our web services available for 98% of the time",
"The council currently aims for 99% server availability"). A percentage counts only when an
availability word (available, availability, uptime) sits in the same stretch of the sentence and
the website is what it is about (website, server, web services, the site, or a page/heading about
website availability); "99.7% of residents", "99% of bins collected" and satisfaction scores are
not availability figures ("N% of <anything but the time>" never is). For each figure: value,
period ("last 12 months", "October 2005", "2004/05"), the period's end date, and the page's own
date ("Page last updated: …", ``DC.date.modified``). Figures older than ``max_age_days``
(option, default 400) before ``today`` (option, default the run date) are stale. Monitoring
statements ("We monitor the availability of our web servers every five minutes") are recorded.

Why R25 asks for it. "Publication of Internet service standards, including past performance and
commitments on service availability": councils must monitor their web servers' availability,
"publish the results of this monitoring on their website" and "make a commitment to future
availability". The checklist:

    Web server monitoring mechanisms in place.
    Availability information published on website.
    Commitment to future availability.

Example that passes::

    <p>Website availability for the last 12 months was 99.68%.</p>
    <p>We have a commitment to make our web services available for 98% of the time.</p>
    <table><tr><th>Month</th><th>Service availability (%)</th></tr>
    <tr><td>October 2005</td><td>99.63</td></tr></table>

Example that fails (a near-miss: not an availability figure)::

    <p>99.7% of residents can now get broadband, and 98% of bins were collected on time.</p>

Findings. Per page with evidence (pages repeating the same statement are counted, not
repeated): ``pass`` (current figures and a commitment), ``warning`` (figures stale or undated,
no commitment on the page, or a commitment with no figures). At the end: one site finding,
``pass``/``warning``/``fail`` (nothing published), combining every page.

Known limits. Figures published only in PDFs or images are not read. The period of a relative
figure ("last 12 months") is dated by the page's date. A commitment phrased without a percentage
or a 24-hour wording ("we will keep the site running") is not recognised. Whether monitoring is
really in place is taken from what the page says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from poaudit.findings import Finding, Kind
from probes._statements import (
    PageText,
    Table,
    age_days,
    any_in,
    checkable,
    clip,
    first_number,
    lowered,
    page_date,
    page_text,
    parse_period,
    sentences,
    statement_state,
    today_from,
)
from probes.base import Context, Page, ProbeMeta

__all__ = ["META", "evaluate", "extract", "finalize"]

META = ProbeMeta(
    id="availability-statement",
    code="PO225",
    outcomes=("R25",),
    scope=("page", "site"),
    stage="html",
    tags=("statement", "availability", "service-standards"),
    status="preview",
    title="Published website availability figures and commitment",
)
DEFAULT_MAX_AGE_DAYS = 400

_PREFILTER = ("availab", "uptime", "up-time", "up time")  # substrings of the lower-cased page
_PERCENT_HINT = ("%", "per cent", "percent", "24")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|per\s?cent\b)", re.IGNORECASE)
_AVAIL = re.compile(r"\bavailab(?:le|ility)\b|\bup-?\s?time\b|\bunavailab", re.IGNORECASE)
_WEB = re.compile(
    r"\bweb\s?sites?\b|\bweb\s?servers?\b|\bservers?\b|\b(?:the|our|this|council'?s?)\s+site\b|"
    r"\bweb\s+services?\b|\bonline\s+services?\b|\binternet\b|\bportal\b|\bweb\s?pages?\b|"
    r"\bup-?\s?time\b|\be-?services?\b|\bweb\b", re.IGNORECASE)
_TARGET = re.compile(
    r"\b(?:aims?|aiming|targets?|targeted|commit(?:s|ted|ment)?|pledges?|guarantees?|promises?|"
    r"strives?|endeavou?r|intends?|objective|at\s+least|minimum|will\s+(?:be|ensure|make|keep|"
    r"remain)|expects?|standard\s+is)\b", re.IGNORECASE)
_FOLLOWING_OF = re.compile(r"\s*of\s+(?:the\s+|all\s+|our\s+|its\s+)?([a-z]+)", re.IGNORECASE)
_TIME_WORDS = frozenset({"time", "hours", "period", "month", "months", "year", "scheduled"})
_NEAR_MISS = re.compile(
    r"\bsatisf|\bsurvey|\brespondents?\b|\bresidents?\b|\bhouseholds?\b|\bbins?\b|"
    r"\bcollect(?:ed|ions?)\b|\bcalls?\b|\bpupils?\b|\bcomplain|\bbroadband\b|\bturnout\b",
    re.IGNORECASE)
_ASPIRATION = re.compile(r"\b(?:aims?|aiming|strives?|endeavou?r|intends?|expects?)\b",
                         re.IGNORECASE)
# A commitment without a percentage: the commitment word must govern keeping the site available
# ("We aim to keep the website available 24 hours a day"), not merely share a sentence with
# "available 24 hours" ("We aim to deal with requests about … available 24 hours a day").
_ALWAYS_ON = re.compile(
    r"\b(?:aim|aims|commit\w*|pledge|guarantee|target|intend|endeavou?r|strive|will)\b[^.;]{0,40}?"
    r"\b(?:keep|make|have|ensure|maintain|be)\b[^.;]{0,40}?\b(?:available|accessible|running)\b"
    r"[^.;]{0,20}?(?:24\s*hours|24\s*/\s*7|24\s*x\s*7|round\s+the\s+clock|at\s+all\s+times)",
    re.IGNORECASE)
_MONITOR = re.compile(r"\bmonitor(?:s|ed|ing)?\b", re.IGNORECASE)
_TABLE_VALUE_HEAD = re.compile(r"availab|up-?\s?time|%", re.IGNORECASE)
_TABLE_TARGET_HEAD = re.compile(r"target", re.IGNORECASE)
_YES = re.compile(r"^\s*(?:yes|y|met|achieved|✓)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(?:no|n|not met|missed|✗)\b", re.IGNORECASE)


_checkable = checkable


def _segments(sentence: str) -> Iterable[tuple[re.Match[str], str, str]]:
    """Each percentage with the text before it (back to the previous one) and after it."""
    matches = list(_PERCENT.finditer(sentence))
    for i, m in enumerate(matches):
        start = matches[i - 1].end() if i else 0
        end = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
        yield m, sentence[start:m.start()], sentence[m.end():end]


def _is_of_something(after: str) -> bool:
    """True for "99.7% of residents"; false for "99.5% of the time"."""
    m = _FOLLOWING_OF.match(after)
    return m is not None and m.group(1).lower() not in _TIME_WORDS


def _sentence_items(sentence: str, context: str) -> tuple[list[dict[str, Any]],
                                                         list[dict[str, Any]]]:
    figures: list[dict[str, Any]] = []
    commitments: list[dict[str, Any]] = []
    web = bool(_WEB.search(sentence)) or bool(_WEB.search(context) and _AVAIL.search(context))
    if not web:
        return figures, commitments
    for m, before, after in _segments(sentence):
        value = float(m.group(1))
        if value > 100 or _is_of_something(after):
            continue
        segment = before + " " + after
        if not _AVAIL.search(segment):
            continue
        if _NEAR_MISS.search(before[-80:] + after[:40]):
            continue
        if _TARGET.search(before):
            words = _TARGET.findall(before)
            strength = "aim" if all(_ASPIRATION.fullmatch(w) for w in words) else "commitment"
            commitments.append({"value": value, "strength": strength, "text": clip(sentence)})
            continue
        period = parse_period(sentence)
        figures.append({"value": value, "text": clip(sentence),
                        "period": period.label if period else None,
                        "period_end": period.end.isoformat() if period and period.end else None,
                        "source": "text"})
    if not figures and not commitments and _ALWAYS_ON.search(sentence) \
            and not _NEAR_MISS.search(sentence):
        strength = "commitment" if any(not _ASPIRATION.fullmatch(w) for w in
                                       _TARGET.findall(sentence)) else "aim"
        commitments.append({"value": None, "strength": strength, "text": clip(sentence)})
    return figures, commitments


def _column(table: Table, pick: Any) -> int | None:
    width = max(len(r) for r in table.rows)
    for i in range(width):
        if pick(i):
            return i
    return None


def _table_rows(table: Table, about: str) -> list[dict[str, Any]]:
    head = " ".join((table.caption, " ".join(table.header)))
    context = " ".join((table.context(), about))
    if not _AVAIL.search(head) and not _AVAIL.search(table.heading + " " + table.before):
        return []
    if not _WEB.search(context) or _NEAR_MISS.search(head):
        return []
    body = table.body
    if not body:
        return []

    def period_col(i: int) -> bool:
        cells = [r[i] for r in body if i < len(r)]
        hits = sum(1 for c in cells if (p := parse_period(c)) and p.end is not None)
        return bool(cells) and hits >= max(1, len(cells) // 2)

    pc = _column(table, period_col)
    if pc is None:
        return []

    def value_col(i: int) -> bool:
        if i == pc:
            return False
        label = table.header[i] if i < len(table.header) else ""
        if table.header and not _TABLE_VALUE_HEAD.search(label):
            return False
        nums = [first_number(r[i]) for r in body if i < len(r)]
        ok = [n for n in nums if n is not None and 0 <= n <= 100]
        return len(ok) >= max(1, len(nums) // 2)

    vc = _column(table, value_col)
    if vc is None:
        return []
    tc = _column(table, lambda i: i < len(table.header) and i not in (pc, vc)
                 and bool(_TABLE_TARGET_HEAD.search(table.header[i])))
    rows: list[dict[str, Any]] = []
    for r in body:
        if max(pc, vc) >= len(r):
            continue
        period = parse_period(r[pc])
        value = first_number(r[vc])
        if period is None or period.end is None or value is None or not 0 <= value <= 100:
            continue
        row: dict[str, Any] = {"period": period.label, "period_end": period.end.isoformat(),
                               "value": value}
        if tc is not None and tc < len(r):
            row["target_met"] = True if _YES.match(r[tc]) else False if _NO.match(r[tc]) else None
        rows.append(row)
    return rows


def extract(page: Page, text: PageText) -> dict[str, Any]:
    """Figures, monthly rows, commitments and monitoring statements found on the page."""
    about = text.about()
    figures: list[dict[str, Any]] = []
    commitments: list[dict[str, Any]] = []
    monitoring: list[str] = []
    seen: set[str] = set()
    for block in text.blocks:
        if block.text in seen or not _AVAIL.search(block.text):
            continue
        seen.add(block.text)
        context = f"{block.heading} {about}"
        for sentence in sentences(block.text):
            f, c = _sentence_items(sentence, context)
            figures.extend(f)
            commitments.extend(c)
            if _MONITOR.search(sentence) and (_AVAIL.search(sentence) or _WEB.search(sentence)) \
                    and not _NEAR_MISS.search(sentence):
                monitoring.append(clip(sentence))
    monthly: list[dict[str, Any]] = []
    for table in text.tables:
        monthly.extend(_table_rows(table, about))
    return {"figures": figures, "monthly": monthly, "commitments": commitments,
            "monitoring": monitoring}


def _judge(page: Page, text: PageText, found: dict[str, Any],
           today: date, max_age: int) -> tuple[Kind, str, dict[str, Any]]:
    ends = [date.fromisoformat(x["period_end"]) for x in (*found["figures"], *found["monthly"])
            if x.get("period_end")]
    pdate, pdate_source = page_date(page, text)
    has_figures = bool(found["figures"] or found["monthly"])
    as_of = min(max(ends), today) if ends else (pdate if has_figures else None)
    age = age_days(today, as_of)
    stale = age is not None and age > max_age
    commitment = next((c for c in found["commitments"] if c["strength"] == "commitment"),
                      found["commitments"][0] if found["commitments"] else None)
    latest_row = max(found["monthly"], key=lambda r: r["period_end"]) if found["monthly"] \
        else None
    headline = found["figures"][0] if found["figures"] else latest_row
    detail: dict[str, Any] = {
        **found,
        "has_figures": has_figures,
        "has_commitment": commitment is not None,
        "has_monitoring": bool(found["monitoring"]),
        "percentage": headline["value"] if headline else None,
        "period": headline.get("period") if headline else None,
        "commitment_percentage": commitment["value"] if commitment else None,
        "latest_period_end": max(ends).isoformat() if ends else None,
        "page_date": pdate.isoformat() if pdate else None,
        "page_date_source": pdate_source or None,
        "as_of": as_of.isoformat() if as_of else None,
        "age_days": age,
        "stale": stale,
        "undated": has_figures and as_of is None,
        "max_age_days": max_age,
        "today": today.isoformat(),
    }
    if not has_figures:
        c = commitment or {}
        target = f"{c['value']:g}% " if c.get("value") is not None else ""
        return (Kind.WARNING, f"A commitment to {target}availability is published, but no past "
                "availability figures.", detail)
    what = (f"{headline['value']:g}%" + (f" for {headline['period']}" if headline.get("period")
                                        else "")) if headline else ""
    if found["monthly"]:
        what += f"; {len(found['monthly'])} monthly figures to {latest_row['period']}" \
            if latest_row else ""
    if stale:
        return (Kind.WARNING, f"Availability figures are stale: {what}, as of {as_of} "
                f"({age} days old; limit {max_age}).", detail)
    if as_of is None:
        return Kind.WARNING, f"Availability figures are published but undated: {what}.", detail
    if commitment is None:
        return (Kind.WARNING, f"Availability figures published ({what}), but no commitment "
                "to future availability on this page.", detail)
    target = f"{commitment['value']:g}%" if commitment["value"] is not None else "stated"
    return (Kind.PASS, f"Availability published: {what}; commitment {target}.", detail)


def _state(ctx: Context) -> dict[str, Any]:
    return statement_state(ctx, META.id)


def evaluate(page: Page, ctx: Context) -> list[Finding]:
    """A finding for each page that publishes availability figures or a commitment."""
    if not _checkable(page):
        return []
    st = _state(ctx)
    st["checked"] += 1
    low = lowered(page, ctx)
    if not any_in(low, _PREFILTER) or not any_in(low, _PERCENT_HINT):
        return []
    text = page_text(page, ctx)
    found = extract(page, text)
    if not (found["figures"] or found["monthly"] or found["commitments"]):
        return []
    opts = ctx.opts(META.id)
    today = today_from(opts)
    max_age = int(opts.get("max_age_days", DEFAULT_MAX_AGE_DAYS))
    kind, message, detail = _judge(page, text, found, today, max_age)
    signature = repr((sorted((f["value"], f["text"]) for f in found["figures"]),
                      [(c["value"], c["text"]) for c in found["commitments"]],
                      [(r["period"], r["value"]) for r in found["monthly"]]))
    repeats = st["signatures"].get(signature)
    if repeats is not None:
        repeats["pages"] += 1
        return []
    record = {"url": page.final_url, "kind": kind.value, "pages": 1, **{
        k: detail[k] for k in ("has_figures", "has_commitment", "has_monitoring", "percentage",
                               "period", "commitment_percentage", "as_of", "age_days",
                               "stale", "undated")}}
    st["signatures"][signature] = record
    st["pages"].append(record)
    return [ctx.finding(META, kind, message, page, **detail)]


def finalize(ctx: Context) -> list[Finding]:
    """The site's R25 evidence: current figures and a commitment, wherever published."""
    st = ctx.state.get(META.id)
    if not st or not st["checked"]:
        return [ctx.finding(META, Kind.NOT_ASSESSED, "No HTML pages were checked for an "
                            "availability statement.", None, pages_checked=0)]
    records: list[dict[str, Any]] = st["pages"]
    figures = [r for r in records if r["has_figures"]]
    current = [r for r in figures if not r["stale"] and not r["undated"]]
    commits = [r for r in records if r["has_commitment"]]
    monitoring = [r for r in records if r["has_monitoring"]]
    best = max(current or figures, key=lambda r: r["as_of"] or "", default=None)
    detail: dict[str, Any] = {
        "pages_checked": st["checked"],
        "figure_urls": [r["url"] for r in figures],
        "commitment_urls": [r["url"] for r in commits],
        "monitoring_urls": [r["url"] for r in monitoring],
        "has_figures": bool(figures),
        "has_current_figures": bool(current),
        "has_commitment": bool(commits),
        "has_monitoring": bool(monitoring),
        "percentage": best["percentage"] if best else None,
        "period": best["period"] if best else None,
        "as_of": best["as_of"] if best else None,
        "age_days": best["age_days"] if best else None,
        "stale": bool(figures) and not current,
        "commitment_percentage": commits[0]["commitment_percentage"] if commits else None,
    }
    if current and commits:
        return [ctx.finding(META, Kind.PASS, "Availability figures and a commitment to future "
                            "availability are published.", None, **detail)]
    if not records:
        n = st["checked"]
        return [ctx.finding(META, Kind.FAIL, "No availability figures or commitment found on "
                            f"the {n} page{'s' if n != 1 else ''} checked.", None, **detail)]
    missing = []
    if not figures:
        missing.append("no past availability figures")
    elif not current:
        missing.append("the figures are stale or undated")
    if not commits:
        missing.append("no commitment to future availability")
    return [ctx.finding(META, Kind.WARNING, "Availability statement incomplete: "
                        + "; ".join(missing) + ".", None, **detail)]
