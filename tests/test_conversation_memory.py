"""The pipeline keeps what the replies engine remembers per author and thread, between bursts."""
from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from inbox.models import Conversation
from tests.conftest import post_telegram, telegram_update


def services(app: Flask) -> Any:
    return app.extensions["inbox"]


def drain(app: Flask) -> None:
    assert services(app).queue.drain(timeout=15), "jobs did not finish"


def test_a_follow_up_question_uses_the_city_named_before(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    post_telegram(client, telegram_update("brp ongkir ke medan kak?", chat_id=7001))
    drain(app)
    post_telegram(client, telegram_update("kalau pakai JNE brp?", chat_id=7001))
    drain(app)

    first, follow_up = fake_api.calls
    assert "Medan" in first.text
    assert "Medan" in follow_up.text and "Rp" in follow_up.text
    assert "kota" not in follow_up.text.lower()  # never asked again which city
    with services(app).db.session() as session:
        [thread] = session.execute(select(Conversation)).scalars().all()
        [kept] = thread.memory.values()
        assert kept["city"].lower() == "medan"


def test_each_author_in_a_group_has_their_own_memory(make_app, fake_api):
    app = make_app()
    client = app.test_client()
    group = {"id": -1009876543210, "type": "supergroup", "title": "Pelanggan"}
    first = telegram_update("ongkir ke medan brp?", chat_id=7002)
    first["message"]["chat"] = group
    second = telegram_update("ongkir brp kak?", chat_id=7003, first_name="Dodi")
    second["message"]["chat"] = group
    post_telegram(client, first)
    drain(app)
    post_telegram(client, second)
    drain(app)

    _, answer_to_dodi = fake_api.calls
    assert "Medan" not in answer_to_dodi.text  # Dodi never named a city
    with services(app).db.session() as session:
        [thread] = session.execute(select(Conversation)).scalars().all()
        assert len(thread.memory) == 2
