"""What the twelfth held-out conversation set (heldout-12, now a development set) taught: "jam brp"
beside an opening-hours question, how many days a parcel takes goes to agents, "60rb boleh?",
Kupang's "sonde" and "e"."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([Product("SLD-MRH", "Selendang Tenun", "Merah", 250000, 0),
                         Product("SLD-HTM", "Selendang Tenun", "Hitam", 250000, 3)], [])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("text", "intent", "action"), [
    ("hari sabtu buka ga kak? jam brp", "business_hours", Action.AUTO_REPLY),
    ("berapa hari nyampe ke bali kak kalau pake sicepat?", "delivery_time", Action.ESCALATE),
    ("selendang tenun 250rb ya? 200rb boleh kak?", "bargain", Action.AUTO_REPLY),
])
def test_what_the_twelfth_set_taught(engine, text, intent, action) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == (intent, action), decision.reason
    if action is Action.AUTO_REPLY:
        assert "katalog" not in decision.reply


@pytest.mark.parametrize(("answer", "accepted"), [("ya kabari e", True), ("sonde usah kaka", False)])
def test_kupang_yes_and_no_to_a_restock_offer(engine, answer, accepted) -> None:
    offer = engine.decide(Turn("selendang tenun merah ada?", NOON))
    assert offer.memory and offer.memory.get("restock_offer"), offer.reply
    then = engine.decide(Turn(answer, NOON, memory=offer.memory))
    assert then.action is Action.AUTO_REPLY and bool(then.restock_skus) is accepted, then.reason
