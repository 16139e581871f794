"""change-of-address (G25): a single online change-of-address notification ("tell us once").

What it looks for. Change-of-address pages ("change of address", "moving home", "tell us you
have moved", "tell us once", "new address"), then two things: an online notification (a form
asking for the new address and the old address or moving date, or a link to a change-of-address
service such as iammoving.com) and the single notification itself: the page names at least two
of the council's records that one notification updates (council tax, electoral registration,
benefits, libraries, parking permits, waste collection, schools, social care, housing). Text
that only says "tell us once" without a form is reported in ``elements_claimed``. One site
finding.

Why the outcome asks for it. G25: "Facilities to support the single notification of a change
of address, i.e. a citizen should only have to tell the council they have moved on one
occasion and the council should then be able to update all records relating to that person to
include the new address". The notes: "As a minimum, the outcome would be fulfilled through the
provision of a customer e-form (linked to the Gazetteer) listing systems to update" and "A
number of councils are already registered with www.iammoving.com". Checklist: "Up-to-date
well-maintained LLPG" / "Links to back office systems." / "Update mechanism complete with QA and
checking procedures."

Example that passes: "Tell us you have moved" with a form "Your new address", "Your previous
address", "Date of move" and "we will update your council tax, electoral registration and
library records".

Example that fails: "Council tax: moving home" asking the payer to write in (near-miss: a
change of address for one service is not a single notification).

Known limits. The LLPG, back-office links and QA procedures are not observable; the list of
records updated is taken from the page's words.
"""

from __future__ import annotations

from probes._presence import Check, Element, FormRule, LinkRule, PresenceProbe, Spec, TextRule
from probes.base import ProbeMeta

META = ProbeMeta(
    id="change-of-address",
    code="PO323",
    outcomes=("G25",),
    scope=("page", "site"),
    tags=("presence", "crm", "forms"),
    title="A single online change-of-address notification",
)

SPEC = Spec(
    service="change of address",
    terms=(
        "change of address", "change your address", "changed address", "changing address",
        "moving home", "moving house", "tell us you have moved", "tell us you are moving",
        "tell us once", "you have moved", "moving in", "moving out", "new address",
        "iammoving", "moving to the area", "change of circumstances",
    ),
    elements=(
        Element(
            "notification_form", "an online change-of-address form",
            forms=FormRule(
                fields=(("new address", "forwarding address", "moving to",
                         "address you are moving to", "new postcode"),
                        ("old address", "previous address", "current address", "moving from",
                         "address you are leaving", "moving date", "date of move",
                         "date you moved", "date of moving", "move date")),
                context=("move", "moving", "moved", "address"),
            ),
            links=LinkRule(text=("change of address form", "tell us you are moving online",
                                 "notify us of your change of address online"),
                           hosts=("iammoving.com",), url=("iammoving",), internal=True),
            claims=("tell us once", "tell us you have moved", "we will update"),
        ),
        Element(
            "single_notification", "one notification updating several records",
            text=TextRule(groups=(
                ("council tax",),
                ("electoral", "electoral register", "electoral registration",
                 "register of electors"),
                ("housing benefit", "benefits", "benefit"),
                ("library", "libraries", "library records"),
                ("parking permit", "parking permits"),
                ("waste collection", "bins", "refuse", "recycling"),
                ("school", "schools"),
                ("social care", "social services"),
                ("council housing", "tenancy", "rent account"),
            ), min_groups=2),
        ),
    ),
    checks=(Check("G25", required=("notification_form", "single_notification")),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
