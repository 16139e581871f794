"""deep-links (R3 and the service outcomes with two-tier exemptions): links to partner
councils land on the service page (deep), not the home page, and work.

**What it looks for.** On every page, links to another council: a partner's host (the site
profile's ``partner_hosts``, else the partners the councils list gives), any other English
council's host (``other-council``), or an unknown host whose link text names a partner
(``Libraries (Suffolk County Council)`` on a retired domain). Each is classified by service:
its text (annotations stripped), else the link checker's page title, else the words of its URL,
matched to LGSL names and LGCL terms (``probes/_text``). A link to ``/``, ``/index.html``,
``/default.aspx``… is *shallow*. At ``finalize`` every link target (once, with the pages that
carry it) is joined with its link-checker verdict:

* ``link`` findings, one per target: ``pass`` for a working deep link; ``fail`` for a shallow
  link (a home-page URL, or a link that redirects to the home page), a broken one (404/410,
  5xx, redirect loop), an unreachable one (timeout, refused) or a soft 404; ``warning`` for a
  "check by hand" verdict (bot challenge, 429) or a missing ``#anchor``; ``info`` for a deep
  link not (yet) checked. Each names the council that owns the target (``partner``), so the
  reports can group them into one list per partner.
* ``partner-services`` findings, one per outcome that lists ``deep-links`` in the catalogue:
  of the outcome's LGSL services that this council's tier does not provide and the partner's
  tier does (providing tiers from the project data), which are deep-linked and work
  (``linked_ok``), linked but unproven (``linked_unverified``: not checked, check by hand, a
  missing anchor), linked but failing (``linked_faulty``), not linked at all (``missing``);
  ``pass`` when all work, ``warning`` when some work or are unproven, ``fail`` otherwise.
* one ``info`` finding for a unitary (or a council with no partner): nothing to deep-link.

**Why the outcomes ask for it.** The notes' "Deep Linking" rule: "A minimum requirement in terms
of meeting a priority outcome for an authority with no direct statutory service responsibility
is to offer appropriate (deep) hyperlinks to the relevant web pages of the local district or
county councils that do provide the service. … On this basis, a link to a home page is not
sufficient. It is recommended that the web address or Uniform Resource Locator (URL) of deep
hyperlinks get the user to within one click of the best available information they require."
And: "Such ‘deep linking’ requires authorities to plan and have the relevant resources to check
the ongoing integrity of these links." R3: "one stop direct access and deep linking to joined up
A-Z information"; exemptions such as R8's "Councils not dealing with planning and building
control services will be required to deep link / syndicate the content of the appropriate
councils that do."; and checklists such as R13's "Real-time transactional booking facilities on
council website or via deep links".

**Example that passes.** A district page with ``<a href="http://www.suffolk.gov.uk/libraries/
catalogue/">Library catalogue (Suffolk County Council)</a>`` that the link checker finds ok.

**Example that fails.** ``<a href="http://www.suffolk.gov.uk/">Libraries</a>`` (a home page);
a deep link the checker reports as 404, or one that redirects to the county's home page.

**Known limits.** The service is read from words; a link worded unlike any LGSL/LGCL name
(``Click here``) is reported with ``lgsl_ids: []`` and counts for no outcome but R3. A link that
covers an LGCL term counts for every service filed under it. Syndicated content (the other way
to meet the exemption) is not recognised. Whether a target is "within one click of the best
available information" is judged only as not-the-home-page. Verdicts come from the link checker
(``ctx.link_verdicts``); without them deep links are reported ``not checked``.

Options (``deep-links`` in the site profile): ``sample`` (sources listed per link, default 10).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from poaudit.catalogue import load_catalogue
from poaudit.findings import Finding, Kind
from poaudit.taxonomy import normalise_label, providing_tiers
from probes._text import (
    Hosts,
    Match,
    Owner,
    VerdictView,
    home_page,
    lgsl_services,
    match_text,
    owner_of,
    partner_tier,
    services_for,
    split_annotations,
    verdict_for,
)
from probes.base import Context, Page, ProbeMeta

__all__ = ["META", "evaluate", "finalize"]

META = ProbeMeta(
    id="deep-links",
    code="PO102",
    outcomes=("R1", "R2", "G1", "R3", "R7", "R8", "G11", "R12", "R13", "R15", "G13", "G14",
              "R16", "R17", "R18"),
    scope=("page", "site"),
    tags=("two-tier", "deep-links", "partners", "link-check"),
    status="preview",
    title="Deep links to partner councils' service pages, checked and attributed",
)

SAMPLE = 10
_URL_WORDS = re.compile(r"[a-z]{3,}(?:[-_ +][a-z]{2,})*", re.I)
_URL_NOISE = re.compile(r"^(index|default|home|page|site|scripts?|content|documents?|info|"
                        r"cgi|bin|www|html?|aspx?|php|cfm|jsp|display|view|show|article|"
                        r"en|english|main|and)$", re.I)


@dataclass
class LinkRec:
    url: str
    fragment: str
    texts: list[str]
    owner: Owner
    to_council: bool  # a home-page link whose text only names the council
    sources: list[str] = field(default_factory=list)
    count: int = 0


@dataclass
class State:
    hosts: Hosts
    links: dict[tuple[str, str, bool], LinkRec] = field(default_factory=dict)


def _state(ctx: Context) -> State:
    st = ctx.state.get(META.id)
    if not isinstance(st, State):
        st = State(Hosts.from_context(ctx.council, ctx.site_hosts, ctx.partner_hosts))
        ctx.state[META.id] = st
    return st


def evaluate(page: Page, ctx: Context) -> list[Finding]:
    """Remember every link from this page to another council (judged at ``finalize``)."""
    st = _state(ctx)
    sample = int(ctx.opts(META.id).get("sample", SAMPLE))
    for link in page.links:
        if link.tag not in ("a", "area") or not link.url.startswith(("http://", "https://")):
            continue
        owner = owner_of(link.url, link.text, st.hosts)
        if owner.relation not in ("partner", "other-council"):
            continue
        to_council = home_page(link.url) and _names_council(link.text, owner)
        key = (link.url, link.fragment, to_council)
        rec = st.links.get(key)
        if rec is None:
            rec = st.links[key] = LinkRec(link.url, link.fragment, [], owner, to_council)
        if link.text and link.text not in rec.texts and len(rec.texts) < 3:
            rec.texts.append(link.text)
        rec.count += 1
        if page.final_url not in rec.sources and len(rec.sources) < sample:
            rec.sources.append(page.final_url)
    return []


# --------------------------------------------------------------------------------------------
# Site scope


@functools.cache
def _outcomes_by_service() -> Mapping[int, tuple[str, ...]]:
    """LGSL id -> codes of the outcomes (evidenced by this probe) that list it."""
    out: dict[int, list[str]] = {}
    for outcome in load_catalogue().for_probe(META.id):
        for sid in (*outcome.lgsl, *outcome.lgsl_possible):
            out.setdefault(sid, []).append(outcome.code)
    return {k: tuple(v) for k, v in out.items()}


def _url_words(url: str) -> str:
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s]
    for segment in reversed(segments):
        stem = segment.rsplit(".", 1)[0]
        words = [w for w in re.split(r"[-_ +]+", stem) if w and not _URL_NOISE.match(w)]
        if len(words) >= 1 and _URL_WORDS.fullmatch(" ".join(words)):
            return " ".join(words)
    return ""


def _classify(rec: LinkRec, verdict: VerdictView) -> tuple[Match | None, str]:
    for text in rec.texts:
        found = match_text(text)
        if found is not None:
            return found, "link-text"
    title = verdict.raw.get("title")
    if isinstance(title, str) and title:
        found = match_text(title.split(" - ")[0])
        if found is not None:
            return found, "target-title"
    words = _url_words(rec.url)
    if words:
        found = match_text(words)
        if found is not None:
            return found, "url"
    return None, ""


_UNVERIFIED = frozenset({"not-checked", "unknown", "caution", "fragment-missing"})
"""Link problems that leave a service's deep link unproven rather than failing: not checked,
"check by hand" verdicts, and a missing #anchor (the page itself answered)."""


