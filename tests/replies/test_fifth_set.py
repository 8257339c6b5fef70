"""What the fifth held-out conversation set (heldout-5, now a development set) taught: Palembang and
Balinese phrasing, a courier named after a shipping answer, "berapa biayanya" beside a shipping
question, a statement beside a question, a cancellation that names a shop's own keyword, "kalau
sampai pecah gimana?" as a policy question, address changes written loosely, a failed delivery."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Order, Product
from replies.voice import load_brand_pack

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData(
    [Product("KST-250", "Kastengel Keju", "250 gr", 95000, 0), Product("KST-500", "Kastengel Keju", "500 gr", 180000, 4),
     Product("PSR-TOFU", "Pasir Tofu", "Original", 89000, 9)],
    [Order("DCI-0150", "paid", "JNE", "", "+6281200000150", 285000)],
)


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


@pytest.mark.parametrize(("text", "intent", "action"), [
    ("kastengel keju 500 gr ado dak stoknyo?", "stock", Action.AUTO_REPLY),  # Palembang: ada tidak stoknya
    ("pacak COD dak kak?", "payment", Action.AUTO_REPLY),  # bisa COD tidak
    ("kak aku nak batalke pesanan DCI-0150 bae, dak jadi", "order_change", Action.ESCALATE),
    ("Om Swastiastu bli, pasir tofu original aji kuda nggih?", "price", Action.AUTO_REPLY),  # Balinese: berapa harganya
    ("suksma bli 🙏", "thanks", Action.AUTO_REPLY),
    ("kalau sampai rumah toplesnya pecah gimana kak? diganti ga?", "return_refund", Action.AUTO_REPLY),
    ("kak alamat pengiriman pesanan DCI-0150 mau aku ganti, pindah ke kosan baru", "order_change", Action.ESCALATE),
    ("kak di aplikasi statusnya gagal kirim, katanya alamat ga ketemu", "complaint", Action.ESCALATE),
])
def test_what_the_fifth_set_taught(engine, text, intent, action) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert (decision.intent, decision.action) == (intent, action), decision.reason


def test_a_courier_named_after_a_shipping_answer_asks_its_rate_not_a_parcel(engine) -> None:
    first = engine.decide(Turn("ongkir ke medan brp kak", NOON))
    courier = engine.decide(Turn("kalo jne?", NOON, memory=first.memory))
    assert courier.action is Action.AUTO_REPLY and courier.intents == ("shipping_cost",), courier.reason
    assert "JNE" in courier.reply and "Medan" in courier.reply


def test_the_cost_asked_beside_a_shipping_question_is_the_shipping_cost(engine) -> None:
    decision = engine.decide(Turn("Selamat siang. Mohon informasi, apakah pengiriman ke Medan dapat menggunakan JNE "
                                  "dan berapa biayanya?", NOON))
    assert decision.action is Action.AUTO_REPLY and decision.intents == ("shipping_cost",), decision.reason
    assert "katalog" not in decision.reply


def test_a_statement_beside_a_question_leaves_the_question_answered(engine) -> None:
    decision = engine.decide(Turn("ongkir ke medan brp kak? mau kirim kue buat mertua", NOON))
    assert decision.action is Action.AUTO_REPLY and "Medan" in decision.reply, decision.reason


def test_points_understood_one_by_one_are_answered_though_the_whole_reads_unclear(engine) -> None:
    decision = engine.decide(Turn("kak\npasir tofu original brp\nbisa cod?", NOON))
    assert decision.action is Action.AUTO_REPLY and "89.000" in decision.reply, decision.reason


def test_a_cancellation_wins_over_a_shops_own_keyword(tmp_path: Path) -> None:
    default = (Path(__file__).resolve().parents[2] / "replies" / "packs" / "default.yaml").read_text(encoding="utf-8")
    pack_file = tmp_path / "kue.yaml"
    pack_file.write_text(default + """
custom_intents:
  pre_order:
    action: auto_reply
    keywords: [pesanan hampers, hampers]
    examples: ["po hampers lebaran kapan", "hampers bisa pesan sekarang?", "pre order hampers sampai kapan"]
    replies:
      id: ["Pre-order hampers Lebaran dibuka sampai 28 Februari ya {{ honorific }}."]
""", encoding="utf-8")
    engine = ReplyEngine(load_brand_pack(pack_file), SHOP)
    assert engine.decide(Turn("po hampers sampai kapan kak?", NOON)).intent == "pre_order"
    decision = engine.decide(Turn("kak batalke pesanan hampers DCI-0150 bae, dak jadi", NOON))
    assert (decision.intent, decision.action) == ("order_change", Action.ESCALATE), decision.reason
