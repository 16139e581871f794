"""The store: runs, pages, links, link checks, findings and outcome results.

SQLite file by default, PostgreSQL by URL; one schema, created and upgraded by Alembic
migrations when a Store is opened. Every stage reads and writes through :class:`Store`, so
each stage can be re-run from the store (re-score and re-report without re-crawling).
"""

from poaudit.store.records import (
    LinkCheckRecord,
    LinkRecord,
    OutcomeRecord,
    PageRecord,
    RunRecord,
)
from poaudit.store.store import DEFAULT_URL, Store, StoreError, as_row, normalise_url

__all__ = [
    "DEFAULT_URL",
    "LinkCheckRecord",
    "LinkRecord",
    "OutcomeRecord",
    "PageRecord",
    "RunRecord",
    "Store",
    "StoreError",
    "as_row",
    "normalise_url",
]
