"""planning-applications (R8): online planning applications and application tracking.

What it looks for. Planning pages ("planning applications", "planning", "building control",
"development control", "planning permission", "weekly list"; e-GMS subjects "Planning",
"Residential planning", "Building regulations"; the outcome's LGSL refs), then two things:
a way to apply online (a link to the Planning Portal, a planning application form, or an
"apply online" link to an external system) and a way to find and follow applications (a
search form on a planning page asking for an application reference, address or postcode,
or posting to a planning system such as Public Access, SwiftLG or Acolnet). The site-wide
search box never counts. One site finding.

Why the outcome asks for it. R8: "Receipt and processing of planning and building control
applications". The notes: "Planning applications should be submitted online ... Customers
should be able to monitor the progress of their application through a password-protected
online interface", following "the models demonstrated by the PARSOL and planning portal
projects". Checklist: "Online planning systems." Exemptions: "Councils not dealing with
planning and building control services will be required to deep link / syndicate the content
of the appropriate councils that do": building control (LGSL 499) is a district/unitary
service, so a county passes through a deep link to a district's planning pages
(``via_partner``).

Example that passes: "Search planning applications" with a form "Application reference or
street name" posting to ``/planning/application-search`` and "apply for planning permission
online through the Planning Portal".

Example that fails: a "Local plan" page mentioning planning policy, with only the site-wide
"Search this site" box (near-miss: a page about planning is not a planning application
search).

Known limits. The password-protected progress tracking, back-office integration and secure
messaging with consultees are not observable. Systems reached only through a script or a
POST-back are seen as far as their start page.
"""

from __future__ import annotations

from probes._presence import Check, Element, FormRule, LinkRule, PresenceProbe, Spec
from probes.base import ProbeMeta

META = ProbeMeta(
    id="planning-applications",
    code="PO308",
    outcomes=("R8",),
    scope=("page", "site"),
    tags=("presence", "environment", "planning"),
    title="Online planning applications (own forms or the Planning Portal) and tracking",
)

PLANNING_SYSTEMS = (
    "publicaccess", "swiftlg", "acolnet", "planningexplorer", "wphappcriteria", "appsearch",
    "applicationsearch", "application-search", "planapps", "planning-applications",
    "planningapplications", "/planning/", "dcsearch", "northgate", "idox",
)

SPEC = Spec(
    service="planning applications",
    terms=(
        "planning applications", "planning application", "planning", "building control",
        "building regulations", "development control", "development management",
        "planning permission", "planning search", "view planning applications",
        "search planning applications", "apply for planning permission", "weekly list",
        "weekly lists", "planning register", "planning portal",
    ),
    exclude=("family planning", "emergency planning", "financial planning", "transport planning",
             "journey planning", "planning ahead", "event planning", "business planning",
             "planning your journey", "planning your visit", "plan your journey"),
    subjects=("Planning", "Residential planning", "Building regulations"),
    lgsl_identity=True,
    elements=(
        Element(
            "online_applications", "a way to apply online (own form or the Planning Portal)",
            forms=FormRule(
                fields=(("proposal", "description of development", "proposed development",
                         "site address", "development address", "address of site",
                         "location of development"),
                        ("applicant", "agent", "your name", "name")),
                context=("planning", "building regulations", "building control"),
            ),
            links=LinkRule(
                text=("planning portal", "apply online", "submit an application online",
                      "apply for planning permission online", "online planning application",
                      "make an application online"),
                hosts=("planningportal.gov.uk", "planningportal.co.uk"),
                url=("planningportal",),
            ),
            claims=("apply online", "submit applications online", "apply for planning "
                    "permission online"),
        ),
        Element(
            "application_search", "a search for planning applications",
            forms=FormRule(
                fields=(("application reference", "application number", "planning reference",
                         "reference number", "case reference", "application ref", "app ref",
                         "ref", "street name", "postcode", "address", "ward", "parish",
                         "date received", "decision date", "keyword"),),
                action=PLANNING_SYSTEMS,
                context=("planning", "application", "applications", "development"),
                search=True,
            ),
            links=LinkRule(
                text=("search planning applications", "view planning applications",
                      "planning application search", "search for a planning application",
                      "track a planning application", "comment on a planning application",
                      "planning applications online"),
                url=("publicaccess", "swiftlg", "acolnet", "planningexplorer", "wphappcriteria",
                     "online-applications"),
            ),
            claims=("search planning applications", "view planning applications online",
                    "track planning applications"),
        ),
    ),
    checks=(Check("R8", required=("online_applications", "application_search")),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
