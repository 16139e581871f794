"""URL handling shared by the crawl and the link checker: one normal form, link kinds.

The crawl dedupes on the normal form *before* it builds a request (cheaper than Scrapy's
fingerprinting and the only way to strip session ids, which make every visit look new).
The normal form lower-cases scheme and host, drops default ports, the fragment and session-id
parameters (``;jsessionid=``, ``PHPSESSID``, ``sid``, ...), and keeps everything else as
written: reordering a query string can change what a server answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

from probes.base import host_of as _host_of

__all__ = [
    "SESSION_PARAMS",
    "NormalUrl",
    "home_path",
    "host_of",
    "is_home_url",
    "link_kind",
    "normalise",
    "split_fragment",
]

# Query parameters that carry a session, not a resource (compared case-insensitively).
SESSION_PARAMS = frozenset(
    {
        "jsessionid",
        "phpsessid",
        "sid",
        "sessionid",
        "session_id",
        "sessid",
        "aspsessionid",
        "cfid",
        "cftoken",
        "zenid",
        "osCsid".lower(),
    }
)
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
_ASP_SESSION = re.compile(r"^aspsessionid[a-z]{8}$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Paths a site's home page is commonly served under (compared lower-case, no query).
_HOME_PATHS = frozenset(
    {
        "",
        "/",
        "/index.html",
        "/index.htm",
        "/index.php",
        "/index.asp",
        "/index.aspx",
        "/index.cfm",
        "/index.jsp",
        "/default.asp",
        "/default.aspx",
        "/default.htm",
        "/default.html",
        "/home",
        "/home/",
        "/home.aspx",
        "/home.html",
        "/home.htm",
        "/site/index.php",
        "/en",
        "/en/",
    }
)


def host_of(url: str) -> str:
    """Lower-case host with port (:func:`probes.base.host_of`); "" for a URL urllib cannot
    split (``http://host]``), so one malformed link never stops a page."""
    try:
        return _host_of(url)
    except ValueError:
        return ""


class NormalUrl(str):
    """A URL in poaudit's normal form, with whether a session id was stripped from it."""

    session_stripped: bool = False


def _is_session_param(name: str) -> bool:
    low = name.lower()
    return low in SESSION_PARAMS or bool(_ASP_SESSION.match(low))


@lru_cache(maxsize=65536)
def normalise(url: str) -> NormalUrl | None:
    """The normal form of an absolute http(s) URL, or None if it is not one (or malformed)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if not host or (any(c in host for c in " <>\"{}|\\^`[]") and ":" not in host):
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = parts.path or "/"
    stripped = False
    if ";" in path:
        new_path = _PATH_SESSION.sub("", path)
        stripped = new_path != path
        path = new_path
    query = parts.query
    if query:
        kept = []
        for pair in query.split("&"):
            name = unquote(pair.split("=", 1)[0])
            if name and _is_session_param(name):
                stripped = True
                continue
            kept.append(pair)
        query = "&".join(kept)
    out = NormalUrl(urlunsplit(SplitResult(scheme, netloc, _quote_unsafe(path), query, "")))
    out.session_stripped = stripped
    return out


def _quote_unsafe(path: str) -> str:
    """Percent-encode spaces and non-ASCII in a path, as browsers do before sending it."""
    if path.isascii() and " " not in path:
        return path
    return quote(path, safe="/%;:@&=+$,!~*'()[]")


def split_fragment(url: str) -> tuple[str, str]:
    """``(url without fragment, fragment)``."""
    base, sep, fragment = url.partition("#")
    return base, fragment if sep else ""


def is_home_url(url: str) -> bool:
    """Whether ``url`` is a site's home page by its path (``/``, ``/index.html``, ...)."""
    parts = urlsplit(url)
    return not parts.query and parts.path.lower() in _HOME_PATHS


def home_path(url: str) -> str:
    """The home page URL of ``url``'s host."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def link_kind(
    url: str,
    site_hosts: frozenset[str],
    owner_of: Mapping[str, str | None],
) -> str:
    """``internal``, ``partner`` (a council's host), ``outbound``, ``mailto`` or ``other``."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "mailto":
        return "mailto"
    if scheme not in ("http", "https"):
        return "other"
    host = host_of(url)
    if host in site_hosts:
        return "internal"
    if owner_of.get(host):
        return "partner"
    return "outbound"
