"""online-licensing (G7): online licence applications and a public licensing register.

What it looks for. Licensing pages ("licensing", "licences", "premises licence", "Licensing
Act 2003", "taxi licensing", "street trading"; e-GMS subjects such as "Entertainment licences";
"TV licence" and "driving licence" excluded), then an online application: a form on a
licensing page asking for the premises or the licence type and the applicant, or a link to an
external e-licensing system ("apply online" leaving the site). Optional: a public licensing
register (a link "Public register", "Licensing register", "Search the register"). Text that
only says applications can be made online is reported in ``elements_claimed``. One site
finding.

Why the outcome asks for it. G7: "Use of technology to integrate planning, regulation and
licensing functions (including Entertainment Licensing and Liquor Licensing) in order to
improve policy and decision-making processes around the prevention of anti-social
behaviour". The notes: "A key element will be an online licensing system (which is a
requirement of BVPI 157)". Checklist: "Online licensing system" / "Integration of information
as required from several systems for licensing and policymaking." The consultation's web check
folded into G7: "Submission and tracking of regulation and licensing services". The
exemptions: "This outcome will apply to all councils in some way", so every tier is expected
to carry its own licensing pages.

Example that passes: "Apply for a premises licence" with a form "Name of premises",
"Licence type", "Applicant's name", and a link "Search the public register".

Example that fails: "Licensing" with downloadable PDF application forms and a postal address
only (near-miss: a form to print is not an online licensing system).

Known limits. Integration with planning, police and environmental health systems is not
observable. Forms downloaded as PDF or Word files are not online applications here (the
``form-inventory`` probe lists them).
"""

from __future__ import annotations

from probes._presence import Check, Element, FormRule, LinkRule, PresenceProbe, Spec
from probes.base import ProbeMeta

META = ProbeMeta(
    id="online-licensing",
    code="PO310",
    outcomes=("G7",),
    scope=("page", "site"),
    tags=("presence", "environment", "licensing"),
    title="Online licence applications and a public licensing register",
)

SPEC = Spec(
    service="licensing",
    terms=(
        "licensing", "licences", "licence", "licenses", "license", "licensing register",
        "public register", "premises licence", "premises licences", "personal licence",
        "personal licences", "alcohol licence", "entertainment licence",
        "entertainment licences", "taxi licence", "taxi licensing", "licensing act 2003",
        "apply for a licence", "street trading", "gambling act",
    ),
    exclude=("tv licence", "television licence", "driving licence", "fishing licence",
             "software licence", "licence agreement", "open government licence",
             "creative commons licence", "licensed under", "marriage licence"),
    subjects=("Entertainment licences", "Food related licences", "Taxi and minicab licences",
              "Street trading licences", "Gambling and lottery licences"),
    elements=(
        Element(
            "licence_application", "an online licence application",
            forms=FormRule(
                fields=(("premises", "licence", "license", "licence type", "type of licence",
                         "activity", "activities", "vehicle"),
                        ("applicant", "your name", "name", "address", "company")),
                context=("licence", "license", "licensing"),
            ),
            links=LinkRule(
                text=("apply online", "online application", "apply for a licence online",
                      "start your application", "make an application"),
                url=("elicensing", "e-licensing", "licensing-online", "licenceapplication",
                     "licence-application"),
            ),
            claims=("apply online for", "apply for a licence online",
                    "online licence application", "apply online"),
        ),
        Element(
            "public_register", "a public licensing register",
            links=LinkRule(text=("licensing register", "public register", "register of licences",
                                 "licence register", "search the register",
                                 "public licensing register", "premises licence register",
                                 "register of premises licences"), internal=True),
            claims=("public licensing register", "search the public register",
                    "licensing register"),
            accept_claims=True,
        ),
    ),
    checks=(Check("G7", required=("licence_application",), optional=("public_register",),
                  tier_lgsl=()),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
