"""Orders in (CSV import, POST /api/orders, a signed shop webhook), notifications out: once per
order and status, forward only, free text inside WhatsApp's window and an approved template outside
it, never in the shop's quiet hours."""
from __future__ import annotations

import hashlib
import hmac
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask
from sqlalchemy import select

from inbox.accounts import create_agent, issue_api_token
from inbox.models import OrderNotification
from inbox.shop_data import import_orders, moved_on
from replies.voice import DEFAULT_PACK
from tests.conftest import post_twilio, twilio_message

PHONE = "+6281234567890"  # the customer of tests.conftest.twilio_message
HEADER = "number,status,courier,tracking_number,customer_phone,total\n"


def services(app: Flask) -> Any:
    return app.extensions["inbox"]


def drain(app: Flask) -> None:
    assert services(app).queue.drain(timeout=15), "jobs did not finish"


def import_status(app: Flask, status: str, courier: str = "", resi: str = "") -> tuple[int, ...]:
    """What `flask shop import-orders` does: import, then queue the notifications."""
    csv = HEADER + f"INV-0100,{status},{courier},{resi},0812-3456-7890,185000\n"
    with services(app).db.session() as session:
        result = import_orders(session, io.StringIO(csv))
    for notification_id in result.notifications:
        services(app).queue.submit("notify_order", notification_id)
    drain(app)
    return result.notifications


def whatsapp_calls(fake_api: Any) -> list[Any]:
    return [call for call in fake_api.calls if call.platform == "twilio" and call.endpoint == "Messages.json"]


