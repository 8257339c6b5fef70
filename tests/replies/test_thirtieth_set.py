"""What the thirty-ninth and fortieth held-out conversation sets (heldout-39, heldout-40, now
development sets) taught: a storage size written without its unit ("8/256" of "8GB/256GB"); when a
product expires is asked, not complained of; what a product is for is no question of the shop's
own escalating intent ("drontal ada? obat cacing kucing"); a colour a product never came in beside
its one telling word ("cat tree nya ada warna pink?"); a holiday's opening hours."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

from .conftest import converse, edited_engine

MORNING = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 WIB
SHOP = InMemoryShopData([
    Product("DL-7490-A8", "Dell Latitude 7490", "Grade A 8GB/256GB", 4200000, 0),
    Product("DL-7490-A16", "Dell Latitude 7490", "Grade A 16GB/512GB", 4800000, 1),
    Product("DL-7490-B8", "Dell Latitude 7490", "Grade B 8GB/256GB", 3700000, 3),
    Product("RC-IND-2", "Royal Canin Indoor", "2 kg", 310000, 6),
    Product("DRONTAL", "Drontal Cat", "1 Tablet", 28000, 10),
    Product("CTR-ABU", "Cat Tree 3 Tingkat", "Abu-abu", 385000, 1),
    Product("CTR-KRM", "Cat Tree 3 Tingkat", "Krem", 385000, 0),
    Product("WHK-1", "Whiskas Cat Food Tuna", "1.2 kg", 75000, 9),
    Product("POT-K", "Pot Gantung Terakota", "Kecil", 15000, 80),
    Product("POT-B", "Pot Gantung Terakota", "Besar", 27500, 0),
    Product("BKK-18", "Bingka Kentang", "Loyang 18 cm", 65000, 6),
    Product("BKK-24", "Bingka Kentang", "Loyang 24 cm", 95000, 0),
])


def cat_shop(raw) -> None:
    raw["custom_intents"] = {"vet_question": {
        "action": "escalate", "keywords": ["muntah", "diare", "sakit", "dokter hewan"],
        "examples": ["kucingku muntah terus obatnya apa ya", "kucing diare dikasih obat apa",
                     "anabul sakit gak mau makan gimana", "obat cacing yang bagus apa ya"]}}
    raw["holidays"] = [{"date": "2026-12-25", "name": "Natal"}]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> ReplyEngine:
    return edited_engine(tmp_path_factory.mktemp("cats"), cat_shop, SHOP)


def decide(engine: ReplyEngine, text: str, now: datetime = MORNING):
    return engine.decide(Turn(text, now))


def test_a_storage_size_without_its_unit_picks_the_variant(engine: ReplyEngine) -> None:
    first, yes = converse(engine, "dell 7490 grade a 8/256 ready kak?", "iya boleh kak kabarin", start=MORNING,
                          step=timedelta(minutes=1))
    assert "Grade A 8GB/256GB" in first.reply and "kosong" in first.reply
    assert yes.intent == "restock_request" and yes.restock_skus == ("DL-7490-A8",)


def test_when_it_expires_is_asked_not_complained_of(engine: ReplyEngine) -> None:
    assert decide(engine, "expired nya kapan kak yg royal canin indoor?").intent != "complaint"
    assert decide(engine, "kak makanannya udah expired!").intent == "complaint"
    assert decide(engine, "kok dapet yg kadaluarsa sih").intent == "complaint"


def test_what_a_product_is_for_is_no_question_of_the_shops_own(engine: ReplyEngine) -> None:
    decision = decide(engine, "drontal ada kak? obat cacing kucing")
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "stock")
    asked = decide(engine, "kucingku muntah terus, obatnya apa ya kak?")
    assert (asked.action, asked.intent) == (Action.ESCALATE, "vet_question")


def test_a_colour_it_never_came_in_beside_its_telling_word(engine: ReplyEngine) -> None:
    decision = decide(engine, "cat tree nya ada warna pink ga kak?")
    assert decision.action is Action.AUTO_REPLY and "Cat Tree 3 Tingkat" in decision.reply
    assert "Abu-abu" in decision.reply and "Whiskas" not in decision.reply


@pytest.mark.parametrize("text", ["natal buka ka?", "pas lebaran tutup ga kak?"])
def test_a_holidays_opening_hours(engine: ReplyEngine, text: str) -> None:
    christmas = datetime(2026, 12, 25, 8, 0, tzinfo=timezone.utc)
    decision = decide(engine, text, christmas)
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "business_hours")


def test_a_tax_invoice_goes_to_a_person(engine: ReplyEngine) -> None:
    decision = decide(engine, "Pagi min, bisa minta faktur pajak atas nama PT?\nbuat pengadaan laptop kantor kami")
    assert (decision.action, decision.intent) == (Action.ESCALATE, "tax_invoice")


def test_a_shops_keyword_is_read_as_its_messages_are(tmp_path) -> None:
    """"faktur pajak" as a keyword must match "faktur pajak" in a message: both normalised alike."""
    def invoices(raw) -> None:
        raw["custom_intents"] = {"faktur_pajak": {
            "action": "auto_reply", "keywords": ["faktur pajak", "npwp"],
            "examples": ["bisa minta faktur pajak?", "kantor kami butuh efaktur", "bisa pakai npwp perusahaan"],
            "replies": {"id": ["Bisa {{ honorific }}, kirim NPWP saat order ya."], "en": ["Yes, send your NPWP."]}}}
    shop = edited_engine(tmp_path, invoices, SHOP)
    decision = decide(shop, "Selamat siang. Kami dari CV Maju ingin menanyakan apakah bisa diterbitkan faktur pajak "
                            "untuk pembelian toner?")
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "faktur_pajak")
    assert "NPWP" in decision.reply


def test_a_size_in_a_regions_words(engine: ReplyEngine) -> None:
    big = decide(engine, "Nuwun sewu mbak, pot gantung terakota ingkang ageng taksih wonten?")
    assert "Pot Gantung Terakota Besar" in big.reply and "kosong" in big.reply
    *_, small = converse(engine, "pot gantung terakota ready?", "nggih sampun, sing alit regine pinten?", start=MORNING)
    assert small.action is Action.AUTO_REPLY and "Rp15.000" in small.reply and "Rp27.500" not in small.reply
    *_, banjar = converse(engine, "kak bingka kentang brapa?", "nang ganal kadada lah?", start=MORNING)
    assert banjar.action is Action.AUTO_REPLY and "Loyang 24 cm" in banjar.reply
