"""customers' ratings of a resolved conversation

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

import inbox.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id"), nullable=False, index=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id"), nullable=False, unique=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id"), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(200), nullable=True),
        sa.Column("created_at", inbox.models.UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ratings")
