"""episodes: one row per customer need, kept as messages come, for the owners' report

Existing conversations become one episode each, from their first customer message: the first
answer after it, the first agent's answer, the last agent who answered, the first resolution after
it (a resolved conversation without one ends at its last message) and its latest rating.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

import inbox.models

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Correlated subqueries on the (conversation_id, id) indexes: one conversation at a time, so SQLite
# never joins two derived tables of every conversation, nor reads every resolution per conversation
# through the (kind, created_at) index (`kind || ''` keeps it off that one): minutes at 200,000.
BACKFILL = """
INSERT INTO episodes (conversation_id, platform, started_at, first_response_at, first_human_at, agent_id,
                      resolved_at, ended_at, rating, started_epoch)
SELECT f.id, f.platform, f.first_in,
       (SELECT MIN(m.sent_at) FROM messages m WHERE m.conversation_id = f.id AND m.direction = 'out'
          AND m.sent_at >= f.first_in),
       (SELECT MIN(m.sent_at) FROM messages m WHERE m.conversation_id = f.id AND m.sender_type = 'agent'
          AND m.sent_at >= f.first_in),
       (SELECT m.agent_id FROM messages m WHERE m.conversation_id = f.id AND m.sender_type = 'agent'
          AND m.sent_at IS NOT NULL ORDER BY m.id DESC LIMIT 1),
       f.resolved_at,
       CASE WHEN f.status = 'resolved' THEN COALESCE(f.resolved_at, f.last_message_at) END,
       (SELECT r.score FROM ratings r WHERE r.conversation_id = f.id ORDER BY r.id DESC LIMIT 1),
       {started_epoch}
FROM (
    SELECT c.id, c.platform, c.status, c.last_message_at, c.first_in,
           (SELECT MIN(v.created_at) FROM conversation_events v WHERE v.conversation_id = c.id
              AND v.kind || '' = 'resolved' AND v.created_at >= c.first_in) AS resolved_at
    FROM (
        SELECT c.id, c.platform, c.status, c.last_message_at,
               (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id
                  AND m.direction = 'in') AS first_in
        FROM conversations c
    ) c
    WHERE c.first_in IS NOT NULL
) f
"""
DURATIONS = """
UPDATE episodes SET response_seconds = {response}, human_seconds = {human}, resolution_seconds = {resolution}
"""


def upgrade() -> None:
    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("started_at", inbox.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", inbox.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_human_at", inbox.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id"), nullable=True),
        sa.Column("resolved_at", inbox.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", inbox.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("started_epoch", sa.Float(), nullable=False),
        sa.Column("response_seconds", sa.Float(), nullable=True),
        sa.Column("human_seconds", sa.Float(), nullable=True),
        sa.Column("resolution_seconds", sa.Float(), nullable=True),
    )
    op.create_index("uq_episodes_open", "episodes", ["conversation_id"], unique=True,
                    sqlite_where=sa.text("ended_at IS NULL"), postgresql_where=sa.text("ended_at IS NULL"))
    op.create_index("ix_episodes_started", "episodes", ["started_at"])
    op.create_index("ix_episodes_report", "episodes", ["started_epoch", "platform", "agent_id", "rating",
                                                       "response_seconds", "human_seconds", "resolution_seconds"])
    backfill(op.get_bind())


def backfill(connection: sa.engine.Connection) -> None:
    """One episode per conversation with a customer message (bench/reports.py uses it too)."""
    if connection.dialect.name == "sqlite":
        epoch = "((julianday({}) - 2440587.5) * 86400.0)"
    else:
        epoch = "CAST(EXTRACT(EPOCH FROM {}) AS DOUBLE PRECISION)"
    connection.execute(sa.text(BACKFILL.format(started_epoch=epoch.format("f.first_in"))))
    connection.execute(sa.text(DURATIONS.format(**{
        name: f"{epoch.format(column)} - started_epoch" for name, column in
        (("response", "first_response_at"), ("human", "first_human_at"), ("resolution", "resolved_at"))})))


def downgrade() -> None:
    op.drop_index("ix_episodes_report", table_name="episodes")
    op.drop_index("ix_episodes_started", table_name="episodes")
    op.drop_index("uq_episodes_open", table_name="episodes")
    op.drop_table("episodes")
