"""councillors (R6): a web page per councillor; in two-tier areas, the tiers explained.

What it looks for. Councillor pages: a page whose heading or title starts "Councillor" or
"Cllr" followed by a name (not "Councillors ..."), or a ModernGov ``mgUserInfo.aspx`` page;
their number is ``element_pages.councillor_pages``. The councillors section is recognised by
its title, heading, breadcrumb or URL ("councillors", "your councillor", ``mgMemberIndex``;
LGSL 358, 357, 355). In a two-tier area (a county or district) the councillor pages must also
explain the two tiers: "county" and "district" (or "borough") both named on a councillors page;
a link from it to the partner council is reported as ``partner_link``. One site finding.

Why the outcome asks for it. R6: "Providing every Councillor with the option to have an
easy-to-manage set of public web pages (for community leadership purposes) that is either
maintained for them, or that they can maintain themselves". Checklist: "Councillor web pages".
Exemptions: "In two-tier areas, the two-tier structure should be explained on the councillor
web pages so that citizens understand which councillor (district or county) to contact on which
issues", and counties and districts should "at least ... link his/her County page with his/her
District page".

Example that passes (unitary): "Councillor Fiona Double" with ward, party and an e-mail
address, linked from "A to Z of councillors".

Example that fails: a single "Your councillors" page listing names and wards with no page for
any councillor (near-miss: a list of councillors is not a councillor's web page); in a district,
councillor pages that never mention the county.

Known limits. Whether *every* councillor has a page cannot be known without the council's list
of members: the number found is reported for comparison. Whether councillors can maintain
their pages themselves is not observable. The tiers test is two words on the page, not a
reading of the explanation.
"""

from __future__ import annotations

from probes._presence import (
    Check,
    Element,
    LinkRule,
    PageRule,
    PresenceProbe,
    Spec,
    TextRule,
)
from probes.base import ProbeMeta

META = ProbeMeta(
    id="councillors",
    code="PO303",
    outcomes=("R6",),
    scope=("page", "site"),
    tags=("presence", "democracy", "two-tier"),
    title="A web page per councillor, and the two tiers explained",
)

SPEC = Spec(
    service="councillors",
    terms=(
        "councillors", "councillor", "your councillor", "your councillors",
        "find your councillor", "who is my councillor", "elected members", "county councillors",
        "district councillors", "borough councillors", "members of the council", "cllr",
    ),
    url_terms=("mgmemberindex", "mguserinfo", "councillor"),
    lgsl_identity=True,
    elements=(
        Element(
            "councillor_pages", "a web page per councillor",
            page=PageRule(
                title_prefixes=("councillor", "cllr", "county councillor", "district councillor",
                                "borough councillor", "city councillor"),
                exclude_prefixes=("councillors", "councillor allowances", "councillor services",
                                  "councillor surgeries", "councillor information",
                                  "councillor code of conduct", "councillor vacancies",
                                  "councillor by ward", "councillor details"),
                url=("mguserinfo",),
            ),
        ),
        Element(
            "tiers_explained", "the two tiers explained on councillor pages",
            text=TextRule(groups=(("county", "counties"),
                                  ("district", "districts", "borough", "boroughs"))),
        ),
        Element("partner_link", "a link to the partner council's councillors",
                links=LinkRule(partner=True)),
    ),
    checks=(
        Check("R6", required=("councillor_pages",), two_tier=("tiers_explained",),
              optional=("partner_link",)),
    ),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
