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
