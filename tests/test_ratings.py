"""After an agent resolves a conversation the customer is asked for a 1-5 rating, once; the answer
is recorded (not answered as a question) and a low one reopens the conversation for an agent."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from inbox.accounts import create_agent
from inbox.models import Conversation, Message, Rating
from replies.ratings import read_rating
from tests.conftest import post_telegram, post_twilio, telegram_update, twilio_message
from tests.web.test_agents_pages import CSRF_FIELD, form_value, log_in


def services(app: Flask) -> Any:
    return app.extensions["inbox"]


def drain(app: Flask) -> None:
    assert services(app).queue.drain(timeout=15), "jobs did not finish"


def resolved_by_an_agent(app: Flask) -> tuple[Any, int]:
    """A WhatsApp customer asks for a person; Sari takes it, answers and resolves it from her page."""
    client = app.test_client()
    post_twilio(client, twilio_message("mau ngobrol sama admin langsung"))
    drain(app)
    with services(app).db.session() as session:
        create_agent(session, "sari@toko.id", "rahasia-123", name="Sari")
        conversation_id = session.execute(select(Conversation.id)).scalar_one()
    agent = app.test_client()
    log_in(agent, "sari@toko.id", "rahasia-123")
    page = agent.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    csrf = form_value(CSRF_FIELD, page)
    agent.post(f"/conversations/{conversation_id}/take", data={"csrf_token": csrf})
    agent.post(f"/conversations/{conversation_id}/resolve", data={"csrf_token": csrf})
    drain(app)
    return client, conversation_id


def test_a_resolved_conversation_asks_for_a_rating_once_and_records_the_answer(make_app, fake_api):
    app = make_app()
    client, conversation_id = resolved_by_an_agent(app)
    request = fake_api.calls[-1]
    assert "1 sampai 5" in request.text
    calls = len(fake_api.calls)

    post_twilio(client, twilio_message("5 mantap kak"))
    drain(app)
    assert len(fake_api.calls) == calls  # recorded, not answered as a question
    with services(app).db.session() as session:
        rating = session.execute(select(Rating)).scalar_one()
        assert (rating.score, rating.comment, rating.conversation_id) == (5, "5 mantap kak", conversation_id)
        assert session.get(Conversation, conversation_id).status == "resolved"
        answer = session.execute(select(Message).where(Message.text == "5 mantap kak")).scalar_one()
        assert (answer.outcome, answer.intent) == ("ignored", "rating")

    # The customer's next real question is answered as usual
    post_twilio(client, twilio_message("brp ongkir ke medan kak?"))
    drain(app)
    assert "Medan" in fake_api.calls[-1].text


def test_a_low_rating_reopens_the_conversation_for_an_agent(make_app, fake_api):
    app = make_app()
    client, conversation_id = resolved_by_an_agent(app)
    post_twilio(client, twilio_message("2, lama banget balasnya"))
    drain(app)
    with services(app).db.session() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation.status == "waiting" and "low_rating" in conversation.flags and conversation.priority == 1
        assert session.execute(select(Rating.score)).scalar_one() == 2


def test_a_question_after_the_request_is_answered_not_rated(make_app, fake_api):
    app = make_app()
    client, _ = resolved_by_an_agent(app)
    post_twilio(client, twilio_message("ok kak, ongkir ke medan brp?"))
    drain(app)
    assert "Medan" in fake_api.calls[-1].text
    with services(app).db.session() as session:
        assert session.execute(select(Rating)).scalars().all() == []


def test_channels_that_do_not_ask(make_app, fake_api):
    app = make_app()
    post_telegram(app.test_client(), telegram_update("mau ngobrol sama admin langsung"))
    drain(app)
    with services(app).db.session() as session:
        conversation = session.execute(select(Conversation)).scalar_one()
        conversation.status = "resolved"
        conversation_id = conversation.id
    calls = len(fake_api.calls)
    services(app).pipeline.request_rating(conversation_id)
    assert len(fake_api.calls) == calls  # Telegram is not in INBOX_RATING_CHANNELS by default


@pytest.mark.parametrize(("text", "score"), [
    ("5", 5), ("4/5", 4), ("⭐⭐⭐", 3), ("mantap", 5), ("kurang bagus", 2), ("👎", 1), ("nilai 4 ya", 4),
    ("1, lama banget", 1), ("5.", 5), ("2,5", None), ("Rp1.000", None),
    ("pesanan saya 5 hari belum sampai", None), ("brp ongkir?", None), ("2 atau 3", None), ("", None),
])
def test_reading_a_rating(text, score):
    answer = read_rating(text)
    assert (answer[0] if answer else None) == score
