"""The deciding transaction on SQLite and on PostgreSQL: the thread read with its lock and written
back in one UPDATE of what changed, the send records inserted with their ids returned, the
handover, memory, suggestion and rating writes, and the live pages' signal at its commit."""
from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from inbox.models import Conversation, ConversationEvent, Message, Rating
from tests.conftest import post_twilio, queue_loses_jobs, twilio_message
from tests.test_social_channels import fixture, post, sends, with_catalogue


def services(app: Flask) -> Any:
    return app.extensions["inbox"]


def drain(app: Flask) -> None:
    assert services(app).queue.drain(timeout=15), "jobs did not finish"


def rows(app: Flask, model: Any) -> list[Any]:
    with services(app).db.session() as session:
        return list(session.execute(select(model).order_by(model.id)).unique().scalars())


def test_an_answer_writes_its_send_record_the_thread_and_signals_once(make_app, fake_api, database_url):
    app = make_app(database_url=database_url)
    with queue_loses_jobs(app):
        post_twilio(app.test_client(), twilio_message("brp ongkir ke medan kak?"))
    [inbound] = rows(app, Message)
    [before] = rows(app, Conversation)
    signals: list[int] = []
    publish = services(app).db.on_change
    services(app).db.on_change = lambda: (signals.append(1), publish and publish())

    [(outbound_id, planned)] = services(app).pipeline._decide(inbound.id, inbound.conversation_id)

    assert signals == [1]  # the decision's one commit
    inbound, outbound = rows(app, Message)
    assert outbound.id == outbound_id and inbound.outcome == "auto_replied" and inbound.decided_at is not None
    assert (outbound.conversation_id, outbound.platform, outbound.direction, outbound.kind, outbound.target,
            outbound.sender_type, outbound.contact_id, outbound.address, outbound.idempotency_key,
            outbound.reply_to_id, outbound.delivery_status, outbound.attempts, outbound.media, outbound.template) == (
        before.id, "whatsapp_twilio", "out", "message", "message", "bot", inbound.contact_id, before.chat_id,
        f"reply:{inbound.id}:private", inbound.id, "pending", 0, [], None)
    assert "Medan" in outbound.text
    assert (planned.address, planned.chat_id, planned.last_inbound_at) == (before.chat_id, before.chat_id,
                                                                            before.last_inbound_at)
    [thread] = rows(app, Conversation)
    assert thread.last_message_at == outbound.created_at
    assert thread.memory[str(inbound.contact_id)]["city"].lower() == "medan"
    # Only what the decision changed: the rest of the thread is as the webhook left it.
    assert (thread.status, thread.priority, thread.flags, thread.labels, thread.handover_notice_at) == (
        before.status, before.priority, before.flags, before.labels, None)

    services(app).pipeline.send_outbound(outbound_id, planned)
    assert [call.recipient for call in fake_api.calls] == [before.chat_id]
    post_twilio(app.test_client(), twilio_message("kalau pakai JNE brp?"))
    drain(app)
    assert "Medan" in fake_api.calls[-1].text  # the memory written back is read again


def test_a_complaint_hands_over_once_with_one_notice(make_app, fake_api, database_url):
    app = make_app(database_url=database_url)
    client = app.test_client()
    post_twilio(client, twilio_message("barang saya datang rusak, kecewa banget"))
    drain(app)
    post_twilio(client, twilio_message("halo?? kok diem aja"))
    drain(app)

    [notice] = fake_api.calls
    assert notice.text.startswith("Mohon maaf")
    [thread] = rows(app, Conversation)
    assert (thread.status, thread.priority, thread.flags) == ("waiting", 1, ["priority"]) and thread.handover_reason
    assert thread.waiting_since is not None and thread.handover_notice_at == thread.waiting_since
    complaint, notice_row, later = rows(app, Message)
    assert (complaint.outcome, notice_row.idempotency_key, later.outcome) == (
        "escalated", f"notice:{complaint.id}", "human")
    assert [event.kind for event in rows(app, ConversationEvent)] == ["handed_over"]


def test_an_unsure_answer_is_kept_as_the_agents_suggestion(make_app, fake_api, database_url):
    app = make_app(database_url=database_url)
    post_twilio(app.test_client(), twilio_message("kirimnya pake apa"))
    drain(app)
    question = rows(app, Message)[0]
    assert question.outcome == "escalated" and "JNE" in question.suggestion
    assert "low_confidence" in rows(app, Conversation)[0].flags


def test_a_comment_gets_both_replies_in_one_insert(make_app, fake_api, database_url):
    app = with_catalogue(make_app(database_url=database_url))
    post(app, "instagram", fixture("instagram", "comment__text"))
    drain(app)
    comment, *replies = rows(app, Message)
    assert [(m.target, m.kind, m.idempotency_key) for m in replies] == [
        ("public_reply", "comment", f"reply:{comment.id}:public"),
        ("private_reply", "message", f"reply:{comment.id}:private")]
    assert replies[1].address == comment.address  # a private reply goes to the comment's author
    assert len(sends(fake_api)) == 2 and all(m.delivery_status == "sent" for m in replies)


def test_a_low_rating_reopens_the_thread(make_app, fake_api, database_url):
    app = make_app(database_url=database_url)
    client = app.test_client()
    post_twilio(client, twilio_message("brp ongkir ke medan kak?"))
    drain(app)
    with services(app).db.session() as session:
        thread = session.execute(select(Conversation)).unique().scalar_one()
        thread.status = "resolved"
        conversation_id = thread.id
    services(app).pipeline.request_rating(conversation_id)
    assert "1 sampai 5" in fake_api.calls[-1].text

    post_twilio(client, twilio_message("2, lama banget balasnya"))
    drain(app)
    [thread] = rows(app, Conversation)
    assert (thread.status, thread.priority) == ("waiting", 1) and "low_rating" in thread.flags
    assert [rating.score for rating in rows(app, Rating)] == [2]
    assert [event.kind for event in rows(app, ConversationEvent)] == ["reopened"]
