"""The pipeline writes the conversation's history: why the bot handed over (once per handover)."""
from __future__ import annotations

from sqlalchemy import select

from inbox.models import ConversationEvent
from tests.conftest import post_twilio, twilio_message


def test_a_handover_is_recorded_once_with_its_reason(make_app, fake_api):
    app = make_app()
    services = app.extensions["inbox"]
    client = app.test_client()
    post_twilio(client, twilio_message("barang saya rusak, kecewa banget"))
    assert services.queue.drain(timeout=15)
    post_twilio(client, twilio_message("halo? kok ga dibales"))  # still waiting: no second handover event
    assert services.queue.drain(timeout=15)
    with services.db.session() as db:
        events = db.execute(select(ConversationEvent)).scalars().all()
    assert [(e.kind, e.agent_id) for e in events] == [("handed_over", None)]
    assert events[0].text and "complaint" in events[0].text
