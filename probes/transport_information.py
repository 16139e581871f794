"""transport-information (R14): public transport timetables, disruption information and a
journey planner link.

What it looks for. Public transport pages ("public transport", "bus timetables",
"timetables", "bus services", "travel information", "passenger transport", "concessionary
travel"; "school transport" excluded), then three things: a link to Transport Direct (which
the notes require) or another live journey planner (Traveline, National Rail), anywhere on the
site; timetables (links to them or timetable information on a transport page); and service
disruption information (disruptions, delays, service changes, live or real-time information)
on a transport page. One site finding.

Why the outcome asks for it. R14: "The public to inspect local public transport timetables and
information via available providing organisation, including links to 'live' systems for
interactive journey planning." The notes: "As a minimum, the system should provide access to
timetables and real-time information on any service disruption for local bus services and
principal rail services. Information must also include a link to the Transport Direct website
(www.transportdirect.info)" and "deep links to third-party sites will be acceptable".
Checklist: "Online timetables" / "Online service performance information". LGSL 546 and 493
are county/unitary services, so a district passes through a deep link to its county's
transport information (``via_partner``).

Example that passes: "Bus timetables and travel information" with "Local bus and rail
timetables, live service disruption information" and "Plan your journey with Transport
Direct".

Example that fails: "Parking in the town centre" with car park charges (near-miss: transport
and streets pages are not public transport information).

Known limits. Whether the timetables are current, and whether disruption information is live,
is judged from words only. The journey planner link is checked for presence, not that it
works (see ``deep-links`` for link verdicts).
"""

from __future__ import annotations

from probes._presence import Check, Element, LinkRule, PresenceProbe, Spec, TextRule
from probes.base import ProbeMeta

META = ProbeMeta(
    id="transport-information",
    code="PO317",
    outcomes=("R14",),
    scope=("page", "site"),
    tags=("presence", "transport"),
    title="Public transport timetables, disruption information and a journey planner link",
)

SPEC = Spec(
    service="public transport information",
    terms=(
        "public transport", "bus timetables", "bus timetable", "timetables", "timetable",
        "bus services", "bus service", "buses", "travel information", "transport information",
        "passenger transport", "rail services", "trains", "journey planner",
        "journey planning", "traveline", "community transport", "concessionary travel",
        "concessionary fares", "bus pass", "bus passes", "bus and rail", "travel and transport",
        "getting around",
    ),
    exclude=("school transport", "home to school transport", "term timetable",
             "school timetable", "collection timetable"),
    elements=(
        Element(
            "journey_planner", "a link to Transport Direct or a live journey planner",
            links=LinkRule(
                text=("transport direct", "journey planner", "plan your journey", "traveline",
                      "journey planning"),
                hosts=("transportdirect.info", "traveline.org.uk", "traveline.info",
                       "nationalrail.co.uk"),
                url=("transportdirect", "traveline", "journeyplanner", "journey-planner"),
                need_context=False,
            ),
        ),
        Element(
            "timetables", "timetables",
            links=LinkRule(text=("timetable", "timetables", "bus timetables", "bus times",
                                 "rail timetables"), internal=True),
            text=TextRule(groups=(("timetable", "timetables", "bus times",
                                   "bus and rail times"),)),
        ),
        Element(
            "disruption", "service disruption information",
            text=TextRule(groups=(("disruption", "disruptions", "service changes", "live",
                                   "real time", "delays", "service updates", "travel news",
                                   "service alterations", "diversions"),)),
            links=LinkRule(text=("service disruptions", "travel news", "live departures",
                                 "real time information"), internal=True),
        ),
    ),
    checks=(Check("R14", required=("journey_planner", "timetables", "disruption")),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
