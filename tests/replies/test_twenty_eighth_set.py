"""What the thirty-fifth and thirty-sixth held-out conversation sets (heldout-35, heldout-36, now
development sets) taught: a long product word cut short ("mono" of "Monocrystalline"); another
product's word as written is no typo of this one's; a product named by the one word no other name
has ("encim"); a shop's own escalating intent decides a burst; a bare "brp?" asks which product
however many of the shop's examples say "berapa"; a typo never becomes an insult (Lampung's
"tabik"); prize scams and t.me links are spam; "beserta" joins two questions; asking to be told
when a sold-out item is back; "padang panjang" is not "padang"; Manado "so dikirim"."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.catalog import find_city
from replies.normalize import Normalizer
from replies.shopdata import InMemoryShopData, Order, Product

from .conftest import converse, edited_engine

MORNING = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 WIB
PHONE = "+6281234500777"
SHOP = InMemoryShopData([
    Product("PNL-MONO-200", "Panel Surya Monocrystalline", "200 Wp", 1550000, 8),
    Product("PNL-MONO-300", "Panel Surya Monocrystalline", "300 Wp", 2150000, 0),
    Product("PNL-POLY-100", "Panel Surya Polycrystalline", "100 Wp", 700000, 5),
    Product("STP-KNK", "Stapler Kenko HD-10", "Standar", 19000, 22),
    Product("ISI-STP", "Isi Staples Kenko No.10", "1 kotak isi 20 pak", 28000, 14),
    Product("KBY-ENC-L", "Kebaya Encim Bordir", "Putih L", 285000, 4),
    Product("KBY-ENC-XL", "Kebaya Encim Bordir", "Kuning XL", 295000, 0),
    Product("KBY-KTB", "Kebaya Kutubaru", "Hijau M", 250000, 3),
    Product("KBY-AKD", "Kebaya Akad Putih", "M", 450000, 2),
    Product("PPA-WVN-4", "Pipa PVC Wavin D 4 meter", "4 inch", 165000, 20),
    Product("PPA-WVN-3", "Pipa PVC Wavin D 4 meter", "3 inch", 115000, 25),
    Product("PPA-RCK-050", "Pipa PVC Rucika AW 4 meter", "1/2 inch", 38000, 150),
    Product("PPA-RCK-075", "Pipa PVC Rucika AW 4 meter", "3/4 inch", 48000, 90),
    Product("LEM-ISR", "Lem Pipa PVC Isarplas", "Kaleng 200 gr", 25000, 40),
    Product("BG-CATAN-BASE", "Catan", "Base Game", 650000, 5),
    Product("BG-CATAN-56", "Catan", "Ekspansi 5-6 Pemain", 325000, 0),
    Product("BNT-STD", "Bantal Dacron", "Standar", 55000, 80),
    Product("BNT-PRM", "Bantal Dacron", "Premium", 85000, 40),
    Product("GLG-STD", "Guling Dacron", "Standar", 55000, 60),
    Product("RB-120", "Roller Blind Dimout", "120x180", 310000, 3),
    Product("RB-100", "Roller Blind Dimout", "100x150", 265000, 5),
], [Order("KB26-0320", "shipped", "Lion Parcel", "11LP1698203374", PHONE, 3450000)])


def own_shop(raw) -> None:
    raw["facts"]["shipping_rates"] = {"padang": {"Armada Toko": 1000}, "padang panjang": {"Armada Toko": 2000},
                                      "metro": {"JNE": 6000}}
    raw["custom_intents"] = {
        "jual_bekas": {"action": "escalate", "keywords": ["jual bekas", "titip jual"], "examples": [
            "kak terima beli board game bekas ga? mau jual catan saya", "bisa tukar tambah game lama ga",
            "mau titip jual koleksi puzzle saya"]},
        # examples full of "berapa" and product words, as shops write them
        "hitung_kebutuhan": {"action": "escalate", "keywords": ["butuh berapa panel"], "examples": [
            "rumah saya 1300VA butuh panel berapa?", "kulkas tv kipas butuh inverter berapa watt ya",
            "aki 100ah kuat brp jam buat 5 lampu?", "panel 200wp cukup ga buat pompa air"]},
    }


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> ReplyEngine:
    return edited_engine(tmp_path_factory.mktemp("shop"), own_shop, SHOP)


def decide(engine: ReplyEngine, text: str, **kw):
    return engine.decide(Turn(text, MORNING, **kw))


def said(engine: ReplyEngine, *texts: str, **kw) -> list:
    return converse(engine, *texts, start=MORNING, step=timedelta(minutes=1), **kw)


@pytest.mark.parametrize(("text", "price", "not_said"), [
    ("panel surya mono 200wp brp?", "Rp1.550.000", "Rp700.000"),
    ("harga panel mono 200wp?", "Rp1.550.000", "Rp700.000"),
    ("kalo yg poly brp?", "Rp700.000", "Rp1.550.000"),
])
def test_a_long_word_cut_short_names_its_product(engine: ReplyEngine, text: str, price: str, not_said: str) -> None:
    decision = decide(engine, text)
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert price in decision.reply and not_said not in decision.reply


def test_another_products_word_as_written_is_no_typo(engine: ReplyEngine) -> None:
    # "monocrystalline" is one letter-run from "polycrystalline", and "stapler" from "staples"
    first, again = said(engine, "panel mono 300wp ready?", "200wp brp?")
    assert "Rp700.000" not in again.reply and "Rp1.550.000" in again.reply
    stapler = decide(engine, "kak stapler kenko ready?")
    assert "Stapler Kenko" in stapler.reply and "Isi Staples" not in stapler.reply


def test_a_product_named_by_the_one_word_no_other_name_has(engine: ReplyEngine) -> None:
    decision = decide(engine, "kak yg encim putih size L masih ada?")
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert "Kebaya Encim Bordir" in decision.reply and "Putih L" in decision.reply
    # a word of the name beside a word no product has is not sure
    assert decide(engine, "kebaya encim brokat putih ada?").action is Action.ESCALATE


def test_a_kind_word_after_another_product_is_that_kind(engine: ReplyEngine) -> None:
    *_, glue = said(engine, "pipa wavin 4 inch bara sebatang?", "3 inch?", "lem pipanyo sekalian, ado?")
    assert "Isarplas" in glue.reply and "Wavin" not in glue.reply


def test_the_shops_escalating_intent_decides_a_burst(engine: ReplyEngine) -> None:
    decision = decide(engine, "kak terima beli board game bekas ga?\nmau jual catan sama yg lain, masih mulus")
    assert (decision.action, decision.intent) == (Action.ESCALATE, "jual_bekas")
    # its examples only resembling a question about a product: the product's price
    asked = decide(engine, "panel mono 200wp brp?")
    assert (asked.action, asked.intent) == (Action.AUTO_REPLY, "price")


@pytest.mark.parametrize("text", ["brp?", "bang\nbrp?", "berapa kak?"])
def test_a_bare_how_much_asks_which_product(engine: ReplyEngine, text: str) -> None:
    decision = decide(engine, text)
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "price"), decision.reason
    assert "Rp" not in decision.reply


def test_a_typo_never_becomes_an_insult(engine: ReplyEngine) -> None:
    assert "kasar" not in Normalizer().text("tabik pun puakhi")
    greeted = decide(engine, "tabik pun puakhi\npanel surya mono 200wp brp?")
    assert greeted.action is Action.AUTO_REPLY and "Rp1.550.000" in greeted.reply
    assert decide(engine, "dasar taik").intent == "abuse"  # the insult as written still is one


@pytest.mark.parametrize("text", [
    "Selamat! Nomor Anda terpilih mendapatkan hadiah 1 unit mobil dari BRI. Konfirmasi di hadiahbri-resmi.com",
    "Kak butuh jasa naikin rating toko? review bintang 5 cuma 2rb/review, hubungi t.me/reviewmurah88",
])
def test_prize_scams_and_telegram_links_are_spam(engine: ReplyEngine, text: str) -> None:
    decision = decide(engine, text)
    assert (decision.action, decision.reply) == (Action.IGNORE, None)


def test_a_gift_and_a_payment_confirmation_are_no_prize(engine: ReplyEngine) -> None:
    decision = decide(engine, "buat hadiah ultah, sudah transfer ya mohon konfirmasi")
    assert decision.intent == "payment_confirmation"


def test_beserta_joins_two_questions(engine: ReplyEngine) -> None:
    decision = decide(engine, "Selamat pagi Bapak/Ibu. Saya ingin menanyakan harga panel surya monocrystalline 200 wp "
                              "beserta biaya kirim ke Kota Metro. Terima kasih.")
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert "Rp1.550.000" in decision.reply and "Metro" in decision.reply and "Rp6.000" in decision.reply


def test_chat_words_and_english_name_no_product(engine: ReplyEngine) -> None:
    first, declined = said(engine, "panel 300wp ready?", "ga usah kabarin, sy ambil 200wp aja, brp?")
    assert declined.action is Action.AUTO_REPLY and "Rp1.550.000" in declined.reply
    *_, expansion = said(engine, "kak catan base game ready?", "ekspansi 5-6 player nya ada juga?")
    assert expansion.action is Action.AUTO_REPLY and "Ekspansi 5-6 Pemain" in expansion.reply


def test_asking_to_be_told_when_a_sold_out_item_is_back(engine: ReplyEngine, tmp_path) -> None:
    *_, asked = said(engine, "catan ready?", "tolong kabarin ya kalo yg ekspansi 5-6 pemain udah restock")
    assert asked.action is Action.AUTO_REPLY and asked.restock_skus == ("BG-CATAN-56",)
    # a pack that sends no restock notices promises none: a person notes it
    quiet = edited_engine(tmp_path, lambda raw: [own_shop(raw), raw["messages"].pop("restock_offer"),
                                                 raw["messages"].pop("restock_confirmed")], SHOP)
    *_, noted = said(quiet, "catan ready?", "tolong kabarin ya kalo yg ekspansi 5-6 pemain udah restock")
    assert noted.action is Action.ESCALATE and not noted.restock_skus


def test_the_longest_city_name_wins(engine: ReplyEngine) -> None:
    rates = {"padang": {"A": 1}, "padang panjang": {"A": 2}}
    assert find_city("ongkir ke padang panjang?", rates, {"pdg": "padang"}) == ("padang panjang", None)
    decision = decide(engine, "ongkir ke padang panjang?")
    assert "Padang Panjang" in decision.reply and "Rp2.000" in decision.reply


def test_manado_so_dikirim_asks_the_orders_status(engine: ReplyEngine) -> None:
    decision = decide(engine, "kaka panel mono kita so dikirim?", customer_phone=PHONE)
    assert decision.intent == "order_status" and "11LP1698203374" in decision.reply


def test_a_product_named_before_its_question(engine: ReplyEngine) -> None:
    both = decide(engine, "bantal dacron sm guling dacron brp kak?")
    assert "Rp55.000–Rp85.000" in both.reply and "Guling Dacron" in both.reply
    sized = decide(engine, "kak\nroller blind\nyg 120x180 brp")
    assert "Rp310.000" in sized.reply and "Rp265.000" not in sized.reply
