"""What the fifteenth held-out conversation set (heldout-15, now a development set) taught: Banjar
"barapa" and a bare "how much" beside a product, Medan and Balinese yes to a restock offer,
"kurang lah", "150 aja", another variant of the product just asked about, English jewellery words."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product
from replies.voice import DEFAULT_PACK, load_brand_pack

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([
    Product("CPR-17", "Cincin Perak Kecubung Ungu", "Ukuran 17", 275000, 5),
    Product("CPR-18", "Cincin Perak Kecubung Ungu", "Ukuran 18", 275000, 0),
    Product("ANT-MTR", "Anting Perak Mutiara", "Putih", 120000, 12),
    Product("KLG-MTR", "Kalung Mutiara Air Tawar", "Putih", 350000, 3),
    Product("KM-GLD", "Mesin Cukur Kemei KM-1990", "Gold", 195000, 4),
    Product("KM-HTM", "Mesin Cukur Kemei KM-1990", "Hitam", 185000, 6),
])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("burst", "fact"), [
    ("ka cincin perak kecubung ukuran 17 harganya barapa?", "Rp275.000"),
    ("ka\nanting mutiara\nready kah\nbarapa?", "Rp120.000"),
    ("How much is the white pearl necklace?", "Rp350.000"),
])
def test_banjar_and_english_price_questions(engine, burst, fact) -> None:
    decision = engine.decide(Turn(burst, NOON))
    assert decision.action is Action.AUTO_REPLY and fact in decision.reply, decision.reason


@pytest.mark.parametrize("answer", ["boleh bang, kabari awak ya kalo udah masuk",
                                    "nggih mbok, kabarin nggih kalau sudah ada"])
def test_medan_and_balinese_yes_to_a_restock_offer(engine, answer) -> None:
    offer = engine.decide(Turn("cincin perak kecubung ukuran 18 ada?", NOON))
    assert offer.memory and offer.memory.get("restock_offer"), offer.reply
    then = engine.decide(Turn(answer, NOON, memory=offer.memory))
    assert then.action is Action.AUTO_REPLY and then.restock_skus == ("CPR-18",), then.reason


@pytest.mark.parametrize("text", ["kurangi lah ka, 250 ribu ulun ambil", "250 aja nggih mbok, ambil 2"])
def test_bargaining_in_other_words(engine, text) -> None:
    assert engine.decide(Turn(text, NOON)).intent == "bargain"


def test_another_variant_of_the_product_just_asked_about(engine) -> None:
    decision = engine.decide(Turn("mesin kemei km 1990 yg gold ready bang?\nyg hitam jg ada?", NOON))
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert "Gold" in decision.reply and "Hitam" in decision.reply


def test_a_bare_price_after_a_variant_prices_that_variant(engine) -> None:
    reply = engine.decide(Turn("mesin kemei km 1990 gold ready?\nbrp?", NOON)).reply
    assert "Rp195.000" in reply and "Rp185.000" not in reply  # not the product's range


@pytest.mark.parametrize(("text", "intent"), [
    ("kak jamu kunyit asam aman ga buat ibu hamil 5 bulan?", "product_detail"),  # safety: a person says
    ("ka, pesanan RMS-0183 tambah pala bubuk 100 gr satu lai bisa?", "order_change"),
    ("paket saya dari kemarin statusnya terkirim tapi ga ada di rumah!!\nditerima siapa itu??", "complaint"),
    ("reel yg kita beli kemarin bunyi kretek2 kalo digulung\nbaru 2x pake so bgitu", "complaint"),
    ("Hello, I bought yarn last week and two skeins are a different shade. I'd like to return them please.",
     "return_request"),
])
def test_what_the_bot_must_leave_to_a_person(engine, text, intent) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert decision.intent == intent and decision.action is Action.ESCALATE, decision.reason


def test_a_shop_without_free_shipping_leaves_the_fact_out(tmp_path) -> None:
    import yaml
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    del data["facts"]["free_shipping_min"]
    for case, templates in data["intents"]["shipping_cost"].items():
        for lang in templates:
            templates[lang] = ["Ongkir ke {{ city }} mulai {{ cost | rupiah }} ya {{ honorific }}" if case == "known"
                               else "Kami kirim dari {{ origin_city }}, kotanya mana {{ honorific }}?"]
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    decision = ReplyEngine(load_brand_pack(path), SHOP).decide(Turn("ongkir ke bandung brp?", NOON))
    assert decision.action is Action.AUTO_REPLY and "Bandung" in decision.reply and "Gratis" not in decision.reply
