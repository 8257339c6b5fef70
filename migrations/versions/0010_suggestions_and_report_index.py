"""the bot's suggested answer on a handed-over message; an index for the busiest-hours report

- messages.suggestion: what the bot would have said when it handed over for low confidence.
- messages (direction, created_at): the report's busiest hours count customer messages per hour
  from the index alone.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("suggestion", sa.Text(), nullable=True))
    op.create_index("ix_messages_direction_created", "messages", ["direction", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_messages_direction_created", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("suggestion")
