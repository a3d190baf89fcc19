"""The action plan: actions, their indicators and journal, plan milestones, steering committees;
archived indicators.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _team() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("team_id", sa.String(32), sa.ForeignKey("workspaces.team_id"), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("archived_at", UTCDateTime(), nullable=True))
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _team(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(40), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=True),
        sa.Column("engagement", sa.String(16), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("priority", sa.String(12), nullable=True),
        sa.Column("difficulty", sa.String(8), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("team_id", "number", name="uq_actions_team_number"),
    )
    op.create_table(
        "action_indicators",
        sa.Column("action_id", sa.Integer(), sa.ForeignKey("actions.id"), primary_key=True),
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("indicators.id"), primary_key=True),
    )
    op.create_table(
        "action_updates",
        sa.Column("id", sa.Integer(), primary_key=True),
        _team(),
        sa.Column("action_id", sa.Integer(), sa.ForeignKey("actions.id"), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_action_updates_action", "action_updates", ["action_id", "id"])
    op.create_table(
        "plan_milestones",
        sa.Column("id", sa.Integer(), primary_key=True),
        _team(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(32), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_plan_milestones_team_kind", "plan_milestones", ["team_id", "kind", "on"])
    op.create_table(
        "committee_meetings",
        sa.Column("id", sa.Integer(), primary_key=True),
        _team(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(32), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_committee_meetings_team_held", "committee_meetings", ["team_id", "held_on"])


def downgrade() -> None:
    op.drop_index("ix_committee_meetings_team_held", table_name="committee_meetings")
    op.drop_table("committee_meetings")
    op.drop_index("ix_plan_milestones_team_kind", table_name="plan_milestones")
    op.drop_table("plan_milestones")
    op.drop_index("ix_action_updates_action", table_name="action_updates")
    op.drop_table("action_updates")
    op.drop_table("action_indicators")
    op.drop_table("actions")
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("archived_at")
