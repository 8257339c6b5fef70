"""The whole path on embedded defaults: signed webhook -> stored once -> job -> one send."""
from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from connectors.telegram import TELEGRAM_CAPABILITIES
from inbox.domain import ConversationStatus, DeliveryStatus, Outcome
from inbox.errors import AmbiguousSendError
from inbox.models import Contact, Conversation, DeliveryEvent, Message
from inbox.shop_data import import_products
from tests.conftest import load_fixture, post_telegram, post_twilio, queue_loses_jobs, telegram_update, twilio_message


def services(app: Flask) -> Any:
    return app.extensions["inbox"]


def drain(app: Flask) -> None:
    assert services(app).queue.drain(timeout=15), "jobs did not finish"


def count(app: Flask, model: Any, *where: Any) -> int:
    with services(app).db.session() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def messages(app: Flask) -> list[Message]:
    with services(app).db.session() as session:
        return list(session.execute(select(Message).order_by(Message.id)).scalars())


def conversation(app: Flask) -> Conversation:
    with services(app).db.session() as session:
        return session.execute(select(Conversation)).unique().scalar_one()


def test_whatsapp_question_gets_one_brand_voice_reply(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    form = twilio_message("brp ongkir ke medan kak")

    response = post_twilio(client, form)

    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    [call] = fake_api.wait_for_calls(1)
    assert call.platform == "twilio" and call.auth_ok
    assert call.recipient == "whatsapp:+6281234567890"
    assert call.body["From"] == "whatsapp:+14155238886"
    assert "Medan" in call.text and "Rp" in call.text and "kak" in call.text.lower()
    drain(app)
    inbound, outbound = messages(app)
    assert inbound.outcome == Outcome.AUTO_REPLIED.value and inbound.intent == "shipping_cost"
    assert outbound.delivery_status == DeliveryStatus.SENT.value
    assert outbound.external_id == call.body.get("_sid", outbound.external_id)
    assert outbound.external_id.startswith("SM")


def test_repeated_delivery_stores_and_sends_nothing_new(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    form = twilio_message("bisa bayar cod kak?")

    first = post_twilio(client, form)
    drain(app)
    second = post_twilio(client, form)
    drain(app)

    assert first.status_code == second.status_code == 200
    assert count(app, Message, Message.direction == "in") == 1
    assert count(app, Message, Message.direction == "out") == 1
    assert len(fake_api.calls) == 1


def test_telegram_complaint_goes_to_agents_with_one_calm_acknowledgement(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    response = post_telegram(client, telegram_update("barang saya datang rusak, kecewa banget"))
    assert response.status_code == 200
    drain(app)
    post_telegram(client, telegram_update("halo?? kok diem aja"))  # the same handover: nothing more
    drain(app)

    [ack] = fake_api.calls
    assert ack.text.startswith("Mohon maaf atas kendalanya") and "🙏" not in ack.text and "!" not in ack.text
    thread = conversation(app)
    assert thread.status == ConversationStatus.WAITING.value
    assert thread.priority == 1
    complaint, ack_row, later = messages(app)
    assert complaint.outcome == Outcome.ESCALATED.value and complaint.intent == "complaint"
    assert ack_row.idempotency_key == f"notice:{complaint.id}" and later.outcome == Outcome.HUMAN.value
    assert thread.handover_notice_at is not None


@pytest.mark.parametrize(
    "headers_for",
    [
        lambda form: {},
        lambda form: {"X-Twilio-Signature": "bm90LXRoZS1zaWduYXR1cmU="},
    ],
    ids=["missing", "wrong"],
)
def test_bad_twilio_signature_is_403_and_stores_nothing(make_app, fake_api, headers_for):
    app = make_app()
    form = twilio_message("halo kak")
    response = app.test_client().post("/webhooks/twilio", data=form, headers=headers_for(form))
    assert response.status_code == 403
    assert "signature" in response.json["error"]
    assert count(app, Message) == 0 and count(app, Contact) == 0


def test_signature_from_another_account_is_rejected(make_app):
    app = make_app()
    response = post_twilio(app.test_client(), twilio_message("halo"), token="someone-elses-token")
    assert response.status_code == 403
    assert count(app, Message) == 0


def test_wrong_telegram_secret_is_403(make_app):
    app = make_app()
    response = post_telegram(app.test_client(), telegram_update("halo"), secret="guess")
    assert response.status_code == 403
    assert count(app, Message) == 0


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"message": {"text": "no update id"}}', b'{"update_id": "x", "message": 5}'],
    ids=["invalid-json", "not-an-object", "no-update-id", "wrong-types"],
)
def test_malformed_telegram_body_is_400_with_reason(make_app, body):
    app = make_app()
    response = app.test_client().post(
        "/webhooks/telegram",
        data=body,
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": "tg-test-secret"},
    )
    assert response.status_code == 400
    assert response.json["error"]
    assert count(app, Message) == 0


def test_malformed_twilio_form_is_400(make_app):
    app = make_app()
    form = twilio_message("halo")
    del form["MessageSid"]
    response = post_twilio(app.test_client(), form)
    assert response.status_code == 400
    assert "MessageSid" in response.json["error"]
    assert count(app, Message) == 0


def test_oversized_body_is_413(make_app):
    app = make_app(max_body_bytes=2048)
    response = post_telegram(app.test_client(), telegram_update("x" * 5000))
    assert response.status_code == 413
    assert "larger than" in response.json["error"]
    assert count(app, Message) == 0


def test_disabled_platform_answers_404_with_reason(make_app):
    app = make_app(platform_env={})
    response = app.test_client().post("/webhooks/telegram", json={"update_id": 1})
    assert response.status_code == 404
    assert "TELEGRAM_BOT_TOKEN" in response.json["error"]


def test_job_run_twice_sends_once(make_app, fake_api):
    app = make_app()
    pipeline = services(app).pipeline
    post_twilio(app.test_client(), twilio_message("bisa cod kak?"))
    drain(app)
    [inbound, _] = messages(app)
    pipeline.process_inbound(inbound.id)  # no app context: jobs need none
    pipeline.process_inbound(inbound.id)
    assert len(fake_api.calls) == 1
    assert count(app, Message, Message.direction == "out") == 1


def test_concurrent_jobs_for_one_message_send_once(make_app, fake_api):
    app = make_app()
    pipeline = services(app).pipeline
    # Store without running the job, then race four workers on it.
    with queue_loses_jobs(app):
        post_twilio(app.test_client(), twilio_message("ongkir ke bandung brp?"))
    [inbound] = messages(app)
    barrier = threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        pipeline.process_inbound(inbound.id)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake_api.calls) == 1
    assert count(app, Message, Message.direction == "out") == 1


