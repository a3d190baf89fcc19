"""Slack installations for many workspaces (OAuth): slack_sdk's installation, bot and state tables,
their token columns wide enough for sealed tokens.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.installations import define_tables

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for table in define_tables(sa.MetaData()):
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(define_tables(sa.MetaData())):
        table.drop(bind)
