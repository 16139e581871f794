"""The one Jinja2 environment every report uses: autoescape on for every template, always.

Crawled content is hostile: page titles, URLs, snippets and messages may carry markup,
script or quote-breaking strings. Autoescaping makes text inert; :func:`safe_href` keeps
``javascript:``, ``data:`` and other non-web URLs out of ``href`` (they show as text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from scoring import status_label, status_meaning

__all__ = ["environment", "safe_href", "status_class", "text_environment"]

_SAFE_SCHEMES = ("http", "https", "mailto")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_href(url: Any) -> str | None:
    """``url`` if it is an http(s) or mailto URL fit for an ``href``, else None."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text or _CONTROL.search(text) or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return text


def status_class(status: str) -> str:
    """A CSS class for a status: ``met via partner deep link`` -> ``st-met-via-partner``."""
    return {
        "met": "st-met",
        "met via partner deep link": "st-partner",
        "partly met": "st-partly",
        "not met": "st-not-met",
        "not applicable": "st-na",
        "needs attestation": "st-attest",
        "not assessed": "st-not-assessed",
    }.get(status, "st-other")


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _pct(value: Any) -> str:
    if isinstance(value, int | float):
        return f"{value:.1f}%".replace(".0%", "%")
    return ""


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = _CONTROL.sub("", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scalars(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The measured figures of an evidence item: scalar values and short lists, as text."""
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        if isinstance(value, bool | int | float | str):
            out.append((str(key), _short(value)))
        elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            out.append((str(key), _short(", ".join(str(v) for v in value))))
        else:
            out.append((str(key), _short(value, 120)))
    return out[:12]


def _visible(value: Any) -> Any:
    """Output of a value: control characters dropped (escaping follows, by autoescape)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _CONTROL.sub("", value)
    return value


@cache
def environment() -> Environment:
    """The shared environment (templates in ``reports/templates``)."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible,
    )
    env.filters.update(
        safe_href=safe_href,
        status_class=status_class,
        status_label=status_label,
        when=_when,
        pct=_pct,
        short=_short,
        scalars=_scalars,
    )
    env.globals.update(status_meaning=status_meaning)
    return env


def text_environment() -> Environment:
    """A copy for plain-text templates (email bodies): no HTML escaping, control chars cut."""
    return environment().overlay(autoescape=False, finalize=_plain)


def _plain(value: Any) -> Any:
    """Plain-text output of a value: one line, no control characters."""
    return " ".join(_CONTROL.sub("", value).split()) if isinstance(value, str) else value
