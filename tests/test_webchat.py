"""The website chat through its own routes: visitors, tokens, origins, limits, and the bot's answer."""
from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from inbox.models import Contact, Conversation, Message

SHOP_SITE = "https://toko-sari.example"


def services(app: Flask) -> Any:
    return app.extensions["inbox"]


def drain(app: Flask) -> None:
    assert services(app).queue.drain(timeout=15), "jobs did not finish"


@pytest.fixture
def app(make_app) -> Flask:
    return make_app(platform_env={"WEBCHAT_ALLOWED_ORIGINS": f"{SHOP_SITE}, https://other-branch.example"})


def new_token(client: Any, origin: str = SHOP_SITE) -> str:
    answer = client.post("/webhooks/webchat/session", data="{}", content_type="text/plain", headers={"Origin": origin})
    assert answer.status_code == 200
    return answer.json["token"]


def say(client: Any, token: str, text: str, client_id: str = "", origin: str = SHOP_SITE, **extra: Any) -> Any:
    body = {"token": token, "text": text, "client_id": client_id or f"c{abs(hash(text)) % 10**10:010d}", **extra}
    return client.post("/webhooks/webchat/messages", data=json.dumps(body), content_type="text/plain",
                       headers={"Origin": origin})


def thread(client: Any, token: str, after: int = 0, origin: str = SHOP_SITE) -> Any:
    return client.get(f"/webhooks/webchat/messages?token={token}&after={after}", headers={"Origin": origin})


def test_a_visitors_question_gets_the_bots_answer_in_their_thread(app):
    client = app.test_client()
    token = new_token(client)
    answer = say(client, token, "brp ongkir ke medan kak?", name="Rina", phone="0812-3456-7001")
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == SHOP_SITE
    drain(app)

    messages = thread(client, token).json["messages"]
    assert [m["from"] for m in messages] == ["visitor", "bot"]
    assert messages[0]["text"] == "brp ongkir ke medan kak?" and "Medan" in messages[1]["text"]
    with services(app).db.session() as session:
        contact = session.execute(select(Contact)).scalar_one()
        assert (contact.display_name, contact.phone) == ("Rina", "+6281234567001")
        [reply] = session.execute(select(Message).where(Message.direction == "out")).scalars().all()
        assert reply.delivery_status == "sent"
    # Only what came after a message the widget already has
    assert thread(client, token, after=messages[0]["id"]).json["messages"] == messages[1:]


def test_the_same_message_resent_is_stored_once(app):
    client = app.test_client()
    token = new_token(client)
    assert say(client, token, "ready kak?", client_id="abcdefgh12").status_code == 200
    assert say(client, token, "ready kak?", client_id="abcdefgh12").status_code == 200
    drain(app)
    with services(app).db.session() as session:
        assert len(session.execute(select(Message).where(Message.direction == "in")).scalars().all()) == 1


def test_a_visitor_cannot_read_or_write_another_visitors_thread(app):
    client = app.test_client()
    first, second = new_token(client), new_token(client)
    say(client, first, "nomor saya 0812 ya, alamat jl. mawar 3")
    drain(app)
    assert thread(client, second).json["messages"] == []
    forged = first.rsplit(".", 1)[0] + "." + "A" * 43
    assert thread(client, forged).status_code == 403
    assert say(client, forged, "halo").status_code == 403
    visitor = first.split(".")[1]
    assert thread(client, f"v1.{visitor}").status_code == 403
    with services(app).db.session() as session:
        assert len(session.execute(select(Conversation)).scalars().all()) == 1


def test_a_site_the_shop_did_not_allow_is_refused(app):
    client = app.test_client()
    token = new_token(client)
    for answer in (
        client.post("/webhooks/webchat/session", data="{}", content_type="text/plain",
                    headers={"Origin": "https://evil.example"}),
        say(client, token, "halo", origin="https://evil.example"),
        thread(client, token, origin="https://evil.example"),
    ):
        assert answer.status_code == 403 and "Access-Control-Allow-Origin" not in answer.headers
    # The app's own pages (the sandbox) may use it
    assert say(client, token, "halo", origin="https://shop.example").status_code == 200


@pytest.mark.parametrize(("body", "status"), [
    ("not json", 400), ("[]", 400), ('{"token": "x"}', 403),
])
def test_bad_bodies_get_a_clear_answer(app, body, status):
    answer = app.test_client().post("/webhooks/webchat/messages", data=body, content_type="text/plain",
                                    headers={"Origin": SHOP_SITE})
    assert answer.status_code == status and answer.json


