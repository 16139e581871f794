"""vulnerable-people-information (R18): comprehensive information on access to care services.

What it looks for. Care pages ("social care", "adult social care", "care services", "help for
adults", "older people", "carers", "home care", "needs assessment"; e-GMS subject "Care needs";
LGSL 209, 190; "customer care" excluded), and on them the four things the notes list as a
minimum: the services (home care, day centres, meals, residential care, equipment ...), the
eligibility criteria, other organisations that can help (Age Concern, Crossroads, Cruse ...,
named or linked, or a list of "organisations that can help"), and how to ask for an assessment.
Each can be on a different care page. One site finding.

Why the outcome asks for it. R18: "Comprehensive and dedicated information about access to
local care services available over the web and telephone contact centres." The notes: "as a
minimum should cover the following: A list of the services the council provides ... This
should include some of the basic eligibility criteria ... A list of other organisations that
can provide advice or help ... (e.g. Age Concern, Cruse Bereavement Care, Crossroads) ... How
people should request services or assessments ... An explanation of the process of assessment
and any timescales". Checklist: "Information on council and third party care services." /
"Available on website and through call centres." Exemptions: "Councils not providing care
services should maintain appropriate additional content and link to those that do" (LGSL 209
is a county/unitary service): a district passes through a deep link (``via_partner``).

Example that passes: "Help for adults who need care": home care, day centres and meals;
"who is eligible"; "Age Concern Suffolk can also help"; "how to ask for an assessment".

Example that fails: "Customer care standards" (near-miss: customer care is not social care);
a care page without other organisations is a ``warning`` listing what is missing.

Known limits. "Comprehensive" is judged by the four minimum items, by words; availability to
call-centre staff is not observable.
"""

from __future__ import annotations

from probes._presence import Check, Element, LinkRule, PresenceProbe, Spec, TextRule
from probes.base import ProbeMeta

META = ProbeMeta(
    id="vulnerable-people-information",
    code="PO320",
    outcomes=("R18",),
    scope=("page", "site"),
    tags=("presence", "social care"),
    title="Care services information: services, eligibility, other organisations, assessment",
)

ORGANISATIONS = (
    "age concern", "help the aged", "crossroads", "cruse", "citizens advice", "mencap",
    "alzheimers society", "carers uk", "red cross", "wrvs", "royal voluntary service",
    "rnib", "carers centre", "independent living centre",
)

SPEC = Spec(
    service="care services information",
    terms=(
        "social care", "social services", "adult social care", "adult services",
        "care services", "community care", "care for adults", "help for adults",
        "adults who need care", "help at home", "care and support", "older people",
        "disabled people", "people with disabilities", "carers", "home care",
        "residential care", "care homes", "care home", "needs assessment", "care assessment",
        "community care assessment", "meals on wheels", "day centres", "day care",
        "adult care",
    ),
    exclude=("customer care", "skin care", "care leavers", "child care", "childcare",
             "day care nurseries", "customer services"),
    subjects=("Care needs", "Older people", "Carer support"),
    lgsl_identity=True,
    elements=(
        Element(
            "care_services", "the care services available",
            text=TextRule(groups=((
                "care services", "home care", "day centres", "day centre", "meals on wheels",
                "residential care", "nursing care", "equipment", "respite", "care homes",
                "care at home", "home help", "personal care", "day care", "services we provide",
                "what is available", "services for older people", "services for adults"),)),
        ),
        Element(
            "eligibility", "eligibility criteria",
            text=TextRule(groups=(("eligible", "eligibility", "who can get", "who is eligible",
                                   "criteria", "fair access to care", "qualify", "entitled"),)),
        ),
        Element(
            "other_organisations", "other organisations that can help",
            text=TextRule(groups=((*ORGANISATIONS, "organisations that can help",
                                   "organisations who can help", "other sources of help",
                                   "other sources of advice", "useful contacts",
                                   "other organisations that can"),)),
            links=LinkRule(text=ORGANISATIONS, internal=True),
        ),
        Element(
            "assessment", "how to ask for an assessment",
            text=TextRule(groups=(("assessment", "assessments", "assessed", "ask for help",
                                   "request a service", "referral", "refer yourself",
                                   "how to get help", "how to apply"),)),
        ),
    ),
    checks=(Check("R18", required=("care_services", "eligibility", "other_organisations",
                                   "assessment")),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
