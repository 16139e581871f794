"""Turn a response body into text the way a browser would, or refuse to.

Encoding, in order: a byte-order mark, the Content-Type charset, a ``<meta>`` charset in the
first 1024 bytes, then UTF-8 if the bytes are valid UTF-8, else windows-1252 (what browsers
in an English locale assume for undeclared 2005-era pages, and what such pages were written
in). Binary bodies served as ``text/html`` (a PDF behind a ``download.php``) are recognised
by their magic number or NUL bytes, and are recorded, not parsed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["Decoded", "binary_kind", "decode_html", "header_charset", "media_type"]

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_META = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\xd0\xcf\x11\xe0", "Office 97-2003"),
    (b"\x89PNG", "PNG"),
    (b"GIF8", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "RAR"),
    (b"{\\rtf", "RTF"),
    (b"ID3", "MP3"),
    (b"FWS", "Flash"),
    (b"CWS", "Flash"),
)
# WHATWG: these labels mean windows-1252 in a browser.
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
            "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252"}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec used and where the choice came from."""

    text: str
    encoding: str
    source: str  # bom | header | meta | utf-8-valid | fallback


def media_type(content_type: str) -> str:
    """``text/html; charset=x`` -> ``text/html``."""
    return content_type.split(";", 1)[0].strip().lower()


def header_charset(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def binary_kind(body: bytes) -> str | None:
    """What binary format ``body`` looks like, or None if it could be text."""
    head = body[:8192].lstrip()
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in body[:8192]:
        return "binary data (NUL bytes)"
    return None


def decode_html(body: bytes, content_type: str = "") -> Decoded:
    """Decode an HTML body: BOM, header charset, meta charset, UTF-8 if valid, windows-1252."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom):].decode(name, "replace"), name, "bom")
    codec = _codec(header_charset(content_type))
    source = "header"
    if codec is None:
        match = _META.search(body[:1024])
        codec = _codec(match.group(1).decode("ascii", "replace")) if match else None
        source = "meta"
        if codec in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
            codec = "utf-8"  # a meta tag readable as ASCII cannot be UTF-16 (WHATWG)
    if codec is not None:
        return Decoded(body.decode(codec, "replace"), codec, source)
    try:
        return Decoded(body.decode("utf-8"), "utf-8", "utf-8-valid")
    except UnicodeDecodeError:
        return Decoded(body.decode("cp1252", "replace"), "cp1252", "fallback")
