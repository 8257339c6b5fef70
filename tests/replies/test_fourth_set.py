"""What the fourth held-out conversation set (heldout-4, now a development set) taught: opening
days asked day first, "dibatalkan saja", "cek pesanan", a parcel never received, a policy
question with an "if", and the list of variants of the product just talked about."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Order, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData(
    [Product("PB-HIT", "Powerbank Robot", "Hitam", 189000, 5), Product("PB-BIR", "Powerbank Robot", "Biru", 189000, 0)],
    [Order("GBS-10452", "shipped", "JNE", "JNE10452", "+6281364556677", 189000)],
)


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("text", "intent", "action"), [
    ("hari minggu buka ji kak?", "business_hours", Action.AUTO_REPLY),
    ("kak GBS-10452 dibatalkan saja ya", "order_change", Action.ESCALATE),
    ("My parcel shows delivered but I never got it. Please help.", "complaint", Action.ESCALATE),
    ("kalau nanti paketnya sampai rusak bisa diganti kak?", "return_refund", Action.AUTO_REPLY),
])
def test_what_the_fourth_set_taught(engine, text, intent, action) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == (intent, action), decision.reason


def test_check_my_order_finds_the_senders_order(engine) -> None:
    decision = engine.decide(Turn("cek pesanan kak", NOON, customer_phone="+6281364556677"))
    assert decision.action is Action.AUTO_REPLY and "JNE10452" in decision.reply


def test_which_colours_lists_the_variants_of_the_product_just_named(engine) -> None:
    first = engine.decide(Turn("powerbank robot brp kak?", NOON))
    colours = engine.decide(Turn("ada warna apa aja?", NOON, memory=first.memory))
    assert colours.action is Action.AUTO_REPLY and "Hitam" in colours.reply


def test_a_number_in_a_product_name_is_not_an_order_number() -> None:
    shop = InMemoryShopData([Product("PB-20K", "Powerbank 20000", "Hitam", 249000, 4)], [])
    decision = ReplyEngine.default(shop).decide(Turn("powerbank 20000 hitam brp kak?", NOON))
    assert decision.action is Action.AUTO_REPLY and "249.000" in decision.reply
    assert decision.order_number is None
