"""The ingestion API: per-workspace tokens (only their SHA-256 is kept), and the Idempotency-Key of
each batch taken with the answer it got, so that a batch sent again records nothing twice.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), sa.ForeignKey("workspaces.team_id"), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("name_key", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(32), nullable=True),
    )
    # One live token a name in a workspace; a revoked one frees its name (its key gets its id).
    op.create_index("uq_api_tokens_team_name", "api_tokens", ["team_id", "name_key"], unique=True)
    op.create_table(
        "api_requests",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("idempotency_key", sa.String(255), primary_key=True),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_api_requests_created", "api_requests", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_api_requests_created", table_name="api_requests")
    op.drop_table("api_requests")
    op.drop_index("uq_api_tokens_team_name", table_name="api_tokens")
    op.drop_table("api_tokens")
