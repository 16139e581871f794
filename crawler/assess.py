"""From what a fetch showed to the problems a link has (pure: no network, no store).

Used by the link checker for outbound and partner links and by the crawl for internal links,
so a link gets the same verdict whichever stage saw its target. Soft 404s and shallow links
are judged against two baselines per host — a random path that cannot exist and the home
page — by final URL, canonical link, title/heading and content similarity; the comparison is
returned as evidence so an officer can see why a link was flagged.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from crawler.urls import host_of, is_home_url

__all__ = [
    "Baseline",
    "Observed",
    "assess",
    "home_intent",
    "similarity",
    "soft404_reason",
    "summarise_html",
]

NOT_FOUND = re.compile(
    r"\b404\b|page (was |is )?not found|not be found|cannot be found|can't be found|"
    r"could not find|couldn't find|no longer (available|exists)|does not exist|"
    r"doesn't exist|page (has been )?removed|error 410|file not found|page missing",
    re.IGNORECASE,
)
CHALLENGE = re.compile(
    r"checking your browser|enable (javascript|cookies)|captcha|are you a (human|robot)|"
    r"verify you are human|ddos protection|access denied|request unsuccessful|"
    r"attention required|just a moment|bot (detection|protection)|incapsula|cf-chl",
    re.IGNORECASE,
)
SEARCH_PATH = re.compile(
    r"(^|/)(search|site-?search|searchresults?|search-results|google_results|results|find)"
    r"(\.\w+)?/?$",
    re.IGNORECASE,
)
SEARCH_PARAMS = frozenset({"q", "query", "search", "keywords", "searchterm", "term", "s"})
GENERIC_WORDS = frozenset({
    "home", "homepage", "page", "website", "site", "web", "www", "the", "of", "and", "council",
    "main", "visit", "go", "to", "our", "their", "gov", "uk", "org", "com", "net", "co",
    "http", "https", "city", "county", "district", "borough", "metropolitan", "london",
})
SOFT_SIMILARITY = 0.9
SHALLOW_SIMILARITY = 0.9
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(slots=True)
class Observed:
    """What fetching one URL showed: the redirect hops, final response and page summary."""

    url: str
    status: int | None
    final_url: str
    hops: list[dict[str, Any]] = field(default_factory=list)
    problem: str | None = None  # a fetch-level problem key (timeout, dns-failure, ...)
    error: str = ""
    content_type: str = ""
    is_html: bool = False
    title: str = ""
    h1: str = ""
    canonical: str = ""
    anchors: frozenset[str] | None = None
    shingles: frozenset[int] = frozenset()
    text_head: str = ""
    retry_after: str | None = None
    elapsed_ms: float | None = None
    cycle: list[str] = field(default_factory=list)
    address: str = ""
    soft404: str | None = None  # precomputed by the crawl for internal pages
    location: str | None = None  # where a redirect response points (the checker follows it)

    def brief(self) -> dict[str, Any]:
        """The evidence view of this fetch (no shingles, anchors capped)."""
        out: dict[str, Any] = {"url": self.url, "status": self.status,
                               "final_url": self.final_url, "title": self.title,
                               "h1": self.h1}
        if self.canonical:
            out["canonical"] = self.canonical
        if self.hops:
            out["hops"] = self.hops
        if self.problem:
            out["problem"] = self.problem
            out["error"] = self.error
        return out


@dataclass(slots=True)
class Baseline:
    """Per target host: a path that cannot exist, and the home page."""

    not_found: Observed | None = None
    home: Observed | None = None


_TEXT = etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")


def _text_of(tree: lxml.html.HtmlElement) -> str:
    """The visible text of a page, without changing the (shared) tree."""
    parts = _TEXT(tree)
    if not parts:
        parts = tree.xpath("//text()")
    return " ".join(" ".join(str(p) for p in parts).split())


def shingles(text: str, size: int = 3, limit: int = 4000) -> frozenset[int]:
    """Word 3-grams of a page, as CRC-32s: the same in every process (Python's ``hash`` of a
    string is salted per process, and a baseline may be taken in another process than the
    page it is compared with: the analysis process, a distributed worker)."""
    words = _WORD.findall(text.lower())[:limit]
    if len(words) < size:
        return frozenset({_crc(words)}) if words else frozenset()
    return frozenset(_crc(words[i:i + size]) for i in range(len(words) - size + 1))


def _crc(words: list[str]) -> int:
    return zlib.crc32(" ".join(words).encode("utf-8", "surrogatepass"))


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard similarity of two shingle sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def anchors_of(tree: lxml.html.HtmlElement) -> frozenset[str]:
    """Every fragment a page can be linked to: element ids and ``<a name>``."""
    found = {str(v) for v in tree.xpath("//@id")}
    found.update(str(v) for v in tree.xpath("//a/@name"))
    return frozenset(found)


def summarise_html(obs: Observed, tree: lxml.html.HtmlElement | None, text: str,
                   with_text: bool = True) -> Observed:
    """Fill title, h1, canonical, anchors and (optionally) shingles from a parsed page."""
    if tree is None:
        try:
            tree = lxml.html.document_fromstring(text or "<html></html>")
        except (etree.ParserError, ValueError):
            tree = lxml.html.document_fromstring("<html></html>")
    node = tree.find(".//title")
    obs.title = " ".join((node.text_content() if node is not None else "").split())[:300]
    h1 = tree.find(".//h1")
    obs.h1 = " ".join((h1.text_content() if h1 is not None else "").split())[:300]
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            obs.canonical = str(link.get("href")).strip()
            break
    obs.anchors = anchors_of(tree)
    if with_text:
        body = _text_of(tree)
        obs.text_head = body[:600]
        obs.shingles = shingles(body)
    return obs


def soft404_reason(obs: Observed, baseline: Baseline) -> str | None:
    """Why a 200 page is really a 'not found' page, or None."""
    if obs.status is None or not 200 <= obs.status < 300 or not obs.is_html:
        return None
    nf, home = baseline.not_found, baseline.home
    if home is not None and obs.final_url == home.final_url:
        return None  # it is the home page (a shallow link, perhaps, but not a 'not found')
    if (nf is not None and nf.hops and nf.status is not None
            and obs.final_url == nf.final_url and obs.url != nf.final_url):
        return f"it ends on {nf.final_url}, where the site sends addresses that do not exist"
    if nf is not None and nf.is_html and (nf.title or nf.h1):
        home_title = home.title if home is not None else ""
        sim = similarity(obs.shingles, nf.shingles)
        same_title = bool(obs.title) and obs.title == nf.title and obs.title != home_title
        if same_title and (sim >= 0.5 or not obs.shingles or not nf.shingles):
            return f"same title as the site's 'not found' page ('{obs.title}')"
        serves_home = home is not None and similarity(nf.shingles, home.shingles) >= \
            SOFT_SIMILARITY  # unknown addresses get the home page: that is 'shallow'
        if sim >= SOFT_SIMILARITY and not serves_home:
            return f"its content is {sim:.0%} the same as the site's 'not found' page"
    for text in (obs.title, obs.h1):
        match = NOT_FOUND.search(text or "")
        if match:
            return f"its {'title' if text == obs.title else 'heading'} says '{text}'"
    return None


def home_intent(texts: Iterable[str], url: str, home_title: str) -> bool:
    """Whether every link text to ``url`` names the site itself (so a home page is meant)."""
    allowed = set(GENERIC_WORDS)
    allowed.update(_WORD.findall(home_title.lower()))
    allowed.update(_WORD.findall(urlsplit(url).netloc.lower()))
    for text in texts:
        words = _WORD.findall(text.lower())
        if words and not set(words) <= allowed:
            return False
    return True


def _is_search(url: str) -> bool:
    parts = urlsplit(url)
    if SEARCH_PATH.search(parts.path):
        return True
    names = {p.split("=", 1)[0].lower() for p in parts.query.split("&") if p}
    return bool(names & SEARCH_PARAMS)


def _is_ancestor(parent: str, child: str) -> bool:
    a, b = urlsplit(parent), urlsplit(child)
    if a.netloc != b.netloc or a.query:
        return False
    base = a.path if a.path.endswith("/") else a.path.rsplit("/", 1)[0] + "/"
    return b.path != a.path and b.path.startswith(base) and len(b.path) > len(base)


def shallow_problem(url: str, obs: Observed, baseline: Baseline,
                    texts: Sequence[str]) -> tuple[str, str] | None:
    """(problem key, reason) when a link meant to go deep lands on a home/search/landing page."""
    if obs.status is None or not 200 <= obs.status < 300:
        return None
    home = baseline.home
    home_title = home.title if home is not None else ""
    linked_home = is_home_url(url)
    if linked_home and home_intent(texts, url, home_title or obs.title):
        return None
    final = obs.final_url
    reasons = []
    if is_home_url(final):
        reasons.append(f"{final} is the site's home page address")
    elif home is not None and home.status == 200 and final == home.final_url:
        reasons.append("it ends where the home page does")
    elif home is not None and obs.canonical and obs.canonical == home.canonical:
        reasons.append("its canonical link is the home page's")
    elif home is not None and obs.title and obs.title == home.title:
        sim = similarity(obs.shingles, home.shingles)
        if sim >= SHALLOW_SIMILARITY or not obs.shingles:
            reasons.append(f"it has the home page's title ('{obs.title}')")
    if reasons:
        return "shallow-home", reasons[0]
    if _is_search(final) and not _is_search(url):
        return "shallow-search", "it lands on a search page"
    if obs.hops and _is_ancestor(final, url):
        return "shallow-landing", "it redirects up to a section page"
    return None


def _status_problem(obs: Observed) -> str | None:
    status = obs.status
    if status is None:
        return None
    if status == 404:
        return "page-not-found"
    if status == 410:
        return "page-gone"
    if status == 429:
        return "rate-limited"
    if status == 401 or status == 407:
        return "login-required"
    if status == 403 or status == 999:
        return "bot-challenge" if CHALLENGE.search(obs.title + " " + obs.text_head) else \
            "forbidden"
    if 500 <= status < 600:
        return "server-error"
    if 400 <= status < 500:
        return "client-error"
    return None


def fragment_missing(fragment: str, anchors: frozenset[str] | None) -> bool:
    """Whether ``#fragment`` names nothing on a page with ``anchors`` (None: unknown)."""
    if not fragment or anchors is None or fragment.lower() == "top":
        return False
    if fragment.startswith((":~:", "!")):  # text fragments, hash-bang routes
        return False
    return fragment not in anchors and unquote(fragment) not in anchors


