"""What the eighteenth held-out conversation set (heldout-18, now a development set) taught: a
part code is matched exactly, "BR7HS" is not "B7HS" (its first run stated the price range)."""
from __future__ import annotations

from datetime import datetime, timezone

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([Product("BSI-B7HS", "Busi Mesin Tempel", "B7HS", 35000, 60),
                         Product("BSI-BR7HS", "Busi Mesin Tempel", "BR7HS", 38000, 40)])


def test_a_part_code_is_matched_exactly() -> None:
    decision = ReplyEngine.default(SHOP).decide(Turn("selamat natal kaka!\nbusi BR7HS masih ada ka? brapa", NOON))
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert "Rp38.000" in decision.reply and "Rp35.000" not in decision.reply, decision.reply
