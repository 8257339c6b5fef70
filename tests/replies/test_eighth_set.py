"""What the eighth held-out conversation set (heldout-8, now a development set) taught: Pontianak
Malay, Banjar and Minang words, a regional yes to a restock offer, "udah dibayar kan?" asks rather
than confirms, "I've just paid", "udah buka?", "what time do you close", "85 boleh ga?", a discount
for many as a wholesale question, "mau order ..." beside a question."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Order, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData(
    [Product("LKB-BNG", "Lakban Bening", "48 mm", 12000, 0), Product("LKB-CKL", "Lakban Coklat", "48 mm", 12000, 9),
     Product("RDG-500", "Rendang Daging", "500 gr", 185000, 6), Product("RDG-250", "Rendang Daging", "250 gr", 98000, 6)],
    [Order("UN-2611-022", "paid", "JNE", "JNE022", "+6281200000022", 320000)],
)


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("text", "intent", "action"), [
    ("bang, kamek mau nanyak, lakban coklat ade ke?", "stock", Action.AUTO_REPLY),  # Pontianak Malay
    ("uni, lai ado rendang daging? bara harago nan 500 gram?", "price", Action.AUTO_REPLY),  # Minang
    ("UN-2611-022 totalnya brp kak? udah dibayar kan ya?", "order_status", Action.AUTO_REPLY),
    ("Hi, I've just paid for order UN-2611-022 via QRIS, here's the screenshot.", "payment_confirmation",
     Action.ESCALATE),
    ("udah buka kak?", "business_hours", Action.AUTO_REPLY),
    ("hello, what time do you close today?", "business_hours", Action.AUTO_REPLY),
    ("rendang daging 500 gr 185rb ya? 150 boleh ga?", "bargain", Action.AUTO_REPLY),
    ("ada diskon ga kak utk pembelian 10 paket? buat oleh2 kantor", "wholesale", Action.ESCALATE),
])
def test_what_the_eighth_set_taught(engine, text, intent, action) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == (intent, action), decision.reason


@pytest.mark.parametrize("yes", ["aok lah, kabarkan jak kalau dah ade", "inggih, kabari ulun lah amun sudah ada",
                                 "gpp kak kabari ya kalo ada"])
def test_a_regional_yes_accepts_the_restock_offer(engine, yes) -> None:
    offer = engine.decide(Turn("lakban bening ada?", NOON))
    assert offer.memory and offer.memory.get("restock_offer"), offer.reply
    accepted = engine.decide(Turn(yes, NOON, memory=offer.memory))
    assert accepted.action is Action.AUTO_REPLY and accepted.restock_skus == ("LKB-BNG",), accepted.reason


def test_an_order_to_come_beside_a_shipping_question_is_no_order_to_look_up(engine) -> None:
    decision = engine.decide(Turn("kak ongkir ke medan brp? mau order lakban coklat", NOON))
    assert decision.action is Action.AUTO_REPLY and "pesanan" not in decision.reply.lower(), decision.reason
