"""Never miss the point: the burst is decided as a whole, and the finer intents are recognised."""
import subprocess
import sys
from pathlib import Path

import pytest

from replies import Action, ReplyEngine, load_brand_pack
from replies.voice import DEFAULT_PACK

ROOT = Path(__file__).resolve().parents[2]


def test_a_complaint_inside_a_burst_decides_it(engine, turn) -> None:
    d = engine.decide(turn("ongkir ke solo brp?\nbtw paket minggu lalu kok ga dateng2, kesel 😤"))
    assert d.intent == "complaint" and d.action is Action.ESCALATE and "priority" in d.flags
    assert d.reply is None  # an agent answers; the pipeline sends the calm acknowledgement


@pytest.mark.parametrize("text, severe", [
    ("ready kak?\nanjing lama banget", "abuse"),
    ("brp ongkir ke medan\nmau ngomong sama admin aja", "human"),
    ("halo kak\nbarang saya datang rusak, kecewa", "complaint"),
])
def test_any_severe_point_decides_the_burst(engine, turn, text, severe) -> None:
    d = engine.decide(turn(text))
    assert d.intent == severe and d.action is Action.ESCALATE


@pytest.mark.parametrize("text", ["sudah transfer ya kak, tolong dicek", "udh tf ya min", "ini bukti transfernya kak",
                                  "I have paid, please check"])
def test_payment_confirmation_thanks_and_hands_over(engine, turn, text) -> None:
    d = engine.decide(turn(text))
    assert d.intent == "payment_confirmation" and d.action is Action.ESCALATE
    assert "payment_confirmation" in d.flags
    assert ("Terima kasih" in d.reply or "Thank you" in d.reply) and ("cek" in d.reply or "check" in d.reply)
    assert "BCA 1234567890" not in d.reply  # not the list of payment methods
    assert engine.handover_note(turn(text), d) is None  # it already told the customer


def test_payment_question_is_still_answered(engine, turn) -> None:
    d = engine.decide(turn("transfer ke rekening apa kak"))
    assert d.intent == "payment" and d.action is Action.AUTO_REPLY


def test_cancel_order_hands_over_with_the_order_number(engine, turn) -> None:
    d = engine.decide(turn("batalin pesanan INV-0100 ya"))
    assert d.intent == "order_change" and d.action is Action.ESCALATE
    assert d.order_number == "INV-0100" and "order_change" in d.flags and "INV-0100" in d.reason
    assert d.reply is None and engine.handover_note(turn("batalin pesanan INV-0100 ya"), d)


def test_change_address_is_an_order_change(engine, turn) -> None:
    assert engine.decide(turn("kak mau ganti alamat pengiriman bisa?")).intent == "order_change"


def test_received_thanks_is_thanks_not_order_status(engine, turn) -> None:
    d = engine.decide(turn("paketnya udah diterima, thanks kak"))
    assert d.intent == "thanks" and d.action is Action.AUTO_REPLY
    assert d.reply.startswith("Sama-sama") and "INV" not in d.reply


def test_refund_not_received_is_a_handover_not_the_policy(engine, turn) -> None:
    d = engine.decide(turn("dana refund saya kok belum balik"))
    assert d.intent == "refund_status" and d.action is Action.ESCALATE and "priority" in d.flags
    assert d.reply is None
    assert engine.decide(turn("gimana cara refund")).intent == "return_refund"


def test_opening_hours_from_the_pack(engine, turn) -> None:
    d = engine.decide(turn("buka sampe jam brp?"))
    assert d.intent == "business_hours" and d.action is Action.AUTO_REPLY
    assert "Senin-Jumat 08.00-21.00" in d.reply and "Sabtu 09.00-17.00" in d.reply


@pytest.mark.parametrize("text", ["P", "p", "ping"])
def test_ping_is_greeted_and_asked_their_need(engine, turn, text) -> None:
    d = engine.decide(turn(text))
    assert d.intent == "greeting" and d.action is Action.AUTO_REPLY
    assert d.reply.startswith("Selamat pagi") and "bantu" in d.reply


@pytest.mark.parametrize("text", ["Assalamualaikum", "assalamu'alaikum min", "Assalamualaikum kak, ongkir ke medan brp"])
def test_salam_is_answered_waalaikumsalam(engine, turn, text) -> None:
    d = engine.decide(turn(text))
    assert d.action is Action.AUTO_REPLY and d.reply.startswith("Waalaikumsalam")
    assert "Selamat pagi" not in d.reply


@pytest.mark.parametrize("text", ["bisa kurang kak?", "nego ya kak", "harga pas nya berapa, bisa nego?"])
def test_bargaining_gets_the_packs_answer(engine, turn, text) -> None:
    d = engine.decide(turn(text))
    assert d.intent == "bargain" and d.action is Action.AUTO_REPLY and "harga pas" in d.reply


def test_bargaining_without_a_pack_answer_goes_to_an_agent(tmp_path, turn) -> None:
    text = DEFAULT_PACK.read_text(encoding="utf-8")
    start, end = text.index("  bargain:\n"), text.index("  size_chart:\n    id:")
    path = tmp_path / "pack.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    d = ReplyEngine(load_brand_pack(path)).decide(turn("bisa kurang kak?"))
    assert d.intent == "bargain" and d.action is Action.ESCALATE and d.reply is None


@pytest.mark.parametrize("text", ["size chart ada kak?", "lingkar dada size L berapa"])
def test_size_chart(engine, turn, text) -> None:
    d = engine.decide(turn(text))
    assert d.intent == "size_chart" and d.action is Action.AUTO_REPLY and "LD 104" in d.reply


def test_custom_intent_keyword_counts_in_a_burst(tmp_path, turn) -> None:
    extra = """
custom_intents:
  reseller:
    action: escalate
    keywords: [reseller, dropship]
    examples: ["mau jadi reseller", "syarat reseller apa", "bisa dropship?"]
"""
    path = tmp_path / "pack.yaml"
    path.write_text(DEFAULT_PACK.read_text(encoding="utf-8") + extra, encoding="utf-8")
    d = ReplyEngine(load_brand_pack(path)).decide(turn("halo kak, ongkir ke medan brp? aku mau daftar reseller"))
    assert "reseller" in d.intents and d.action is Action.ESCALATE


def test_public_complaint_gets_no_public_reply(engine, turn) -> None:
    d = engine.decide(turn("barang saya datang rusak, kecewa", is_public_comment=True))
    assert d.intent == "complaint" and d.public_reply is None and d.reply is None


def test_cli_try_decides_the_whole_burst() -> None:
    res = subprocess.run([sys.executable, "-m", "replies", "try", "ongkir ke solo brp?",
                          "btw paket minggu lalu kok ga dateng2, kesel 😤", "--at", "2026-11-23T10:00+07:00"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "(no reply)" in res.stdout and "intent=complaint" in res.stderr and "priority" in res.stderr
