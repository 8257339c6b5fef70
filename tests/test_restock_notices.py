"""Restock notices: a sold-out variant is offered, a "ya" records the request, and the stock update
that brings the variant back sends one notice each, within the platform's window and rules."""
from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from inbox.accounts import create_agent, issue_api_token
from inbox.models import Conversation, RestockRequest
from inbox.shop_data import import_products
from replies.voice import DEFAULT_PACK
from tests.conftest import post_telegram, post_twilio, telegram_update, twilio_message

CATALOGUE = "sku,name,variant,price,stock\nHD-NV-L,Hoodie Polos,Navy L,150000,{navy_l}\nHD-NV-M,Hoodie Polos,Navy M,150000,4\n"


def services(app: Flask) -> Any:
    return app.extensions["inbox"]


def drain(app: Flask) -> None:
    assert services(app).queue.drain(timeout=15), "jobs did not finish"


def stock_import(app: Flask, navy_l: int) -> tuple[int, ...]:
    """What `flask shop import-products` does: import, then queue the restock notices."""
    with services(app).db.session() as session:
        result = import_products(session, io.StringIO(CATALOGUE.format(navy_l=navy_l)))
    services(app).shop.invalidate()
    for request_id in result.restocks:
        services(app).queue.submit("notify_restock", request_id)
    drain(app)
    return result.restocks


def sent_texts(fake_api: Any, platform: str = "twilio") -> list[str]:
    return [call.text or "" for call in fake_api.calls
            if call.platform == platform and call.endpoint in ("Messages.json", "sendMessage")]


def ask_and_accept(app: Flask, fake_api: Any) -> None:
    stock_import(app, navy_l=0)
    post_twilio(app.test_client(), twilio_message("hoodie navy L ready kak?"))
    drain(app)
    (offer,) = sent_texts(fake_api)
    assert "kosong" in offer and "Navy M" in offer and "dikabari" in offer
    post_twilio(app.test_client(), twilio_message("iya kak boleh"))
    drain(app)
    assert "kabari" in sent_texts(fake_api)[-1]
    fake_api.reset()


def test_a_yes_to_the_offer_gets_one_notice_when_the_variant_is_back(make_app, fake_api):
    app = make_app()
    ask_and_accept(app, fake_api)
    with services(app).db.session() as session:
        (request,) = session.execute(select(RestockRequest)).scalars().all()
        assert request.sku == "HD-NV-L" and request.outbound_id is None

    assert stock_import(app, navy_l=0) == ()  # still sold out: nothing
    assert len(stock_import(app, navy_l=5)) == 1
    (notice,) = sent_texts(fake_api)
    assert "Hoodie Polos Navy L" in notice and "Rp150.000" in notice and "ready lagi" in notice

    assert stock_import(app, navy_l=5) == ()  # the same file again
    stock_import(app, navy_l=0)
    assert stock_import(app, navy_l=3) == ()  # sold out and back again: that request was answered
    assert services(app).pipeline.sweep()["restocks"] == 0
    drain(app)
    assert len(sent_texts(fake_api)) == 1
    with services(app).db.session() as session:
        assert session.execute(select(RestockRequest.outbound_id)).scalar_one() is not None


def test_asking_first_to_be_told_records_the_request_and_the_notice_follows(make_app, fake_api):
    app = make_app()
    stock_import(app, navy_l=0)
    post_twilio(app.test_client(), twilio_message("kak hoodie navy L kosong ya? kabarin kalo udah ready lagi"))
    drain(app)
    (answer,) = sent_texts(fake_api)
    assert "kosong" in answer and "kabari" in answer and "Balas" not in answer  # no offer: confirmed at once
    with services(app).db.session() as session:
        (request,) = session.execute(select(RestockRequest)).scalars().all()
        assert request.sku == "HD-NV-L" and session.execute(select(Conversation.status)).scalar_one() == "bot"
    fake_api.reset()
    assert len(stock_import(app, navy_l=2)) == 1
    (notice,) = sent_texts(fake_api)
    assert "Hoodie Polos Navy L" in notice


