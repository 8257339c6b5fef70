"""What the thirty-seventh and thirty-eighth held-out conversation sets (heldout-37, heldout-38, now
development sets) taught: a shop's keyword in the variant asked about ("saron besi pelog") is a
question about that product; chat words are no product ("oiya", "per setnya", "haraganya",
Acehnese "hana"); a fragment that only carries on the question before it ("blm ada kabar", "atau
apa aja"); a product named before its question keeps the words between ("plus gearbox"); a size
written as dimensions in a message of its own ("yg 80x180"); Acehnese thanks."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Order, Product

from .conftest import converse, edited_engine

MORNING = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 WIB
PHONE = "+6281234500888"
SHOP = InMemoryShopData([
    Product("SRN-BSI-PL", "Saron Barung", "Besi Pelog", 1350000, 4),
    Product("SRN-BSI-SL", "Saron Barung", "Besi Slendro", 1350000, 7),
    Product("SRN-PRG-SL", "Saron Barung", "Perunggu Slendro", 4800000, 2),
    Product("GNG-PRG-80", "Gong Ageng", "Perunggu 80 cm", 22000000, 1),
    Product("GNG-PRG-90", "Gong Ageng", "Perunggu 90 cm", 28500000, 1),
    Product("TBH-SET", "Tabuh Saron", "per set", 485000, 9),
    Product("MD-KBT-110", "Mesin Diesel Kubota RD110", "Tanpa Gearbox", 15900000, 2),
    Product("MD-KBT-110G", "Mesin Diesel Kubota RD110", "Plus Gearbox", 19400000, 0),
    Product("XBN-60160", "X-Banner", "60x160 cm cetak + rangka", 85000, 25),
    Product("XBN-80180", "X-Banner", "80x180 cm cetak + rangka", 110000, 4),
], [Order("SPM-0529", "cancelled", None, None, PHONE, 2450000)])


def gamelan_shop(raw) -> None:
    raw["custom_intents"] = {"laras_tuning": {
        "action": "auto_reply", "keywords": ["laras", "pelog", "slendro", "setem", "tuning"],
        "examples": ["bisa setem ulang gamelan lama?", "laras pelog atau slendro?", "terima tuning gamelan?"],
        "replies": {"id": ["Bisa {{ honorific }}, setem ulang di sanggar kami."], "en": ["Yes, we retune gamelan."]}}}
    raw["facts"]["payment_methods"] = ["transfer BSI", "transfer Bank Aceh Syariah", "COD"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> ReplyEngine:
    return edited_engine(tmp_path_factory.mktemp("gamelan"), gamelan_shop, SHOP)


def decide(engine: ReplyEngine, text: str, **kw):
    return engine.decide(Turn(text, MORNING, **kw))


def said(engine: ReplyEngine, *texts: str, **kw) -> list:
    return converse(engine, *texts, start=MORNING, step=timedelta(minutes=1), **kw)


def test_a_shops_keyword_in_the_variant_asked_about(engine: ReplyEngine) -> None:
    decision = decide(engine, "kak saron besi pelog ready?")
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "stock")
    assert "Saron Barung" in decision.reply and "Besi Pelog" in decision.reply
    assert decide(engine, "bisa setem ulang gamelan lama kak?").intent == "laras_tuning"


@pytest.mark.parametrize(("first", "then", "price"), [
    ("gong ageng perunggu ready?", "oiya harga yg 80 cm brp mas?", "Rp22.000.000"),
    ("tabuh saron ada?", "harga per setnya?", "Rp485.000"),
    ("saron perunggu slendro ada?", "berapa haraganya?", "Rp4.800.000"),
])
def test_chat_words_name_no_product(engine: ReplyEngine, first: str, then: str, price: str) -> None:
    *_, decision = said(engine, first, then)
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert price in decision.reply


def test_a_fragment_carrying_on_the_question_before_it(engine: ReplyEngine) -> None:
    status = decide(engine, "bang pesanan sy gimana statusnya? blm ada kabar", customer_phone=PHONE)
    assert (status.action, status.intent) == (Action.AUTO_REPLY, "order_status"), status.reason
    assert "SPM-0529" in status.reply
    methods = decide(engine, "bayar bisa pake BRI ga bang?\natau apa aja")
    assert methods.action is Action.AUTO_REPLY and "BSI" in methods.reply
    # words of their own still count: a late parcel and "tolong dicek" is no status question alone
    assert decide(engine, "paket SPM-0529 blm dtg2 sdh seminggu\ntolong dicek kak").action is Action.ESCALATE


def test_a_product_named_before_its_question_keeps_the_words_between(engine: ReplyEngine) -> None:
    decision = decide(engine, "mesin kubota rd110 plus gearbox ready bang?")
    assert "Plus Gearbox" in decision.reply and "kosong" in decision.reply


def test_a_size_written_as_dimensions_in_a_message_of_its_own(engine: ReplyEngine) -> None:
    decision = decide(engine, "xbanner brp kak\nyg 80x180")
    assert "Rp110.000" in decision.reply and "Rp85.000" not in decision.reply


def test_acehnese_thanks(engine: ReplyEngine) -> None:
    *_, thanked = said(engine, "saron besi slendro brp?", "ok teurimong gaseh bang")
    assert (thanked.action, thanked.intent) == (Action.AUTO_REPLY, "thanks")


@pytest.mark.parametrize("text", [
    "oke aku ambil 1 ya, kirim ke Jl. Solo-Jogja km 3 Kartasura a.n. Wulan, cod",
    "ya sudah ulun pesan nang 20 orang 1 buah gasan tanggal 14, atas nama Pak Udin, nanti ulun DP",
    "oke aku ambil 1 ya kak\nkirim ke slawi, jl. Ahmad Yani 40 a.n. Dewi",
    "ok pesan 1 yo kak, antar ka tabing, bayar cod",
])
def test_an_order_placed_in_the_chat_goes_to_a_person(engine: ReplyEngine, text: str) -> None:
    decision = decide(engine, text)
    assert (decision.action, decision.intent) == (Action.ESCALATE, "new_order")


@pytest.mark.parametrize("text", [
    "kak paket saya udah dikirim belum ya? pesen atas nama Rizal",  # a status question, named
    "transfer ke rekening a.n. siapa kak?",  # the account's holder
])
def test_a_name_given_is_no_order_placed(engine: ReplyEngine, text: str) -> None:
    assert decide(engine, text).intent != "new_order"
