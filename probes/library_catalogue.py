"""library-catalogue (R12): online library catalogue search, reservations and renewals.

What it looks for. Library pages ("library", "libraries", "library catalogue", "mobile
library"; e-GMS subjects "Libraries", "Library loans and fines"; LGSL 437, 439, 440, 441;
"photo library" and "image library" excluded), then three things: a catalogue search (a search
form on a library page asking for title, author, keyword or ISBN, or posting to a library
system: "catalogue", OPAC, Spydus, Talis, Dynix, Horizon, Vubis ...; or a link to such a
system), renewals and reservations (links to them, or the library pages saying that loans can
be renewed and books reserved online: these happen behind the library card login, which no
crawler passes, so a statement on a library page is accepted as evidence and reported with
``how: "text"``). The site-wide search box never counts. One site finding.

Why the outcome asks for it. R12: "Online facilities to be available to allow renewal and
reservations of library books and catalogue search facilities." The notes: "electronic forms
will have to be provided on the council website to allow the renewal and reservation of
library books and to enable the searching of the local library catalogue ... so long as all
three elements; renewals, reservations and catalogue searches are provided on the council
website." Checklist: "Online renewals" / "Online reservations" / "Online catalogue searches".
Exemptions: "Councils not operating library services should deep link to the local ones that
do": libraries (LGSL 437, "Library facilities") are a county/unitary service, so a district
passes through a deep link to its county's library catalogue (``via_partner``).

Example that passes: "Library catalogue" with a form "Title, author or keyword" posting to
``/libraries/catalogue-search`` and "reserve books and renew your loans online".

Example that fails: a "Libraries" page with opening hours and the site-wide "Search this
site" box (near-miss: a search box for the whole site is not a library catalogue).

Known limits. Whether renewals and reservations use live loan data (as the notes require)
cannot be seen without a library card. Catalogues that open only through a script are missed.
"""

from __future__ import annotations

from probes._presence import Check, Element, FormRule, LinkRule, PresenceProbe, Spec
from probes.base import ProbeMeta

META = ProbeMeta(
    id="library-catalogue",
    code="PO315",
    outcomes=("R12",),
    scope=("page", "site"),
    tags=("presence", "libraries", "search"),
    title="Online library catalogue search, reservations and renewals",
)

LIBRARY_SYSTEMS = (
    "opac", "webopac", "spydus", "talis", "prism", "dynix", "horizon", "vubis", "aquabrowser",
    "soutron", "libero", "sirsi", "ipac", "olib", "webcat", "koha", "polaris", "symphony",
    "sierra", "millennium", "capitadiscovery", "hip/", "/hipres",
)

SPEC = Spec(
    service="library catalogue",
    terms=(
        "library catalogue", "libraries", "library", "catalogue", "online catalogue",
        "search the catalogue", "opac", "library services", "renew books", "reserve books",
        "book renewals", "library card", "mobile library", "library service",
    ),
    exclude=("photo library", "image library", "media library", "document library",
             "picture library", "publications catalogue", "video library", "toy library"),
    subjects=("Libraries", "Library loans and fines", "Mobile libraries"),
    lgsl_identity=True,
    extra_lgsl=(437,),
    elements=(
        Element(
            "catalogue_search", "a library catalogue search",
            forms=FormRule(
                fields=(("author", "isbn", "title author", "title or author", "catalogue",
                         "keyword author", "search the catalogue", "book title"),),
                action=("catalogue", "catalog", *LIBRARY_SYSTEMS),
                context=("library", "libraries", "catalogue", "book", "books"),
                search=True,
            ),
            links=LinkRule(
                text=("library catalogue", "online catalogue", "search the catalogue",
                      "catalogue search", "search the library catalogue", "search for books",
                      "library online"),
                url=LIBRARY_SYSTEMS,
            ),
            claims=("search the library catalogue", "search the catalogue",
                    "catalogue online"),
        ),
        Element(
            "renewals", "online renewals",
            links=LinkRule(text=("renew", "renewals", "renew your loans", "renew books",
                                 "renew online", "renew items", "renew your books",
                                 "renew loans"), internal=True, prefix=True),
            claims=("renew your loans", "renew books", "renew your books", "renew online",
                    "renew items", "renewals online", "renew loans", "online renewals"),
            accept_claims=True,
        ),
        Element(
            "reservations", "online reservations",
            links=LinkRule(text=("reserve", "reservations", "reserve a book", "reserve books",
                                 "request an item", "place a hold", "reserve items",
                                 "reserve this item"), internal=True, prefix=True),
            claims=("reserve books", "reserve a book", "reserve items", "reserve this item",
                    "online reservations", "request books", "reserve titles"),
            accept_claims=True,
        ),
    ),
    checks=(Check("R12", required=("catalogue_search", "renewals", "reservations"),
                  tier_lgsl=(437, 439, 440, 441)),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
