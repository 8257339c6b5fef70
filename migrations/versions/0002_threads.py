"""conversations per thread; outbound actions with a target; edits

A conversation becomes a thread on a channel, unique on (platform, thread_key), so a contact can
have several (a private chat and a group, a DM and a comment thread). Existing rows carry over
one to one: the thread key is the chat id. Messages name their author and address; outbound
rows their target (all existing ones were messages); bot reply keys gain their target
(`reply:{id}` -> `reply:{id}:private`) so a re-run job finds them under the new scheme.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import inbox.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("thread_key", sa.String(length=191), nullable=True))
        batch.add_column(sa.Column("thread_kind", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("post", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("memory", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("handover_notice_at", inbox.models.UTCDateTime(timezone=True), nullable=True))
    conversations = sa.table(
        "conversations", sa.column("chat_id", sa.String), sa.column("thread_key", sa.String),
        sa.column("thread_kind", sa.String), sa.column("platform", sa.String),
    )
    op.execute(conversations.update().values(thread_key=conversations.c.chat_id, thread_kind="direct"))
    # Telegram group and channel chats have negative ids.
    op.execute(
        conversations.update()
        .where(conversations.c.platform == "telegram", conversations.c.chat_id.like("-%"))
        .values(thread_kind="group")
    )
    with op.batch_alter_table("conversations") as batch:
        batch.alter_column("thread_key", existing_type=sa.String(length=191), nullable=False)
        batch.alter_column("thread_kind", existing_type=sa.String(length=16), nullable=False)
        batch.drop_constraint("uq_conversations_contact_id", type_="unique")
        batch.create_unique_constraint("uq_conversations_platform_thread_key", ["platform", "thread_key"])
        batch.create_index("ix_conversations_contact_id", ["contact_id"])

    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("address", sa.String(length=191), nullable=True))
        batch.add_column(sa.Column("edited_at", inbox.models.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("removed_at", inbox.models.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("target", sa.String(length=16), nullable=True))
        batch.create_foreign_key("fk_messages_contact_id_contacts", "contacts", ["contact_id"], ["id"])
        batch.create_index("ix_messages_platform_message_id", ["platform", "platform_message_id"])
    messages = sa.table(
        "messages", sa.column("conversation_id", sa.Integer), sa.column("contact_id", sa.Integer),
        sa.column("address", sa.String), sa.column("target", sa.String), sa.column("direction", sa.String),
        sa.column("idempotency_key", sa.String),
    )
    owner = sa.table("conversations", sa.column("id", sa.Integer), sa.column("contact_id", sa.Integer),
                     sa.column("chat_id", sa.String))
    # Before threads, every message of a conversation was with its one contact, at its chat id.
    op.execute(
        messages.update().values(
            contact_id=sa.select(owner.c.contact_id).where(owner.c.id == messages.c.conversation_id).scalar_subquery(),
            address=sa.select(owner.c.chat_id).where(owner.c.id == messages.c.conversation_id).scalar_subquery(),
        )
    )
    op.execute(messages.update().where(messages.c.direction == "out").values(target="message"))
    op.execute(
        messages.update()
        .where(messages.c.idempotency_key.like("reply:%"))
        .values(idempotency_key=messages.c.idempotency_key + ":private")
    )


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ix_messages_platform_message_id")
        batch.drop_constraint("fk_messages_contact_id_contacts", type_="foreignkey")
        for column in ("target", "removed_at", "edited_at", "address", "contact_id"):
            batch.drop_column(column)
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_contact_id")
        batch.drop_constraint("uq_conversations_platform_thread_key", type_="unique")
        batch.create_unique_constraint("uq_conversations_contact_id", ["contact_id"])
        for column in ("handover_notice_at", "memory", "post", "thread_kind", "thread_key"):
            batch.drop_column(column)
