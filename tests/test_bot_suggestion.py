"""When the bot hands over because it is unsure, the agent sees what it would have said."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from inbox.agent_desk import open_suggestion
from inbox.models import Message
from replies import Action, ReplyEngine, Turn
from tests.conftest import post_twilio, twilio_message

MONDAY_NOON = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)


def test_the_engine_suggests_only_where_being_sure_would_answer():
    engine = ReplyEngine.default()
    unsure = Turn("kirimnya pake apa", MONDAY_NOON)
    assert engine.decide(unsure).action is Action.ESCALATE
    assert "JNE" in engine.suggest(unsure)
    for text in ("barang rusak, saya kecewa", "mau ngobrol sama admin", "kirim ke bulan brp?"):
        assert engine.suggest(Turn(text, MONDAY_NOON)) is None, text
    assert engine.threshold > 0  # suggesting changed nothing for the next decision


def test_a_low_confidence_handover_keeps_the_suggestion_until_someone_answers(make_app, fake_api):
    app = make_app()
    services = app.extensions["inbox"]
    post_twilio(app.test_client(), twilio_message("kirimnya pake apa"))
    assert services.queue.drain(timeout=15)
    sent = [c.text or "" for c in fake_api.calls if c.endpoint == "Messages.json"]
    assert not any("JNE" in text for text in sent)  # only the handover note went out, not the guess
    with services.db.session() as db:
        messages = db.execute(select(Message).order_by(Message.id)).scalars().all()
        question = next(m for m in messages if m.direction == "in")
        assert question.outcome == "escalated" and "JNE" in question.suggestion
        assert "JNE" in open_suggestion(messages)  # the handover note after it changes nothing
        answered = [*messages, Message(direction="out", sender_type="agent", target="message", text="...")]
        assert open_suggestion(answered) is None
