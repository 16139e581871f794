"""Initial schema: runs, pages, links, link checks, findings, outcome results.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

J = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _run_fk() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("council", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("tool_version", sa.String(40), nullable=False),
        sa.Column("scoring_version", sa.String(40), nullable=False),
        sa.Column("profile", J, nullable=False),
        sa.Column("stats", J, nullable=False),
    )
    op.create_index("ix_runs_site", "runs", ["site"])
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        _run_fk(),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("final_url", sa.Text, nullable=True),
        sa.Column("status", sa.Integer, nullable=True),
        sa.Column("content_type", sa.String(200), nullable=True),
        sa.Column("content_length", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("elapsed_ms", sa.Float, nullable=True),
        sa.Column("fetched_at", TS, nullable=True),
        sa.Column("redirects", J, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("etag", sa.Text, nullable=True),
        sa.Column("last_modified", sa.Text, nullable=True),
    )
    op.create_index("ix_pages_run_url", "pages", ["run_id", "url"], unique=True)
    op.create_table(
        "links",
        sa.Column("id", sa.Integer, primary_key=True),
        _run_fk(),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("target_url", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("anchor_text", sa.Text, nullable=False),
        sa.Column("target_host", sa.String(255), nullable=True),
        sa.Column("owner", sa.String(200), nullable=True),
    )
    op.create_index("ix_links_run_target", "links", ["run_id", "target_url"])
    op.create_table(
        "link_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        _run_fk(),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(30), nullable=False),
        sa.Column("status", sa.Integer, nullable=True),
        sa.Column("final_url", sa.Text, nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("fix", sa.Text, nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("hops", J, nullable=False),
        sa.Column("evidence", J, nullable=False),
        sa.Column("checked_at", TS, nullable=True),
    )
    op.create_index("ix_link_checks_run_url", "link_checks", ["run_id", "url"], unique=True)
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True),
        _run_fk(),
        sa.Column("probe_id", sa.String(80), nullable=False),
        sa.Column("outcomes", J, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("page_url", sa.Text, nullable=True),
        sa.Column("detail", J, nullable=False),
    )
    op.create_index("ix_findings_run_probe", "findings", ["run_id", "probe_id"])
    op.create_table(
        "outcome_results",
        sa.Column("id", sa.Integer, primary_key=True),
        _run_fk(),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("scoring_version", sa.String(40), nullable=False),
        sa.Column("confidence", sa.String(20), nullable=False),
        sa.Column("reasons", J, nullable=False),
        sa.Column("evidence", J, nullable=False),
    )
    op.create_index(
        "ix_outcome_results_run_code", "outcome_results", ["run_id", "code"], unique=True
    )


def downgrade() -> None:
    for table in ("outcome_results", "findings", "link_checks", "links", "pages", "runs"):
        op.drop_table(table)