@dataclass
class Judged:
    rec: LinkRec
    match: Match | None
    services: frozenset[int]
    problem: str | None
    kind: Kind


_PROBLEMS = {
    "broken": (Kind.FAIL, "is broken"),
    "unreachable": (Kind.FAIL, "is unreachable"),
    "soft-404": (Kind.FAIL, "lands on a 'page not found' page"),
    "shallow": (Kind.FAIL, "lands on the home page, not the service page"),
    "caution": (Kind.WARNING, "needs checking by hand"),
    "fragment-missing": (Kind.WARNING, "points to an anchor missing on the page"),
    "not-checked": (Kind.INFO, "was not checked"),
    "unknown": (Kind.INFO, "has a verdict this probe does not know"),
}


_HOME_WORDS = re.compile(r"\s*\b(web\s*site|home\s*page|homepage|site|online)$")


def _names_council(text: str, owner: Owner) -> bool:
    """Whether ``text`` only names the council (or its website): a link meant for the home
    page, which the Deep Linking rule does not count against (no service is promised)."""
    core = normalise_label(split_annotations(text)[0])
    core = _HOME_WORDS.sub("", core).strip()
    if core.endswith(" s"):
        core = core[:-2]
    if core in ("", "home", "homepage", "visit"):
        return True
    names = {normalise_label(owner.council or ""), normalise_label(owner.host)}
    names |= {n.removesuffix(" council").strip() for n in names}
    return core in names


