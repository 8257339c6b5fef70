"""The owners' report: first response and first *human* response, the bot's share, never answered,
ratings, per agent, busiest hours; the page, its charts and the CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from inbox import agent_desk, episodes
from inbox.accounts import create_agent
from inbox.domain import EventKind, InboundEvent, Sender
from inbox.models import Conversation, Episode, Message, Rating, utcnow
from inbox.reports import Figures, build_report
from inbox.store import store_inbound
from tests.conftest import post_twilio, twilio_message
from tests.test_ratings import drain, resolved_by_an_agent
from tests.web.test_agents_pages import log_in

NOW = datetime(2026, 11, 27, 5, 0, tzinfo=timezone.utc)  # Friday 12:00 WIB


def answer(db: Any, conversation_id: int, question_id: int, at: datetime, agent_id: int | None = None) -> int:
    """What the pipeline records when one of our answers has gone out."""
    message = Message(conversation_id=conversation_id, platform="whatsapp_twilio", direction="out", kind="message",
                      sender_type="agent" if agent_id else "bot", agent_id=agent_id, text="...", media=[],
                      created_at=at, sent_at=at, reply_to_id=question_id, idempotency_key=f"a{question_id}:{at}",
                      delivery_status="sent")
    db.add(message)
    db.flush()
    episodes.answered(db, conversation_id, at, agent_id)
    return message.id


def seed(app: Flask) -> int:
    """Three customers this morning: one the bot answers in 3 s; one handed over (the bot's note at
    2 s, Sari's answer at 120 s, resolved at 10 minutes, rated 5); one never answered."""
    with app.extensions["inbox"].db.session() as db:
        sari = create_agent(db, "sari@toko.id", "rahasia-123", name="Sari", is_admin=True)
        for n, (bot_after, agent_after) in enumerate([(3, None), (2, 120), (None, None)]):
            asked = NOW - timedelta(hours=1, minutes=n)
            event = InboundEvent(platform="whatsapp_twilio", kind=EventKind.MESSAGE, event_id=f"in{n}",
                                 chat_id=f"whatsapp:+62811{n}", sender=Sender(f"whatsapp:+62811{n}", f"C{n}"),
                                 text="halo", timestamp=asked)
            conversation_id, question_id = store_inbound(db, event, asked)
            if bot_after is not None:
                answer(db, conversation_id, question_id, asked + timedelta(seconds=bot_after))
            if agent_after is not None:
                answered_by_sari = answer(db, conversation_id, question_id, asked + timedelta(seconds=agent_after), sari.id)
                agent_desk.resolve(db, conversation_id, sari, now=asked + timedelta(minutes=10))
                db.add(Rating(conversation_id=conversation_id, message_id=answered_by_sari, agent_id=sari.id, score=5,
                              comment="mantap", created_at=NOW))
                episodes.rated(db, conversation_id, 5, reopened=False)
        return sari.id


def test_the_figures(make_app, database_url):
    app = make_app(database_url=database_url)
    seed(app)
    with app.extensions["inbox"].db.session() as db:
        report = build_report(db, NOW, 7)
    total = report.total
    assert (total.conversations, total.bot_only, total.never_answered) == (3, 1, 1)
    assert sorted(total.first_response) == [2.0, 3.0]  # the bot's note counts as a response...
    assert total.first_human == [120.0]  # ...but not as a human one
    assert total.rating == 5 and report.by_agent["Sari"].conversations == 1
    assert total.resolution == [600.0] and report.by_agent["Sari"].resolution == [600.0]
    assert sum(map(sum, report.busiest)) == 3  # Friday 11:00, 10:59 and 10:58 WIB
    assert (report.busiest[4][11], report.busiest[4][10]) == (1, 2)
    assert Figures.median([1.0, 5.0, 9.0]) == 5.0 and Figures.p90(list(map(float, range(10)))) == 9.0


def test_the_page_charts_and_csv_for_admins_only(make_app, monkeypatch: Any):
    from inbox.web import reports as view

    monkeypatch.setattr(view, "utcnow", lambda: NOW)
    app = make_app()
    seed(app)
    with app.extensions["inbox"].db.session() as db:
        create_agent(db, "rudi@toko.id", "rahasia-456", name="Rudi")
    owner = app.test_client()
    log_in(owner, "sari@toko.id", "rahasia-123")
    page = owner.get("/reports").get_data(as_text=True)
    assert 'data-figure="conversations">3<' in page and 'data-figure="never">1<' in page
    assert page.count("<rect") == 7 + 7 * 24  # a bar per day, a cell per weekday and hour
    rows = list(csv.reader(io.StringIO(owner.get("/reports.csv?days=7").get_data(as_text=True))))
    assert rows[0][:3] == ["date", "channel", "conversations"] and rows[1][1:3] == ["whatsapp_twilio", "3"]
    assert owner.get("/reports?days=999").status_code == 200  # an unknown period: the default
    agent = app.test_client()
    log_in(agent, "rudi@toko.id", "rahasia-456")
    assert agent.get("/reports").status_code == 403 and agent.get("/reports.csv").status_code == 403


@pytest.mark.parametrize("days", [7, 30])
def test_an_empty_shop_reports_nothing_without_failing(make_app, days):
    app = make_app()
    with app.extensions["inbox"].db.session() as db:
        report = build_report(db, NOW, days)
    assert report.total.conversations == 0 and len(report.days) == days and report.total.rating is None


def test_episodes_follow_the_conversation_through_the_pipeline(make_app, fake_api):
    """Handed over, resolved by Sari, rated 5 (the rating is no new need), asked again: two needs."""
    from tests.conftest import post_twilio, twilio_message
    from tests.test_ratings import drain, resolved_by_an_agent

    app = make_app()
    client, conversation_id = resolved_by_an_agent(app)
    post_twilio(client, twilio_message("5 mantap kak"))
    drain(app)
    post_twilio(client, twilio_message("brp ongkir ke medan kak?"))
    drain(app)
    with app.extensions["inbox"].db.session() as db:
        rows = db.execute(select(Episode).order_by(Episode.id)).scalars().all()
        report = build_report(db, utcnow() + timedelta(minutes=1), 7)
    assert [(e.conversation_id, e.rating, e.resolved_at is not None, e.ended_at is not None) for e in rows] == [
        (conversation_id, 5, True, True), (conversation_id, None, False, False)]
    first, second = rows
    assert first.first_response_at is not None and first.first_human_at is None  # the bot's handover note
    assert second.first_response_at is not None and second.started_at > first.resolved_at
    assert (report.total.conversations, report.total.bot_only, report.total.rating) == (2, 2, 5)


def test_a_sent_answer_is_the_episodes_first_response_and_an_agents_its_first_human_one(make_app, fake_api, database_url):
    """Marking a send and answering its episode (one statement on PostgreSQL) on both databases."""
    from tests.web.test_agents_pages import CLIENT_KEY_FIELD, CSRF_FIELD, form_value

    app = make_app(database_url=database_url)
    client = app.test_client()
    post_twilio(client, twilio_message("mau ngobrol sama admin langsung"))
    drain(app)  # the bot's handover note is sent: a response, not a human one
    with app.extensions["inbox"].db.session() as db:
        sari = create_agent(db, "sari@toko.id", "rahasia-123", name="Sari").id
        [bot_answered] = db.execute(select(Episode)).scalars().all()
        conversation_id = bot_answered.conversation_id
        assert bot_answered.first_response_at is not None and bot_answered.response_seconds is not None
        assert (bot_answered.first_human_at, bot_answered.human_seconds, bot_answered.agent_id) == (None, None, None)
    agent = app.test_client()
    log_in(agent, "sari@toko.id", "rahasia-123")
    page = agent.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    form = {"csrf_token": form_value(CSRF_FIELD, page), "client_key": form_value(CLIENT_KEY_FIELD, page),
            "text": "Halo kak, dengan Sari, ada yang bisa dibantu?"}
    assert agent.post(f"/conversations/{conversation_id}/reply", data=form).status_code == 302
    drain(app)
    with app.extensions["inbox"].db.session() as db:
        [answered] = db.execute(select(Episode)).scalars().all()
        sent = db.execute(select(Message).where(Message.sender_type == "agent")).scalar_one()
    assert sent.delivery_status == "sent" and sent.external_id
    assert answered.first_response_at == bot_answered.first_response_at  # the first one stays
    assert answered.first_human_at is not None and answered.human_seconds >= answered.response_seconds
    assert answered.agent_id == sari and answered.ended_at is None


def test_a_low_rating_is_a_new_need(make_app, fake_api):
    app = make_app()
    client, conversation_id = resolved_by_an_agent(app)
    post_twilio(client, twilio_message("1, lama banget"))
    drain(app)
    with app.extensions["inbox"].db.session() as db:
        rows = db.execute(select(Episode).order_by(Episode.id)).scalars().all()
    assert [(e.rating, e.ended_at is None) for e in rows] == [(1, False), (None, True)]  # an agent answers the new one


def test_a_customer_back_after_a_quiet_day_is_a_new_need(make_app, fake_api):
    app = make_app()
    post_twilio(app.test_client(), twilio_message("ready kak?"))
    drain(app)
    with app.extensions["inbox"].db.session() as db:
        conversation = db.execute(select(Conversation)).scalar_one()
        conversation.last_message_at -= episodes.QUIET_GAP
    post_twilio(app.test_client(), twilio_message("kak, ongkir ke medan brp?"))
    drain(app)
    with app.extensions["inbox"].db.session() as db:
        rows = db.execute(select(Episode).order_by(Episode.id)).scalars().all()
    assert [(e.ended_at is None, e.first_response_at is not None) for e in rows] == [(False, True), (True, True)]
