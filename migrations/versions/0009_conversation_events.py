"""conversation events (handover, take, transfer, release, resolve, reopen, notes with @mentions)

Existing conversations get no invented history: their events start with this migration.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import inbox.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id"), nullable=True),
        sa.Column("to_agent_id", sa.Integer(), sa.ForeignKey("agents.id"), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("created_at", inbox.models.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_conversation_events_conversation", "conversation_events", ["conversation_id", "id"])
    op.create_index("ix_conversation_events_kind_created", "conversation_events", ["kind", "created_at"])
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("mentions_seen_at", inbox.models.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("mentions_seen_at")
    op.drop_index("ix_conversation_events_kind_created", table_name="conversation_events")
    op.drop_index("ix_conversation_events_conversation", table_name="conversation_events")
    op.drop_table("conversation_events")
