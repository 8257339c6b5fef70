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

BACKFILL = """
INSERT INTO episodes (conversation_id, platform, started_at, first_response_at, first_human_at, agent_id,
                      resolved_at, ended_at, rating)
SELECT e.conversation_id, e.platform, e.started_at, e.first_response_at, e.first_human_at, e.agent_id,
       e.resolved_at, CASE WHEN e.status = 'resolved' THEN COALESCE(e.resolved_at, e.last_message_at) END, e.rating
FROM (
    SELECT c.id AS conversation_id, c.platform AS platform, c.status AS status, c.last_message_at AS last_message_at,
           f.first_in AS started_at,
           (SELECT MIN(m.sent_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out'
              AND m.sent_at >= f.first_in) AS first_response_at,
           (SELECT MIN(m.sent_at) FROM messages m WHERE m.conversation_id = c.id AND m.sender_type = 'agent'
              AND m.sent_at >= f.first_in) AS first_human_at,
           (SELECT m.agent_id FROM messages m WHERE m.conversation_id = c.id AND m.sender_type = 'agent'
              AND m.sent_at IS NOT NULL ORDER BY m.id DESC LIMIT 1) AS agent_id,
           (SELECT MIN(v.created_at) FROM conversation_events v WHERE v.conversation_id = c.id
              AND v.kind = 'resolved' AND v.created_at >= f.first_in) AS resolved_at,
           (SELECT r.score FROM ratings r WHERE r.conversation_id = c.id ORDER BY r.id DESC LIMIT 1) AS rating
    FROM conversations c
    JOIN (SELECT conversation_id, MIN(created_at) AS first_in FROM messages WHERE direction = 'in'
          GROUP BY conversation_id) f ON f.conversation_id = c.id
) e
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
    )
    op.create_index("uq_episodes_open", "episodes", ["conversation_id"], unique=True,
                    sqlite_where=sa.text("ended_at IS NULL"), postgresql_where=sa.text("ended_at IS NULL"))
    op.create_index("ix_episodes_started", "episodes", ["started_at"])
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index("ix_episodes_started", table_name="episodes")
    op.drop_index("uq_episodes_open", table_name="episodes")
    op.drop_table("episodes")
