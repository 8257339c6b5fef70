"""What the forty-first and forty-second held-out conversation sets (heldout-41, heldout-42, now
development sets) taught: a product and its variant asked after, whatever the shop's own answer
for a word of it ("yg kondisi cukup ada?"), while what it sends to a person still goes there;
asking to be told when a variant talked about before is back; a return asked of a shop without a
warranty is its return policy; a roman numeral written together with its model ("a7iii"); Sundanese
bargaining words."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

from .conftest import converse, edited_engine

MORNING = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 WIB
SHOP = InMemoryShopData([
    Product("LP-BGS", "Laskar Pelangi - Andrea Hirata", "Bagus", 45000, 2),
    Product("LP-CKP", "Laskar Pelangi - Andrea Hirata", "Cukup", 30000, 0),
    Product("BIO-CKP", "Biologi Campbell Jilid 1", "Cukup", 90000, 1),
    Product("BIO-BGS", "Biologi Campbell Jilid 1", "Bagus", 130000, 0),
    Product("SW-A7-1", "Sewa Sony A7 III Body", "1 Hari", 250000, 2),
    Product("SW-A7-3", "Sewa Sony A7 III Body", "3 Hari", 650000, 2),
    Product("MJ-4423", "Mesin Jahit Singer 4423 Heavy Duty", "Standar", 3250000, 3),
])


def book_shop(raw) -> None:
    raw["custom_intents"] = {
        "condition_guide": {"action": "auto_reply", "keywords": ["kondisi", "like new"], "examples": [
            "kondisi bagus itu gimana?", "bedanya kondisi cukup sama bagus apa", "like new itu mulus?"],
            "replies": {"id": ["Kondisi Bagus: bekas baca ringan; Cukup: kertas menguning."],
                        "en": ["Good: lightly read; Fair: yellowed pages."]}},
        "harga_grosir": {"action": "escalate", "keywords": ["harga grosir", "harga khusus"], "examples": [
            "ada harga grosir kalau ambil banyak?", "beli 50 ada harga khusus?", "harga buat toko buku?"]},
    }
    raw["intents"].pop("warranty", None)
    raw["facts"].pop("warranty_policy", None)
    raw["facts"].pop("warranty_policy_en", None)


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> ReplyEngine:
    return edited_engine(tmp_path_factory.mktemp("books"), book_shop, SHOP)


def decide(engine: ReplyEngine, text: str):
    return engine.decide(Turn(text, MORNING))


def said(engine: ReplyEngine, *texts: str) -> list:
    return converse(engine, *texts, start=MORNING, step=timedelta(minutes=1))


def test_a_product_and_its_variant_asked_after_whatever_the_shops_own_answer(engine: ReplyEngine) -> None:
    asked = decide(engine, "kak laskar pelangi yg kondisi cukup ada?")
    assert (asked.action, asked.intent) == (Action.AUTO_REPLY, "stock")
    assert "Cukup" in asked.reply and "Bagus" in asked.reply  # sold out, and what is in stock
    priced = decide(engine, "Berapa harga biologi campbell jilid 1 yang kondisi cukup?")
    assert "Rp90.000" in priced.reply
    assert decide(engine, "bedanya kondisi cukup sama bagus apa kak?").intent == "condition_guide"
    wholesale = decide(engine, "laskar pelangi yg bagus ambil 50 ada harga grosir ga?")
    assert (wholesale.action, wholesale.intent) == (Action.ESCALATE, "harga_grosir")


def test_asking_to_be_told_when_a_variant_talked_about_is_back(engine: ReplyEngine) -> None:
    *_, later = said(engine, "kak laskar pelangi yg kondisi cukup ada?", "brp yg bagus?",
                     "ok kak nanti aja deh\nkabarin ya kalo yg cukup ada lagi")
    assert later.action is Action.AUTO_REPLY and later.restock_skus == ("LP-CKP",)


def test_a_return_asked_of_a_shop_without_a_warranty_is_its_return_policy(engine: ReplyEngine) -> None:
    decision = decide(engine, "kak kalau bukunya ternyata ada halaman sobek bisa retur ga?")
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "return_refund")
    assert decide(engine, "mau retur pesanan saya kak, halamannya sobek").action is Action.ESCALATE


def test_a_roman_numeral_written_together_with_its_model(engine: ReplyEngine) -> None:
    decision = decide(engine, "sewa a7iii 3 hari brp kak")
    assert decision.action is Action.AUTO_REPLY and "Rp650.000" in decision.reply


def test_sundanese_bargaining(engine: ReplyEngine) -> None:
    decision = decide(engine, "mesin singer 4423 tiasa kirang teu kang? 3jt we lah")
    assert decision.action is Action.AUTO_REPLY and decision.intent == "bargain"


def test_a_colour_in_a_message_of_its_own_picks_the_variant(tmp_path) -> None:
    shop = InMemoryShopData([Product("SK-ORI", "Susu Kambing Etawa Segar", "Original 1 liter", 45000, 9),
                             Product("SK-CKL", "Susu Kambing Etawa Segar", "Coklat 1 liter", 50000, 0)])

    def no_notices(raw) -> None:
        raw["messages"].pop("restock_offer")
        raw["messages"].pop("restock_confirmed")
    farm = edited_engine(tmp_path, no_notices, shop)
    asked, told = converse(farm, "susu kambing etawa ada? yg coklat", "kabarin ya kalo yg coklat udah ada",
                           start=MORNING)
    assert "Coklat 1 liter" in asked.reply and "kosong" in asked.reply
    # no notices to send: "tell me when it's back" (however it ends: "udah ada") goes to a person
    assert told.action is Action.ESCALATE and not told.restock_skus


def test_or_what_else_carries_on_the_question(engine: ReplyEngine) -> None:
    decision = decide(engine, "kak bayar pake shopeepay bisa? kalo ga bisa pake apa aja")
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "payment")
