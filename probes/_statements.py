"""Shared helpers for the statement probes (R25 availability, R26 usage, R29 response standards).

These probes read what a council *published about itself*: a sentence such as "Website
availability for the last 12 months was 99.68%", a monthly table, a standard such as "We will
acknowledge your email within one working day". They share:

* :func:`page_text` — the page's text as blocks (paragraph, list item, table cell, heading…)
  with the nearest heading above each block, plus its tables as rows of cell texts. Built in one
  ``iterwalk`` over the shared lxml tree (never a second parse) and cached for the page, so the
  three probes walk a page once between them.
* sentence splitting, percentages, numbers ("1,087,205", "1.2 million") and periods ("October
  2005", "2004/05", "April to September 2005", "last 12 months") with their end dates;
* :func:`page_date` — the page's own date ("Page last updated: 29 October 2004", then
  ``DC.date.modified``/``DCTERMS.modified``), and :func:`today_from` for the run date, passed in
  the probe's options so tests are deterministic.

Nothing here decides an outcome: it only turns text into values the probes judge.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree

from probes.base import Context, Page

__all__ = [
    "Block",
    "PageText",
    "Period",
    "Table",
    "any_in",
    "clip",
    "first_number",
    "lowered",
    "page_date",
    "page_text",
    "parse_number",
    "parse_period",
    "sentences",
    "today_from",
]

_WS = re.compile(r"\s+")
_BLOCK_TAGS = frozenset({
    "p", "li", "dd", "dt", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "address", "pre", "div", "section", "article", "header", "footer", "nav",
    "aside", "main", "ul", "ol", "dl", "table", "tr", "thead", "tbody", "tfoot", "form",
    "fieldset", "legend", "center", "body", "option", "label",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP = frozenset({"script", "style", "noscript", "template", "select", "textarea"})
SNIPPET = 300


def clip(text: str, limit: int = SNIPPET) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (evidence snippets)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Block:
    """A run of text between block boundaries, with the nearest heading above it."""

    text: str
    tag: str
    heading: str


@dataclass(frozen=True, slots=True)
class Table:
    """A table as cell texts. ``header`` is the first row when it is a header row."""

    rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...]
    caption: str
    heading: str
    before: str  # the text block just before the table (often its introduction)

    @property
    def body(self) -> tuple[tuple[str, ...], ...]:
        return self.rows[1:] if self.header else self.rows

    def context(self) -> str:
        """Caption, header cells, heading and introduction: what the table is about."""
        return " ".join((self.caption, " ".join(self.header), self.heading, self.before))


@dataclass(slots=True)
class PageText:
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    title: str = ""
    h1: str = ""

    def about(self) -> str:
        """Page title and first heading: what the page says it is about."""
        return f"{self.title} {self.h1}"


def _cell_text(el: Any) -> str:
    return _norm(el.text_content())


def _table(el: Any, heading: str, before: str) -> Table | None:
    rows: list[tuple[str, ...]] = []
    header: tuple[str, ...] = ()
    for tr in el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if not cells:
            continue
        texts = tuple(_cell_text(c) for c in cells)
        if not rows and (all(c.tag == "th" for c in cells)
                         or not any(_NUMERIC_CELL.search(t) for t in texts)):
            header = texts
        rows.append(texts)
    if not rows:
        return None
    cap = el.find("caption")
    caption = _cell_text(cap) if cap is not None else ""
    return Table(tuple(rows), header, caption, heading, before)


_NUMERIC_CELL = re.compile(r"\d")


def _walk(page: Page) -> PageText:
    tree = page.tree
    body = tree.find("body")
    out = PageText(title=page.title)
    if body is None:
        return out
    buf: list[str] = []
    stack: list[str] = []
    heading = ""
    last = ""
    pending_tables: list[tuple[Any, str, str]] = []

    def flush(tag: str) -> None:
        nonlocal heading, last
        if not buf:
            return
        text = _norm("".join(buf))
        buf.clear()
        if not text:
            return
        if tag in _HEADINGS:
            heading = text
            if tag == "h1" and not out.h1:
                out.h1 = text
        out.blocks.append(Block(text, tag, heading))
        last = text

    skip_depth = 0
    for event, el in etree.iterwalk(body, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if skip_depth or tag in _SKIP:
                skip_depth += 1
                continue
            if tag in _BLOCK_TAGS or tag == "br":
                flush(stack[-1] if stack else "body")
                if tag == "table":
                    pending_tables.append((el, heading, last))
                if tag != "br":
                    stack.append(tag)
            if el.text and tag:
                buf.append(el.text)
            continue
        if skip_depth:
            skip_depth -= 1
            if skip_depth == 0 and el.tail:
                buf.append(el.tail)
            continue
        if tag in _BLOCK_TAGS:
            flush(tag)
            if stack:
                stack.pop()
        if el.tail:
            buf.append(el.tail)
    flush(stack[-1] if stack else "body")
    for el, head, before in pending_tables:
        table = _table(el, head, before)
        if table is not None:
            out.tables.append(table)
    return out


_CACHE_KEY = "_statements"


def page_text(page: Page, ctx: Context | None = None) -> PageText:
    """The page's blocks and tables, walked once per page and shared by the statement probes.

    The cache holds only the current page (the runner hands one page to every probe in turn).
    """
    if ctx is not None:
        cached = ctx.state.get(_CACHE_KEY)
        if isinstance(cached, tuple) and cached[0] is page:
            result: PageText = cached[1]
            return result
    result = _walk(page)
    if ctx is not None:
        ctx.state[_CACHE_KEY] = (page, result)
    return result


_LOWER_KEY = "_statements_lower"


def lowered(page: Page, ctx: Context | None = None) -> str:
    """The page's raw text lower-cased, once per page: the statement probes' prefilters test
    it with plain substring checks (``in``), which cost far less than a regex over the HTML."""
    if ctx is not None:
        cached = ctx.state.get(_LOWER_KEY)
        if isinstance(cached, tuple) and cached[0] is page:
            low: str = cached[1]
            return low
    low = page.text.lower()
    if ctx is not None:
        ctx.state[_LOWER_KEY] = (page, low)
    return low


def any_in(text: str, needles: tuple[str, ...]) -> bool:
    """Whether any of ``needles`` occurs in ``text`` (plain substring search)."""
    return any(n in text for n in needles)


# ------------------------------------------------------------------ sentences
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9£])")


def sentences(text: str) -> list[str]:
    """Split a block into sentences ("99.5%" and "e.g." stay whole)."""
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


# ------------------------------------------------------------------ numbers
_NUMBER = re.compile(
    r"(?<![\w.,/])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(million|m|thousand|k)\b)?",
    re.IGNORECASE,
)


def parse_number(text: str) -> float | None:
    """The number ``text`` is, or None: "1,087,205", "1.2 million", "153k", "433267"."""
    m = _NUMBER.fullmatch(text.strip())
    return _number_value(m) if m else None


def _number_value(m: re.Match[str]) -> float:
    value = float(m.group(1).replace(",", ""))
    unit = (m.group(2) or "").lower()
    if unit in ("million", "m"):
        value *= 1_000_000
    elif unit in ("thousand", "k"):
        value *= 1_000
    return value


def first_number(text: str) -> float | None:
    """The first number in ``text`` (a table cell such as "1,560,390" or "99.90 %")."""
    for m in _NUMBER.finditer(text):
        if _looks_like_year(m, text):
            continue
        return _number_value(m)
    return None


def _looks_like_year(m: re.Match[str], text: str) -> bool:
    raw = m.group(1)
    return (len(raw) == 4 and raw.isdigit() and 1990 <= int(raw) <= 2030
            and text[m.end():m.end() + 1] in ("/", "-"))


# ------------------------------------------------------------------ dates and periods
MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
MONTHS.update({name[:3]: num for name, num in list(MONTHS.items())})
MONTHS["sept"] = 9
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
       r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_YEAR = r"((?:19|20)\d\d)"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+{_MON}\.?,?[\s-]+{_YEAR}\b",
                             re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MON}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b",
                             re.IGNORECASE)
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_UK_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b")
_MONTH_RANGE = re.compile(rf"\b{_MON}(?:\s+{_YEAR})?\s*(?:to|-|–|until|and)\s*{_MON}\s+{_YEAR}\b",
                          re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b{_MON}\.?\s+{_YEAR}\b", re.IGNORECASE)
_FIN_YEAR = re.compile(r"\b((?:19|20)\d\d)\s*[/–-]\s*((?:19|20)?\d\d)\b")
_QUARTER = re.compile(rf"\b(?:q([1-4])|quarter\s*([1-4]))\s*(?:of\s+)?{_YEAR}"
                      r"(?:\s*/\s*(\d\d(?:\d\d)?))?\b", re.IGNORECASE)
_YEAR_ONLY = re.compile(rf"\b(?:in|during|for|year|calendar year)\s+{_YEAR}\b", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(?:last|past|previous|preceding)\s+(?:(\d{1,2}|twelve|six|three|eighteen|twenty[- ]four)"
    r"\s+)?(months?|years?|quarters?|weeks?)\b", re.IGNORECASE)
_WORD_NUMBERS = {"twelve": 12, "six": 6, "three": 3, "eighteen": 18, "twenty-four": 24,
                 "twenty four": 24}


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")[:4] if text.lower().startswith("sept")
                  else text.lower()[:3]]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period found in text. ``end`` is None for relative periods."""

    label: str  # as normalised here: "October 2005", "2004/05", "last 12 months"
    kind: str  # month | months | financial-year | quarter | year | day | relative
    start: date | None
    end: date | None

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}


