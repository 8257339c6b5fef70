"""What the tenth held-out conversation set (heldout-10, now a development set) taught: an order
written out in the chat (items with quantities, a destination, COD) goes to agents; a customer whose
only order was cancelled is told so; "pake ekspedisi apa?" names no city; the variants asked of a
product that has one."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Order, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData(
    [Product("SLM-MIC", "Selimut Microfiber", "150x200 Abu", 139000, 8),
     Product("SPR-NVY", "Sprei Katun Jepang", "Queen Navy", 259000, 5)],
    [Order("KLM-26110481", "cancelled", "", "", "081220010481", 119000)],
)


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize("text", ["kak mau order sprei katun jepang queen navy 2 pcs\nkirim ke cimahi, cod ya",
                                  "oke kirim via jne ya, aku mau order selimut 2 pcs, alamat nanti aku kirim"])
def test_an_order_written_out_goes_to_agents(engine, text) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == ("new_order", Action.ESCALATE), decision.reason


def test_wanting_to_order_and_asking_the_shipping_cost_is_a_question(engine) -> None:
    decision = engine.decide(Turn("mau order sprei 2 pcs, ongkir ke medan brp?", NOON))
    assert decision.intent != "new_order" and decision.action is Action.AUTO_REPLY, decision.reason


def test_a_customer_whose_only_order_was_cancelled_is_told_so(engine) -> None:
    decision = engine.decide(Turn("kak pesanan saya gimana ya?", NOON, customer_phone="+6281220010481"))
    assert decision.action is Action.AUTO_REPLY and "dibatalkan" in decision.reply, decision.reason


def test_which_couriers_names_no_city(engine) -> None:
    decision = engine.decide(Turn("kirim pake ekspedisi apa aja kak?", NOON))
    assert decision.action is Action.AUTO_REPLY and "JNE" in decision.reply and "Pake" not in decision.reply


def test_the_colours_of_a_product_with_one_variant(engine) -> None:
    decision = engine.decide(Turn("selimut microfiber ready warna apa aja kak?", NOON))
    assert decision.action is Action.AUTO_REPLY and "Abu" in decision.reply, decision.reply


# -- a last round over every development set ------------------------------------------------


def test_numbers_in_names_match_exactly_and_another_product_named_wins_over_the_remembered() -> None:
    shop = InMemoryShopData([Product("PB-20K-HTM", "Powerbank 20000mAh 22.5W", "Hitam", 249000, 9),
                             Product("PB-10K-MAG", "Powerbank Magnetic 10000mAh", "Putih", 279000, 0)], [])
    engine = ReplyEngine.default(shop)
    first = engine.decide(Turn("powerbank magnetic ready?", NOON))
    then = engine.decide(Turn("ga usah deh, yg 20000 hitam aja brp", NOON, memory={**(first.memory or {}),
                                                                                    "restock_offer": None}))
    assert "249.000" in then.reply and "279.000" not in then.reply, then.reply


def test_how_many_days_beside_a_return_question_is_no_price(engine) -> None:
    decision = engine.decide(Turn("kalo salah beli ukuran bisa tukar ga kak? brp hari?", NOON))
    assert (decision.intent, decision.action) == ("return_refund", Action.AUTO_REPLY), decision.reason
    assert "katalog" not in decision.reply


def test_praise_for_a_scent_is_thanks(engine) -> None:
    decision = engine.decide(Turn("makasih kak, parfumnya wangi banget 😍 suami aku suka", NOON))
    assert (decision.intent, decision.action) == ("thanks", Action.AUTO_REPLY), decision.reason
