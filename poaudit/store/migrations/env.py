"""Alembic environment: always run with the connection the Store hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from poaudit.store.models import Base

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Two processes opening one fresh database at once must not both create the tables.
    connection.execute(text("SELECT pg_advisory_xact_lock(7240311)"))
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
