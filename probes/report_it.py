"""report-it (R7): online reporting of street scene and waste problems, and tracking.

What it looks for. Street scene and waste pages ("report it", "missed bin", "fly tipping",
"graffiti", "potholes", "street lights", "abandoned vehicles", "refuse collection"; e-GMS
subjects such as "Household waste", "Potholes", "Street lighting"; the outcome's LGSL refs),
then a report form: a form with a location field (street, address, postcode, location) and a
description field (problem, details, describe), on such a page or naming such a problem; or
a link to an external reporting system. Optional: a tracking facility ("Track your enquiry",
a reference-number lookup) and refuse collection information (collection days). One site
finding.

Why the outcome asks for it. R7: "Public reporting/applications, procurement and tracking of
environmental services, includes waste management and street scene (e.g. abandoned cars,
graffiti removal, bulky waste removal, recycling)". The notes: "As a minimum the system will
have to be able to operate an online form or other event reporting interface, log the
contact, forward it to appropriate staff and then manage and track key stages" and "should
offer up to date online information of refuse collection times". Checklist: "Contact
administration, tracking and reporting" / "Environmental services administration" / "Secure
messaging" / "E procurement of environment-related goods and services". The outcome's
services come from both tiers (waste from districts, highways from counties), so every tier
is expected to offer reporting for its own services.

Example that passes: "Report a missed bin collection" with fields "Street and town (or
postcode)" and "Describe the problem".

Example that fails: a "Contact us" form (name, e-mail, subject, enquiry) on the contact page
(near-miss: a general enquiry form is not a report form: no location, no street scene page).

Known limits. Back-office logging, secure messaging with other agencies and e-procurement are
not observable. A general contact form placed on a street scene page with an address field
would be counted. Tracking is recognised by words and reference fields, not by using it.
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
    id="report-it",
    code="PO307",
    outcomes=("R7",),
    scope=("page", "site"),
    tags=("presence", "environment", "forms"),
    title="Online reporting of street scene and waste problems, with tracking",
)

PROBLEMS = (
    "report it", "report a problem", "report a fault", "report an issue", "missed bin",
    "missed bins", "missed collection", "missed bin collection", "fly tipping", "flytipping",
    "graffiti", "abandoned vehicle", "abandoned vehicles", "abandoned car", "abandoned cars",
    "pothole", "potholes", "street light", "street lights", "street lighting", "bulky waste",
    "bulky items", "refuse collection", "bin collection", "bin collections", "dog fouling",
    "litter", "dumped rubbish", "street cleaning", "fly posting", "dead animal",
    "dangerous structure", "blocked drain", "overgrown", "recycling collection",
)

SPEC = Spec(
    service="street scene and waste reporting",
    terms=(*PROBLEMS, "recycling", "waste collection", "street scene", "rubbish"),
    subjects=("Abandoned vehicles", "Household waste", "Potholes", "Street lighting",
              "Street care and cleaning", "Rubbish and waste", "Recycling facilities",
              "Pavements", "Dangerous structures", "Dog warden schemes", "Road cleaning",
              "Street litter bins", "Street furniture", "Verges", "Road gritting"),
    lgsl_identity=True,
    elements=(
        Element(
            "report_form", "an online report form",
            forms=FormRule(
                fields=(("location", "street", "address", "postcode", "where", "road name",
                         "road", "site of", "nearest"),
                        ("problem", "describe", "description", "details", "nature of",
                         "enquiry", "comments", "what is", "type of", "fault")),
                context=("report", "missed", "fly tipping", "graffiti", "pothole", "potholes",
                         "abandoned", "bin", "bins", "street light", "litter", "dumped",
                         "fault", "bulky", "collection"),
            ),
            links=LinkRule(text=("report it online", "report a problem online",
                                 "report online", "report a missed bin", "report fly tipping",
                                 "report graffiti", "report a pothole",
                                 "report an abandoned vehicle", "report a street light fault",
                                 "report a fault", "report it"),
                           url=("fixmystreet",)),
        ),
        Element(
            "tracking", "a way to track a report",
            forms=FormRule(fields=(("reference", "reference number", "ref", "case number",
                                    "enquiry number", "report number"),),
                           context=("track", "progress", "status"), search=True,
                           need_context=False),
            links=LinkRule(text=("track your enquiry", "track your report", "track a report",
                                 "track progress", "check progress", "check the progress",
                                 "track your request", "track a fault")),
        ),
        Element(
            "collection_info", "refuse collection information",
            text=TextRule(groups=(("collection day", "collection days", "bin day",
                                   "collection calendar", "refuse collection",
                                   "bin collection", "collection times", "when is my bin",
                                   "collection dates"),)),
        ),
    ),
    checks=(Check("R7", required=("report_form",), optional=("tracking", "collection_info")),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
