"""Crawler traps: detect them, cut them off, and say where and why (probe id ``crawl-traps``).

A council site of 2005 had three classic traps. An events calendar whose "next month" link
never ends; session ids in URLs, which make every visit to a page a new URL; and listings whose
sort/filter/page parameters multiply into more URLs than the site has pages. Each is cut off
without guessing at the site's real content:

* **calendar**: a URL whose query or path carries a date (``month=2005-11``, ``/2005/11/``) is
  followed only within ``calendar_window`` months of the dates the rest of the site links to
  (the entry points), so the set of calendar pages crawled does not depend on crawl order;
* **session id**: stripped from every URL (see :mod:`crawler.urls`) and reported once;
* **query explosion**: per path and parameter-name set, once more than ``pattern_budget``
  URLs were seen *and* they vary several parameters jointly (an id parameter alone varying
  is a large site, not a trap), further combinations are not followed; a path whose links use
  more than ``combos_per_path`` different parameter-name sets is cut off likewise;
* **path traps**: repeating segments (``/a/b/a/b/a/b/``), very deep paths and very long URLs.

Options come from the profile's ``probe_options["crawl-traps"]``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from poaudit.findings import Finding, Kind

__all__ = ["PROBE_ID", "TrapGuard", "TrapOptions"]

PROBE_ID = "crawl-traps"
_EXAMPLES = 5
_YM = re.compile(r"^(19[5-9]\d|20\d\d)[-/._]?(0[1-9]|1[0-2])(?:[-/._]?(0[1-9]|[12]\d|3[01]))?$")
_DMY = re.compile(r"^(0?[1-9]|[12]\d|3[01])[-/.](0?[1-9]|1[0-2])[-/.](19[5-9]\d|20\d\d)$")
_YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")
_MONTH = re.compile(r"^(0?[1-9]|1[0-2])$")
_YEAR_NAMES = frozenset({"year", "yr", "y", "yyyy", "calyear"})
_MONTH_NAMES = frozenset({"month", "mon", "m", "mm", "calmonth"})


@dataclass(frozen=True)
class TrapOptions:
    """Limits for trap detection (``probe_options: {crawl-traps: {...}}`` in a profile)."""

    calendar_window: int = 6  # months either side of the calendar's entry dates
    pattern_budget: int = 500
    combos_per_path: int = 32
    max_query_params: int = 16
    max_url_length: int = 1024
    max_repeated_segment: int = 3
    max_path_segments: int = 24

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> TrapOptions:
        known = {k: int(v) for k, v in options.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class _Cut:
    trap: str
    pattern: str
    count: int = 0
    examples: list[dict[str, str | None]] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Pattern:
    urls: int = 0
    values: dict[str, set[str]] = field(default_factory=dict)
    exploded: bool = False


def _month_index(url_parts: tuple[str, list[tuple[str, str]]]) -> tuple[str, int] | None:
    """(pattern-with-placeholders, months since year 0) when the URL carries a date."""
    path, params = url_parts
    year = month = None
    names: list[str] = []
    found = False
    for name, value in params:
        low = name.lower()
        match = _YM.match(value) if len(value) >= 6 else None
        if match:
            year, month, found = int(match.group(1)), int(match.group(2)), True
            names.append(f"{name}={{date}}")
            continue
        dmy = _DMY.match(value)
        if dmy:
            year, month, found = int(dmy.group(3)), int(dmy.group(2)), True
            names.append(f"{name}={{date}}")
            continue
        if low in _YEAR_NAMES and _YEAR.match(value):
            year, found = int(value), True
            names.append(f"{name}={{year}}")
            continue
        if low in _MONTH_NAMES and _MONTH.match(value):
            month = int(value)
            names.append(f"{name}={{month}}")
            continue
        names.append(name)
    segments = path.split("/")
    for i, seg in enumerate(segments):
        if _YEAR.match(seg) and i + 1 < len(segments) and _MONTH.match(segments[i + 1]):
            year, month, found = int(seg), int(segments[i + 1]), True
            segments[i], segments[i + 1] = "{year}", "{month}"
            break
        match = _YM.match(seg) if len(seg) >= 6 else None
        if match:
            year, month, found = int(match.group(1)), int(match.group(2)), True
            segments[i] = "{date}"
            break
    if not found or year is None:
        return None
    pattern = "/".join(segments) + ("?" + "&".join(sorted(names)) if names else "")
    return pattern, year * 12 + (month or 6) - 1


class TrapGuard:
    """Decides, link by link, whether a URL is a trap; remembers what it cut and why."""

    def __init__(self, options: TrapOptions | None = None) -> None:
        self.options = options or TrapOptions()
        self.cuts: dict[tuple[str, str], _Cut] = {}
        self._anchors: dict[str, set[int]] = {}
        self._patterns: dict[str, _Pattern] = {}
        self._combos: dict[str, set[tuple[str, ...]]] = {}
        self._sessions: _Cut | None = None

    # -- decisions ----------------------------------------------------------------------------
    def check(self, url: str, referrer: str | None) -> str | None:
        """The trap ``url`` falls into (and record it), or None to follow it."""
        opts = self.options
        if len(url) > opts.max_url_length:
            return self._cut("long-url", _host_path(url), url, referrer, limit=opts.max_url_length)
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) > opts.max_path_segments:
            return self._cut("deep-path", parts.netloc, url, referrer,
                             limit=opts.max_path_segments)
        if len(segments) >= opts.max_repeated_segment and _repeats(segments,
                                                                  opts.max_repeated_segment):
            return self._cut("repeating-path", parts.netloc + "/" + segments[0], url, referrer)
        params = parse_qsl(parts.query, keep_blank_values=True) if parts.query else []
        if len(params) > opts.max_query_params:
            return self._cut("too-many-parameters", parts.netloc + parts.path, url, referrer,
                             limit=opts.max_query_params)
        dated = _month_index((parts.path, params))
        if dated is not None:
            return self._calendar(parts.netloc + dated[0], dated[1], url, referrer)
        if params:
            return self._explosion(parts.netloc + parts.path, params, url, referrer)
        return None

    def session_stripped(self, url: str, referrer: str | None) -> None:
        """Record that a link carried a session id (stripped before crawling)."""
        if self._sessions is None:
            self._sessions = _Cut("session-id", _host_path(url))
        self._add_example(self._sessions, url, referrer)

    def _calendar(self, pattern: str, month: int, url: str, referrer: str | None) -> str | None:
        anchors = self._anchors.setdefault(pattern, set())
        from_outside = referrer is None or _dated_pattern(referrer) != pattern
        if from_outside or not anchors:
            anchors.add(month)
            return None
        window = self.options.calendar_window
        if min(abs(month - a) for a in anchors) <= window:
            return None
        return self._cut("calendar", pattern, url, referrer, window_months=window,
                         entry_months=sorted(_month_name(a) for a in anchors))

    def _explosion(self, path: str, params: list[tuple[str, str]], url: str,
                   referrer: str | None) -> str | None:
        names = tuple(sorted({n for n, _ in params}))
        combos = self._combos.setdefault(path, set())
        if names not in combos:
            if len(combos) >= self.options.combos_per_path:
                return self._cut("parameter-combinations", path, url, referrer,
                                 limit=self.options.combos_per_path)
            combos.add(names)
        key = path + "?" + "&".join(names)
        pat = self._patterns.get(key)
        if pat is None:
            pat = self._patterns[key] = _Pattern()
        if pat.exploded:
            return self._cut("query-explosion", key, url, referrer,
                             budget=self.options.pattern_budget)
        pat.urls += 1
        budget = self.options.pattern_budget
        for name, value in params:
            pat.values.setdefault(name, set()).add(value)
        if pat.urls > budget:
            widest = max(len(v) for v in pat.values.values())
            if pat.urls > 2 * widest:
                pat.exploded = True
                pat.values.clear()
                return self._cut("query-explosion", key, url, referrer, budget=budget)
            if widest >= pat.urls - 1:  # one id-like parameter carries the variety
                pat.values = {n: v for n, v in pat.values.items() if len(v) >= pat.urls - 1}
        return None

    # -- bookkeeping --------------------------------------------------------------------------
    def _cut(self, trap: str, pattern: str, url: str, referrer: str | None,
             **detail: Any) -> str:
        cut = self.cuts.get((trap, pattern))
        if cut is None:
            cut = self.cuts[(trap, pattern)] = _Cut(trap, pattern, detail=detail)
        self._add_example(cut, url, referrer)
        return trap

    @staticmethod
    def _add_example(cut: _Cut, url: str, referrer: str | None) -> None:
        cut.count += 1
        if len(cut.examples) < _EXAMPLES:
            cut.examples.append({"url": url, "linked_from": referrer})

    def findings(self) -> list[Finding]:
        """One warning per trap and pattern: where, why, how many links were not followed."""
        out = [_finding(c) for c in self.cuts.values()]
        if self._sessions is not None:
            out.append(_finding(self._sessions))
        return out


def _finding(cut: _Cut) -> Finding:
    messages = {
        "calendar": "Stopped following an endless events calendar at {pattern}: {count} "
                    "links to dates more than {window} months from the dates the rest of the "
                    "site links to were not crawled.",
        "session-id": "Links carry session ids in their URLs (e.g. {example}); poaudit "
                      "stripped them {count} times so each page is crawled once. Session ids "
                      "in links break bookmarks and deep links from partner councils.",
        "query-explosion": "Stopped following {pattern}: its query parameters multiply into "
                           "more than {budget} combinations ({count} more links not crawled).",
        "parameter-combinations": "Stopped following {pattern}: links use more than {limit} "
                                  "different sets of query parameters ({count} not crawled).",
        "too-many-parameters": "Skipped {count} links at {pattern} with more than {limit} "
                               "query parameters.",
        "repeating-path": "Skipped {count} links whose path repeats the same segments "
                          "(e.g. {example}): a relative-link loop.",
        "deep-path": "Skipped {count} links on {pattern} more than {limit} folders deep.",
        "long-url": "Skipped {count} links longer than {limit} characters at {pattern}.",
    }
    example = cut.examples[0]["url"] if cut.examples else ""
    message = messages[cut.trap].format(
        pattern=cut.pattern, count=cut.count, example=example,
        window=cut.detail.get("window_months"), budget=cut.detail.get("budget"),
        limit=cut.detail.get("limit"),
    )
    first_seen = cut.examples[0]["linked_from"] if cut.examples else None
    return Finding(
        probe_id=PROBE_ID,
        outcomes=(),
        kind=Kind.WARNING,
        message=message,
        page_url=first_seen,
        detail={"trap": cut.trap, "pattern": cut.pattern, "not_crawled": cut.count,
                "examples": cut.examples, **cut.detail},
    )


def _dated_pattern(url: str) -> str | None:
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True) if parts.query else []
    dated = _month_index((parts.path, params))
    return parts.netloc + dated[0] if dated else None


def _repeats(segments: list[str], times: int) -> bool:
    """Whether some run of 1-3 segments repeats ``times`` times back to back."""
    n = len(segments)
    for size in (1, 2, 3):
        for start in range(0, n - size * times + 1):
            run = segments[start:start + size]
            if all(segments[start + k * size:start + (k + 1) * size] == run
                   for k in range(1, times)):
                return True
    return False


def _month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _host_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + parts.path
