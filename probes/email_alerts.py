"""email-alerts (G3): a sign-up for e-mail and/or SMS text alerts on topics the citizen picks.

What it looks for. Alert pages ("email alerts", "text alerts", "email updates",
"subscribe", "newsletters", ``ealert``), then a sign-up: a form asking for an e-mail address or
mobile number together with something to subscribe to (alerts, topics, subscribe), or a link to
an alert service (a subscription system's host or URL, or "Subscribe" leaving the site).
Topic choice (check boxes, "choose the topics") and SMS are reported as optional elements.
Text that only says one can sign up is reported in ``elements_claimed``. One site finding.

Why the outcome asks for it. G3: "... including facility for citizens to sign up for email
and/or SMS text alerts on nominated topics". The notes: "Email or SMS text notifications on
nominated topics is a requirement. This would imply the adoption of a turnkey, web-based
solution system for email and text alerts offering personalised subscription functionality
and subscription management." Checklist: "Citizen consultation system on website" (the
``e-consultation`` probe) / "Email / text notification". Its exemptions: "This outcome applies
to all councils", so every tier is expected to offer its own sign-up.

Example that passes: "Email alerts" with a form: "Your email address", check boxes
"Planning applications", "Consultations", "News", button "Subscribe".

Example that fails: a newsletter page offering a PDF of last month's newsletter and an RSS
icon only (near-miss: a feed to read is not a subscription to alerts).

Known limits. Subscription management (changing or cancelling alerts) behind the sign-up is
not seen; RSS feeds are not counted as alerts. Whether alerts are actually sent is not
observable without subscribing.
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
    id="email-alerts",
    code="PO305",
    outcomes=("G3",),
    scope=("page", "site"),
    tags=("presence", "democracy", "alerts"),
    title="A sign-up for e-mail or SMS text alerts on chosen topics",
)

SPEC = Spec(
    service="email and text alerts",
    terms=(
        "email alerts", "email alert", "e mail alerts", "text alerts", "sms alerts", "alerts",
        "email updates", "e alerts", "ealerts", "ealert", "email newsletter", "newsletters",
        "subscribe", "subscriptions", "mailing list", "keep me informed", "keep me posted",
        "my alerts", "notifications",
    ),
    url_terms=("ealert", "e-alert", "emailalert", "email-alert", "subscribe"),
    elements=(
        Element(
            "signup", "an alert sign-up",
            forms=FormRule(
                fields=(("email", "e mail", "email address", "mobile", "mobile number",
                         "mobile phone"),
                        ("subscribe", "alert", "alerts", "sign up", "notify", "topics",
                         "updates", "newsletter", "register")),
                context=("alert", "alerts", "subscribe", "newsletter", "updates",
                         "notification", "notifications"),
            ),
            links=LinkRule(
                text=("subscribe", "sign up for email alerts", "subscribe to email alerts",
                      "sign up now", "subscribe now", "register for email alerts",
                      "sign up for text alerts", "manage your alerts",
                      "manage your subscriptions"),
                url=("govdelivery", "ealert", "e-alert", "emailalert", "listserv", "mailman",
                     "subscribe"),
            ),
            claims=("sign up for email", "sign up for e mail", "sign up for sms",
                    "sign up for text", "subscribe to email", "register for email",
                    "email alerts about", "text alerts about"),
        ),
        Element(
            "topics", "a choice of topics",
            text=TextRule(groups=(("topics you choose", "choose the topics", "choose topics",
                                   "nominated topics", "topics", "subjects you are interested in",
                                   "areas of interest", "choose what"),)),
        ),
        Element(
            "sms", "SMS text alerts",
            text=TextRule(groups=(("sms", "text message", "text messages", "text alert",
                                   "text alerts", "mobile phone"),)),
        ),
    ),
    checks=(Check("G3", required=("signup",), optional=("topics", "sms"), tier_lgsl=()),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
