"""benefits-information (R16, R17): Housing and Council Tax Benefit: an online calculator,
claim forms, and enquiry routes.

What it looks for. Benefit pages ("housing benefit", "council tax benefit", "benefits",
"local housing allowance"; e-GMS subjects "Housing benefits", "Council tax benefits"; LGSL
57-73, 726; "employee benefits" and "the benefits of ..." excluded), then for R17: a benefits
calculator (a form asking for income or savings and rent or household, on a benefit page; or
a link to a calculator, recognised by its URL or a text such as "Benefits calculator" leaving
the site) and claim forms (links to claim or application forms, or an online claim form); for
R16: enquiry routes on a benefit page (phone number, e-mail address, enquiries, one stop
shops). Text that only mentions a calculator or a form is reported in ``elements_claimed``.
One site finding per outcome.

Why the outcomes ask for it. R17: "Citizens or their agents to check their eligibility for and
calculate their entitlement to Housing & Council Tax Benefit and to download and print
relevant claim forms". The notes: "Benefits eligibility and amount should be calculated using
an online form linked to a benefits calculator". Checklist: "Online calculator" / "Online
forms". R16: "E-enabled “one stop” resolution of Housing & Council Tax Benefit enquiries via
telephone, contact centres, or via one stop shops using workflow tools and CRM software".
Checklist: "Common solution delivered to all access channels" / "Integration of CRM system" /
"Integration of workflow system" / "Authentication" / "Data matching and cross-referencing".
Exemptions: "Councils not offering a benefits service will be required to deep link /
syndicate the content of the appropriate council that does" (LGSL 63 and 69 are
district/unitary services): a county passes through a deep link (``via_partner``).

Example that passes (R17): "Housing and council tax benefit" with a link "Benefits calculator"
to ``/benefits/calculator.aspx`` and "Download a claim form (PDF, 240KB)".

Example that fails: "The benefits of recycling" (near-miss: the word "benefits" is not a
benefit service), or a benefit page with only a phone number for R17.

Known limits. R16 is mostly back office (CRM, workflow, first-contact resolution): only the
published enquiry routes are observable. Calculators run by a third party are seen as the link
to them; whether the calculator is kept up to date with the regulations is not observable.
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
    id="benefits-information",
    code="PO319",
    outcomes=("R16", "R17"),
    scope=("page", "site"),
    tags=("presence", "benefits", "forms"),
    title="Housing and Council Tax Benefit: calculator, claim forms and enquiry routes",
)

SPEC = Spec(
    service="housing and council tax benefit",
    terms=(
        "housing benefit", "council tax benefit", "housing and council tax benefit",
        "housing benefits", "council tax benefits", "benefits", "benefit",
        "benefits calculator", "claim benefit", "local housing allowance", "benefit claims",
    ),
    exclude=("employee benefits", "benefits of", "staff benefits", "pension benefits",
             "the benefit of", "community benefit", "public benefit", "child benefit",
             "benefits realisation", "mutual benefit",
             # LGCL's "Educational awards and benefits" (school clothing grants, travel
             # support) is a county education service, not housing or council tax benefit
             "educational awards and benefits", "awards and benefits", "educational benefits",
             "education benefits"),
    subjects=("Housing benefits", "Council tax benefits"),
    lgsl_identity=True,
    elements=(
        Element(
            "calculator", "an online benefits calculator",
            forms=FormRule(
                fields=(("income", "earnings", "wages", "savings", "capital", "pension"),
                        ("rent", "council tax", "household", "partner", "children", "age")),
                context=("benefit", "benefits", "entitlement", "calculator", "eligible"),
            ),
            links=LinkRule(
                text=("benefits calculator", "benefit calculator", "calculate your entitlement",
                      "check your entitlement", "entitlement calculator", "benefit checker",
                      "benefits checker", "am i entitled"),
                url=("calculator", "entitledto", "benefitcalc", "benefit-calc", "ebenefits"),
            ),
            claims=("benefits calculator", "benefit calculator", "calculate your entitlement",
                    "check your entitlement"),
        ),
        Element(
            "claim_forms", "claim forms to download or complete online",
            links=LinkRule(
                text=("claim form", "claim forms", "application form", "download a claim form",
                      "benefit claim form", "housing benefit claim form", "claim online",
                      "online claim form", "apply for housing benefit"),
                internal=True,
            ),
            forms=FormRule(
                fields=(("national insurance", "ni number", "date of birth"),
                        ("income", "rent", "landlord", "household", "partner")),
                context=("benefit", "claim"),
            ),
            claims=("download a claim form", "claim form", "claim online"),
        ),
        Element(
            "enquiry_routes", "benefit enquiry routes",
            text=TextRule(groups=(("enquiries", "one stop shop", "customer service centre",
                                   "contact centre", "telephone", "phone", "email",
                                   "contact us", "call"),)),
            email=True, phone=True,
        ),
    ),
    checks=(
        Check("R16", required=("enquiry_routes",), optional=("calculator", "claim_forms")),
        Check("R17", required=("calculator", "claim_forms")),
    ),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
