"""roadworks-map (G14): a map of roadworks with contact details, updated daily.

What it looks for. Roadworks pages ("roadworks", "street works", "road closures", "highway
works"; e-GMS subjects "Road works", "Roads and highways"; LGSL 569, 570, 550), then three
things on them: a web map (an embedded web-mapping system or a link to one, as ``gis-maps``
recognises them), contact details (a phone number or e-mail address), and a daily update: the
page says it is updated daily, or its "last updated" date (or Last-Modified header) is at most
``max_age_days`` old (default 7; option ``max_age_days``), measured against the ``today``
option (ISO date) or the clock. An older date is reported in ``stale``. One site finding.

Why the outcome asks for it. G14: "GIS-based presentation of information on roadworks in the
local area, including contact details and updated daily." The notes: "councils will need to
implement web-based corporate Geographical Information Systems (GIS) with public-facing pages
... Street works register information should then be updated on this system on a daily basis."
Checklist: "Implementation of corporate GIS with web interface." / "Daily update of street
works register information." Exemptions: "Councils not involved in the maintenance of a street
works register will need to link to the content of those that are" (LGSL 550 is a
county/unitary service): a district passes through a deep link to its county's roadworks map
(``via_partner``).

Example that passes: "Roadworks map" with an ``<iframe>`` from a street works GIS, "For
enquiries call 0845 606 6067" and "This information is updated daily".

Example that fails: a news item "A14 resurfacing at Copdock" with a list of dates (near-miss: a
roadworks notice is not a map of the street works register).

Known limits. Whether the map shows the street works register is not checked; a text claim
of daily updates is taken at its word. A map drawn by script from an unrecognised host is
missed.
"""

from __future__ import annotations

from probes._presence import Check, DateRule, Element, PresenceProbe, Spec, TextRule
from probes.base import ProbeMeta

META = ProbeMeta(
    id="roadworks-map",
    code="PO318",
    outcomes=("G14",),
    scope=("page", "site"),
    tags=("presence", "transport", "gis", "recency"),
    title="Map-based roadworks information with contact details, updated daily",
)

SPEC = Spec(
    service="roadworks",
    terms=(
        "roadworks", "road works", "street works", "streetworks", "road closures",
        "road closure", "highway works", "works on the highway", "roadworks map",
        "traffic disruption", "street works register",
    ),
    subjects=("Road works",),
    lgsl_identity=True,
    elements=(
        Element(
            "roadworks_map", "a map of roadworks",
            maps=True, context=True,
            claims=("map of current", "map of roadworks", "roadworks map", "on a map",
                    "map showing"),
        ),
        Element(
            "contact_details", "contact details",
            phone=True, email=True,
        ),
        Element(
            "updated_daily", "a daily update",
            dates=DateRule(mode="updated", max_age_days=7),
            text=TextRule(groups=(("updated daily", "updated every day", "updated each day",
                                   "updated every working day", "daily updates",
                                   "updated each working day", "updated twice daily"),)),
        ),
    ),
    checks=(Check("G14", required=("roadworks_map", "contact_details", "updated_daily")),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
