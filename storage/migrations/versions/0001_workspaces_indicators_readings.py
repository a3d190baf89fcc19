"""Workspaces, indicators and readings.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), sa.ForeignKey("workspaces.team_id"), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("code_key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("target", sa.Double(), nullable=True),
        sa.Column("warn_below", sa.Double(), nullable=True),
        sa.Column("alert_below", sa.Double(), nullable=True),
        sa.Column("warn_above", sa.Double(), nullable=True),
        sa.Column("alert_above", sa.Double(), nullable=True),
        sa.Column("owner_id", sa.String(32), nullable=True),
        sa.Column("entity", sa.String(60), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("cadence", sa.String(16), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("team_id", "code_key", name="uq_indicators_team_code"),
    )
    op.create_table(
        "readings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), sa.ForeignKey("workspaces.team_id"), nullable=False),
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("indicators.id"), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_kind", sa.String(8), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("numerator", sa.Double(), nullable=True),
        sa.Column("denominator", sa.Double(), nullable=True),
        sa.Column("recorded_by", sa.String(32), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), sa.ForeignKey("readings.id"), nullable=True),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.String(32), nullable=True),
    )
    op.create_index(
        "uq_readings_active_period",
        "readings",
        ["indicator_id", "period_start", "period_kind"],
        unique=True,
        sqlite_where=sa.text("state = 'active'"),
        postgresql_where=sa.text("state = 'active'"),
    )
    op.create_index("ix_readings_team_recorder", "readings", ["team_id", "recorded_by", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_readings_team_recorder", table_name="readings")
    op.drop_index("uq_readings_active_period", table_name="readings")
    op.drop_table("readings")
    op.drop_table("indicators")
    op.drop_table("workspaces")
