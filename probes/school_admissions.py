"""school-admissions (R1, G1): online school admission applications and admissions information.

What it looks for. A school admissions page (title, heading, breadcrumb or URL naming school
admissions or school places; e-GMS subject "Primary schools", "Secondary schools", "Nursery
schools"; or the LGSL numbers of the outcomes, 12, 13, 14 and 17), then for R1 an online
application: a form asking for the child (name, date of birth) and the preferred schools, or
a link to an online admissions system ("apply online", an e-admissions host). For G1: the
information that helps parents choose (admission criteria, prospectuses, school performance,
allocation results, catchment areas) on an admissions page. One site finding per outcome.

Why the outcomes ask for it. R1: "Parents/guardians to apply online for school places for
children for the 2007 school year." The notes: "Application forms should be provided on
council websites". Checklist: "Forms on website" / "Back office processes" / "Communication
with stakeholders". G1: "Development of an Admissions Portal and / or e-enabled telephone
contact centre to assist parents, carers and children in their choice of, and application to
local schools", supplying "school performance, school prospectuses and other support
information such as admission criteria". Checklist: "Additional support information".
Exemptions: "Councils that do not have an education service should link to the local ones
that do": a district (LGSL 12-14 are county/unitary services) passes through a deep link to
its county's admissions page (``via_partner``).

Example that passes (R1): a page titled "Apply for a school place" with a form whose fields
are "Child's full name", "Child's date of birth" and "First preference school".

Example that fails: a page "Schools in the district" listing schools, with only the site
search box and no admissions wording (near-miss: a search box is not an application form).

Known limits. Back-office allocation and communication with schools are not observable.
Applications made through a separate e-admissions site are seen only as the link to it. The
admissions round's dates (2007 entry) are not checked.
"""

from __future__ import annotations

from probes._presence import Check, Element, FormRule, LinkRule, PresenceProbe, Spec, TextRule
from probes.base import ProbeMeta

META = ProbeMeta(
    id="school-admissions",
    code="PO300",
    outcomes=("R1", "G1"),
    scope=("page", "site"),
    tags=("presence", "schools", "forms"),
    title="Online school admission applications and admissions information",
)

SPEC = Spec(
    service="school admissions",
    terms=(
        "school admissions", "school admission", "admissions to schools", "admission to school",
        "school place", "school places", "apply for a school place", "applying for a school",
        "choosing a school", "school choice", "starting school", "transfer to secondary school",
        "secondary transfer", "primary school places", "secondary school places",
        "admissions", "e admissions", "admissions policy",
    ),
    exclude=("hospital admissions", "admissions to care", "museum admissions"),
    subjects=("Primary schools", "Secondary schools", "Nursery schools"),
    lgsl_identity=True,
    elements=(
        Element(
            "application_form", "an online school place application",
            forms=FormRule(
                fields=(("child", "childs", "pupil", "son or daughter", "date of birth"),
                        ("preference", "first choice", "school name", "preferred school",
                         "schools applied", "school 1", "choice of school")),
                context=("school", "admission"),
            ),
            links=LinkRule(
                text=("apply online", "online application", "start your application",
                      "apply for a school place online", "online school admissions",
                      "online admissions", "school admissions online"),
                url=("eadmissions", "e-admissions", "admissionsonline", "onlineadmissions"),
            ),
            claims=("apply online for a place", "apply online for a school place",
                    "apply for a school place online"),
        ),
        Element(
            "admissions_information", "admissions information (criteria, prospectus, results)",
            text=TextRule(groups=((
                "admission criteria", "admissions criteria", "oversubscription criteria",
                "over subscription criteria", "prospectus", "prospectuses", "admissions policy",
                "admission arrangements", "admissions booklet", "catchment area",
                "catchment areas", "performance tables", "allocation results",
                "allocation", "appeals", "school performance"),)),
            links=LinkRule(text=("admission criteria", "admissions criteria", "prospectus",
                                 "admissions booklet", "performance tables",
                                 "admission arrangements", "catchment areas"),
                           internal=True),
        ),
    ),
    checks=(
        Check("R1", required=("application_form",), optional=("admissions_information",)),
        Check("G1", required=("admissions_information",), optional=("application_form",)),
    ),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