def pack_with_templates(tmp_path: Path) -> str:
    text = Path(DEFAULT_PACK).read_text(encoding="utf-8")
    text = text.replace("  # templates:\n  #   whatsapp_twilio:\n  #     shipped:", "  templates:\n    whatsapp_twilio:\n      shipped:")
    text = text.replace("  #   whatsapp_cloud:\n  #     shipped:", "    whatsapp_cloud:\n      shipped:")
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def in_hours(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """Apps whose clock is Monday 10:00 WIB (make_app's), outside the pack's quiet hours."""
    return make_app


def test_an_orders_life_sends_three_notifications_and_a_reimport_none(in_hours, fake_api):
    app = in_hours()
    post_twilio(app.test_client(), twilio_message("halo kak, mau order"))  # the window is open
    drain(app)
    fake_api.reset()

    assert import_status(app, "pending_payment") == ()  # an order first seen notifies nothing
    import_status(app, "paid")
    import_status(app, "shipped", "JNE", "JNE1234567890")
    import_status(app, "delivered", "JNE", "JNE1234567890")
    assert import_status(app, "delivered", "JNE", "JNE1234567890") == ()  # the same file again

    paid, shipped, delivered = whatsapp_calls(fake_api)
    assert {call.recipient for call in (paid, shipped, delivered)} == {f"whatsapp:{PHONE}"}
    assert "INV-0100" in paid.text and "pembayaran" in paid.text
    assert "JNE" in shipped.text and "JNE1234567890" in shipped.text
    assert "diterima" in delivered.text
    with services(app).db.session() as session:
        notices = session.execute(select(OrderNotification).order_by(OrderNotification.id)).scalars().all()
        assert [n.status for n in notices] == ["paid", "shipped", "delivered"] and all(n.outbound_id for n in notices)


def test_going_backwards_notifies_nothing(in_hours, fake_api):
    app = in_hours()
    post_twilio(app.test_client(), twilio_message("halo"))
    drain(app)
    fake_api.reset()
    import_status(app, "pending_payment")
    import_status(app, "shipped", "JNE", "R1")
    assert import_status(app, "paid") == ()  # a correction backwards
    assert import_status(app, "shipped", "JNE", "R1") == ()  # and forward again: told already
    assert len(whatsapp_calls(fake_api)) == 1


@pytest.mark.parametrize(("old", "new", "told"), [
    ("pending_payment", "paid", True), ("paid", "pending_payment", False), ("shipped", "cancelled", True),
    ("delivered", "cancelled", False), ("cancelled", "paid", False), ("paid", "paid", False),
])
def test_which_changes_are_worth_telling(old, new, told):
    assert moved_on(old, new) is told


def test_outside_the_window_only_an_approved_template_goes_out(make_app, fake_api, tmp_path):
    app = make_app(brand_pack=pack_with_templates(tmp_path))
    import_status(app, "pending_payment")  # the customer never wrote: no open window
    import_status(app, "paid")  # no template mapped for "paid": not sent, agents see why
    import_status(app, "shipped", "SiCepat", "SC998877")

    [call] = whatsapp_calls(fake_api)
    assert "Body" not in call.body
    assert call.body["ContentSid"] == "HXb5b62575e6e4ff6129ad7c8efe1f983e"
    assert json.loads(call.body["ContentVariables"]) == {"1": "INV-0100", "2": "SiCepat", "3": "SC998877"}
    with services(app).db.session() as session:
        paid = session.execute(select(OrderNotification).where(OrderNotification.status == "paid")).scalar_one()
        assert paid.outbound_id is None and "24-hour window" in paid.error


def test_whatsapp_cloud_gets_a_cloud_template(make_app, fake_api, tmp_path):
    from tests.conftest import META_ENV

    app = make_app(brand_pack=pack_with_templates(tmp_path),
                   platform_env={**META_ENV, "GRAPH_API_BASE": fake_api.base_url})
    import_status(app, "pending_payment")
    import_status(app, "shipped", "JNE", "JNE55")
    [call] = [c for c in fake_api.calls if c.platform == "graph"]
    assert call.body["type"] == "template" and call.body["to"] == PHONE.lstrip("+")
    assert call.body["template"]["name"] == "order_shipped"
    assert [p["text"] for p in call.body["template"]["components"][0]["parameters"]] == ["INV-0100", "JNE", "JNE55"]


def test_quiet_hours_hold_a_notification_until_morning(make_app, fake_api):
    app = make_app()
    post_twilio(app.test_client(), twilio_message("halo"))
    drain(app)
    fake_api.reset()
    pipeline = services(app).pipeline
    import_status(app, "pending_payment")
    late = datetime(2026, 11, 30, 23, 15, tzinfo=timezone(timedelta(hours=7)))
    pipeline.now = lambda: late
    queued: list[tuple[Any, ...]] = []
    original = services(app).queue.submit
    services(app).queue.submit = lambda job, *args, delay=0.0: queued.append((job, args, delay)) or True
    with services(app).db.session() as session:
        result = import_orders(session, io.StringIO(HEADER + "INV-0100,paid,,,081234567890,185000\n"))
    pipeline.notify_order(result.notifications[0])
    services(app).queue.submit = original
    assert whatsapp_calls(fake_api) == []
    [(job, args, delay)] = queued
    assert job == "notify_order" and delay == pytest.approx(8 * 3600 + 45 * 60)  # 08:00 the next morning


def test_orders_through_the_api_and_a_signed_shop_webhook(make_app, fake_api):
    app = make_app(orders_webhook_secret="shop-system-secret")
    client = app.test_client()
    with services(app).db.session() as session:
        token = issue_api_token(create_agent(session, "sari@toko.id", "rahasia-123", name="Sari"))
    auth = {"Authorization": f"Bearer {token}"}
    first = client.post("/api/orders", headers=auth, json={"orders": [
        {"number": "INV-0200", "status": "pending_payment", "customer_phone": "081234567890", "total": "89.000"}]})
    assert first.status_code == 200 and first.json == {"created": 1, "updated": 0, "notifications": 0}

    body = json.dumps({"number": "INV-0200", "status": "paid", "customer_phone": "081234567890"}).encode()
    signature = "sha256=" + hmac.new(b"shop-system-secret", body, hashlib.sha256).hexdigest()
    signed = client.post("/api/orders", data=body, content_type="application/json",
                         headers={"X-Inbox-Signature": signature})
    assert signed.status_code == 200 and signed.json["notifications"] == 1
    again = client.post("/api/orders", data=body, content_type="application/json",
                        headers={"X-Inbox-Signature": signature})
    assert again.json["notifications"] == 0  # idempotent

    assert client.post("/api/orders", data=body, content_type="application/json",
                       headers={"X-Inbox-Signature": "sha256=00"}).status_code == 403
    assert client.post("/api/orders", json={"number": "x", "status": "paid"}).status_code == 403
    for bad in ({"orders": []}, {"number": "INV-1"}, {"number": "INV-1", "status": "teleported"},
                {"number": "INV-1", "status": "paid", "colour": "red"}, ["not an object"]):
        answer = client.post("/api/orders", headers=auth, json=bad)
        assert answer.status_code == 400 and answer.json["error"], bad


def test_an_unsent_notification_shows_on_the_order_for_agents(make_app, fake_api):
    from tests.web.test_agents_pages import log_in

    app = make_app()
    import_status(app, "pending_payment")
    import_status(app, "paid")  # the customer never wrote and the default pack maps no template
    with services(app).db.session() as session:
        create_agent(session, "sari@toko.id", "rahasia-123", name="Sari")
        from inbox.models import Conversation

        conversation_id = session.execute(select(Conversation.id)).scalar_one()
    client = app.test_client()
    log_in(client, "sari@toko.id", "rahasia-123")
    page = client.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert "tidak terkirim" in page and "24-hour window" in page


def test_a_notification_the_queue_lost_is_sent_by_the_sweep(make_app, fake_api):
    from tests.conftest import queue_loses_jobs

    app = make_app()
    post_twilio(app.test_client(), twilio_message("halo"))
    drain(app)
    fake_api.reset()
    import_status(app, "pending_payment")
    with queue_loses_jobs(app):
        import_status(app, "paid")
    assert whatsapp_calls(fake_api) == []
    assert services(app).pipeline.sweep(grace_seconds=0)["notifications"] == 1
    drain(app)
    assert len(whatsapp_calls(fake_api)) == 1
    assert services(app).pipeline.sweep(grace_seconds=0)["notifications"] == 0


def test_csv_import_command_queues_the_notifications(make_app, fake_api, tmp_path):
    app = make_app()
    post_twilio(app.test_client(), twilio_message("halo"))
    drain(app)
    fake_api.reset()
    runner = app.test_cli_runner()
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(HEADER + "INV-0300,pending_payment,,,081234567890,50000\n", encoding="utf-8")
    second.write_text(HEADER + "INV-0300,shipped,J&T,JT0001,081234567890,50000\n", encoding="utf-8")
    assert runner.invoke(args=["shop", "import-orders", str(first)]).exit_code == 0
    out = runner.invoke(args=["shop", "import-orders", str(second)])
    assert out.exit_code == 0 and "queued: 1 order notification(s), 0 restock notice(s)" in out.output
    [call] = whatsapp_calls(fake_api)
    assert "JT0001" in call.text


def test_after_the_window_an_agent_sends_an_approved_template_filled_from_the_order(make_app, fake_api, tmp_path):
    from datetime import timedelta as days_and_hours

    from inbox.models import Conversation
    from tests.web.test_agents_pages import CSRF_FIELD, form_value, log_in

    app = make_app(brand_pack=pack_with_templates(tmp_path))
    post_twilio(app.test_client(), twilio_message("pesanan INV-0100 saya kapan dikirim?"))
    drain(app)
    csv = HEADER + "INV-0100,shipped,JNE,JNE777,081234567890,185000\n"
    with services(app).db.session() as session:
        import_orders(session, io.StringIO(csv))
        conversation = session.execute(select(Conversation)).scalar_one()
        # the customer went quiet a day ago (the page reads the real clock)
        conversation.last_inbound_at = datetime.now(timezone.utc) - days_and_hours(hours=25)
        create_agent(session, "sari@toko.id", "rahasia-123", name="Sari")
        conversation_id = conversation.id
    fake_api.reset()
    agent = app.test_client()
    log_in(agent, "sari@toko.id", "rahasia-123")
    page = agent.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert 'name="template"' in page and "JNE777" in page
    answer = agent.post(f"/conversations/{conversation_id}/reply", data={
        "csrf_token": form_value(CSRF_FIELD, page), "client_key": "tpl-1", "text": "", "template": "shipped"})
    assert answer.status_code == 302
    drain(app)
    [call] = whatsapp_calls(fake_api)
    assert "Body" not in call.body and call.body["ContentSid"] == "HXb5b62575e6e4ff6129ad7c8efe1f983e"
    assert json.loads(call.body["ContentVariables"]) == {"1": "INV-0100", "2": "JNE", "3": "JNE777"}
    refused = agent.post(f"/conversations/{conversation_id}/reply", data={
        "csrf_token": form_value(CSRF_FIELD, page), "client_key": "tpl-2", "text": "", "template": "paid"})
    assert refused.status_code == 302 and len(whatsapp_calls(fake_api)) == 1  # not offered: nothing sent
