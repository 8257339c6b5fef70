"""agents: session version (server-side revocation) and disabling

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

import inbox.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("disabled_at", inbox.models.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("disabled_at")
        batch.drop_column("session_version")
