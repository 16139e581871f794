"""e-procurement (E6): supplier pages promoting e-procurement to local suppliers and SMEs.

What it looks for. Supplier-facing pages ("selling to the council", "doing business with the
council", "procurement", "tenders", "suppliers", "contract opportunities"), and on them two
things: e-procurement (an e-tendering or procurement portal, electronic invoicing, purchasing
cards, e-auctions) and engagement with small and local firms (SMEs, small businesses, local
suppliers, meet-the-buyer or supplier events). Optional: a way to register as a supplier (a
form or a link to a supplier portal). One site finding.

Why the outcome asks for it. E6: "Inclusion of Small and Medium Enterprises (SMEs) in
e-procurement programme, in order to promote the advantages of e-procurement to local
suppliers and retain economic development benefits within the local community." The notes:
councils "should develop a supplier engagement programme to communicate the potential
benefits of e-procurement and to highlight the support available to help SMEs to e-enable
their organisations." Checklist: "Identify appropriate SME's in local area" / "Understand
barriers to wider adoption of e-procurement" / "Develop SME engagement programme". E6 is
enhanced (voluntary): it applies only to councils that took it on.

Example that passes: "Selling to the council" explaining the council's e-tendering portal and
"help for local suppliers and small businesses", with "Register as a supplier".

Example that fails: "Tenders and contracts" listing current tenders with a postal address for
returns (near-miss: tenders published are not an SME e-procurement programme).

Known limits. Identifying local SMEs and understanding their barriers are internal work; only
the published engagement is seen. The wording test cannot tell a programme from a sentence.
"""

from __future__ import annotations

from probes._presence import (
    Check,
    Element,
    FormRule,
    LinkRule,
    PresenceProbe,
    Spec,
    TextRule,
)
from probes.base import ProbeMeta

META = ProbeMeta(
    id="e-procurement",
    code="PO311",
    outcomes=("E6",),
    scope=("page", "site"),
    tags=("presence", "procurement", "business"),
    title="Supplier pages promoting e-procurement to local suppliers and SMEs",
)

SPEC = Spec(
    service="selling to the council",
    terms=(
        "selling to the council", "doing business with the council", "procurement",
        "e procurement", "eprocurement", "tenders", "tender", "tendering", "contracts",
        "contract opportunities", "suppliers", "supplier", "purchasing", "business opportunities",
        "how we buy", "selling to us",
    ),
    exclude=("tender care",),
    elements=(
        Element(
            "eprocurement", "e-procurement (e-tendering, procurement portal, e-invoicing)",
            text=TextRule(groups=((
                "e procurement", "eprocurement", "electronic procurement", "e tendering",
                "etendering", "electronic tendering", "procurement portal", "e marketplace",
                "supplier portal", "e invoicing", "electronic invoicing", "purchasing cards",
                "procurement cards", "e auction", "e auctions", "online tendering",
                "tender portal"),)),
        ),
        Element(
            "sme_engagement", "engagement with local suppliers and SMEs",
            text=TextRule(groups=((
                "small businesses", "small and medium", "smes", "sme", "local suppliers",
                "local businesses", "local firms", "small firms", "supplier events",
                "meet the buyer", "supplier engagement", "local companies",
                "small business"),)),
        ),
        Element(
            "supplier_registration", "a way to register as a supplier",
            forms=FormRule(fields=(("company", "business name", "organisation", "company name"),
                                   ("goods", "services", "products", "category", "trade")),
                           context=("supplier", "procurement", "tender")),
            links=LinkRule(text=("register as a supplier", "supplier registration",
                                 "register your interest", "register your company",
                                 "register your business", "become a supplier"),
                           url=("supplierportal", "supplier-portal", "sell2", "proactis",
                                "bravosolution", "in-tend", "due-north", "duenorth")),
        ),
    ),
    checks=(Check("E6", required=("eprocurement", "sme_engagement"),
                  optional=("supplier_registration",)),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
