"""published-targets (E1, G10, E12, E15, E19): published e-government baselines, targets and
results.

What it looks for. Performance pages ("targets", "performance", "IEG statement",
"implementing electronic government", "best value performance plan", "performance
indicators", "customer satisfaction"; e-GMS subject "Council performance"), and on one page
both a target or baseline and the topic of each outcome: E1 school admissions online or the
attainment of looked after children; G10 efficiency savings or collection rates together with
e-payments; E12 customer satisfaction with transport (BVPI 103); E15 social care satisfaction
("got help quickly", BVPI 57); E19 enquiries resolved at the first point of contact. One site
finding per outcome.

Why the outcomes ask for it. E1: "Agreed baseline and targets for take-up of online schools
admissions service and educational attainment of Looked After Children" ("results of the
measurements should be published on the website"; checklist: "Use of baseline and targets").
G10: "Demonstration of efficiency savings and improved collection rates from implementation of
e-payments" (checklist: "Establish baseline data on current costs and collection rates" /
"Establish cost of council's e-payments solution" / "Set up mechanisms for monitoring changes"
/ "Collect and publish evidence of efficiency gains"). E12: "Agreed baseline and targets for
customer satisfaction and efficiency savings" (checklist: "Setting of standards" / "Monitoring
and publication of standards"). E15: "Agreed baseline and targets for customer satisfaction,
including improvement in numbers of users/carers who said that they got help quickly (BVPI
57)" (checklist: "Implementation of customer satisfaction monitoring arrangements." /
"Performance improvement targets for BVPI 57" / "Publishing of the information."). E19:
"Agreed baseline and improvement targets for the percentage of public enquiries about council
services resolved at first point of contact and efficiency savings resulting from investment
in customer relationship management and workflow technology" (checklist: "Fully integrated
customer relationship, workflow and back office systems" / "All performance aspects logged,
tracked, monitored and reported upon" / "Baselines and targets for enquiry resolution and
efficiency savings."). The enhanced (E) outcomes are voluntary; E1 does not apply to
districts (scoring applies the exemptions).

Example that passes (E19): "Customer access strategy: targets" with "Baseline 2004/05: 61% of
enquiries resolved at first point of contact; target 2005/06: 75%".

Example that fails: a page "Our performance" with BVPI tables on planning and waste only (near
miss: targets on other topics are not these outcomes' targets).

Known limits. Targets in PDF documents (IEG statements, performance plans) are not read: only
HTML pages. Words are matched, numbers are not checked.
"""

from __future__ import annotations

from probes._presence import Check, Element, PresenceProbe, Spec, TextRule
from probes.base import ProbeMeta

META = ProbeMeta(
    id="published-targets",
    code="PO324",
    outcomes=("E1", "G10", "E12", "E15", "E19"),
    scope=("page", "site"),
    tags=("presence", "performance"),
    title="Published e-government baselines, targets and results",
)

TARGETS = ("target", "targets", "baseline", "baselines")

SPEC = Spec(
    service="published targets",
    terms=(
        "targets", "performance", "ieg", "ieg statement", "implementing electronic government",
        "e government", "egovernment", "electronic government", "best value performance plan",
        "performance plan", "performance indicators", "bvpi", "bvpis", "our performance",
        "how we are doing", "customer satisfaction", "baseline", "annual efficiency statement",
        "efficiency statement", "performance information", "council performance",
    ),
    subjects=("Council performance",),
    elements=(
        Element("e1_targets", "targets for online school admissions or looked after children",
                text=TextRule(groups=(TARGETS, ("school admissions", "admissions",
                                                "looked after children",
                                                "children in care")))),
        Element("g10_evidence", "efficiency savings or collection rates from e-payments",
                text=TextRule(groups=(
                    ("efficiency savings", "efficiency gains", "collection rate",
                     "collection rates", "savings", "cost per transaction", "unit cost",
                     "unit costs"),
                    ("e payments", "epayments", "online payments", "electronic payments",
                     "payments online", "paying online", "pay online", "internet payments")))),
        Element("e12_targets", "transport customer satisfaction targets",
                text=TextRule(groups=(TARGETS, ("customer satisfaction", "satisfaction",
                                                "satisfied"),
                                      ("transport", "highways", "parking", "roads",
                                       "bvpi 103", "bv103", "bv 103")))),
        Element("e15_targets", "social care satisfaction targets (BVPI 57)",
                text=TextRule(groups=(TARGETS, ("bvpi 57", "bv57", "bv 57", "help quickly",
                                                "got help quickly", "social care",
                                                "social services", "users and carers"),
                                      ("satisfaction", "satisfied")))),
        Element("e19_targets", "first-contact resolution targets",
                text=TextRule(groups=(TARGETS, ("first point of contact", "first contact",
                                                "resolved at first", "first time resolution",
                                                "resolved first time", "first call resolution",
                                                "right first time")))),
    ),
    checks=(
        Check("E1", required=("e1_targets",)),
        Check("G10", required=("g10_evidence",)),
        Check("E12", required=("e12_targets",)),
        Check("E15", required=("e15_targets",)),
        Check("E19", required=("e19_targets",)),
    ),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
