"""queue indexes: the open tabs, the day's response figures, search

- conversations (status, priority, waiting_since): a tab's page in the queue's order.
- conversations (status, assigned_agent_id): every tab's count from the index alone.
- messages (created_at): the response figures read one day of messages.
- messages (reply_to_id): which inbound message a bot reply answered.
- PostgreSQL with pg_trgm available: trigram indexes for the search box's "contains" on
  message text and customer names (without it the search scans, and still works).

Revision ID: 0007
Revises: 0006
"""
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (name, table, columns): on every database.
PLAIN_INDEXES = (
    ("ix_conversations_status_waiting", "conversations", ["status", "priority", "waiting_since"]),
    ("ix_conversations_status_agent", "conversations", ["status", "assigned_agent_id"]),
    ("ix_messages_created_at", "messages", ["created_at"]),
    ("ix_messages_reply_to_id", "messages", ["reply_to_id"]),
)
# (name, table, column): PostgreSQL only, and only where pg_trgm can be had.
TRIGRAM_INDEXES = (
    ("ix_messages_text_trgm", "messages", "text"),
    ("ix_contacts_display_name_trgm", "contacts", "display_name"),
)


def upgrade() -> None:
    for name, table, columns in PLAIN_INDEXES:
        op.create_index(name, table, columns)
    bind = op.get_bind()
    schema = _trigram_schema(bind) if bind.dialect.name == "postgresql" else None
    if schema is not None:
        # Qualified: the extension may live in a schema that is not on this search_path.
        for name, table, column in TRIGRAM_INDEXES:
            op.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} "{schema}".gin_trgm_ops)')


def downgrade() -> None:
    drop_queue_indexes(op.get_bind())


def drop_queue_indexes(connection: Any) -> None:
    """Also used by bench/queue_page.py to measure the same requests without them."""
    for name, table, _ in PLAIN_INDEXES:
        connection.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
    if connection.dialect.name == "postgresql":
        for name, _, _ in TRIGRAM_INDEXES:
            connection.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))


def _trigram_schema(bind: Any) -> str | None:
    """Where pg_trgm lives, creating it if it may; None without it. CREATE EXTENSION needs the
    extension installed and the right to create it; a savepoint keeps a refusal from spoiling
    the migration's transaction."""
    query = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    )
    schema = bind.execute(query).scalar()
    if schema is not None:
        return str(schema)
    if not bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first():
        return None
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return None
    schema = bind.execute(query).scalar()
    return str(schema) if schema is not None else None