def _judge(rec: LinkRec, ctx: Context, sample: int) -> tuple[Judged, Finding]:
    verdict = verdict_for(rec.url, rec.fragment, ctx.link_verdicts)
    shallow_url = home_page(rec.url)
    to_council = rec.to_council
    found, via = (None, "") if to_council else _classify(rec, verdict)
    services = services_for(found)
    if to_council:
        problem = verdict.cls if verdict.cls in ("broken", "unreachable", "soft-404") else None
    elif shallow_url:
        problem = "shallow"
    elif verdict.cls == "ok":
        problem = None
    else:
        problem = verdict.cls
    council = rec.owner.council or rec.owner.host
    name = split_annotations(rec.texts[0])[0] if rec.texts else rec.url
    if to_council and problem is None:
        kind, message = Kind.INFO, f"Link to {council}'s home page, named as the council."
    elif problem is None:
        kind, message = Kind.PASS, f"Deep link to {council} ('{name}') works."
    elif shallow_url and problem == "shallow":
        kind, message = Kind.FAIL, (f"Shallow link to {council} ('{name}'): a link to the home "
                                    f"page, not to a service page.")
    else:
        kind, what = _PROBLEMS[problem]
        message = f"{'Home-page' if to_council else 'Deep'} link to {council} ('{name}') {what}."
    outcomes = sorted({"R3", *(o for s in services for o in _outcomes_by_service().get(s, ()))},
                      key=_outcome_key)
    tiers = sorted({t for s in services for t in providing_tiers(s)})
    provides = [ctx.tier in providing_tiers(s) for s in services if providing_tiers(s)]
    svc_names = lgsl_services()
    ids = sorted(services)
    finding = ctx.finding(
        META, kind, message, rec.sources[0] if rec.sources else None, outcomes=outcomes,
        check="link", target_url=rec.url, fragment=rec.fragment or None,
        link_text=rec.texts[0] if rec.texts else "", partner=rec.owner.council,
        partner_host=rec.owner.host, relation=rec.owner.relation, attributed_by=rec.owner.by,
        depth="shallow" if shallow_url or problem == "shallow" else "deep", problem=problem,
        intent="council-home" if to_council else "service",
        **verdict.as_detail(),
        lgsl_ids=ids[:sample], lgsl_count=len(ids),
        lgsl_name=svc_names[ids[0]].name if len(ids) == 1 else None,
        lgcl_ids=list(found.lgcl_ids) if found else [],
        matched_term=found.term if found else None, match_via=found.via if found else None,
        classified_by=via or None, provider_tiers=tiers,
        own_tier_provides=_all_or_none(provides),
        sources=rec.sources, source_count=rec.count)
    return Judged(rec, found, services, problem, kind), finding


