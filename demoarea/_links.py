"""The links a page's data declares (used to find orphan pages at build time)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._model import Link, Page, Ref, Site

# Data keys whose target strings are not rendered as <a href> links.
_NOT_LINKS = frozenset({"form", "search", "target_self"})


def page_links(site: Site, page: Page) -> Iterator[Ref]:
    yield from _walk(site.key, page.data, None)


def _walk(key: str, value: Any, name: str | None) -> Iterator[Ref]:
    if isinstance(value, Link):
        yield value.ref
    elif isinstance(value, Ref):
        yield value
    elif isinstance(value, str):
        if value.startswith("/") and name not in _NOT_LINKS:
            yield Ref(key, value)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in _NOT_LINKS:
                yield from _walk(key, v, k)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _walk(key, v, name)
