"""What the eighteenth held-out conversation set (heldout-18, now a development set) taught: a
part code is matched exactly, "BR7HS" is not "B7HS" (its first run stated the price range); parcels
gone wrong, payments and order changes in Javanese and eastern words."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([Product("BSI-B7HS", "Busi Mesin Tempel", "B7HS", 35000, 60),
                         Product("BSI-BR7HS", "Busi Mesin Tempel", "BR7HS", 38000, 40)])


def test_a_part_code_is_matched_exactly() -> None:
    decision = ReplyEngine.default(SHOP).decide(Turn("selamat natal kaka!\nbusi BR7HS masih ada ka? brapa", NOON))
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert "Rp38.000" in decision.reply and "Rp35.000" not in decision.reply, decision.reply



@pytest.mark.parametrize(("text", "intent"), [
    ("mas paket PSM-2611-019 sudah sampe tapi deker e cuma siji\nharusnya sepasang kan\ntolong dicek", "complaint"),
    ("kak paket SRW-01209 udah dateng tp warnanya merah\naku pesen navy lho\ngmn ini", "complaint"),
    ("kaka, sa pesan busi BR7HS yang datang B7HS\nBMS/1126/018\nbagemana ini", "complaint"),
    ("BMS/1126/034 su 9 hari belum sampe manokwari\nJ&T bilang barang di gudang terus", "complaint"),
    ("sa su transfer 70 ribu lewat bank papua e\nBMS/1126/031", "payment_confirmation"),
    ("mas PSM-2611-012 bisa ganti ukuran L jadi XL ga? kan blm dikirim", "order_change"),
])
def test_what_only_a_person_can_settle_in_eastern_and_javanese_words(text, intent) -> None:
    decision = ReplyEngine.default(SHOP).decide(Turn(text, NOON))
    assert decision.intent == intent and decision.action is Action.ESCALATE, decision.reason
