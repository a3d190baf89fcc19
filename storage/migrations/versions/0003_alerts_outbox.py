"""Alert states, the outbox, check-in reminders, and per-indicator hysteresis, warning DMs and relative
thresholds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("hysteresis", sa.Double(), nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("warn_dm", sa.Boolean(), nullable=False, server_default=sa.text("false")))
        batch.add_column(sa.Column("change_alert_pct", sa.Double(), nullable=True))
    op.create_table(
        "alert_states",
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("indicators.id"), primary_key=True),
        sa.Column("team_id", sa.String(32), sa.ForeignKey("workspaces.team_id"), nullable=False),
        sa.Column("level", sa.String(12), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("alert_key", sa.String(80), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(32), nullable=True),
        sa.Column("snoozed_until", UTCDateTime(), nullable=True),
        sa.Column("snoozed_to_next_reading", sa.Boolean(), nullable=False),
        sa.Column("repeated_at", UTCDateTime(), nullable=True),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_alert_states_level", "alert_states", ["level"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), sa.ForeignKey("workspaces.team_id"), nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("ambiguous", sa.Boolean(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "checkin_reminders",
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("indicators.id"), primary_key=True),
        sa.Column("due_on", sa.Date(), primary_key=True),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("checkin_reminders")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_alert_states_level", table_name="alert_states")
    op.drop_table("alert_states")
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("change_alert_pct")
        batch.drop_column("warn_dm")
        batch.drop_column("hysteresis")