def test_send_failing_with_5xx_then_succeeding(make_app, fake_api):
    app = make_app()
    fake_api.fail_next("twilio", 500, times=2)
    post_twilio(app.test_client(), twilio_message("bisa bayar cod kak?"))
    calls = fake_api.wait_for_calls(3)
    drain(app)
    assert [c.status for c in calls] == [500, 500, 201]
    outbound = messages(app)[-1]
    assert outbound.delivery_status == DeliveryStatus.SENT.value
    assert outbound.attempts == 3
    assert conversation(app).status == ConversationStatus.BOT.value


def test_rate_limit_retry_honours_the_platform_hint(make_app, fake_api):
    app = make_app()
    delays: list[float] = []
    queue = services(app).queue
    original = queue.enqueue

    def recording_enqueue(job: str, *args: Any, delay: float = 0.0) -> None:
        if job == "send_outbound":
            delays.append(delay)
        original(job, *args, delay=delay)

    queue.enqueue = recording_enqueue  # type: ignore[method-assign]
    fake_api.fail_next("telegram", 429, retry_after=1)
    post_telegram(app.test_client(), telegram_update("stok size M ada ga kak"))
    fake_api.wait_for_calls(2)
    drain(app)
    # Retried after the hint; any later wait is the pacer keeping the pause, never shorter.
    assert delays[0] == 1.0 and all(0 < delay <= 1.0 for delay in delays[1:])
    sent = messages(app)[-1]
    assert sent.delivery_status == DeliveryStatus.SENT.value
    assert sent.attempts == 1  # the platform's rate limit is not a failed try


def test_retries_exhausted_hand_the_conversation_to_agents(make_app, fake_api):
    app = make_app(send_max_attempts=3)
    fake_api.fail_next("twilio", 503, times=5)
    post_twilio(app.test_client(), twilio_message("bisa bayar cod kak?"))
    fake_api.wait_for_calls(3)
    drain(app)
    assert len(fake_api.calls) == 3
    outbound = messages(app)[-1]
    assert outbound.delivery_status == DeliveryStatus.FAILED.value
    thread = conversation(app)
    assert thread.status == ConversationStatus.WAITING.value
    assert "send_failed" in thread.flags and thread.priority == 1