def _all_or_none(flags: list[bool]) -> bool | None:
    """True if every flag is set, False if none is, None if mixed or empty."""
    if flags and all(flags):
        return True
    if flags and not any(flags):
        return False
    return None


def _outcome_key(code: str) -> tuple[int, int]:
    return ("RGE".index(code[0]), int(code[1:]))


def finalize(ctx: Context) -> list[Finding]:
    """Judge every link to another council and each outcome's partner-provided services."""
    st = _state(ctx)
    sample = int(ctx.opts(META.id).get("sample", SAMPLE))
    judged: list[Judged] = []
    out: list[Finding] = []
    for key in sorted(st.links):
        j, finding = _judge(st.links[key], ctx, sample)
        judged.append(j)
        out.append(finding)
    other = partner_tier(ctx.tier)
    if other is None or not st.hosts.partners:
        out.append(ctx.finding(
            META, Kind.INFO, f"No partner councils to deep-link to (tier: {ctx.tier}).", None,
            outcomes=("R3",), check="partner-services", own_tier=ctx.tier, partner_tier=other,
            partners=sorted(set(st.hosts.partners.values())), applicable=False))
        return out
    out.extend(_partner_services(ctx, other, judged))
    return out


def _partner_services(ctx: Context, other: str, judged: Iterable[Judged]) -> Iterator[Finding]:
    names = lgsl_services()
    partner_links = [j for j in judged if j.rec.owner.relation == "partner"]
    for outcome in load_catalogue().for_probe(META.id):
        needed = [s for s in outcome.lgsl
                  if other in (t := providing_tiers(s)) and ctx.tier not in t]
        if not needed:
            continue
        ok: dict[int, list[str]] = {}
        unverified: dict[int, list[str]] = {}
        faulty: dict[int, list[str]] = {}
        for j in partner_links:
            bucket = ok if j.problem is None else unverified if j.problem in _UNVERIFIED \
                else faulty
            for s in needed:
                if s in j.services:
                    bucket.setdefault(s, []).append(j.rec.url)
        linked_ok = [s for s in needed if s in ok]
        linked_unverified = [s for s in needed if s in unverified and s not in ok]
        linked_faulty = [s for s in needed if s in faulty and s not in ok and s not in unverified]
        missing = [s for s in needed if s not in ok and s not in faulty and s not in unverified]
        # The scorer checks a passing deep-links finding against the link checker through
        # its target_url/partner: name the first working link as the evidence.
        first_ok = next((j for j in partner_links if j.problem is None and j.services & set(
            linked_ok)), None)
        if len(linked_ok) == len(needed):
            kind = Kind.PASS
        elif linked_ok or linked_unverified:
            kind = Kind.WARNING
        else:
            kind = Kind.FAIL
        yield ctx.finding(
            META, kind, f"{outcome.code}: {len(linked_ok)} of {len(needed)} services provided "
            f"by the {other} tier are deep-linked and work.", None, outcomes=(outcome.code,),
            check="partner-services", outcome=outcome.code, own_tier=ctx.tier,
            target_url=first_ok.rec.url if first_ok else None,
            partner=first_ok.rec.owner.council if first_ok else None,
            partner_tier=other, applicable=True, services_needed=needed,
            linked_ok=linked_ok, linked_unverified=linked_unverified, linked_faulty=linked_faulty,
            missing=missing, names={str(s): names[s].name for s in needed},
            evidence={str(s): sorted(ok.get(s) or unverified.get(s) or faulty.get(s) or [])
                      for s in needed if s not in missing})

