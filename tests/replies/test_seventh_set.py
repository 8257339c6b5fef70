"""What the seventh held-out conversation set (heldout-7, now a development set) taught: "the big
one" names the largest variant; a variant named in one part of a burst is the one asked about (its
first run stated the remembered variant's price: a wrong fact); where the shop ships from and with
which couriers; a courier named beside a shipping question; Javanese krama, Surabaya and Manado
words; haggling "ga bisa 100 aja?"; "sudah sampai kah?" asks."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.catalog import look_up_products
from replies.shopdata import InMemoryShopData, Order, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
PRODUCTS = [Product("TLN-M", "Talenan Kayu Jati", "30x20 cm", 65000, 17),
            Product("TLN-L", "Talenan Kayu Jati", "40x28 cm", 95000, 4),
            Product("PE-2", "Senar PE Braid 8X 100 m", "PE 2", 95000, 20),
            Product("PE-4", "Senar PE Braid 8X 100 m", "PE 4", 115000, 12),
            Product("PE-6", "Senar PE Braid 8X 100 m", "PE 6", 135000, 0),
            Product("KA-500", "Jamu Kunyit Asam", "500 ml", 27000, 30),
            Product("KA-250", "Jamu Kunyit Asam", "250 ml", 15000, 30)]
SHOP = InMemoryShopData(PRODUCTS, [Order("DA-2611-0012", "delivered", "JNE", "JNE0012", "+6281330001012", 95000)])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("text", "variant"), [("talenan kayu jati sing gede", "40x28 cm"),
                                               ("talenan kayu jati yg kecil", "30x20 cm"),
                                               ("the big talenan kayu jati", "40x28 cm")])
def test_a_size_word_picks_the_largest_or_smallest_variant(text, variant) -> None:
    [match] = look_up_products(text, PRODUCTS).matches
    assert [p.variant for p in match.products] == [variant] and match.variant_given


def test_a_word_every_variant_has_picks_none() -> None:
    [match] = look_up_products("senar pe braid 8x 100 m", PRODUCTS).matches
    assert len(match.products) == 3 and not match.variant_given


def test_the_big_one_gets_its_price_not_the_range(engine) -> None:
    decision = engine.decide(Turn("mas, talenan kayu jati sing gede regane piro?", NOON))
    assert decision.action is Action.AUTO_REPLY and "95.000" in decision.reply and "65.000" not in decision.reply


def test_a_variant_named_in_another_part_of_the_burst_wins_over_the_remembered_one(engine) -> None:
    first = engine.decide(Turn("mas, senar PE 6 ready ora?", NOON))
    assert first.memory and first.memory.get("variant") == "PE 6"
    then = engine.decide(Turn("PE 4 wae, regane piro?", NOON, memory={**first.memory, "restock_offer": None}))
    assert "115.000" in then.reply and "135.000" not in then.reply, then.reply


@pytest.mark.parametrize("text", ["kirim dari mana kak? pake ekspedisi apa aja?", "where do you ship from?"])
def test_where_the_shop_ships_from_is_the_general_shipping_answer(engine, text) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == ("shipping_cost", Action.AUTO_REPLY), decision.reason
    assert "Jakarta" in decision.reply and "pesanan" not in decision.reply.lower()


def test_a_courier_named_beside_a_shipping_question_is_no_parcel_to_track(engine) -> None:
    decision = engine.decide(Turn("ongkir ke medan brp kak? pake jne", NOON))
    assert decision.action is Action.AUTO_REPLY and decision.intents == ("shipping_cost",), decision.reason
    assert "JNE" in decision.reply


@pytest.mark.parametrize(("text", "intent", "action"), [
    ("Sugeng enjing mbak, jamu kunyit asam ingkang 500 ml reginipun pinten nggih?", "price", Action.AUTO_REPLY),
    ("cak, jamu kunyit asam 500 ml onok ta? pira regane?", "price", Action.AUTO_REPLY),
    ("so transfer ke BNI 130rb untuk DA-2611-0012, cek jo kak", "payment_confirmation", Action.ESCALATE),
    ("jamu kunyit asam 500 ml 27rb ya mbak? ga bisa 20 aja?", "bargain", Action.AUTO_REPLY),
])
def test_what_the_seventh_set_taught(engine, text, intent, action) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == (intent, action), decision.reason


def test_sudah_sampai_kah_asks_about_the_parcel(engine) -> None:
    decision = engine.decide(Turn("siang kak, paket saya sudah sampai kah menurut sistem?", NOON,
                                  customer_phone="+6281330001012"))
    assert decision.intent == "order_status" and "JNE0012" in (decision.reply or ""), decision.reason