def test_permanent_send_error_is_not_retried(make_app, fake_api):
    app = make_app()
    fake_api.fail_next("twilio", 400)
    post_twilio(app.test_client(), twilio_message("bisa bayar cod kak?"))
    fake_api.wait_for_calls(1)
    drain(app)
    assert len(fake_api.calls) == 1
    outbound = messages(app)[-1]
    assert outbound.delivery_status == DeliveryStatus.FAILED.value
    assert "63016" in (outbound.error or "")
    assert "send_failed" in conversation(app).flags


CATALOGUE_CSV = """sku,name,variant,price,stock
KOS-HTM-L,Kaos Oversize Hitam,L,89000,12
KOS-HTM-M,Kaos Oversize Hitam,M,89000,0
JKT-DNM-L,Jaket Denim,L,250000,3
"""


def seed_catalogue(app: Flask) -> None:
    with services(app).db.session() as session:
        import_products(session, io.StringIO(CATALOGUE_CSV))
    services(app).shop.invalidate()


def test_quick_messages_get_one_combined_answer(make_app, fake_api):
    app = make_app(reply_debounce_seconds=0.5)
    seed_catalogue(app)
    client = app.test_client()
    for text in ("kak", "kaos oversize hitam ready?", "ongkir ke medan brp?"):
        post_twilio(client, twilio_message(text))
    fake_api.wait_for_calls(1)
    drain(app)
    assert len(fake_api.calls) == 1
    reply = fake_api.calls[0].text
    assert "Medan" in reply and "Rp18.000" in reply  # the shipping point
    assert "Kaos Oversize Hitam" in reply and "ready" in reply  # the stock point, from the catalogue
    outcomes = [m.outcome for m in messages(app) if m.direction == "in"]
    assert outcomes == [Outcome.MERGED.value, Outcome.MERGED.value, Outcome.AUTO_REPLIED.value]


