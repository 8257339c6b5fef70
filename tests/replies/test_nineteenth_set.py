"""What the nineteenth held-out conversation set (heldout-19, now a development set) taught: a
complaint wins over a shop's own keyword, fear of damage is no complaint, a large quantity is for
a person to price, Minang yes and praise, Javanese "no, I'll think about it" and "totale piro"."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Order, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([Product("TSB-01", "Tas Spunbond Custom", "30x40 cm", 4500, 5000),
                         Product("TYB-HTM", "Kain Toyobo", "Hitam", 28000, 0)],
                        [Order("KMJ-0411", "pending_payment", None, None, "081200003333", 650000)])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("text", "intent", "action"), [
    ("kak INV/20261125/MPL/4417203391 di tokped katanya sdh diterima tp sy blm dapat paketnya", "complaint",
     Action.ESCALATE),
    ("mbak KMJ-0407 nama pengantinnya salah tulis\nharusnya Rizky & Ayu, bukan Rizki", "complaint", Action.ESCALATE),
    ("kak aku EO, mau ambil tas spunbond 2000 pcs buat 3 acara. bisa nego harga?", "wholesale", Action.ESCALATE),
    ("tarimo kasih ni, kainnyo alah sampai, rancak bana", "thanks", Action.AUTO_REPLY),
])
def test_what_the_nineteenth_set_taught(engine, text, intent, action) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == (intent, action), decision.reason


def test_fear_of_damage_is_a_question_not_a_complaint(engine) -> None:
    decision = engine.decide(Turn("packing kayu bayar lagi ga kak? takut pecah di jalan", NOON))
    assert decision.intent != "complaint", decision.reason


@pytest.mark.parametrize(("answer", "accepted"), [("iyo ni, kaba an yo kalau alah ado", True),
                                                  ("ga usah kak, tak pikir2 dulu", False)])
def test_minang_yes_and_javanese_no_to_a_restock_offer(engine, answer, accepted) -> None:
    offer = engine.decide(Turn("ni, kain toyobo hitam lai ado?", NOON))
    assert offer.memory.get("restock_offer"), offer.reply
    then = engine.decide(Turn(answer, NOON, memory=offer.memory))
    assert then.action is Action.AUTO_REPLY and bool(then.restock_skus) is accepted, then.reason


def test_javanese_total_of_an_order(engine) -> None:
    decision = engine.decide(Turn("pesenanku totale piro kak? mau tak bayar", NOON, customer_phone="081200003333"))
    assert decision.action is Action.AUTO_REPLY and "Rp650.000" in decision.reply, decision.reason