def test_a_no_thanks_records_nothing_and_gets_a_polite_close(make_app, fake_api):
    app = make_app()
    stock_import(app, navy_l=0)
    post_twilio(app.test_client(), twilio_message("hoodie navy L ada?"))
    drain(app)
    post_twilio(app.test_client(), twilio_message("ga usah kak"))
    drain(app)
    closing = sent_texts(fake_api)[-1]
    assert "kabari" not in closing and closing
    with services(app).db.session() as session:
        assert session.execute(select(RestockRequest)).first() is None
        conversation = session.execute(select(Conversation)).scalar_one()
        assert conversation.status == "bot"  # not handed over for a "no thanks"


def test_past_whatsapps_window_the_notice_needs_a_template(make_app, fake_api, tmp_path: Path):
    app = make_app()
    ask_and_accept(app, fake_api)
    clock = services(app).pipeline.now
    services(app).pipeline.now = lambda: clock() + timedelta(days=2)
    stock_import(app, navy_l=5)
    assert sent_texts(fake_api) == []  # never free text outside the window
    with services(app).db.session() as session:
        request = session.execute(select(RestockRequest)).scalar_one()
        assert request.outbound_id is None and "24-hour window" in request.error and "restock" in request.error
        assert "notification_unsent" in session.execute(select(Conversation)).scalar_one().flags

    # With the pack's approved template for restock, the same case sends the template.
    text = Path(DEFAULT_PACK).read_text(encoding="utf-8").replace(
        "  # templates:\n  #   whatsapp_twilio:\n  #     shipped:", "  templates:\n    whatsapp_twilio:\n      shipped:"
    ).replace("  #     restock: {name: back_in_stock", "      restock: {name: HX0000000000000000000000000000back")
    pack = tmp_path / "pack.yaml"
    pack.write_text(text, encoding="utf-8")
    app2 = make_app(brand_pack=str(pack), database_url=f"sqlite:///{tmp_path}/second.sqlite3")
    ask_and_accept(app2, fake_api)
    clock2 = services(app2).pipeline.now
    services(app2).pipeline.now = lambda: clock2() + timedelta(days=2)
    stock_import(app2, navy_l=5)
    (call,) = [c for c in fake_api.calls if c.endpoint == "Messages.json"]
    assert call.body.get("ContentSid", "").startswith("HX") and "Body" not in call.body
    assert "Hoodie Polos" in call.body["ContentVariables"] and "Rp150.000" in call.body["ContentVariables"]


def test_telegram_has_no_window_and_the_api_brings_the_stock_back(make_app, fake_api):
    app = make_app()
    stock_import(app, navy_l=0)
    client = app.test_client()
    post_telegram(client, telegram_update("hoodie navy L ready?", chat_id=4242))
    drain(app)
    post_telegram(client, telegram_update("ya kak", chat_id=4242))
    drain(app)
    fake_api.reset()
    with services(app).db.session() as session:
        token = issue_api_token(create_agent(session, "a@toko.id", "rahasia-123", name="Siti"))
    answer = client.post("/api/products", headers={"Authorization": f"Bearer {token}"},
                         json={"products": [{"sku": "HD-NV-L", "name": "Hoodie Polos", "variant": "Navy L",
                                             "price": 150000, "stock": 7}]})
    assert answer.status_code == 200 and answer.get_json() == {"created": 0, "updated": 1, "restock_notices": 1}
    drain(app)
    (notice,) = sent_texts(fake_api, "telegram")
    assert "Hoodie Polos Navy L" in notice
    assert [c.recipient for c in fake_api.calls if c.endpoint == "sendMessage"] == ["4242"]


def test_bad_product_updates_are_refused_and_change_nothing(make_app, fake_api):
    app = make_app()
    stock_import(app, navy_l=0)
    client = app.test_client()
    with services(app).db.session() as session:
        token = issue_api_token(create_agent(session, "a@toko.id", "rahasia-123", name="Siti"))
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/products", json={"sku": "X"}).status_code == 403
    bad = client.post("/api/products", headers=auth, json=[{"sku": "HD-NV-L", "name": "Hoodie", "price": "x", "stock": 1}])
    assert bad.status_code == 400 and "price" in bad.get_json()["error"]
    assert client.post("/api/products", headers=auth, json={"products": []}).status_code == 400
    assert client.post("/api/products", headers=auth, json=[{"sku": "A", "name": "B", "price": 1, "stock": 1,
                                                             "colour": "red"}]).status_code == 400
    with services(app).db.session() as session:
        from inbox.models import Product
        assert session.execute(select(Product.stock).where(Product.sku == "HD-NV-L")).scalar_one() == 0
