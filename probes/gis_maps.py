"""gis-maps (G5): a public web map (GIS) with property-related information.

What it looks for. A web map anywhere on the site: an embedded map (an ``<iframe>``,
``<object>``, ``<embed>`` or script from a web-mapping system such as ArcIMS, MapGuide,
iShare, Cadcorp, a WMS, Google or OpenStreetMap maps) or a link to one (by its URL, or by text
such as "Interactive map" when the link leaves the site); and, on a maps page ("maps",
"interactive maps", "GIS", "my area"), property-related layers: planning applications, the
local plan, school catchment areas, flood plains, conservation areas, tree preservation
orders, listed buildings, refuse collection, land charges. A link to the site map never
counts ("site map" is excluded). Text that only mentions interactive maps is reported in
``elements_claimed``. One site finding.

Why the outcome asks for it. G5: "Public access to corporate Geographic Information Systems
(GIS) for map-based data presentation of property-related information". The notes: "some of
the published data must relate to property. For example, this might include locations of
pending planning applications, zoning information from the local plan, schools' admissions
areas, flood plain coverage, details of refuse collection ...". Checklist: "Public access to
corporate GIS." / "Inclusion of property-related information." The exemptions say "This
outcome applies to all councils", so every tier is expected to publish its own map.

Example that passes: "Maps online" with ``<iframe src="http://maps.example.gov.uk/arcims/
planning.asp">`` and "Layers: planning applications, conservation areas, flood plain".

Example that fails: "Maps" listing "How to find us" with a static image of the town centre
and a link to the site map (near-miss: a location map or a site map is not a GIS).

Known limits. A single embedded map of the council offices (a contact page's Google map)
counts as a web map; the property layers must then be named on a maps page. Maps drawn by
script from an unrecognised host are missed. Whether the map is the *corporate* GIS is not
observable.
"""

from __future__ import annotations

from probes._presence import Check, Element, PresenceProbe, Spec, TextRule
from probes.base import ProbeMeta

META = ProbeMeta(
    id="gis-maps",
    code="PO309",
    outcomes=("G5",),
    scope=("page", "site"),
    tags=("presence", "environment", "gis"),
    title="A public web map (GIS) with property-related layers",
)

SPEC = Spec(
    service="online maps",
    terms=(
        "maps", "map", "gis", "interactive map", "interactive maps", "maps online",
        "online maps", "online mapping", "mapping", "my area", "in my area", "where i live",
        "local information map", "map search", "find my nearest", "map viewer",
    ),
    exclude=("site map", "sitemap", "site maps", "map of the site", "map of this site",
             "road map", "roadmap", "mind map"),
    elements=(
        Element(
            "web_map", "a web map",
            maps=True,
            claims=("interactive maps", "interactive map", "online maps", "view maps online",
                    "web mapping", "online mapping"),
        ),
        Element(
            "property_layers", "property-related map information",
            text=TextRule(groups=((
                "planning applications", "local plan", "catchment", "catchment areas",
                "flood", "flood plain", "flood plains", "conservation area",
                "conservation areas", "tree preservation", "listed building",
                "listed buildings", "refuse collection", "land charges", "contaminated land",
                "property", "properties", "school catchment", "polling districts",
                "council tax bands", "street furniture", "planning"),)),
        ),
    ),
    checks=(Check("G5", required=("web_map", "property_layers"), tier_lgsl=()),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
