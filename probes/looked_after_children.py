"""looked-after-children (R2): information on educational support for looked after children.

What it looks for. A page about looked after children (children in care, children in public
care; title, heading, breadcrumb or URL), which talks about their education (education,
school, personal education plan, attainment) and gives a team or generic e-mail address (a
``mailto:`` link or an address in the text). One site finding.

Why the outcome asks for it. R2: "Online facilities to be available to allow access to
information about educational support services that seek to raise the educational attainment
of Looked After Children". The notes: "Online facilities must also include a team or generic
email contact address, together with a list of services that can be requested via this
facility." Checklist: "Provision of information about educational support services for Looked
After Children." Exemptions: "Councils not involved in education should link to the
appropriate pages of ones that do": a district (fostering, LGSL 159, is a county/unitary
service) passes through a deep link to its county's page (``via_partner``).

Example that passes: "Education of looked after children" with a paragraph on personal
education plans and "Email the team: lac.education@example.gov.uk".

Example that fails: a fostering recruitment page ("Become a foster carer") with a phone
number only: no education content, no e-mail address (near-miss: fostering is not the
education of looked after children).

Known limits. Whether the content is "understandable to a child", and the list of services
that can be requested by e-mail, are not judged. Any e-mail address on the page counts,
including a personal one.
"""

from __future__ import annotations

from probes._presence import Check, Element, PresenceProbe, Spec, TextRule
from probes.base import ProbeMeta

META = ProbeMeta(
    id="looked-after-children",
    code="PO301",
    outcomes=("R2",),
    scope=("page", "site"),
    tags=("presence", "schools", "social care"),
    title="Educational support for looked after children, with a team e-mail address",
)

SPEC = Spec(
    service="education of looked after children",
    terms=(
        "looked after children", "looked after child", "children looked after",
        "children in care", "children in public care", "child in care", "lac education",
        "education of children in care", "virtual school",
    ),
    elements=(
        Element(
            "education_support", "information on educational support",
            text=TextRule(groups=((
                "personal education plan", "personal education plans", "education",
                "educational", "attainment", "school", "schools", "learning",
                "exam results", "qualifications"),)),
        ),
        Element("team_email", "a team e-mail address", email=True),
    ),
    checks=(Check("R2", required=("education_support", "team_email")),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
