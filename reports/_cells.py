"""Text made safe for the machine formats: CSV cells that spreadsheets will not run as
formulas (OWASP "CSV injection"), and text that XML 1.0 can carry."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["cell", "uncell", "xml_text"]

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def cell(value: Any) -> str:
    """A CSV cell: ``None`` is empty; text a spreadsheet would read as a formula gets a ``'``."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def uncell(text: str) -> str:
    """Undo :func:`cell` (for reading a CSV we wrote and someone filled in)."""
    text = text.strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(_FORMULA):
        return text[1:]
    return text


def xml_text(value: Any) -> str:
    """Text with the characters XML 1.0 forbids removed (crawled text can hold any byte)."""
    return _NOT_XML.sub("", "" if value is None else str(value))
