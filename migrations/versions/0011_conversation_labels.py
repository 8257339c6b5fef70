"""conversation labels (agents' own tags: retur, COD, reseller...)

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("labels", sa.JSON(), nullable=False, server_default="[]"))
    # The labels in use, for the queue's filter and the label box (never a scan of conversations).
    op.create_table("labels", sa.Column("name", sa.String(24), primary_key=True))


def downgrade() -> None:
    op.drop_table("labels")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("labels")
