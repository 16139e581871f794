"""response-standards (R29): published email response standards and performance against them.

What it looks for. Pages where the council publishes its corporate standards for answering
email (and web-form) enquiries and how well it meets them: an acknowledgement standard ("We will
acknowledge your email within one working day", "within 24 hours"), a full-reply standard ("We
aim to give a full reply within 10 working days"), and performance ("we acknowledged 95.2% of
emails within one working day", or a table of emails received and answered in time, with the
period). A standard counts as an email standard when the sentence, its paragraph or the heading
above it is about email, electronic or web-form enquiries (email *addresses* do not count): the
generic "We aim to deal with all requests within ten working days", a letters standard, an FOI
deadline or "90% of telephone calls answered within 20 seconds" are not. Times are normalised
(``value`` and ``unit``: working day, day, hour, week) and the acknowledgement is checked
against the outcome's "under one working day" standard (``meets_one_working_day``). Letter
standards on the same page are recorded, as the outcome also asks for letter response times.

Why R29 asks for it. "100% of email enquiries from the public responded to within one working
day, with documented corporate performance standards for both email acknowledgements and
service replies": "Corporate standards for these responses must be agreed by the council and
published on the website … The corporate standard for acknowledgement of email communications
must be under one working day", and "This performance information must be published on the
council website on a regular basis." The checklist:

    R28 complete
    All email and letter response times logged and monitored corporately.
    Performance tables published on website
    Corporate standards for responses agreed and published
    Corporate standard for email response within one day.

Example that passes::

    <h2>Email</h2><p>We will acknowledge your email within one working day. We aim to give a
    full reply within 10 working days.</p>
    <p>Between April and September 2005 we acknowledged 95.2% of emails within one working
    day.</p>

Example that fails (a near-miss: not an email standard)::

    <p>We aim to deal with all requests about council tax within ten working days.</p>

Findings. Per page with an email standard or performance (repeats are counted, not repeated):
``pass`` (acknowledgement within one working day, a reply standard and published performance),
``warning`` (any of them missing, or an acknowledgement standard longer than a working day). At
the end: one site finding, ``pass``/``warning``/``fail`` (nothing published), combining pages.

Known limits. Whether 100% of emails are really answered in a day cannot be seen from the
website (the form-acknowledgement probe samples it). Standards published only in PDFs (a
customer charter) are not read. Performance without a period is reported with ``period`` null.
"""

from __future__ import annotations

import re
from typing import Any

from poaudit.findings import Finding, Kind
from probes._statements import (
    PageText,
    Table,
    any_in,
    checkable,
    clip,
    lowered,
    page_text,
    parse_period,
    sentences,
    statement_state,
)
from probes.base import Context, Page, ProbeMeta

__all__ = ["META", "evaluate", "extract", "finalize"]

META = ProbeMeta(
    id="response-standards",
    code="PO229",
    outcomes=("R29",),
    scope=("page", "site"),
    stage="html",
    tags=("statement", "service-standards", "email"),
    status="preview",
    title="Published email response standards and performance",
)

_PREFILTER = ("mail", "electronic", "web form", "webform", "online enquir")
_TIME_HINT = ("within", "same day", "same working day", "end of the")
# Email addresses and invitations to write ("email us at …", "E-mail:") are contact details,
# not a statement about answering email.
_ADDRESS = re.compile(r"\S+@\S+|\be-?mail(?:\s+us)?\s*(?:at|on|:)", re.IGNORECASE)
_EMAIL = re.compile(r"\be-?mails?\b|\belectronic(?:ally)?\s+(?:mail|enquir\w*|communications?)\b"
                    r"|\bonline\s+enquir\w*|\bweb\s?forms?\b|\bemailed\b", re.IGNORECASE)
_ACK = re.compile(r"\backnowledg\w*|\bconfirm\w*\s+(?:that\s+)?(?:we\s+have\s+)?(?:safe\s+)?"
                  r"receiv\w*|\breceipt\b", re.IGNORECASE)
_REPLY = re.compile(r"\b(?:reply|replies|replied|respond\w*|responses?|answer\w*|resolv\w*|"
                    r"deal\s+with|dealt\s+with)\b", re.IGNORECASE)
_LETTER = re.compile(r"\bletters?\b|\bpost(?:al)?\b|\bwritten\s+correspondence\b", re.IGNORECASE)
_OTHER_CHANNEL = re.compile(r"\btele(?:phone)?\s*calls?\b|\bcalls?\b|\bphone\b|\bseconds\b|"
                            r"\bfreedom\s+of\s+information\b|\bFOI\b|\bcomplaints?\b",
                            re.IGNORECASE)
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20,
          "twenty-one": 21, "twenty one": 21, "twenty-eight": 28, "twenty eight": 28}
