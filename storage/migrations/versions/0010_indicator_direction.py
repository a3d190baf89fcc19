"""An indicator says which way is better (higher or lower) and where it comes from (a guide's reference),
as the indicator templates give them. Without a stated direction, the trend still infers it from the
thresholds, as before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("direction", sa.String(8), nullable=True))
        batch.add_column(sa.Column("reference", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("reference")
        batch.drop_column("direction")
