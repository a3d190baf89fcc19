"""Digest subscriptions and their runs (one per period, claimed by a unique key), and target dates.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("target_date", sa.Date(), nullable=True))
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), sa.ForeignKey("workspaces.team_id"), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("schedule", sa.String(120), nullable=False),
        sa.Column("scope", sa.String(60), nullable=False),
        sa.Column("skip_empty", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("active_since", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("team_id", "channel_id", name="uq_digest_subscriptions_channel"),
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subscription_id", sa.Integer(), sa.ForeignKey("digest_subscriptions.id"), nullable=False),
        sa.Column("period_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("file_ids", sa.String(200), nullable=False),
        sa.Column("ambiguous", sa.Boolean(), nullable=False),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("subscription_id", "period_at", name="uq_digest_runs_period"),
    )
    op.create_index("ix_digest_runs_due", "digest_runs", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_digest_runs_due", table_name="digest_runs")
    op.drop_table("digest_runs")
    op.drop_table("digest_subscriptions")
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("target_date")