_TIME = re.compile(
    r"\bwithin\s+(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|"
    r"twenty(?:[\s-](?:one|eight))?)\s+(working\s+|business\s+|calendar\s+|clear\s+)?"
    r"(days?|hours?|weeks?)\b"
    r"|\b(?:on\s+)?the\s+same\s+(?:working\s+)?day\b"
    r"|\bby\s+(?:the\s+)?end\s+of\s+the\s+(?:next\s+)?(?:working\s+)?day\b", re.IGNORECASE)
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|per\s?cent\b)", re.IGNORECASE)
_STANDARD_WORDS = re.compile(r"\bwill\b|\baim\b|\bstandard|\bpromise|\bcommit|\btarget|\bshould\b",
                             re.IGNORECASE)


_checkable = checkable


def _time(sentence: str) -> dict[str, Any] | None:
    m = _TIME.search(sentence)
    if not m:
        return None
    if m.group(1) is None:
        text = m.group(0).lower()
        return {"value": 1 if "next" in text else 0, "unit": "working day",
                "label": "same day" if "same" in text else "end of next working day"}
    raw = m.group(1).lower()
    value = int(raw) if raw.isdigit() else _WORDS.get(raw.replace("-", " "), _WORDS.get(raw, 1))
    qualifier = (m.group(2) or "").strip().lower()
    unit = m.group(3).lower().rstrip("s")
    if unit == "day" and qualifier in ("working", "business"):
        unit = "working day"
    label = f"{value} {unit}" + ("s" if value != 1 else "")
    return {"value": value, "unit": unit, "label": label}


def _within_one_working_day(t: dict[str, Any]) -> bool:
    unit, value = str(t["unit"]), int(t["value"])
    return (unit == "hour" and value <= 24) or (unit in ("working day", "day") and value <= 1)


def _days(t: dict[str, Any]) -> float | None:
    unit, value = str(t["unit"]), int(t["value"])
    if unit in ("working day", "day"):
        return float(value)
    if unit == "week":
        return float(value * 5)
    if unit == "hour":
        return round(value / 24, 2)
    return None


def _performance_rows(table: Table, about: str) -> list[dict[str, Any]]:
    context = f"{table.caption} {' '.join(table.header)} {table.heading} {table.before}"
    if not _EMAIL.search(context) or not (_ACK.search(context) or _REPLY.search(context)
                                          or _TIME.search(context)):
        return []
    if _OTHER_CHANNEL.search(f"{table.caption} {' '.join(table.header)}"):
        return []
    rows: list[dict[str, Any]] = []
    for r in table.body:
        period = next((p for c in r if (p := parse_period(c)) is not None), None)
        for i, cell in enumerate(r):
            m = _PERCENT.search(cell)
            if m is None:
                continue
            label = table.header[i] if i < len(table.header) else ""
            rows.append({"value": float(m.group(1)), "measure": label or None,
                         "period": period.label if period else None,
                         "period_end": period.end.isoformat() if period and period.end
                         else None, "source": "table"})
    return rows


def extract(page: Page, text: PageText) -> dict[str, Any]:
    """Email acknowledgement and reply standards, letter standards and performance."""
    about = text.about()
    acks: list[dict[str, Any]] = []
    replies: list[dict[str, Any]] = []
    letters: list[dict[str, Any]] = []
    performance: list[dict[str, Any]] = []
    seen: set[str] = set()
    for block in text.blocks:
        if block.text in seen:
            continue
        seen.add(block.text)
        clean = _ADDRESS.sub(" ", block.text)
        heading = _ADDRESS.sub(" ", block.heading)
        block_email = bool(_EMAIL.search(clean)) or bool(_EMAIL.search(heading))
        for sentence in sentences(clean):
            if not _TIME.search(sentence):
                continue
            s_email = bool(_EMAIL.search(sentence))
            s_letter = bool(_LETTER.search(sentence)) or (
                not s_email and bool(_LETTER.search(heading)) and not _EMAIL.search(heading))
            other = bool(_OTHER_CHANNEL.search(sentence))
            email = (s_email or (block_email and not s_letter)) and not other
            pct = _PERCENT.search(sentence)
            if pct and email and (_ACK.search(sentence) or _REPLY.search(sentence)):
                period = parse_period(sentence)
                t = _time(sentence)
                performance.append({
                    "value": float(pct.group(1)), "measure": t["label"] if t else None,
                    "acknowledgement": bool(_ACK.search(sentence)),
                    "period": period.label if period else None,
                    "period_end": period.end.isoformat() if period and period.end else None,
                    "source": "text", "text": clip(sentence)})
                continue
            if pct or other:
                continue
            # One sentence may carry both standards ("We will acknowledge your email within
            # two working days and send a full response within 15 working days"): each time
            # limit is read with the clause that leads up to it.
            start = 0
            for m in _TIME.finditer(sentence):
                clause = sentence[start:m.end()]
                start = m.end()
                t = _time(clause[clause.rfind(m.group(0)):])
                if t is None:
                    continue
                item = {**t, "text": clip(sentence)}
                if email and _ACK.search(clause):
                    acks.append(item)
                elif email and _REPLY.search(clause):
                    replies.append(item)
                elif s_letter and _REPLY.search(clause) and not s_email:
                    letters.append(item)
    for table in text.tables:
        performance.extend(_performance_rows(table, about))
    return {"acknowledgement_standards": acks, "reply_standards": replies,
            "letter_standards": letters, "performance": performance}


