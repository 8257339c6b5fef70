"""Storing inbound events: the same rows on SQLite (three prebuilt statements) and PostgreSQL
(one statement with data-modifying CTEs, then one for the conversation and its episode)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from inbox.db import Database
from inbox.domain import EventKind, InboundEvent, Platform, Post, Sender, ThreadKind
from inbox.models import Contact, Conversation, Episode, Message
from inbox.store import PG_STORE_INBOUND, store_inbound

AT = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)


def event(number: int, *, name: str | None = "Sari", phone: str | None = "+6281200000001", text: str = "brp kak?",
          **fields: object) -> InboundEvent:
    values: dict[str, object] = dict(platform=Platform.WHATSAPP_TWILIO, kind=EventKind.MESSAGE, event_id=f"SM{number}",
                                     message_id=f"SM{number}", chat_id="whatsapp:+6281200000001",
                                     sender=Sender("whatsapp:+6281200000001", name, phone), text=text,
                                     timestamp=AT, raw={"Body": text})
    values.update(fields)
    return InboundEvent(**values)  # type: ignore[arg-type]


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()


def store(db: Database, inbound: InboundEvent, at: datetime) -> tuple[int, int | None]:
    with db.session() as session:
        return store_inbound(session, inbound, at)


def test_an_event_is_stored_once_with_its_contact_thread_and_episode(db: Database) -> None:
    conversation_id, message_id = store(db, event(1, text="ongkir ke <b>medan</b>\x00?"), AT)
    assert message_id is not None
    assert store(db, event(1), AT + timedelta(seconds=5)) == (conversation_id, None)  # a repeated delivery
    # The same customer again, with a new profile name and no phone this time.
    again, second_id = store(db, event(2, name="Sari Dewi", phone=None), AT + timedelta(minutes=1))
    assert again == conversation_id and second_id not in (None, message_id)
    with db.session() as session:
        contact = session.execute(select(Contact)).scalar_one()
        assert (contact.display_name, contact.phone) == ("Sari Dewi", "+6281200000001")
        thread = session.get(Conversation, conversation_id)
        assert thread is not None
        assert (thread.status, thread.flags, thread.labels, thread.post) == ("bot", [], [], None)
        assert thread.last_inbound_at == thread.last_message_at == AT + timedelta(minutes=1)
        first = session.get(Message, message_id)
        assert first is not None
        assert (first.direction, first.sender_type, first.text, first.raw, first.media, first.attempts) == (
            "in", "customer", "ongkir ke <b>medan</b>?", {"Body": "ongkir ke <b>medan</b>\x00?"}, [], 0)
        assert first.platform_timestamp == AT and first.created_at == AT and first.contact_id == contact.id
        assert session.execute(select(Message.id)).scalars().all() == [message_id, second_id]
        assert [(e.started_at, e.ended_at) for e in session.execute(select(Episode)).scalars()] == [(AT, None)]


def test_a_message_after_resolution_starts_over_with_the_bot_and_a_new_episode(db: Database) -> None:
    conversation_id, _ = store(db, event(1), AT)
    with db.session() as session:
        session.execute(update(Conversation).values(status="resolved", priority=1, flags=["complaint"],
                                                    handover_reason="komplain", handover_notice_at=AT))
        session.execute(update(Episode).values(resolved_at=AT + timedelta(hours=1), ended_at=AT + timedelta(hours=1)))
    store(db, event(2), AT + timedelta(hours=2))
    with db.session() as session:
        thread = session.get(Conversation, conversation_id)
        assert thread is not None
        assert (thread.status, thread.priority, thread.flags, thread.handover_reason, thread.handover_notice_at) == (
            "bot", 0, [], None, None)
        started = session.execute(select(Episode.started_at).order_by(Episode.id)).scalars().all()
        assert started == [AT, AT + timedelta(hours=2)]


def test_a_customer_back_after_a_quiet_day_is_a_new_episode_and_a_burst_is_not(db: Database) -> None:
    store(db, event(1), AT)
    store(db, event(2), AT + timedelta(minutes=3))
    store(db, event(3), AT + timedelta(days=2))
    with db.session() as session:
        rows = session.execute(select(Episode.started_at, Episode.ended_at).order_by(Episode.id)).all()
    assert [tuple(row) for row in rows] == [(AT, AT + timedelta(minutes=3)), (AT + timedelta(days=2), None)]


def test_a_comment_thread_keeps_its_post_and_its_first_author(db: Database) -> None:
    post = Post(post_id="P1", caption="Sepatu baru!", link="https://instagram.com/p/P1")
    common = dict(platform=Platform.INSTAGRAM, kind=EventKind.COMMENT, thread_key="post:P1",
                  thread_kind=ThreadKind.COMMENTS, chat_id="ig-user-1", post=post)
    first_id, _ = store(db, event(1, sender=Sender("ig-user-1", "Ani"), **common), AT)
    later = {**common, "sender": Sender("ig-user-2", "Budi"), "chat_id": "ig-user-2",
             "post": Post(post_id="P1", caption="edited", link=None)}
    assert store(db, event(2, **later), AT + timedelta(minutes=1))[0] == first_id
    with db.session() as session:
        thread = session.get(Conversation, first_id)
        assert thread is not None
        assert thread.post == {"id": "P1", "caption": "Sepatu baru!", "link": "https://instagram.com/p/P1"}
        assert thread.contact.external_id == "ig-user-1"
        authors = session.execute(select(Message.address).order_by(Message.id)).scalars().all()
        assert authors == ["ig-user-1", "ig-user-2"]


def test_the_postgresql_statement_writes_every_column_a_model_defaults_in_python() -> None:
    """The driver statement bypasses the models' Python-side defaults: it must name each one."""
    written = {table: set(re.findall(r"\w+", columns)) for table, columns in
               re.findall(r"INSERT INTO (\w+) \(([^)]*)\)", PG_STORE_INBOUND)}
    for model in (Contact, Conversation, Message):
        table = model.__table__
        defaulted = {column.name for column in table.columns if column.default is not None and not column.primary_key}
        assert defaulted <= written[table.name], f"{table.name}: {defaulted - written[table.name]} not written"
