"""parking-fines (G13, E8): penalty charge notices: an online appeal form, the appeals
procedure, and paying by SMS text message.

What it looks for. Parking enforcement pages ("parking fines", "penalty charge notice",
"PCN", "parking tickets", "decriminalised parking"; LGSL 471), then for G13: an online appeal
(a form asking for the PCN or vehicle registration and the grounds, or a link to an external
appeals system) and the appeals procedure (informal challenge, formal representation, the
adjudicator); for E8: paying a parking fine by SMS text message ("pay by text"). Text that
only says appeals can be made online is reported in ``elements_claimed``. One site finding per
outcome.

Why the outcomes ask for it. G13: "E-forms for “parking contravention mitigation” (i.e. appeal
against the issue of a penalty charge notice), including email notification of form receipt
and appeal procedures." Checklist: "Online appeals forms" / "Integration with CRM system".
Exemptions: "Councils not involved in parking regulation will need to link to the content of
those that are." E8: "Provision of facilities for making credit or debit card payments via SMS
text message for parking fines (mobile phone)." Checklist: "Implementation of SMS text message
payment for parking fines".

Example that passes (G13): "Challenge a penalty charge notice" with a form "PCN number",
"Vehicle registration", "Your reasons for challenging", and a section "The appeals
procedure".

Example that fails: "Car parks" listing car park charges and opening times (near-miss:
parking information is not penalty charge enforcement).

Known limits. The e-mail notification of receipt and CRM integration are not observable
without submitting an appeal. SMS payment is judged from what the pages say: the text service
itself cannot be seen.
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
    id="parking-fines",
    code="PO314",
    outcomes=("G13", "E8"),
    scope=("page", "site"),
    tags=("presence", "transport", "forms", "payments"),
    title="Penalty charge notices: online appeal form, appeal procedure, pay by SMS",
)

SPEC = Spec(
    service="parking fines",
    terms=(
        "parking fines", "parking fine", "penalty charge notice", "penalty charge notices",
        "penalty charge", "pcn", "pcns", "parking tickets", "parking ticket",
        "parking enforcement", "decriminalised parking", "civil parking enforcement",
        "parking appeals", "parking contraventions", "challenge a penalty",
    ),
    lgsl_identity=True,
    elements=(
        Element(
            "appeal_form", "an online appeal form",
            forms=FormRule(
                fields=(("pcn", "penalty charge", "notice number", "ticket number",
                         "pcn number", "vehicle registration", "registration number"),
                        ("reason", "reasons", "grounds", "appeal", "challenge",
                         "representation", "representations", "mitigation", "explain",
                         "comments", "details")),
                context=("parking", "penalty", "pcn"),
            ),
            links=LinkRule(
                text=("appeal online", "challenge online", "online appeal", "online appeals",
                      "make a challenge online", "challenge your pcn online",
                      "make a representation"),
                url=("pcnappeal", "parkingappeal", "pcn-appeal", "challengepcn"),
            ),
            claims=("challenge a penalty charge notice online", "appeal online",
                    "challenge online", "online appeal"),
        ),
        Element(
            "appeal_procedure", "the appeals procedure",
            text=TextRule(groups=((
                "appeals procedure", "appeal procedure", "how to appeal", "informal challenge",
                "formal representation", "formal representations", "parking adjudicator",
                "traffic penalty tribunal", "national parking adjudication service",
                "notice to owner", "appeal against", "how to challenge"),)),
        ),
        Element(
            "sms_payment", "payment by SMS text message",
            text=TextRule(groups=((
                "pay by text", "pay by sms", "by text message", "sms payment",
                "pay using your mobile", "payment by text", "pay by mobile", "text message",
                "sms"),)),
        ),
    ),
    checks=(
        Check("G13", required=("appeal_form", "appeal_procedure")),
        Check("E8", required=("sms_payment",)),
    ),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
