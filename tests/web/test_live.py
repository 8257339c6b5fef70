"""Live updates: the state a page watches changes with what it shows; the stream says so."""
from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.web.test_agents_pages import Desk, inbound


def test_the_state_changes_when_a_message_arrives_or_a_conversation_is_taken(desk: Desk, logged_in: FlaskClient) -> None:
    conversation_id = desk.add_conversation("Rina")
    before = logged_in.get(f"/live/state?conversation={conversation_id}").json
    with desk.session() as db:
        from inbox.models import Conversation

        conversation = db.get_one(Conversation, conversation_id)
        db.add(inbound(conversation, "r2", "halo? masih ada orang?", conversation.last_message_at))
    after_message = logged_in.get(f"/live/state?conversation={conversation_id}").json
    assert after_message["messages"] > before["messages"]
    assert after_message["conversation"]["last"] > before["conversation"]["last"]

    with desk.session() as db:
        conversation = db.get_one(Conversation, conversation_id)
        conversation.status, conversation.assigned_agent_id = "assigned", desk.agents["sari@toko.id"]
    taken = logged_in.get(f"/live/state?conversation={conversation_id}").json
    assert taken["conversation"]["status"] == "assigned" and taken["waiting"] == before["waiting"] - 1


def test_the_stream_sends_the_state_as_an_event(desk: Desk, logged_in: FlaskClient, monkeypatch: Any) -> None:
    from inbox.web import live

    monkeypatch.setattr(live, "STREAM_SECONDS", 0.05)
    monkeypatch.setattr(live, "FALLBACK_SECONDS", 0.01)
    monkeypatch.setattr(live, "COALESCE_SECONDS", 0.0)
    desk.add_conversation("Rina")
    response = logged_in.get("/live/events")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/event-stream" and response.headers["Cache-Control"] == "no-store"
    assert body.startswith("retry: 3000") and "event: change\ndata: {" in body and '"waiting": 1' in body


def test_too_many_streams_get_503_and_the_page_polls(desk: Desk, logged_in: FlaskClient, monkeypatch: Any) -> None:
    from inbox.web import live

    monkeypatch.setattr(live, "_streams_open", 10**6)
    answer = logged_in.get("/live/events")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"


def test_live_needs_a_login_and_ignores_a_bad_id(desk: Desk, logged_in: FlaskClient) -> None:
    assert "conversation" not in logged_in.get("/live/state?conversation=99999999999999").json
    assert logged_in.get("/live/state?conversation=42").json["conversation"] is None
    stranger = desk.app.test_client()
    assert stranger.get("/live/state").status_code == 302 and stranger.get("/live/events").status_code == 302
