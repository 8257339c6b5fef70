"""Conversations per thread, outbound actions with a target, moderation, edits and reply windows."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from inbox.agent_desk import reply as agent_reply
from inbox.domain import ConversationStatus, DeliveryStatus, OutboundKind, ThreadKind
from inbox.models import Agent, Contact, Conversation, Message
from tests.conftest import load_fixture, post_telegram, queue_loses_jobs, telegram_update
from tests.fakes.comments_connector import PLATFORM, SECRET, CommentsConnector, comment, dm
from tests.fakes.platform_api import FakePlatformAPI


def services(app: Flask) -> Any:
    return app.extensions["inbox"]


def drain(app: Flask) -> None:
    assert services(app).queue.drain(timeout=15), "jobs did not finish"


def rows(app: Flask, model: Any, *where: Any) -> list[Any]:
    with services(app).db.session() as session:
        return list(session.execute(select(model).where(*where).order_by(model.id)).scalars())


@pytest.fixture
def social(make_app: Callable[..., Flask]) -> Iterator[tuple[Flask, CommentsConnector]]:
    app = make_app()
    connector = CommentsConnector()
    services(app).connectors[connector.name] = connector
    services(app).pipeline.connectors[PLATFORM] = connector
    yield app, connector


def post_social(client: FlaskClient, body: dict[str, Any]) -> Any:
    return client.post(
        "/webhooks/testsocial", data=json.dumps(body), content_type="application/json", headers={"X-Test-Secret": SECRET}
    )


# -- Telegram: one customer, two chats ---------------------------------------------------------


def test_private_chat_then_group_are_two_threads_and_each_answer_goes_where_its_question_came_from(
    make_app: Callable[..., Flask], fake_api: FakePlatformAPI
) -> None:
    app = make_app()
    client = app.test_client()
    private = telegram_update("ongkir ke medan brp kak?", chat_id=512345678)
    group = telegram_update("bisa bayar cod kak?", chat_id=512345678)
    group["message"]["chat"] = {"id": -1001234567890, "type": "supergroup", "title": "Pelanggan Toko"}

    assert post_telegram(client, private).status_code == 200
    drain(app)
    assert post_telegram(client, group).status_code == 200
    drain(app)

    calls = fake_api.wait_for_calls(2)
    by_chat = {str(call.body["chat_id"]): call.text or "" for call in calls}
    assert set(by_chat) == {"512345678", "-1001234567890"}
    assert "Medan" in by_chat["512345678"] and "COD" in by_chat["-1001234567890"]
    threads = rows(app, Conversation)
    assert [(t.thread_key, t.thread_kind) for t in threads] == [
        ("512345678", ThreadKind.DIRECT.value),
        ("-1001234567890", ThreadKind.GROUP.value),
    ]
    [contact] = rows(app, Contact)
    assert {t.contact_id for t in threads} == {contact.id}
    for thread in threads:
        [answer] = rows(app, Message, Message.conversation_id == thread.id, Message.direction == "out")
        assert answer.address == thread.chat_id and answer.target == OutboundKind.MESSAGE.value


def test_two_customers_in_one_group_are_answered_each_on_their_own(make_app: Callable[..., Flask], fake_api: FakePlatformAPI) -> None:
    app = make_app(reply_debounce_seconds=0.3)
    client = app.test_client()
    for sender, name, text in [(111, "Sari", "ongkir ke medan brp kak?"), (222, "Budi", "bisa bayar cod kak?")]:
        update = telegram_update(text, chat_id=sender, first_name=name)
        update["message"]["chat"] = {"id": -100777, "type": "group", "title": "Grup"}
        post_telegram(client, update)
    drain(app)
    calls = fake_api.wait_for_calls(2)
    texts = sorted(call.text or "" for call in calls)
    assert len(calls) == 2 and any("Medan" in t for t in texts) and any("COD" in t for t in texts)
    assert [m.outcome for m in rows(app, Message, Message.direction == "in")] == ["auto_replied", "auto_replied"]


# -- comments: public and private replies, hiding, once only ------------------------------------


def test_question_comment_gets_one_public_and_one_private_reply(social: tuple[Flask, CommentsConnector]) -> None:
    app, connector = social
    assert post_social(app.test_client(), comment("c1", "ongkir ke medan brp kak?")).status_code == 200
    drain(app)

    assert [(o.kind, o.reply_to_message_id, o.chat_id) for o in connector.sent] == [
        (OutboundKind.PUBLIC_REPLY, "c1", "u1"),
        (OutboundKind.PRIVATE_REPLY, "c1", "u1"),
    ]
    public, private = connector.sent
    assert "DM" in public.text and "Medan" not in public.text  # short in public, the detail privately
    assert "Medan" in private.text
    [thread] = rows(app, Conversation)
    assert (thread.thread_key, thread.thread_kind, thread.post) == (
        "c1", ThreadKind.COMMENTS.value, {"id": "p1", "caption": "Flash sale 11.11", "link": None}
    )
    [inbound] = rows(app, Message, Message.direction == "in")
    stored = rows(app, Message, Message.direction == "out")
    assert [(m.target, m.idempotency_key, m.reply_to_id, m.delivery_status, m.external_id) for m in stored] == [
        ("public_reply", f"reply:{inbound.id}:public", inbound.id, DeliveryStatus.SENT.value, "out-1"),
        ("private_reply", f"reply:{inbound.id}:private", inbound.id, DeliveryStatus.SENT.value, "out-2"),
    ]


def test_spam_comment_is_hidden_and_not_answered(social: tuple[Flask, CommentsConnector]) -> None:
    app, connector = social
    post_social(app.test_client(), comment("c9", "PROMO!!! cek bio kami, klik bit.ly/hadiah123 dapatkan hadiah", author="u9"))
    drain(app)
    assert [(o.kind, o.reply_to_message_id) for o in connector.sent] == [(OutboundKind.HIDE, "c9")]
    [hide] = rows(app, Message, Message.direction == "out")
    assert (hide.target, hide.idempotency_key, hide.delivery_status) == ("hide", f"hide:{PLATFORM}:c9", "sent")
    [thread] = rows(app, Conversation)
    assert "spam" in thread.flags and thread.status == ConversationStatus.BOT.value


def test_repeated_deliveries_and_jobs_send_nothing_twice(social: tuple[Flask, CommentsConnector]) -> None:
    app, connector = social
    client = app.test_client()
    post_social(client, comment("c1", "ongkir ke medan brp kak?"))
    drain(app)
    assert len(connector.sent) == 2
    post_social(client, comment("c1", "ongkir ke medan brp kak?"))  # the platform delivers again
    pipeline = services(app).pipeline
    for message in rows(app, Message):
        pipeline.process_inbound(message.id)  # a job run again, by a retry or a second worker
        pipeline.send_outbound(message.id)
    pipeline.sweep()
    drain(app)
    assert len(connector.sent) == 2
    assert len(rows(app, Message)) == 3


def test_a_reply_under_a_comment_joins_its_thread_and_its_author_is_answered_alone(
    social: tuple[Flask, CommentsConnector],
) -> None:
    app, connector = social
    client = app.test_client()
    post_social(client, comment("c1", "ongkir ke medan brp kak?", author="u1", name="Budi"))
    drain(app)
    post_social(client, comment("c2", "bisa bayar cod kak?", author="u2", name="Ani", parent="c1"))
    drain(app)
    [thread] = rows(app, Conversation)
    private = [o for o in connector.sent if o.kind is OutboundKind.PRIVATE_REPLY]
    assert [(o.reply_to_message_id, o.chat_id) for o in private] == [("c1", "u1"), ("c2", "u2")]
    assert "COD" in private[1].text and "Medan" not in private[1].text
    authors = {m.external_id: m.contact_id for m in rows(app, Message, Message.direction == "in")}
    assert authors["c1"] == thread.contact_id != authors["c2"]


def test_a_contact_keeps_a_dm_thread_beside_a_comment_thread(social: tuple[Flask, CommentsConnector]) -> None:
    app, connector = social
    client = app.test_client()
    post_social(client, comment("c1", "ongkir ke medan brp kak?"))
    post_social(client, dm("m1", "bisa bayar cod kak?"))
    drain(app)
    threads = rows(app, Conversation)
    assert sorted(t.thread_kind for t in threads) == ["comments", "direct"]
    assert len({t.contact_id for t in threads}) == 1
    assert [o.kind for o in connector.sent if o.chat_id == "u1"].count(OutboundKind.MESSAGE) == 1


# -- reply windows -----------------------------------------------------------------------------


def shift_clock(app: Flask, delta: timedelta) -> None:
    pipeline = services(app).pipeline
    base = pipeline.now
    pipeline.now = lambda: base() + delta


def test_a_dm_processed_after_its_window_closed_is_handed_over_not_answered(social: tuple[Flask, CommentsConnector]) -> None:
    app, connector = social
    with queue_loses_jobs(app):
        post_social(app.test_client(), dm("m1", "ongkir ke medan brp kak?"))
    shift_clock(app, timedelta(hours=25))
    [message] = rows(app, Message)
    services(app).pipeline.process_inbound(message.id)
    drain(app)
    assert connector.sent == []
    [thread] = rows(app, Conversation)
    assert thread.status == ConversationStatus.WAITING.value and "window_closed" in thread.flags


def agent_in(app: Flask) -> Agent:
    with services(app).db.session() as session:
        agent = Agent(email="sari@toko.id", name="Sari", password_hash="x")
        session.add(agent)
        session.flush()
        return agent


def test_agent_reply_past_24_hours_uses_the_human_agent_tag_and_past_its_window_is_never_tried(
    social: tuple[Flask, CommentsConnector],
) -> None:
    app, connector = social
    with queue_loses_jobs(app):
        post_social(app.test_client(), dm("m1", "barang saya rusak, mau komplain"))
    agent = agent_in(app)
    pipeline = services(app).pipeline
    [thread] = rows(app, Conversation)
    results = []
    for days, key in [(2, "k1"), (8, "k2")]:
        shift_clock(app, timedelta(days=days) - (timedelta(days=2) if days == 8 else timedelta()))
        with services(app).db.session() as session:
            message, _ = agent_reply(session, thread.id, agent, "Mohon maaf kak, kami cek ya", key, pipeline.now(),
                                     capabilities_for=pipeline.capabilities)
            outbound_id = message.id
        pipeline.send_outbound(outbound_id)
        results.append(rows(app, Message, Message.id == outbound_id)[0])
    assert [(o.kind, o.tag) for o in connector.sent] == [(OutboundKind.MESSAGE, "HUMAN_AGENT")]
    assert results[0].delivery_status == "sent"
    assert results[1].delivery_status == "failed" and "window" in (results[1].error or "")


def test_agent_answers_a_comment_publicly_by_default_or_privately(social: tuple[Flask, CommentsConnector]) -> None:
    app, connector = social
    with queue_loses_jobs(app):
        post_social(app.test_client(), comment("c1", "kok pesanan saya belum dikirim2, kecewa"))
    agent = agent_in(app)
    pipeline = services(app).pipeline
    [thread] = rows(app, Conversation)
    with services(app).db.session() as session:
        public, _ = agent_reply(session, thread.id, agent, "Mohon maaf kak, kami cek via DM ya", "a", pipeline.now(),
                                capabilities_for=pipeline.capabilities)
        private, _ = agent_reply(session, thread.id, agent, "Boleh info nomor pesanannya kak?", "b", pipeline.now(),
                                 capabilities_for=pipeline.capabilities, target="private_reply")
        ids = [public.id, private.id]
    for outbound_id in ids:
        pipeline.send_outbound(outbound_id)
    assert [(o.kind, o.reply_to_message_id, o.chat_id) for o in connector.sent] == [
        (OutboundKind.PUBLIC_REPLY, "c1", thread.chat_id),
        (OutboundKind.PRIVATE_REPLY, "c1", "u1"),
    ]


# -- edits -------------------------------------------------------------------------------------


def edited(update: dict[str, Any], text: str, update_id: int) -> dict[str, Any]:
    message = dict(update["message"], text=text, edit_date=update["message"]["date"] + 30)
    return {"update_id": update_id, "edited_message": message}


def test_an_edit_of_an_answered_message_updates_it_and_is_not_answered_again(
    make_app: Callable[..., Flask], fake_api: FakePlatformAPI
) -> None:
    app = make_app()
    client = app.test_client()
    original = telegram_update("ongkir ke medan brp kak?", update_id=700001)
    post_telegram(client, original)
    drain(app)
    fake_api.wait_for_calls(1)
    assert post_telegram(client, edited(original, "ongkir ke medan brp kak? pakai JNE", 700002)).status_code == 200
    drain(app)
    assert len(fake_api.calls) == 1
    [message] = rows(app, Message, Message.direction == "in")
    assert message.text == "ongkir ke medan brp kak? pakai JNE" and message.edited_at is not None


def test_an_edit_before_the_answer_is_what_the_bot_reads(make_app: Callable[..., Flask], fake_api: FakePlatformAPI) -> None:
    app = make_app()
    client = app.test_client()
    original = telegram_update("brp kak", update_id=700011)
    with queue_loses_jobs(app):
        post_telegram(client, original)
        post_telegram(client, edited(original, "bisa bayar cod kak?", 700012))
    services(app).pipeline.sweep()
    drain(app)
    [call] = fake_api.wait_for_calls(1)
    assert "COD" in (call.text or "")
    assert len(rows(app, Message, Message.direction == "in")) == 1


def test_an_edit_of_a_message_we_never_saw_is_stored_as_new(make_app: Callable[..., Flask], fake_api: FakePlatformAPI) -> None:
    app = make_app()
    update = load_fixture("telegram", "edited_message__text")
    assert post_telegram(app.test_client(), update).status_code == 200
    drain(app)
    [message] = rows(app, Message, Message.direction == "in")
    assert message.text == update["edited_message"]["text"] and message.external_id == str(update["update_id"])
    assert len(fake_api.wait_for_calls(1)) == 1


def test_a_removed_comment_is_marked_and_kept(social: tuple[Flask, CommentsConnector]) -> None:
    from inbox.domain import ChangeEvent, ChangeKind
    from inbox.store import store_events

    app, _ = social
    post_social(app.test_client(), comment("c1", "ongkir ke medan brp kak?"))
    drain(app)
    with services(app).db.session() as session:
        result = store_events(
            session, [ChangeEvent(PLATFORM, ChangeKind.REMOVED, "c1", thread_key="c1")], datetime.now(timezone.utc)
        )
    assert result.changes_applied == 1 and result.new_message_ids == []
    [message] = rows(app, Message, Message.direction == "in")
    assert message.removed_at is not None and message.text == "ongkir ke medan brp kak?"


def test_a_connector_answers_its_own_routes_through_the_inbox(social: tuple[Flask, CommentsConnector]) -> None:
    app, _ = social
    client = app.test_client()
    headers = {"X-Test-Secret": SECRET}
    said = client.post("/webhooks/testsocial/say", json=dm("m1", "bisa bayar cod kak?"), headers=headers)
    assert said.status_code == 200 and said.json == {"stored": 1}
    drain(app)
    history = client.get("/webhooks/testsocial/history?thread=u1", headers=headers)
    assert [m["from"] for m in history.json] == ["customer", "bot"] and "COD" in history.json[1]["text"]
    assert client.get("/webhooks/testsocial/history?thread=u1").status_code == 403
    assert client.post("/webhooks/testsocial/history", headers=headers).status_code == 405
    assert client.get("/webhooks/testsocial/nothing", headers=headers).status_code == 404
    bad = client.post("/webhooks/testsocial/say", data="{}", content_type="application/json", headers=headers)
    assert bad.status_code == 400 and len(rows(app, Message)) == 2
