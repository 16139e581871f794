"""A generated two-tier council area served on loopback, for tests, benchmarks and the demo.

    >>> from demoarea import build_area, serve
    >>> area = build_area(seed=2004, pages_per_site=60)
    >>> with serve(area) as running:                      # doctest: +SKIP
    ...     running.base_url("mid-suffolk")               # 'http://127.0.0.1:41234/'
    ...     running.manifest()                            # every planted feature and fault

The area is Suffolk County Council with two of its districts (Mid Suffolk, Babergh) and a
unitary (Peterborough City Council), each a separate host (its own port on 127.0.0.1), built
from the project's data (LGCL, LGSL and its providing tiers, the 2004/05 councils). Everything
is deterministic for a given seed and size.
"""

from ._build import DEFAULT_PAGES, DEFAULT_SEED, build_area
from ._model import CANARY, CANARY_IP, DEAD, PORTAL, Area, Page, Ref, Site
from ._render import Response
from ._run import RunningArea, ServerError, serve

__all__ = [
    "CANARY",
    "CANARY_IP",
    "DEAD",
    "DEFAULT_PAGES",
    "DEFAULT_SEED",
    "PORTAL",
    "Area",
    "Page",
    "Ref",
    "Response",
    "RunningArea",
    "ServerError",
    "Site",
    "build_area",
    "serve",
]
