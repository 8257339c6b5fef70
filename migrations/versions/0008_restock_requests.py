"""restock requests: customers waiting for a sold-out variant

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

import inbox.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "restock_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contacts.id"), nullable=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("outbound_id", sa.Integer(), sa.ForeignKey("messages.id"), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("created_at", inbox.models.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("conversation_id", "contact_id", "sku", "round", name="uq_restock_requests_round"),
    )
    op.create_index("ix_restock_requests_sku", "restock_requests", ["sku"])


def downgrade() -> None:
    op.drop_index("ix_restock_requests_sku", table_name="restock_requests")
    op.drop_table("restock_requests")
