"""What a shop's own customers write, from the first held-out conversation set (now a development
set): catalogue words the classifier never saw, regional greetings, spam with links, faulty items."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
COFFEE = InMemoryShopData([
    Product("ARB-250", "Kopi Arabika Sidikalang", "Biji 250gr", 95000, 10),
    Product("ARB-1KG", "Kopi Arabika Sidikalang", "Biji 1kg", 340000, 3),
    Product("ROB-250", "Kopi Robusta Sidikalang", "Bubuk 250gr", 55000, 8),
    Product("LTG-200", "Kopi Arabika Lintong", "Biji 200gr", 80000, 0),
    Product("TBK-250", "Kopi Tubruk Sidikalang", "Bubuk 250gr", 45000, 30),
    Product("KTL-600", "Kettle Leher Angsa", "600ml", 210000, 2),
    Product("KRT-V60", "Kertas Filter V60", "100 lembar", 38000, 12),
])


@pytest.fixture(scope="module")
def coffee() -> ReplyEngine:
    return ReplyEngine.default(COFFEE)


@pytest.mark.parametrize(("text", "intent", "fact"), [
    ("halo kak\nkopi arabika sidikalang brp?", "price", "95.000"),
    ("ka kettle nya brp?", "price", "210.000"),
    ("brp harga tubruk sidikalang?", "price", "45.000"),
    ("kertas filter v60 ada kak?", "stock", "Kertas Filter V60"),
    ("sidikalang arabika 1kg biji brp bang? stok ada?", "stock", "340.000"),
])
def test_the_shops_own_product_words_are_understood(coffee, text, intent, fact) -> None:
    decision = coffee.decide(Turn(text, NOON))
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert fact in decision.reply


def test_a_place_is_not_a_cancellation_and_cod_with_a_city_is_a_payment_question(coffee) -> None:
    batam = coffee.decide(Turn("ongkir ke batam brp sis", NOON))
    assert batam.intent == "shipping_cost" and "Batam" in batam.reply
    cod = coffee.decide(Turn("kak bisa cod ke jakarta ga?", NOON))
    assert cod.intent == "payment" and cod.action is Action.AUTO_REPLY and "COD" in cod.reply


@pytest.mark.parametrize("text", [
    "Dapatkan followers IG 10K cuma 50rb!! order sekarang wa.me/6289912345678",
    "Selamat! Nomor Anda memenangkan hadiah Rp50.000.000 dari Shopee. Klaim sekarang di shopee-hadiah.xyz",
])
def test_offers_with_links_and_prizes_are_spam(coffee, text) -> None:
    decision = coffee.decide(Turn(text, NOON))
    assert decision.action is Action.IGNORE and decision.reply is None


@pytest.mark.parametrize("text", ["Sampurasun teh 🙏", "Horas kak", "Punten kak"])
def test_regional_greetings_are_greeted(coffee, text) -> None:
    decision = coffee.decide(Turn(text, NOON))
    assert decision.intent == "greeting" and decision.action is Action.AUTO_REPLY


@pytest.mark.parametrize("text", ["kak hari ini buka ga?", "kak masih buka?", "kak adminnya online jam brp aja?"])
def test_are_you_open_is_an_opening_hours_question(coffee, text) -> None:
    assert coffee.decide(Turn(text, NOON)).intent == "business_hours"


@pytest.mark.parametrize("text", [
    "kak paket aku udah dateng tapi pashminanya bolong 😭\ngimana ini",
    "di tracking katanya udah diterima tapi aku ga nerima apa2 kak 😢",
    "kak gamis yg aku terima ada noda di bagian depan\nmau refund aja bisa ga?",
])
def test_a_faulty_or_missing_parcel_goes_to_a_person(coffee, text) -> None:
    decision = coffee.decide(Turn(text, NOON))
    assert decision.action is Action.ESCALATE and decision.intent == "complaint"
