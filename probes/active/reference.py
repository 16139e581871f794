"""Reference numbers in acknowledgement pages and emails (R28).

The default patterns come from real acknowledgement wordings (../shared/reference/standards.md
§4.4): FixMyStreet's council templates ("The report's reference number is 1234. Please quote
this if you need to contact the council about this report.", "Your reference number is
1234."), the Planning Portal's "unique reference number which should be quoted", and the usual
"Ref: …", "reference: …", "case number …", "please quote …". A reference must contain a digit,
so "please quote this number" or "the reference number from your acknowledgement" never
match. A profile adds its own patterns (a named group ``ref``, else the first group, else the
whole match) under ``probe_options["form-acknowledgement"]["reference_patterns"]``, and may
drop the defaults with ``replace_default_patterns: true``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_PATTERNS",
    "PatternError",
    "RefMatch",
    "ReferenceExtractor",
]

# A reference: letters, digits, "/" and "-", at least one digit, 3-40 characters.
TOKEN = r"(?P<ref>(?=[A-Za-z0-9/\-]*\d)[A-Za-z0-9][A-Za-z0-9/\-]{1,38}[A-Za-z0-9])"
_KIND = (r"(?:enquiry|inquiry|report(?:'s)?|case|complaint|application|request|service "
         r"request|call|ticket|incident|booking|unique)")

DEFAULT_PATTERNS: tuple[tuple[str, str], ...] = (
    # "Your reference number is X", "The report's reference number is X", "Our ref: X"
    ("your-reference-is",
     rf"\b(?:your|the|our|this)\s+(?:{_KIND}\s+)?reference(?:\s+(?:number|no\.?))?"
     rf"\s*(?:is|was|:|=)\s*[:#]?\s*{TOKEN}"),
    # "Ref: X", "Reference: X", "Ref. No. X", "Reference number: X", "Reference No X"
    ("ref-colon",
     rf"\bref(?:erence)?\.?(?:\s*(?:number|no\.?|#))?\s*[:#]\s*{TOKEN}"),
    ("reference-number",
     rf"\breference\s+(?:number|no\.?)\s+(?:is\s+|of\s+)?{TOKEN}"),
    # "case number 123", "enquiry number: X", "complaint reference X"
    ("case-number",
     rf"\b{_KIND}\s+(?:number|no\.?|id|ref(?:erence)?)\s*(?:is\s+|:\s*|#\s*)?{TOKEN}"),
    # "given the reference X", "allocated reference X"
    ("given-reference",
     rf"\b(?:given|allocated|assigned|issued)\s+(?:the\s+|a\s+)?(?:{_KIND}\s+)?reference"
     rf"(?:\s+(?:number|no\.?))?\s*(?:of\s+)?:?\s*{TOKEN}"),
    # subject lines: "Your enquiry - reference SCC-001234", "Ref SCC-001234"
    ("reference-bare", rf"\bref(?:erence)?\.?\s+{TOKEN}"),
    # "please quote X", "please quote reference X"
    ("please-quote",
     rf"\bplease\s+quote\s+(?:(?:the\s+)?(?:{_KIND}\s+)?(?:reference|ref)\.?(?:\s+(?:number|"
     rf"no\.?))?\s*:?\s*)?{TOKEN}"),
)


class PatternError(ValueError):
    """A configured reference pattern is not a valid regular expression."""


@dataclass(frozen=True, slots=True)
class RefMatch:
    """A reference found in a text: the value, which pattern found it, and its context."""

    value: str
    pattern: str
    snippet: str

    def as_dict(self) -> dict[str, str]:
        return {"value": self.value, "pattern": self.pattern, "snippet": self.snippet}


class ReferenceExtractor:
    """Finds reference numbers with the default patterns plus a profile's own."""

    def __init__(self, extra: Iterable[str] = (), *, replace_defaults: bool = False,
                 ignore: Iterable[str] = ()) -> None:
        compiled: list[tuple[str, re.Pattern[str]]] = []
        if not replace_defaults:
            compiled += [(name, re.compile(rx, re.I)) for name, rx in DEFAULT_PATTERNS]
        for i, rx in enumerate(extra):
            try:
                compiled.append((f"profile-{i + 1}", re.compile(rx, re.I)))
            except re.error as exc:
                raise PatternError(f"reference pattern {rx!r} is invalid: {exc}") from exc
        self.patterns: tuple[tuple[str, re.Pattern[str]], ...] = tuple(compiled)
        self.ignore = frozenset(v.upper() for v in ignore)

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> ReferenceExtractor:
        """From a profile's ``form-acknowledgement`` options."""
        extra = options.get("reference_patterns") or ()
        if isinstance(extra, str):
            extra = [extra]
        return cls([str(x) for x in extra],
                   replace_defaults=bool(options.get("replace_default_patterns", False)))

    def find(self, text: str) -> list[RefMatch]:
        """Every distinct reference in ``text``, in order of first appearance."""
        text = " ".join(text.split())
        hits: list[tuple[int, RefMatch]] = []
        seen: set[str] = set()
        for name, rx in self.patterns:
            for m in rx.finditer(text):
                value = _value(m).strip().rstrip("/-")
                if (len(value) < 3 or not any(c.isdigit() for c in value)
                        or value.upper() in self.ignore or value.upper() in seen):
                    continue
                seen.add(value.upper())
                lo, hi = max(0, m.start() - 60), min(len(text), m.end() + 60)
                hits.append((m.start(), RefMatch(value, name, text[lo:hi])))
        return [h for _, h in sorted(hits, key=lambda h: h[0])]

    def first(self, texts: Sequence[str]) -> RefMatch | None:
        """The first reference in the first text that has one."""
        for text in texts:
            found = self.find(text)
            if found:
                return found[0]
        return None


def _value(m: re.Match[str]) -> str:
    groups = m.groupdict()
    if groups.get("ref"):
        return str(groups["ref"])
    if m.groups() and m.group(1):
        return str(m.group(1))
    return m.group(0)