def parse_date(text: str) -> date | None:
    """The first calendar date in ``text`` ("29 October 2004", "2005-10-29", "29/10/2004")."""
    best: tuple[int, date] | None = None
    for rx, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy"), (_ISO_DATE, "iso"),
                      (_UK_DATE, "uk")):
        m = rx.search(text)
        if not m:
            continue
        if order == "dmy":
            d = _safe_date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
        elif order == "mdy":
            d = _safe_date(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
        elif order == "iso":
            d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        else:
            d = _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d and (best is None or m.start() < best[0]):
            best = (m.start(), d)
    return best[1] if best else None


def parse_period(text: str) -> Period | None:
    """The reporting period a text names (the most specific one found first)."""
    m = _MONTH_RANGE.search(text)
    if m:
        y2 = int(m.group(4))
        y1 = int(m.group(2)) if m.group(2) else y2
        m1, m2 = _month(m.group(1)), _month(m.group(3))
        if not m.group(2) and m1 > m2:
            y1 -= 1
        first = calendar.month_name[m1] + (f" {y1}" if y1 != y2 else "")
        return Period(f"{first} to {calendar.month_name[m2]} {y2}", "months", date(y1, m1, 1),
                      _month_end(y2, m2))
    m = _QUARTER.search(text)
    if m:
        q = int(m.group(1) or m.group(2))
        y = int(m.group(3))
        if m.group(4):  # a financial-year quarter: Q1 2005/06 is April to June 2005
            first_month = (3 * q + 1) % 12 or 12
            y0 = y + (1 if q == 4 else 0)
            return Period(f"Q{q} {y}/{m.group(4)[-2:]}", "quarter", date(y0, first_month, 1),
                          _month_end(y0, first_month + 2))
        return Period(f"Q{q} {y}", "quarter", date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    m = _FIN_YEAR.search(text)
    if m:
        y1 = int(m.group(1))
        tail = m.group(2)
        y2 = int(tail) if len(tail) == 4 else (y1 // 100) * 100 + int(tail)
        if y2 == y1 + 1:
            return Period(f"{y1}/{str(y2)[-2:]}", "financial-year", date(y1, 4, 1),
                          date(y2, 3, 31))
    m = _MONTH_YEAR.search(text)
    if m:
        y, mo = int(m.group(2)), _month(m.group(1))
        return Period(f"{calendar.month_name[mo]} {y}", "month", date(y, mo, 1),
                      _month_end(y, mo))
    m = _RELATIVE.search(text)
    if m:
        n_raw, unit = m.group(1), m.group(2).lower().rstrip("s")
        if n_raw is None:
            n = 1
        elif n_raw.isdigit():
            n = int(n_raw)
        else:
            n = _WORD_NUMBERS.get(n_raw.lower(), 1)
        if unit == "year":
            n, unit = n * 12, "month"
        label = f"last {n} {unit}s" if n != 1 else f"last {unit}"
        return Period(label, "relative", None, None)
    m = _YEAR_ONLY.search(text)
    if m:
        y = int(m.group(1))
        return Period(str(y), "year", date(y, 1, 1), date(y, 12, 31))
    return None


# ------------------------------------------------------------------ the page's own date
_UPDATED = re.compile(
    r"\b(?:last\s+(?:updated|modified|reviewed|revised)|page\s+updated|updated(?:\s+on)?|"
    r"as\s+at|as\s+of|correct\s+at|published(?:\s+on)?)\b\s*:?\s*(.{0,40})", re.IGNORECASE)
_W3CDTF_PREFIX = re.compile(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)")
_MODIFIED_NAMES = ("dc.date.modified", "dcterms.modified", "dc.date.issued", "dcterms.issued")


def page_date(page: Page, text: PageText | None = None) -> tuple[date | None, str]:
    """The page's own date and where it came from (``text`` or the meta name), or None.

    A date printed on the page ("Page last updated: 29 October 2004", "as at 1 October 2005")
    beats ``DC.date.modified``/``DCTERMS.modified``/``…issued`` in the head.
    """
    if text is not None:
        for block in reversed(text.blocks):
            m = _UPDATED.search(block.text)
            if m:
                d = parse_date(m.group(1))
                if d:
                    return d, "text"
    metas: dict[str, str] = {}
    for el in page.tree.iter("meta"):
        name = (el.get("name") or "").strip().lower()
        if name in _MODIFIED_NAMES and name not in metas:
            metas[name] = (el.get("content") or "").strip()
    for name in _MODIFIED_NAMES:
        m2 = _W3CDTF_PREFIX.match(metas.get(name, ""))
        if m2:
            d = _safe_date(int(m2.group(1)), int(m2.group(2)), int(m2.group(3)))
            if d:
                return d, name
    return None, ""


def today_from(options: Mapping[str, Any]) -> date:
    """The run date: ``options["today"]`` (ISO string or date) or, unset, the system date."""
    value = options.get("today")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return date.today()


def age_days(today: date, when: date | None) -> int | None:
    return None if when is None else (today - when).days


def checkable(page: Page) -> bool:
    """Statement probes read only HTML pages that answered 200."""
    return page.status == 200 and "html" in page.content_type.lower()


def statement_state(ctx: Context, probe_id: str, **extra: Any) -> dict[str, Any]:
    """The cross-page state a statement probe keeps: pages seen, signatures, pages checked."""
    st: dict[str, Any] | None = ctx.state.get(probe_id)
    if st is None:
        st = ctx.state.setdefault(probe_id, {"pages": [], "signatures": {}, "checked": 0, **extra})
    return st
