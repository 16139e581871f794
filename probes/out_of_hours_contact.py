"""out-of-hours-contact (R23): published out-of-hours arrangements: extended hours, emergency
numbers and 24-hour online routes.

What it looks for. Contact pages ("out of hours", "emergencies", "contact us", "contact
centre", "customer services"; opening times of a facility are not contact pages), and on them:
extended hours (out of hours, 24 hours, 24/7, evenings, Saturdays, 8am to 8pm, seven days a
week) and a phone number. Optional: an online route for outside office hours (links such as
"Report it online" or text such as "report problems online, 24 hours a day"). One site finding.

Why the outcome asks for it. R23: "Self-service or mediated access to all council services
outside standard working hours via the Internet or telephone contact centres (i.e. available
for extended hours outside of 9am-5pm Monday to Friday)". The notes: "Councils will need to
have a strategy in place to ensure 24/7 cover in terms of reporting mechanisms for all
services, allowing citizens the alternative of registering some form of service request or
action over the web outside of contact centre opening times." Checklist: "All council services
available for extended hours via council websites or call centres."

Example that passes: "Contacting us out of hours": "For emergencies such as dangerous
structures, call our out of hours emergency number 01473 583000" and "report problems online,
24 hours a day".

Example that fails: "Contact us" giving "Monday to Friday, 9am to 5pm" and a phone number only
(near-miss: office hours published are not extended hours).

Known limits. Whether *all* services are available for extended hours, and whether the numbers
answer, cannot be seen; the probe evidences that arrangements are published. A phone number in
a page footer counts as a phone number on the page.
"""

from __future__ import annotations

from probes._presence import Check, Element, LinkRule, PresenceProbe, Spec, TextRule
from probes.base import ProbeMeta

META = ProbeMeta(
    id="out-of-hours-contact",
    code="PO322",
    outcomes=("R23",),
    scope=("page", "site"),
    tags=("presence", "access", "contact"),
    title="Published out-of-hours arrangements: extended hours, emergency numbers, online",
)

SPEC = Spec(
    service="out-of-hours contact",
    terms=(
        "out of hours", "outside office hours", "out of office hours", "emergency",
        "emergencies", "emergency contacts", "emergency numbers", "contact us", "contacting us",
        "contact centre", "call centre", "customer service centre", "customer services",
        "how to contact us", "contact the council",
    ),
    exclude=("emergency planning",),
    elements=(
        Element(
            "extended_hours", "extended or out-of-hours access",
            text=TextRule(groups=((
                "out of hours", "24 hours", "24 hours a day", "24 7", "24hr", "24 hour",
                "evenings", "saturday", "saturdays", "8am to 8pm", "until 8pm",
                "outside office hours", "extended hours", "7 days a week",
                "seven days a week", "outside normal office hours", "round the clock"),)),
        ),
        Element("phone_number", "a telephone number", phone=True),
        Element(
            "online_routes", "online routes outside office hours",
            links=LinkRule(text=("report it online", "report online", "online forms",
                                 "do it online", "report a problem"), internal=True),
            text=TextRule(groups=(("online 24 hours", "report problems online",
                                   "online at any time", "any time online",
                                   "24 hours a day online", "use our online",
                                   "online 24 hours a day"),)),
        ),
    ),
    checks=(Check("R23", required=("extended_hours", "phone_number"),
                  optional=("online_routes",)),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
