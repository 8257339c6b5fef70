"""What the third held-out conversation set (heldout-3, now a development set) taught: a yes or no
to the restock offer in Makassar, Sundanese or casual words, another city after a shipping answer,
Makassar's "tabe'", links to odd domains, a late parcel asked with "kenapa", and an exchange of an
order that has arrived."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([
    Product("TG-IP13", "Tempered Glass iPhone 13", None, 35000, 0),
    Product("SC-A15", "Softcase Bening Samsung A15", None, 25000, 9),
])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("answer", "restock"), [
    ("iye kak kabari nah kalau ada mi", True),  # Makassar
    ("boleh bun kabarin", True),
    ("yaudah kabari ya kak kalo ready", True),
    ("ga usah bun", False),
])
def test_the_restock_offer_is_answered_in_the_customers_words(engine, answer, restock) -> None:
    offer = engine.decide(Turn("tempered glass iphone 13 ready kak?", NOON))
    assert "restock_offer" in offer.memory
    decision = engine.decide(Turn(answer, NOON, memory=offer.memory))
    assert decision.action is Action.AUTO_REPLY
    assert bool(decision.restock_skus) is restock


def test_another_city_after_a_shipping_answer_asks_its_rate(engine) -> None:
    first = engine.decide(Turn("ongkir ke medan brp kak?", NOON))
    second = engine.decide(Turn("kalau ke bandung?", NOON, memory=first.memory))
    assert second.intent == "shipping_cost" and "Bandung" in second.reply


def test_tabe_is_a_greeting(engine) -> None:
    decision = engine.decide(Turn("tabe' kak", NOON))
    assert (decision.intent, decision.action) == ("greeting", Action.AUTO_REPLY)


def test_a_reward_link_on_an_odd_domain_is_spam(engine) -> None:
    decision = engine.decide(Turn("Halo kak, kami dari tim Shopee Affiliate. Produk Anda terpilih program reward, "
                                  "silakan isi data di shopee-affiliate-reward.site", NOON))
    assert decision.action is Action.IGNORE


@pytest.mark.parametrize(("text", "intent"), [
    ("Kak pesanan Shopee 261124R9MJ3UVB kenapa belum sampe? udah 4 hari loh", "complaint"),
    ("bun pesanan aku udah diterima, tp ukurannya kekecilan, bisa tukar ke yg lebih besar?", "return_request"),
])
def test_a_late_parcel_and_an_exchange_of_an_arrived_order_go_to_a_person(engine, text, intent) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == (intent, Action.ESCALATE), decision.reason


def test_a_policy_question_about_exchanges_is_still_answered(engine) -> None:
    decision = engine.decide(Turn("kak bisa tukar size ga kalau kekecilan?", NOON))
    assert (decision.intent, decision.action) == ("return_refund", Action.AUTO_REPLY)