def _judge(found: dict[str, Any]) -> tuple[Kind, str, dict[str, Any]]:
    acks, replies = found["acknowledgement_standards"], found["reply_standards"]
    perf, letters = found["performance"], found["letter_standards"]
    ack = next((a for a in acks if _within_one_working_day(a)), acks[0] if acks else None)
    reply = replies[0] if replies else None
    meets = ack is not None and _within_one_working_day(ack)
    detail: dict[str, Any] = {
        **found,
        "has_acknowledgement_standard": ack is not None,
        "acknowledge_within": ack["label"] if ack else None,
        "meets_one_working_day": meets,
        "has_reply_standard": reply is not None,
        "reply_within": reply["label"] if reply else None,
        "reply_within_days": _days(reply) if reply else None,
        "letters_reply_within_days": _days(letters[0]) if letters else None,
        "performance_published": bool(perf),
        "performance_percentage": perf[0]["value"] if perf else None,
        "performance_period": perf[0]["period"] if perf else None,
    }
    missing = []
    if ack is None:
        missing.append("no email acknowledgement standard")
    elif not meets:
        missing.append(f"the acknowledgement standard ({ack['label']}) is longer than one "
                       "working day")
    if reply is None:
        missing.append("no standard for a full reply")
    if not perf:
        missing.append("no published performance")
    if missing:
        return Kind.WARNING, "Email response standards incomplete: " + "; ".join(missing) + \
            ".", detail
    assert ack is not None and reply is not None
    when = f" ({perf[0]['period']})" if perf[0]["period"] else ""
    return (Kind.PASS, f"Email standards published: acknowledgement within {ack['label']}, "
            f"full reply within {reply['label']}; performance {perf[0]['value']:g}%{when}.",
            detail)


def _state(ctx: Context) -> dict[str, Any]:
    return statement_state(ctx, META.id)


def evaluate(page: Page, ctx: Context) -> list[Finding]:
    """A finding for each page that publishes email response standards or performance."""
    if not _checkable(page):
        return []
    st = _state(ctx)
    st["checked"] += 1
    low = lowered(page, ctx)
    if not any_in(low, _PREFILTER) or not any_in(low, _TIME_HINT):
        return []
    text = page_text(page, ctx)
    found = extract(page, text)
    if not (found["acknowledgement_standards"] or found["reply_standards"]
            or found["performance"]):
        return []
    kind, message, detail = _judge(found)
    signature = repr(sorted((k, repr(v)) for k, v in found.items()))
    if signature in st["signatures"]:
        st["signatures"][signature]["pages"] += 1
        return []
    record = {"url": page.final_url, "kind": kind.value, "pages": 1, **{
        k: detail[k] for k in ("has_acknowledgement_standard", "acknowledge_within",
                               "meets_one_working_day", "has_reply_standard",
                               "reply_within_days", "performance_published",
                               "performance_percentage", "performance_period")}}
    st["signatures"][signature] = record
    st["pages"].append(record)
    return [ctx.finding(META, kind, message, page, **detail)]


def finalize(ctx: Context) -> list[Finding]:
    """The site's R29 evidence, combining every page with standards or performance."""
    st = ctx.state.get(META.id)
    if not st or not st["checked"]:
        return [ctx.finding(META, Kind.NOT_ASSESSED, "No HTML pages were checked for email "
                            "response standards.", None, pages_checked=0)]
    records: list[dict[str, Any]] = st["pages"]
    ack = [r for r in records if r["meets_one_working_day"]]
    any_ack = [r for r in records if r["has_acknowledgement_standard"]]
    reply = [r for r in records if r["has_reply_standard"]]
    perf = [r for r in records if r["performance_published"]]
    detail: dict[str, Any] = {
        "pages_checked": st["checked"],
        "urls": [r["url"] for r in records],
        "acknowledgement_urls": [r["url"] for r in any_ack],
        "reply_urls": [r["url"] for r in reply],
        "performance_urls": [r["url"] for r in perf],
        "acknowledge_within": (ack or any_ack)[0]["acknowledge_within"] if any_ack else None,
        "meets_one_working_day": bool(ack),
        "reply_within_days": reply[0]["reply_within_days"] if reply else None,
        "performance_published": bool(perf),
        "performance_percentage": perf[0]["performance_percentage"] if perf else None,
        "performance_period": perf[0]["performance_period"] if perf else None,
    }
    if not records:
        n = st["checked"]
        return [ctx.finding(META, Kind.FAIL, "No email response standards found on the "
                            f"{n} page{'s' if n != 1 else ''} checked.", None, **detail)]
    if ack and reply and perf:
        return [ctx.finding(META, Kind.PASS, "Email acknowledgement (one working day) and reply "
                            "standards and performance against them are published.", None,
                            **detail)]
    missing = [what for ok, what in ((ack, "an acknowledgement standard of one working day"),
                                     (reply, "a reply standard"), (perf, "performance figures"))
               if not ok]
    return [ctx.finding(META, Kind.WARNING, "Email response standards incomplete: missing "
                        + ", ".join(missing) + ".", None, **detail)]
