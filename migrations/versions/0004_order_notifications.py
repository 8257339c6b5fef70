"""order notifications (one per order and status) and approved templates on outbound messages

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

import inbox.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("outbound_id", sa.Integer(), sa.ForeignKey("messages.id"), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("created_at", inbox.models.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("order_id", "status", name="uq_order_notifications_order_status"),
    )
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("template", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("template")
    op.drop_table("order_notifications")
