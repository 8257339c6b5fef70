"""The queue's response figures count what customers lived: notices are no answers, the
unanswered are counted, people's answers are measured on their own."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from inbox import agent_desk
from inbox.accounts import issue_api_token
from inbox.models import Agent, utcnow
from tests.web import test_agents_pages as pages
from tests.web.test_agents_pages import Desk
from tests.web.test_queue_workspace import add_message

desk, desk_client, logged_in = pages.desk, pages.desk_client, pages.logged_in


def answered_after(desk: Desk, conversation_id: int, question_id: int, asked: datetime, seconds: float, **extra: object) -> None:
    """An outbound reply the customer got `seconds` after asking (add_message sends 1 s after writing)."""
    add_message(desk, conversation_id, "jawaban", asked + timedelta(seconds=seconds - 1), reply_to=question_id, **extra)  # type: ignore[arg-type]


@pytest.fixture
def day(desk: Desk, logged_in: FlaskClient) -> dict[str, int]:
    now = utcnow()
    sari, rudi = desk.agents["sari@toko.id"], desk.add_agent("rudi@toko.id", "Rudi")

    def conversation(name: str, **kwargs: object) -> int:
        return desk.add_conversation(name, texts=(), **kwargs)  # type: ignore[arg-type]

    # The bot answered in 5 s.
    bot = conversation("Bot Answered", status="bot")
    asked = now - timedelta(minutes=50)
    question = add_message(desk, bot, "ongkir?", asked, outcome="auto_replied")
    answered_after(desk, bot, question, asked, 5, sender="bot")
    # A complaint: the bot's handover note 2 s later is no answer; Sari answers after 3 minutes.
    slow = conversation("Slow Sari", platform="telegram", status="assigned", assigned_to=sari)
    asked = now - timedelta(minutes=40)
    question = add_message(desk, slow, "barang rusak", asked, outcome="escalated")
    answered_after(desk, slow, question, asked, 2, sender="bot")
    answered_after(desk, slow, question, asked, 180, sender="agent", agent_id=sari)
    # Out of hours: only the bot's notice, two hours ago. Never answered.
    night = conversation("Night Nia")
    asked = now - timedelta(hours=2)
    question = add_message(desk, night, "mau refund", asked, outcome="escalated")
    answered_after(desk, night, question, asked, 1, sender="bot")
    # Spam needs no answer.
    spam = conversation("Spam Sam", status="bot")
    add_message(desk, spam, "promo slot gacor", now - timedelta(minutes=30), outcome="ignored")
    # Asked 20 s ago: not late yet, so neither answered nor unanswered.
    fresh = conversation("Fresh Fia")
    add_message(desk, fresh, "ready kak?", now - timedelta(seconds=20))
    # Rudi's customer wrote 5 minutes ago, no reply (and Rudi's failed send is no answer).
    waiting = conversation("Waiting Wati", platform="telegram", status="assigned", assigned_to=rudi)
    asked = now - timedelta(minutes=5)
    question = add_message(desk, waiting, "halo?", asked, outcome="human")
    answered_after(desk, waiting, question, asked, 30, sender="agent", agent_id=rudi, delivery_status="failed")
    # Sari answered within the target.
    quick = conversation("Quick Qori", status="assigned", assigned_to=sari)
    asked = now - timedelta(minutes=20)
    question = add_message(desk, quick, "mau tukar ukuran", asked, outcome="escalated")
    answered_after(desk, quick, question, asked, 30, sender="agent", agent_id=sari)
    # Yesterday's news is not in the last 24 hours.
    old = conversation("Old Olga")
    add_message(desk, old, "halo", now - timedelta(hours=30), outcome="escalated")
    return {"sari": sari, "rudi": rudi}


def report(desk: Desk) -> agent_desk.ResponseReport:
    now = utcnow()
    with desk.session() as db:
        return agent_desk.response_report(db, since=now - timedelta(hours=24), now=now, target_seconds=60)


def test_notices_are_no_answers_and_the_unanswered_are_counted(desk: Desk, day: dict[str, int]) -> None:
    overall = report(desk).overall

    assert (overall.turns, overall.answered, overall.unanswered) == (6, 3, 2)
    assert overall.median_seconds == pytest.approx(30, abs=0.5)
    # within the target: the bot's 5 s and Sari's 30 s, of 3 answered + 2 left waiting
    assert overall.within_target_share == pytest.approx(2 / 5)
    assert (overall.human_turns, overall.human_answered) == (4, 2)
    assert overall.human_median_seconds == pytest.approx(105, abs=0.5)  # 30 s and 180 s
    assert overall.human_within_target_share == pytest.approx(1 / 4)


def test_figures_per_channel_and_per_agent(desk: Desk, day: dict[str, int]) -> None:
    result = report(desk)
    channels = dict(result.by_channel)
    agents = dict(result.by_agent)

    assert (channels["telegram"].turns, channels["telegram"].human_answered, channels["telegram"].unanswered) == (2, 1, 1)
    assert (channels["whatsapp_twilio"].turns, channels["whatsapp_twilio"].answered) == (4, 2)
    assert channels["whatsapp_twilio"].unanswered == 1  # the out-of-hours customer
    assert set(agents) == {"Sari", "Rudi"}
    assert (agents["Sari"].human_answered, agents["Sari"].unanswered) == (2, 0)
    assert agents["Sari"].human_median_seconds == pytest.approx(105, abs=0.5)
    assert (agents["Rudi"].human_answered, agents["Rudi"].unanswered) == (0, 1)
    assert agents["Rudi"].human_within_target_share == 0


def test_the_queue_page_shows_the_figures(day: dict[str, int], logged_in: FlaskClient) -> None:
    html = logged_in.get("/").get_data(as_text=True)

    assert re.search(r'data-stat="median">30 dtk<', html)
    assert re.search(r'data-stat="answered">3<', html)
    assert re.search(r'data-stat="within-minute">40%<', html)
    assert re.search(r'data-stat="human-median">1 mnt<', html)
    assert re.search(r'data-stat="human-within-target">25%<', html)
    assert re.search(r'data-stat="unanswered">2<', html)
    assert "Dijawab ≤ 1 mnt" in html and "Belum dijawab &gt; 1 mnt" in html
    rudi = re.search(r'<tr data-stats-agent="Rudi">.*?</tr>', html, flags=re.S)
    assert rudi and re.search(r"<td data-unanswered>1<", rudi.group(0))
    assert 'data-stats-channel="telegram"' in html
    english = logged_in.get("/?lang=en").get_data(as_text=True)
    assert "Median first agent response" in english and "Unanswered &gt; 1 min" in english


def test_the_api_gives_the_same_figures(desk: Desk, day: dict[str, int]) -> None:
    with desk.session() as db:
        token = issue_api_token(db.execute(select(Agent).where(Agent.email == "sari@toko.id")).scalar_one())
    body = desk.app.test_client().get("/api/stats", headers={"Authorization": f"Bearer {token}"}).json

    assert body["target_seconds"] == 60
    assert (body["overall"]["answered"], body["overall"]["unanswered"], body["overall"]["human_answered"]) == (3, 2, 2)
    assert body["by_agent"]["Rudi"]["unanswered"] == 1
    assert body["by_channel"]["telegram"]["turns"] == 2
    assert desk.app.test_client().get("/api/stats").status_code == 401


def test_a_quiet_day_shows_dashes(logged_in: FlaskClient) -> None:
    html = logged_in.get("/").get_data(as_text=True)
    assert re.search(r'data-stat="median">—<', html) and re.search(r'data-stat="unanswered">0<', html)
