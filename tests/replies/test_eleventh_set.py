"""What the eleventh held-out conversation set (heldout-11, now a development set) taught: the
tracking number asked in English, a person or a group order asked in English, Javanese "wis ...
durung?", and a tracking number the courier's site doesn't know is a complaint."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Order

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([], [Order("ARJ-3064", "shipped", "JNE", "MLG0001240011", "081259876543", 1120000)])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("text", "intent", "action"), [
    ("Order ARJ-3064, do you have the tracking number?", "order_status", Action.AUTO_REPLY),
    ("min paketku wis dikirim durung?", "order_status", Action.AUTO_REPLY),
    ("Hello, I'd like to talk to someone about our order", "human", Action.ESCALATE),
    ("Hi, we want a group order for our hiking club, about 20 people", "wholesale", Action.ESCALATE),
    ("kok di web sicepat ga kebaca ya resinya kak?\nkatanya data tidak ditemukan", "complaint", Action.ESCALATE),
])
def test_what_the_eleventh_set_taught(engine, text, intent, action) -> None:
    decision = engine.decide(Turn(text, NOON, customer_phone="+6281259876543"))
    assert (decision.intent, decision.action) == (intent, action), decision.reason
    if action is Action.AUTO_REPLY:
        assert "MLG0001240011" in decision.reply


def test_a_size_number_picks_the_variant_whose_dimensions_start_with_it() -> None:
    """heldout-12's first run stated both aquariums' prices for "aquarium kaca 60": a wrong fact."""
    from replies.catalog import look_up_products, words
    from replies.shopdata import Product

    products = [Product("AQ-60", "Aquarium Kaca", "60x30x35", 285000, 3),
                Product("AQ-80", "Aquarium Kaca", "80x40x40", 450000, 1),
                Product("BAN-29", "Ban Maxxis Ardent", "29x2.25", 410000, 0),
                Product("BAN-275", "Ban Maxxis Ardent", "27.5x2.25", 385000, 6)]
    assert words("60x30x35") == ["60", "30", "35"]
    for text, sku in [("aquarium kaca 60 harga brp", "AQ-60"), ("ban maxxis ardent 29", "BAN-29")]:
        [match] = look_up_products(text, products).matches
        assert [p.sku for p in match.products] == [sku], text
    decision = ReplyEngine.default(InMemoryShopData(products, [])).decide(Turn("aquarium kaca 60 harga brp", NOON))
    assert "285.000" in decision.reply and "450.000" not in decision.reply
