"""What the sixteenth held-out conversation set (heldout-16, now a development set) taught: a size
letter that is also a unit ("L" of "L (50 cm)"), the product a kind word heads, a kind's products
narrowed to the variant asked, Cirebon and Pontianak yes to a restock offer, a cracked item."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([
    Product("VAS-S", "Vas Gerabah Motif Cicak", "S (20 cm)", 45000, 10),
    Product("VAS-M", "Vas Gerabah Motif Cicak", "M (35 cm)", 85000, 4),
    Product("VAS-L", "Vas Gerabah Motif Cicak", "L (50 cm)", 150000, 0),
    Product("KTR-NAT", "Kursi Teras Rotan", "Natural", 485000, 6),
    Product("KTR-CKL", "Kursi Teras Rotan", "Coklat Tua", 485000, 0),
    Product("SET-CKL", "Set Teras Rotan 2 Kursi 1 Meja", "Coklat Tua", 1350000, 2),
    Product("AYN-STD", "Ayunan Rotan Gantung", "Dengan Stand Besi", 1850000, 1),
])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


def test_a_size_letter_that_is_also_a_unit_picks_the_size(engine) -> None:
    decision = engine.decide(Turn("Hi, do you have the cicak vase in size L?", NOON))
    assert decision.memory.get("restock_offer"), decision.reply  # L is sold out: offered a notice
    assert "Rp45.000" not in decision.reply


def test_the_product_a_kind_word_heads(engine) -> None:
    decision = engine.decide(Turn("kang ana kursi teras warna coklat tua?", NOON))
    assert "Set Teras" not in decision.reply and decision.memory.get("restock_offer"), decision.reply


@pytest.mark.parametrize("answer", ["iya kabari baka wis ana ya kang", "aok kabarin kamek ye"])
def test_cirebon_and_pontianak_yes_to_a_restock_offer(engine, answer) -> None:
    offer = engine.decide(Turn("kursi teras rotan coklat tua ada?", NOON))
    assert offer.memory.get("restock_offer"), offer.reply
    then = engine.decide(Turn(answer, NOON, memory=offer.memory))
    assert then.action is Action.AUTO_REPLY and then.restock_skus == ("KTR-CKL",), then.reason


def test_english_words_for_a_rattan_shop(engine) -> None:
    decision = engine.decide(Turn("What's the price of the hanging swing with the iron stand?", NOON))
    assert decision.action is Action.AUTO_REPLY and "Rp1.850.000" in decision.reply, decision.reason


def test_a_cracked_item_is_a_complaint_though_it_arrived(engine) -> None:
    decision = engine.decide(Turn("barang udh nyampe tapi cermin nya retak di pinggir kak 😢", NOON))
    assert decision.intent == "complaint" and decision.action is Action.ESCALATE


def test_products_named_ahead_of_the_question_are_asked_about(engine) -> None:
    decision = engine.decide(Turn("halo kak\nmau tanya kursi teras rotan natural sama ayunan rotan gantung harganya brp", NOON))
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert "Rp485.000" in decision.reply and "Rp1.850.000" in decision.reply


def test_a_long_statement_before_a_question_is_not_a_product_list(engine) -> None:
    decision = engine.decide(Turn("ayunan rotan gantung muat buat 2 orang dewasa + bantal gak kak?\n"
                                  "terus standnya kuat sampe brp kg?", NOON))
    assert decision.action is Action.ESCALATE, decision.reply


def test_which_couriers_after_a_rate_lists_the_couriers(engine) -> None:
    first = engine.decide(Turn("ongkir ke bandung brp?", NOON))
    then = engine.decide(Turn("Which couriers do you use?", NOON, memory=first.memory))
    assert then.action is Action.AUTO_REPLY and "JNE" in then.reply and "SiCepat" in then.reply, then.reply


@pytest.mark.parametrize(("burst", "fact"), [
    ("kak\nayunan rotan gantung ready?\nbrp hrgnya", "Rp1.850.000"),  # "brp hrgnya" is no product
    ("kursi teras rotan natural ada?\nsekalian ayunan rotan gantung nya juga kak, berapa?", "Rp1.850.000"),
])
def test_abbreviations_beside_a_product_are_no_product(engine, burst, fact) -> None:
    decision = engine.decide(Turn(burst, NOON))
    assert decision.action is Action.AUTO_REPLY and fact in decision.reply, decision.reason