def assess(url: str, fragment: str, obs: Observed, baseline: Baseline,
           texts: Sequence[str] = ()) -> tuple[list[str], dict[str, Any]]:
    """The problem keys of a link to ``url#fragment`` and the facts its messages need."""
    facts: dict[str, Any] = {
        "url": url + (f"#{fragment}" if fragment else ""),
        "status": obs.status,
        "final_url": obs.final_url,
        "host": host_of(obs.final_url or url),
        "hop_count": len(obs.hops),
        "fragment": fragment,
        "error": obs.error,
        "address": obs.address,
        "cycle": " -> ".join(obs.cycle),
        "retry_after_text": f", retry after {obs.retry_after}" if obs.retry_after else "",
    }
    if obs.problem:
        return [obs.problem], facts
    problems: list[str] = []
    status_problem = _status_problem(obs)
    if status_problem:
        if status_problem == "bot-challenge":
            match = CHALLENGE.search(obs.title + " " + obs.text_head)
            facts["reason"] = match.group(0) if match else ""
        return [status_problem], facts
    if obs.status is not None and 300 <= obs.status < 400:
        return ["client-error"], facts  # a redirect without a usable Location
    soft = obs.soft404 if obs.soft404 is not None else soft404_reason(obs, baseline)
    if soft:
        facts["reason"] = soft
        problems.append("soft-404")
    else:
        shallow = shallow_problem(url, obs, baseline, texts)
        if shallow:
            problems.append(shallow[0])
            facts["reason"] = shallow[1]
    if obs.is_html and fragment_missing(fragment, obs.anchors):
        problems.append("fragment-missing")
    if obs.hops and obs.final_url != url:
        problems.append("redirected")
    return problems or ["ok"], facts
