"""Online facilities a 2005 council site carried, keyed by the poaudit probe that looks for them.

Each feature names an LGSL service whose providing tier (from the data) decides which councils
carry it; a council whose tier does not provide it links to the partner's page instead (a deep
link on its signpost page). ``lgsl=None`` means every council carries its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Feature:
    id: str  # poaudit probe id
    title: str
    lgsl: int | None
    outcomes: tuple[str, ...]
    section: str
    priority: int  # lower is planted first when a small site has room for only some


FEATURES: tuple[Feature, ...] = (
    Feature("school-admissions", "Apply for a school place", 13, ("R1", "G1"),
            "education-and-learning", 0),
    Feature("library-catalogue", "Library catalogue", 437, ("R12",), "leisure-and-culture", 0),
    Feature("planning-applications", "Search planning applications", 499, ("R8",),
            "environment", 0),
    Feature("online-payments", "Pay for it online", None, ("R10",), "council-and-democracy", 0),
    Feature("benefits-information", "Housing and council tax benefit", 69, ("R16", "R17"),
            "housing", 1),
    Feature("vulnerable-people-information", "Help for adults who need care", 209, ("R18",),
            "health-and-social-care", 1),
    Feature("transport-information", "Bus timetables and travel information", 273, ("R14",),
            "transport-and-streets", 1),
    Feature("council-tax-account", "Council tax: view your account online", 57, ("R11", "G11"),
            "council-and-democracy", 2),
    Feature("looked-after-children", "Education of looked after children", 159, ("R2",),
            "education-and-learning", 2),
    Feature("roadworks-map", "Roadworks map", 550, ("G14",), "transport-and-streets", 2),
    Feature("e-consultation", "Current consultations", None, ("G3", "R15"),
            "council-and-democracy", 3),
    Feature("out-of-hours-contact", "Contacting us out of hours", None, ("R23",),
            "council-and-democracy", 3),
    Feature("change-of-address", "Tell us you have moved", None, ("G25",),
            "council-and-democracy", 3),
    Feature("parking-fines", "Parking fines: challenge a penalty charge notice", 471,
            ("G13", "E8"), "transport-and-streets", 4),
    Feature("leisure-booking", "Book sports and leisure facilities", 461, ("R13",),
            "leisure-and-culture", 4),
    Feature("community-information", "Community directory", 297, ("G2",),
            "community-and-living", 4),
    Feature("email-alerts", "Email alerts", None, ("G3",), "council-and-democracy", 5),
    Feature("multimedia", "Council meetings on webcast", None, ("G4",),
            "council-and-democracy", 5),
    Feature("gis-maps", "Maps online", None, ("G5",), "environment", 5),
    Feature("online-licensing", "Apply for a licence online", None, ("G7",), "business", 5),
    Feature("e-procurement", "Selling to the council", None, ("E6",), "business", 6),
    Feature("published-targets", "Our e-government targets", None, ("E1", "G10", "E12", "E19"),
            "council-and-democracy", 6),
)
BY_ID = {f.id: f for f in FEATURES}

# The report-it form is on every site; which service it reports is the first of these the
# council's tier provides (per the data): missed bins (district/unitary), potholes (county).
REPORT_IT_LGSL = (524, 557)
