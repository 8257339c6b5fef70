"""What the seventeenth held-out conversation set (heldout-17, now a development set) taught: watt
and volt beside their numbers, a kind's products narrowed to the size asked in a price list,
Kupang and Jambi words, things that broke soon after buying, Makassar payment confirmations, a
shop's own intent that only resembles a product question."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([
    Product("PNL-M-100", "Panel Surya Monocrystalline", "100 Wp", 950000, 5),
    Product("PNL-M-200", "Panel Surya Monocrystalline", "200 Wp", 1750000, 3),
    Product("PNL-P-100", "Panel Surya Polycrystalline", "100 Wp", 825000, 4),
    Product("LMP-60", "Lampu Jalan Tenaga Surya", "60W", 650000, 6),
    Product("LMP-100", "Lampu Jalan Tenaga Surya", "100W", 990000, 2),
    Product("DDS-S", "Dodos Sawit", "Kecil", 65000, 9),
    Product("DDS-B", "Dodos Sawit", "Besar", 75000, 4),
])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("text", "fact", "not_fact"), [
    ("kaka panel surya 100wp harga brapa?", "Rp950.000", "Rp1.750.000"),  # both 100 Wp panels, not the 200
    ("kaka lampu jalan tenaga surya 100 watt brapa", "Rp990.000", "Rp650.000"),
])
def test_sizes_with_their_units_narrow_the_price(engine, text, fact, not_fact) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert decision.action is Action.AUTO_REPLY and fact in decision.reply and not_fact not in decision.reply, decision.reply


def test_jambi_big_one_and_price(engine) -> None:
    first = engine.decide(Turn("dodos sawit ado?", NOON))
    then = engine.decide(Turn("yg besak hargo brp", NOON, memory=first.memory))
    assert "Rp75.000" in then.reply and "Rp65.000" not in then.reply, then.reply


@pytest.mark.parametrize("text", [
    "kaka lampu jalan yang beta beli baru 3 hari su mati\nSTS-0218\ntolong ganti",
    "kak sprayer elektrik yg sy beli dinamonyo dak idup\nbaru 2 minggu dipake",
    "The inverter I received (order STS-0211) makes a loud buzzing noise. I want a replacement.",
])
def test_broken_soon_after_buying_is_a_complaint(engine, text) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert decision.action is Action.ESCALATE and decision.intent in ("complaint", "return_request"), decision.reason


def test_a_makassar_payment_confirmation(engine) -> None:
    decision = engine.decide(Turn("kak sudah ka transfer 330rb ke BCA nah\nPLS-3305\nini bukti tfnya", NOON))
    assert decision.intent == "payment_confirmation" and decision.action is Action.ESCALATE
