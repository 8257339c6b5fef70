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

from inbox.accounts import create_agent
from inbox.models import Contact, Conversation, ConversationEvent, Message, Rating
from inbox.reports import Figures, build_report
from tests.web.test_agents_pages import log_in

NOW = datetime(2026, 11, 27, 5, 0, tzinfo=timezone.utc)  # Friday 12:00 WIB


def seed(app: Flask) -> int:
    """Three customers this morning: one the bot answers in 3 s; one handed over (the bot's note at
    2 s, Sari's answer at 120 s, rated 5); one never answered."""
    with app.extensions["inbox"].db.session() as db:
        sari = create_agent(db, "sari@toko.id", "rahasia-123", name="Sari", is_admin=True)
        for n, (bot_after, agent_after) in enumerate([(3, None), (2, 120), (None, None)]):
            contact = Contact(platform="whatsapp_twilio", external_id=f"62811{n}", display_name=f"C{n}")
            db.add(contact)
            db.flush()
            conversation = Conversation(contact_id=contact.id, platform="whatsapp_twilio", chat_id=f"c{n}",
                                        thread_key=f"c{n}", status="bot", priority=0, flags=[])
            db.add(conversation)
            db.flush()
            asked = NOW - timedelta(hours=1, minutes=n)
            question = Message(conversation_id=conversation.id, platform="whatsapp_twilio", direction="in",
                               kind="message", sender_type="customer", text="halo", media=[], created_at=asked,
                               external_id=f"in{n}", contact_id=contact.id)
            db.add(question)
            db.flush()
            if bot_after is not None:
                db.add(Message(conversation_id=conversation.id, platform="whatsapp_twilio", direction="out",
                               kind="message", sender_type="bot", text="...", media=[], created_at=asked,
                               sent_at=asked + timedelta(seconds=bot_after), reply_to_id=question.id,
                               idempotency_key=f"b{n}", delivery_status="sent"))
            if agent_after is not None:
                answer = Message(conversation_id=conversation.id, platform="whatsapp_twilio", direction="out",
                                 kind="message", sender_type="agent", agent_id=sari.id, text="...", media=[],
                                 created_at=asked, sent_at=asked + timedelta(seconds=agent_after),
                                 reply_to_id=question.id, idempotency_key=f"a{n}", delivery_status="sent")
                db.add(answer)
                db.flush()
                db.add(Rating(conversation_id=conversation.id, message_id=answer.id, agent_id=sari.id, score=5,
                              comment="mantap", created_at=NOW))
        return sari.id


def test_the_figures(make_app, database_url):
    app = make_app(database_url=database_url)
    sari = seed(app)
    with app.extensions["inbox"].db.session() as db:
        # Sari resolved the handed-over one 10 minutes after the customer wrote (twice: the first counts).
        handed_over = db.execute(select(Message.conversation_id).where(Message.sender_type == "agent")).scalar_one()
        for minutes in (10, 30):
            db.add(ConversationEvent(conversation_id=handed_over, kind="resolved", agent_id=sari, mentions=[],
                                     created_at=NOW - timedelta(hours=1, minutes=1) + timedelta(minutes=minutes)))
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