def test_limits_on_length_ids_phone_and_rate(app):
    client = app.test_client()
    token = new_token(client)
    assert say(client, token, "x" * 2001).status_code == 413
    assert say(client, token, "halo", client_id="../../x").status_code == 400
    assert say(client, token, "halo", phone="<script>").status_code == 400
    token = new_token(client)  # a fresh visitor: what was refused above counted against the first
    statuses = [say(client, token, f"pesan {i}", client_id=f"rate-test-{i:04d}").status_code for i in range(14)]
    assert statuses.count(200) == 12 and statuses[-1] == 429


def test_the_widget_is_served_as_script_and_renders_text_as_text(app):
    answer = app.test_client().get("/webhooks/webchat/widget.js")
    assert answer.status_code == 200 and answer.mimetype == "application/javascript"
    script = answer.get_data(as_text=True)
    assert "textContent" in script and "innerHTML = message" not in script and "document.cookie" not in script


def test_an_agents_reply_reaches_the_visitor_with_their_name(app):
    from inbox.accounts import create_agent
    from inbox.agent_desk import reply

    client = app.test_client()
    token = new_token(client)
    say(client, token, "mau ngobrol sama admin langsung")
    drain(app)
    with services(app).db.session() as session:
        agent = create_agent(session, "sari@toko.id", "rahasia-123", name="Sari")
        conversation = session.execute(select(Conversation)).scalar_one()
        pipeline = services(app).pipeline
        reply(session, conversation.id, agent, "Halo kak, dengan Sari di sini.", "k1", pipeline.now(),
              capabilities_for=pipeline.capabilities)
    for outbound_id in [m.id for m in _outbound(app) if m.sender_type == "agent"]:
        services(app).pipeline.send_outbound(outbound_id)
    messages = thread(client, token).json["messages"]
    assert messages[-1] == {**messages[-1], "from": "agent", "agent": "Sari", "text": "Halo kak, dengan Sari di sini."}


def _outbound(app: Flask) -> list[Message]:
    with services(app).db.session() as session:
        return list(session.execute(select(Message).where(Message.direction == "out")).scalars())


def test_a_visitors_photo_is_kept_by_the_inbox_and_opens_for_agents(app):
    import base64

    from inbox.accounts import create_agent
    from inbox.sandbox.platform_api import DEFAULT_MEDIA
    from tests.web.test_agents_pages import log_in

    client = app.test_client()
    token = new_token(client)
    photo = {"type": "image/png", "data": base64.b64encode(DEFAULT_MEDIA).decode()}
    assert say(client, token, "", client_id="photo-0001", image=photo).status_code == 200
    drain(app)
    [mine, *_] = thread(client, token).json["messages"]
    assert mine["photos"] == 1 and mine["text"] == ""
    with services(app).db.session() as session:
        message = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert message.media == [{"url": message.media[0]["url"], "content_type": "image/png"}]
        assert message.media[0]["url"].startswith("inbox-file:")
        create_agent(session, "sari@toko.id", "rahasia-123", name="Sari")
        ids = (message.conversation_id, message.id)
    agent = app.test_client()
    log_in(agent, "sari@toko.id", "rahasia-123")
    served = agent.get(f"/conversations/{ids[0]}/messages/{ids[1]}/media/0")
    assert served.status_code == 200 and served.data == DEFAULT_MEDIA and served.mimetype == "image/png"
    assert "nosniff" in served.headers["X-Content-Type-Options"]


@pytest.mark.parametrize(("image", "status"), [
    ({"type": "image/gif", "data": "R0lGODlhAQABAAAAACw="}, 400),  # a GIF: not taken
    ({"type": "image/png", "data": "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"}, 400),  # an SVG calling itself a PNG
    ({"type": "image/jpeg", "data": "not base64!"}, 400),
    ({"type": "image/jpeg", "data": "A" * 900_000}, 413),
    ("a string", 400),
])
def test_bad_photos_are_refused_with_a_reason(app, image, status):
    client = app.test_client()
    answer = say(client, new_token(client), "", client_id="photo-0002", image=image)
    assert answer.status_code == status and answer.json["error"]
    with services(app).db.session() as session:
        assert session.execute(select(Message)).scalars().all() == []


def test_the_chat_says_when_the_shop_is_closed(app):
    from datetime import datetime, timezone

    client = app.test_client()
    open_now = client.get("/webhooks/webchat/status", headers={"Origin": SHOP_SITE}).json
    assert open_now["open"] is True and open_now["next_open"] is None  # make_app's clock: Monday 10:00 WIB
    services(app).pipeline.now = lambda: datetime(2026, 11, 29, 16, 0, tzinfo=timezone.utc)  # 23:00 WIB
    closed = client.get("/webhooks/webchat/status?lang=id", headers={"Origin": SHOP_SITE}).json
    assert closed["open"] is False and closed["next_open"]
    assert client.get("/webhooks/webchat/status", headers={"Origin": "https://evil.example"}).status_code == 403
