"""What the sixth held-out conversation set (heldout-6, now a development set) taught: Minang and
Javanese krama words, abbreviations catalogues spell out, praise that mentions stitching, the total
of an order just talked about, a refund asked "kapan masuk", a wrong item sent, an investment
pitch, wholesale prices, couriers and account numbers asked, "kalau mati bisa diganti?", and the
colours of the product named in the same burst."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Order, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData(
    [Product("SPN-YMH", "Spion Standar Yamaha", "Hitam", 45000, 8),
     Product("STR-20", "Strap Jam Kulit", "20 mm Coklat", 95000, 10),
     Product("STR-22", "Strap Jam Kulit", "22 mm Hitam", 95000, 4),
     Product("AGL-15", "Aglonema Red Sumatra", "Pot 15 cm", 120000, 3)],
    [Order("SJM-00420", "pending_payment", "", "", "+6281269907713", 143000),
     Order("SJM-00412", "shipped", "JNE", "JNE00412", "+6281200000412", 90000)],
)


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("text", "intent", "action"), [
    ("makasih kak, tasnya bagus banget 😍 jahitannya rapi", "thanks", Action.AUTO_REPLY),
    ("kak refund buat pesanan SJM-00412 kapan masuk ya? udah 5 hari loh", "refund_status", Action.ESCALATE),
    ("bang kampas yg dikirim salah, aku pesan utk vario. SJM-00412", "complaint", Action.ESCALATE),
    ("kak kalau ambil grosir 50 pcs dapet harga reseller ga?", "wholesale", Action.ESCALATE),
    ("Which couriers do you use?", "shipping_cost", Action.AUTO_REPLY),
    ("rekening bca nya brp?", "payment", Action.AUTO_REPLY),
    ("kak kalau tanamannya nanti mati pas nyampe bisa diganti ga?", "return_refund", Action.AUTO_REPLY),
])
def test_what_the_sixth_set_taught(engine, text, intent, action) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == (intent, action), decision.reason


def test_an_investment_pitch_is_spam_and_gets_nothing(engine) -> None:
    decision = engine.decide(Turn("Hello dear, I am a business investor from UK with a profitable crypto partnership "
                                  "offer, guaranteed 300% return. Contact me on telegram @invest_uk_2026", NOON))
    assert (decision.intent, decision.action, decision.reply) == ("spam", Action.IGNORE, None)


def test_paid_but_not_shipped_yet_asks_the_status_not_a_payment_to_check(engine) -> None:
    decision = engine.decide(Turn("kak pesananku udah dibayar kok belum dikirim2 ya?", NOON,
                                  customer_phone="+6281200000412"))
    assert decision.intent != "payment_confirmation", decision.reason


@pytest.mark.parametrize("text", ["brp hrg spion std yamaha bg", "Uni, ado aglonema red sumatra? bara haragonyo?"])
def test_abbreviations_and_minang_name_the_product_and_ask_its_price(engine, text) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert decision.action is Action.AUTO_REPLY and "Rp" in decision.reply, decision.reason


def test_the_total_after_an_order_was_looked_up_is_that_orders(engine) -> None:
    first = engine.decide(Turn("bang status SJM-00420?", NOON))
    total = engine.decide(Turn("oh iya lupa aku, total brp tadi?", NOON, memory=first.memory))
    assert total.action is Action.AUTO_REPLY and "143.000" in total.reply, total.reason


def test_the_total_beside_an_order_question_is_no_product_to_look_up(engine) -> None:
    decision = engine.decide(Turn("kak pesanan saya belum dibayar kan? totalnya berapa?", NOON,
                                  customer_phone="+6281269907713"))
    assert decision.action is Action.AUTO_REPLY and "143.000" in decision.reply, decision.reason


def test_colours_asked_in_the_burst_that_names_the_product(engine) -> None:
    decision = engine.decide(Turn("kak\nmau tanya\nstrap jam 22 mm ada?\nwarna apa aja", NOON))
    assert decision.action is Action.AUTO_REPLY and "Hitam" in decision.reply, decision.reason


def test_javanese_krama_order_question_is_an_order_question(engine) -> None:
    decision = engine.decide(Turn("mbak, pesenan kula sampun dikirim dereng nggih?", NOON,
                                  customer_phone="+6281200000412"))
    assert decision.intent == "order_status" and "JNE00412" in (decision.reply or ""), decision.reason
