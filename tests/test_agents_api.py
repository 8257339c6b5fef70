"""The agents' JSON API: token auth, the queue, one reply per client key, resolve."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from inbox.accounts import create_agent, issue_api_token
from inbox.models import Message
from tests.conftest import post_telegram, telegram_update


def agent_token(app: Flask, email: str = "sari@toko.example") -> str:
    with app.extensions["inbox"].db.session() as session:
        agent = create_agent(session, email, "correct horse battery", name=email.split("@")[0])
        return issue_api_token(agent)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def desk(make_app):
    app = make_app()
    client = app.test_client()
    post_telegram(client, telegram_update("mau bicara sama admin", chat_id=777, first_name="Rina"))
    assert app.extensions["inbox"].queue.drain(10)
    return app, client, agent_token(app)


@pytest.mark.parametrize(
    "headers, status",
    [({}, 401), ({"Authorization": "Bearer inbx_wrong"}, 403), ({"Authorization": "Basic abc"}, 401)],
)
def test_api_needs_a_valid_token(desk, headers, status):
    _, client, _ = desk
    response = client.get("/api/conversations", headers=headers)
    assert response.status_code == status
    assert response.json["error"]


def test_lists_waiting_conversations_with_history(desk):
    _, client, token = desk
    [item] = client.get("/api/conversations?status=waiting", headers=auth(token)).json["conversations"]
    assert item["status"] == "waiting" and item["contact"]["name"].startswith("Rina")
    detail = client.get(f"/api/conversations/{item['id']}", headers=auth(token)).json
    # The request for a person, and the bot's one note that a person will answer.
    assert [(m["direction"], m["text"][:25]) for m in detail["messages"]] == [
        ("in", "mau bicara sama admin"), ("out", "Baik kak, pesan ini kami ")
    ]
    assert detail["messages"][0]["intent"] == "human"


def test_unknown_status_filter_is_400(desk):
    _, client, token = desk
    response = client.get("/api/conversations?status=open;drop", headers=auth(token))
    assert response.status_code == 400


def test_reply_is_sent_once_per_client_key_and_takes_the_conversation(desk, fake_api):
    app, client, token = desk
    [item] = client.get("/api/conversations", headers=auth(token)).json["conversations"]
    body = {"text": "Halo kak Rina, saya Sari dari tim CS. Ada yang bisa dibantu?", "client_key": "k-1"}

    first = client.post(f"/api/conversations/{item['id']}/replies", json=body, headers=auth(token))
    again = client.post(f"/api/conversations/{item['id']}/replies", json=body, headers=auth(token))
    assert app.extensions["inbox"].queue.drain(10)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"]
    note, call = fake_api.calls  # the bot's handover note, then the agent's one reply
    assert note.text.startswith("Baik kak") and call.recipient == "777" and call.text == body["text"]
    detail = client.get(f"/api/conversations/{item['id']}", headers=auth(token)).json
    assert detail["status"] == "assigned" and detail["assigned_agent"] == "sari@toko.example"
    assert detail["messages"][-1]["delivery_status"] == "sent"


@pytest.mark.parametrize(
    "body, reason",
    [({"text": "  "}, "client_key"), ({"text": "", "client_key": "k"}, "empty"), ({"client_key": "k"}, "JSON"), ({"text": "x" * 5000, "client_key": "k"}, "longer")],
)
def test_bad_replies_are_400_and_store_nothing(desk, body, reason):
    app, client, token = desk
    response = client.post("/api/conversations/1/replies", json=body, headers=auth(token))
    assert response.status_code == 400 and reason in response.json["error"]
    with app.extensions["inbox"].db.session() as session:
        agent_replies = select(func.count()).select_from(Message).where(Message.sender_type == "agent")
        assert session.execute(agent_replies).scalar_one() == 0


def test_another_agents_conversation_is_409(desk):
    app, client, token = desk
    other = agent_token(app, "budi@toko.example")
    assert client.post("/api/conversations/1/take", headers=auth(token)).status_code == 200
    response = client.post("/api/conversations/1/replies", json={"text": "halo", "client_key": "x"}, headers=auth(other))
    assert response.status_code == 409
    refused = client.post("/api/conversations/1/resolve", headers=auth(other))
    assert refused.status_code == 409 and "only they or an admin" in refused.json["error"]


def test_resolve_and_missing_conversation(desk):
    _, client, token = desk
    assert client.post("/api/conversations/1/resolve", headers=auth(token)).json["status"] == "resolved"
    assert client.get("/api/conversations", headers=auth(token)).json["conversations"] == []
    assert client.post("/api/conversations/999/resolve", headers=auth(token)).status_code == 404
