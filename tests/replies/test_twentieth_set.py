"""What the twentieth held-out conversation set (heldout-20, now a development set) taught: a
decimal is one word and a period between digits joins them ("2x1.5" is not "2x2.5": its first
run stated two price ranges), a product named "NYA" keeps the word, "Besar sepasang" is picked by
"besar", a unit after a decimal is a unit."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.catalog import words
from replies.shopdata import InMemoryShopData, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([
    Product("NYM-215", "Kabel NYM Eterna", "2x1.5 mm roll 50 m", 520000, 6),
    Product("NYM-225", "Kabel NYM Eterna", "2x2.5 mm roll 50 m", 790000, 2),
    Product("NYA-15", "Kabel NYA Supreme", "1.5 mm roll 50 m", 265000, 9),
    Product("LLN-S", "Lilin Merah Sembahyang", "Kecil sepasang", 20000, 50),
    Product("LLN-L", "Lilin Merah Sembahyang", "Besar sepasang", 150000, 8),
    Product("PDG-15", "Pedigree Adult", "Beef 1.5 kg", 85000, 6),
    Product("PDG-3", "Pedigree Adult", "Beef 3 kg", 155000, 0),
])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


def test_decimals_and_dimensions_are_words_of_their_own() -> None:
    assert words("kabel 2x1.5 mm") == ["kabel", "2", "1.5", "mm"]
    assert words("1,5 meter") == ["1.5", "m"]  # the unit as catalogues write it ("4 m")
    assert words("harga 1.500.000") == ["harga", "1", "500", "000"]  # thousands, not a decimal


@pytest.mark.parametrize(("text", "fact", "not_fact"), [
    ("om kabel nym 2x1.5 satu rol pe harga brapa?", "Rp520.000", "Rp790.000"),
    ("kabel NYA 1.5 satu rol brapa?", "Rp265.000", "Rp520.000"),
    ("kak lilin merah yg besar ready? berape sepasang", "Rp150.000", "Rp20.000"),
])
def test_the_variant_asked_and_no_other_price(engine, text, fact, not_fact) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert decision.action is Action.AUTO_REPLY and fact in decision.reply and not_fact not in decision.reply, decision.reply


def test_a_unit_after_a_decimal_picks_nothing_by_itself(engine) -> None:
    decision = engine.decide(Turn("ready pedigree 3kg?", NOON))
    assert "Beef 3 kg sedang kosong" in decision.reply, decision.reply  # the 3 kg asked, sold out (1.5 kg offered)