def test_bot_stays_out_once_an_agent_has_the_conversation(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    post_telegram(client, telegram_update("mau bicara sama admin", chat_id=222))
    drain(app)
    with services(app).db.session() as session:
        thread = session.execute(select(Conversation)).unique().scalar_one()
        thread.status = ConversationStatus.ASSIGNED.value
    post_telegram(client, telegram_update("ongkir ke medan brp?", chat_id=222))
    drain(app)
    [note] = fake_api.calls  # told once that a person will answer; nothing from the bot after
    assert note.text.startswith("Baik kak")
    inbound = [m for m in messages(app) if m.direction == "in"]
    assert [m.outcome for m in inbound] == [Outcome.ESCALATED.value, Outcome.HUMAN.value]


def test_spam_is_ignored_and_flagged(make_app, fake_api):
    app = make_app()
    post_telegram(app.test_client(), telegram_update("pinjol cepat cair wa sekarang"))
    drain(app)
    assert fake_api.calls == []
    assert messages(app)[0].outcome == Outcome.IGNORED.value
    assert "spam" in conversation(app).flags


def test_status_callbacks_move_delivery_forward_only_and_once(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    post_twilio(client, twilio_message("bisa bayar cod kak?"))
    fake_api.wait_for_calls(1)
    drain(app)
    sid = messages(app)[-1].external_id
    base = {"MessageSid": sid, "AccountSid": "AC" + "0123456789abcdef" * 2, "From": "whatsapp:+14155238886",
            "To": "whatsapp:+6281234567890"}

    for status in ("read", "delivered", "read", "sent"):
        response = post_twilio(client, {**base, "MessageStatus": status, "SmsStatus": status}, path="/webhooks/twilio/status")
        assert response.status_code == 200

    assert messages(app)[-1].delivery_status == DeliveryStatus.READ.value
    assert count(app, DeliveryEvent) == 3  # read, delivered, sent: the repeated read is stored once


def test_failed_delivery_callback_hands_over(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    post_twilio(client, twilio_message("bisa bayar cod kak?"))
    fake_api.wait_for_calls(1)
    drain(app)
    sid = messages(app)[-1].external_id
    form = {"MessageSid": sid, "AccountSid": "AC" + "0123456789abcdef" * 2, "MessageStatus": "undelivered",
            "SmsStatus": "undelivered", "ErrorCode": "63016", "To": "whatsapp:+6281234567890",
            "From": "whatsapp:+14155238886"}
    assert post_twilio(client, form, path="/webhooks/twilio/status").status_code == 200
    assert messages(app)[-1].delivery_status == DeliveryStatus.FAILED.value
    thread = conversation(app)
    assert thread.status == ConversationStatus.WAITING.value and "send_failed" in thread.flags


def test_recovery_sweep_answers_what_the_queue_lost(make_app, fake_api):
    app = make_app()
    with queue_loses_jobs(app):
        post_twilio(app.test_client(), twilio_message("bisa bayar cod kak?"))
    assert fake_api.calls == []

    counts = services(app).pipeline.sweep()
    fake_api.wait_for_calls(1)
    drain(app)
    assert counts["inbound"] == 1
    assert len(fake_api.calls) == 1
    assert services(app).pipeline.sweep() == {"inbound": 0, "outbound": 0, "unknown": 0, "notifications": 0, "restocks": 0}


def test_send_interrupted_by_a_dead_worker_is_never_resent(make_app, fake_api):
    app = make_app(stale_send_seconds=0.0)
    with queue_loses_jobs(app):
        post_twilio(app.test_client(), twilio_message("bisa bayar cod kak?"))
    pipeline = services(app).pipeline
    [inbound] = messages(app)
    [(outbound_id, _planned)] = pipeline._decide(inbound.id, inbound.conversation_id)
    # The worker claimed the send and died before the platform answered.
    with services(app).db.session() as session:
        outbound = session.get(Message, outbound_id)
        outbound.delivery_status = DeliveryStatus.SENDING.value
        outbound.last_attempt_at = pipeline.now()

    counts = pipeline.sweep()
    drain(app)
    assert counts["unknown"] == 1
    assert fake_api.calls == []
    assert messages(app)[-1].delivery_status == DeliveryStatus.UNKNOWN.value
    assert "delivery_unknown" in conversation(app).flags


def test_resolved_conversation_returns_to_the_bot(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    post_telegram(client, telegram_update("mau bicara sama admin", chat_id=333))
    drain(app)
    with services(app).db.session() as session:
        session.execute(select(Conversation)).unique().scalar_one().status = ConversationStatus.RESOLVED.value
    post_telegram(client, telegram_update("ongkir ke medan brp kak?", chat_id=333))
    note, answer = fake_api.wait_for_calls(2)  # the first handover's note, then the bot again
    drain(app)
    assert conversation(app).status == ConversationStatus.BOT.value
    assert note.text.startswith("Baik kak") and "Medan" in answer.text


def test_healthz_reports_database_and_queue(make_app):
    body = make_app().test_client().get("/healthz").json
    assert body["status"] == "ok"
    assert body["database"].startswith("ok")
    assert body["queue"].startswith("in-process ok")
    assert body["platforms"] == "facebook, instagram, telegram, twilio, webchat, whatsapp, x"


class TimingOutConnector:
    """Stands in for a platform that took the request and never answered."""

    capabilities = {"telegram": TELEGRAM_CAPABILITIES}

    def __init__(self) -> None:
        self.calls = 0

    def send(self, outbound: Any) -> Any:
        self.calls += 1
        raise AmbiguousSendError("Telegram did not answer in time", code="timeout")


def test_send_that_timed_out_after_leaving_is_not_retried(make_app, fake_api):
    app = make_app()
    stub = TimingOutConnector()
    services(app).pipeline.connectors["telegram"] = stub
    post_telegram(app.test_client(), telegram_update("bisa bayar cod kak?"))
    drain(app)
    assert stub.calls == 1
    outbound = messages(app)[-1]
    assert outbound.delivery_status == DeliveryStatus.UNKNOWN.value
    assert "check the chat" in outbound.error
    thread = conversation(app)
    assert thread.status == ConversationStatus.WAITING.value and "delivery_unknown" in thread.flags


def test_unhandled_update_type_is_acknowledged_and_not_stored(make_app):
    app = make_app()
    update = load_fixture("telegram", "callback_query__button")
    response = app.test_client().post(
        "/webhooks/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "tg-test-secret"}
    )
    assert response.status_code == 200
    assert "callback_query" in response.json["ignored"]
    assert count(app, Message) == 0


def test_a_message_that_keeps_crashing_reaches_a_person(make_app, fake_api):
    app = make_app()
    pipeline = services(app).pipeline

    class BrokenEngine:
        def decide(self, turn: Any) -> Any:
            raise RuntimeError("a bug in the replies engine")

    pipeline.engine = BrokenEngine()
    post_telegram(app.test_client(), telegram_update("bisa bayar cod kak?"))
    drain(app)
    [inbound] = messages(app)
    for _ in range(10):  # the sweep brings it back again and again
        pipeline.sweep()
        drain(app)
    [inbound] = messages(app)
    assert inbound.outcome == Outcome.ESCALATED.value
    assert inbound.attempts == 6  # five tries, then the hand-over
    thread = conversation(app)
    assert thread.status == ConversationStatus.WAITING.value and "processing_failed" in thread.flags
    assert fake_api.calls == []


def test_healthz_says_when_a_message_waits_too_long_for_the_bot(make_app):
    app = make_app(stuck_after_seconds=0.0)
    with queue_loses_jobs(app):  # a queue that lost the job: nothing will answer it
        post_telegram(app.test_client(), telegram_update("bisa bayar cod kak?"))
    import time as clock

    clock.sleep(0.05)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "stuck" and "waited" in response.json["problems"][0]
    assert response.json["work"]["unprocessed_inbound"] == 1
    services(app).pipeline.sweep()
    drain(app)
    assert app.test_client().get("/healthz").status_code == 200


def test_metrics_count_what_happened(make_app, fake_api):
    app = make_app(metrics_token="scrape-me")
    client = app.test_client()
    post_telegram(client, telegram_update("bisa bayar cod kak?", chat_id=601))
    post_telegram(client, telegram_update("barang saya rusak, kecewa", chat_id=602))
    drain(app)
    assert client.get("/metrics").status_code == 403
    text = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).get_data(as_text=True)
    assert 'inbox_messages_received_total{platform="telegram"} 2' in text
    assert 'inbox_messages_decided_total{outcome="auto_replied"} 1' in text
    assert 'inbox_messages_decided_total{outcome="escalated"} 1' in text
    # The answer, and the complaint's calm acknowledgement: both the bot's, both first responses.
    assert 'inbox_replies_sent_total{platform="telegram",sender="bot"} 2' in text
    assert "inbox_waiting_conversations 1" in text and "inbox_first_response_seconds_count 2" in text


def test_a_handover_tells_the_usual_wait_from_the_last_days_answers(make_app, fake_api):
    """Three people answered in about 4 minutes lately: the next customer handed over is told so."""
    from datetime import timedelta

    from inbox.models import Agent

    app = make_app()
    now = services(app).pipeline.now()  # the tests' clock: a Monday in business hours
    with services(app).db.session() as session:
        agent = Agent(email="sari@toko.id", name="Sari", password_hash="x")
        contact = Contact(platform="telegram", external_id="9", display_name="Lama")
        session.add_all([agent, contact])
        session.flush()
        thread = Conversation(contact_id=contact.id, platform="telegram", chat_id="9", status="resolved", flags=[])
        session.add(thread)
        session.flush()
        for i, minutes in enumerate((3, 4, 5)):
            asked = Message(conversation_id=thread.id, platform="telegram", direction="in", sender_type="customer",
                            external_id=f"old-{i}", text="halo", created_at=now - timedelta(hours=2))
            session.add(asked)
            session.flush()
            session.add(Message(conversation_id=thread.id, platform="telegram", direction="out", sender_type="agent",
                                agent_id=agent.id, text="halo kak", reply_to_id=asked.id, delivery_status="sent",
                                idempotency_key=f"agent:{i}", created_at=now,
                                sent_at=now - timedelta(hours=2) + timedelta(minutes=minutes)))
    post_telegram(app.test_client(), telegram_update("mau ngobrol sama orangnya langsung", chat_id=4040))
    drain(app)
    [note] = fake_api.calls
    assert "biasanya dibalas dalam 4 menit" in note.text


def test_abuse_and_spam_get_no_handover_note(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    post_telegram(client, telegram_update("dasar admin goblok anjing", chat_id=5050))
    post_telegram(client, telegram_update("pinjol cepat cair wa sekarang", chat_id=5051))
    drain(app)
    assert fake_api.calls == []
