"""What the twenty-fifth held-out conversation set (heldout-25, now a development set) taught:
Riau and Pontianak Malay ("bara sesak?", "berape harge nye?", "ade", "-nyo"); a city inside a
product's name ("Semen Padang") is no destination; a model code written apart ("mu 380"); a
product word that is a complaint's or a person's word ("Anti Bocor", "Human Hair"); "masing2"
after two products; "setengah kilo"; a product's name alone answering "yang mana?"; a service's ad
with a phone number; live goods that arrived dead; adding to an order."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from replies import Action, ReplyEngine
from replies.shopdata import InMemoryShopData, Order, Product

from .conftest import converse, edited_engine

MORNING = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 WIB
SHOP = InMemoryShopData([
    Product("SMN-PDG-50", "Semen Padang PCC", "50 kg per sak", 72000, 300),
    Product("SMN-PDG-40", "Semen Padang PCC", "40 kg per sak", 61000, 0),
    Product("MU380", "Semen Instan MU-380 Perekat Bata Ringan", "40 kg per sak", 92000, 40),
    Product("MU301", "Semen Instan MU-301 Plester", "40 kg per sak", 88000, 25),
    Product("NDP-AB", "Cat Pelapis Anti Bocor No Drop 007", "Abu-abu 4 kg", 145000, 10),
    Product("NDP-TR", "Cat Pelapis Anti Bocor No Drop 007", "Terracotta 4 kg", 145000, 0),
    Product("RLR", "Roller Cat Nankai", "9 inch", 35000, 12),
    Product("KUAS", "Kuas Cat Eterna", "3 inch", 12000, 40),
    Product("JGK-1", "Jangkrik Kalung Hidup", "1 kg", 60000, 0),
    Product("JGK-H", "Jangkrik Kalung Hidup", "1/2 kg", 32000, 8),
    Product("WIG-PR-H", "Wig Pria Short Layer Sintetis", "Hitam", 165000, 5),
    Product("WIG-HH", "Wig Human Hair Lace Front Lurus Remy", "45 cm Natural Black", 1250000, 2),
    Product("CPT", "Ciput Poni Rambut Palsu untuk Hijab", "Hitam", 49000, 9),
    Product("CPL", "Cepol Jedai Messy Bun", "Hitam", 39000, 22),
    Product("SHP", "Shampoo Khusus Wig Sintetis", "250 ml", 55000, 15),
    Product("CND", "Conditioner Spray Wig Anti Kusut", "150 ml", 48000, 0),
    Product("V60-D", "V60 Dripper Keramik", "02 Putih", 125000, 4),
    Product("V60-K", "Kertas Filter V60", "100 lembar", 38000, 9),
    Product("KRM-KIA", "Keramik Dinding KIA 25x40", "Putih Polos per dus isi 10", 58000, 80),
    Product("KRM-RMN", "Keramik Dinding Roman 30x60", "Ivory Glossy per dus isi 6", 115000, 12),
    Product("WVN-3", "Pipa PVC Wavin D 4 meter", "3 inch", 115000, 25),
    Product("WVN-4", "Pipa PVC Wavin D 4 meter", "4 inch", 165000, 20),
    Product("LEM-ISR", "Lem Pipa PVC Isarplas", "Kaleng 200 gr", 25000, 40),
    Product("JTN-5", "Cat Tembok Jotun Jotashield Colour Extreme Eksterior", "Putih 5 L", 445000, 7),
    Product("JTN-20", "Cat Tembok Jotun Jotashield Colour Extreme Eksterior", "Putih 20 L", 1650000, 2),
    Product("BOB-H", "Wig Bob Poni Sintetis", "Hitam Natural", 145000, 14),
    Product("BOB-A", "Wig Bob Poni Sintetis", "Ash Grey", 155000, 0),
], [Order("SBR-0430", "packed", None, None, "081277001122", 230000)])


def riau_shop(raw) -> None:
    """Rates from Pekanbaru, a city that is also a product's name, and a shop's own wig-care answer."""
    raw["facts"]["shipping_rates"] = {
        "pekanbaru": {"Armada Toko": 1200}, "padang": {"Indah Cargo": 3500, "JNE Trucking": 4500},
        "medan": {"Indah Cargo": 5000}, "bagansiapiapi": {"Sentral Cargo": 4200},
    }
    raw["facts"]["city_aliases"] = {"panam": "pekanbaru", "rumbai": "pekanbaru"}
    raw["facts"]["couriers"] = ["Armada Toko", "Indah Cargo", "JNE Trucking", "Sentral Cargo"]
    raw["facts"]["size_chart"] = "semua wig kami ukuran M, lingkar kepala 54-56 cm (muat 52-58 cm)"
    raw["custom_intents"] = {"wig_care": {
        "action": "auto_reply",
        "keywords": ["cara cuci wig", "perawatan wig", "wig kusut"],
        "examples": ["cara cuci wig gimana kak", "wig aku kusut gmn ngerawatnya", "perawatan wig sintetis gimana",
                     "boleh dicatok gak wig nya"],
        "replies": {"id": ["Rendam wig di air dingin dengan sampo wig ya {{ honorific }}."],
                    "en": ["Soak the wig in cold water with wig shampoo."]},
    }}


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> ReplyEngine:
    return edited_engine(tmp_path_factory.mktemp("riau"), riau_shop, SHOP)


def said(engine: ReplyEngine, *texts: str) -> list:
    return converse(engine, *texts, start=MORNING, step=timedelta(minutes=1))


def test_a_price_in_riau_malay_of_a_product_named_after_a_city(engine) -> None:
    [answer] = said(engine, "bang semen padang 50kg bara sesak?")
    assert answer.action is Action.AUTO_REPLY and answer.intent == "price" and "Rp72.000" in answer.reply
    assert answer.memory.get("city") is None  # "Padang" named the cement, not where it goes


def test_a_city_in_a_products_name_leaves_the_destination_to_the_rest(engine) -> None:
    [answer] = said(engine, "semen padang ongkir ke medan brp?")
    assert "Medan" in answer.reply and "Rp5.000" in answer.reply and "Padang" not in answer.reply


@pytest.mark.parametrize(("text", "sku"), [("mu 380 ado bang? untuk pasang bata ringan\nbara sesak", "MU380"),
                                           ("mu380 brp", "MU380"), ("MU-301 ada?", "MU301")])
def test_a_model_code_written_apart_or_together(engine, text, sku) -> None:
    [answer] = said(engine, text)
    product = next(p for p in SHOP.products() if p.sku == sku)
    assert answer.action is Action.AUTO_REPLY and product.name in answer.reply


def test_a_complaint_word_inside_a_products_name_is_the_product(engine) -> None:
    [answer] = said(engine, "cat anti bocor no drop warna terracotta ready?")
    assert answer.action is Action.AUTO_REPLY and answer.intent == "stock"
    assert "kosong" in answer.reply and "Abu-abu" in answer.reply


def test_human_hair_is_a_product_not_a_request_for_a_person(engine) -> None:
    [answer] = said(engine, "Hi! Do you have human hair wigs?")
    assert answer.action is Action.AUTO_REPLY and "Wig Human Hair" in answer.reply


@pytest.mark.parametrize(("first", "then", "price"), [
    ("wig human hair lace front ready kak?", "berape harge nye?", "Rp1.250.000"),
    ("ciput poni buat hijab ade?", "harganye?", "Rp49.000"),
])
def test_pontianak_malay_price_questions(engine, first, then, price) -> None:
    answers = said(engine, f"{first}\n{then}")
    assert answers[0].action is Action.AUTO_REPLY and price in answers[0].reply


def test_the_everyday_word_for_a_catalogues_formal_one(engine) -> None:
    [answer] = said(engine, "kak\nwig cowok ada ga?")
    assert answer.action is Action.AUTO_REPLY and "Wig Pria Short Layer" in answer.reply


def test_two_products_are_not_the_shops_own_answer_they_resemble(engine) -> None:
    [answer] = said(engine, "shampoo khusus wig ada?\nsama conditioner spray nya")
    assert answer.action is Action.AUTO_REPLY and answer.intent == "stock"
    assert "Shampoo Khusus Wig" in answer.reply and "Conditioner Spray" in answer.reply


def test_each_of_the_two_products_just_named(engine) -> None:
    _, each = said(engine, "roller cat nankai 9 inch ado?\nsama kuas eterna 3 inch", "bara masing2?")
    assert each.action is Action.AUTO_REPLY and "Rp35.000" in each.reply and "Rp12.000" in each.reply


def test_half_a_kilo_is_the_half_kg_variant(engine) -> None:
    _, half = said(engine, "jangkrik kalung 1 kg ready om? brp", "yaudah setengah kilo aja brp")
    assert half.action is Action.AUTO_REPLY and "Rp32.000" in half.reply


@pytest.mark.parametrize("text", ["cepol jedai messy bun", "spill harga wig cosplay cepol jedai messy bun kak"])
def test_a_products_name_alone_answers_which_one(engine, text) -> None:
    asked, named = said(engine, "kak\nready?\nbrp?", text)
    assert asked.action is Action.AUTO_REPLY
    assert named.action is Action.AUTO_REPLY and "Rp39.000" in named.reply


def test_couriers_asked_with_out_of_town(engine) -> None:
    [answer] = said(engine, "kirim pakai apa aja bang?\nke luar kota bisa?")
    assert answer.action is Action.AUTO_REPLY and "Indah Cargo" in answer.reply and "ke Bisa" not in answer.reply


def test_a_city_written_apart_and_the_shops_places_stay_as_written(engine) -> None:
    [answer] = said(engine, "ke bagan siapiapi bara?")
    assert answer.action is Action.AUTO_REPLY and "Bagansiapiapi" in answer.reply and "Rp4.200" in answer.reply


def test_a_services_ad_with_its_phone_number_is_spam(engine) -> None:
    [answer] = said(engine, "Jasa sedot WC & saluran mampet Pekanbaru 24 jam, murah bergaransi! WA 0813-7xxx-xxxx")
    assert answer.action is Action.IGNORE and answer.reply is None


def test_live_goods_that_arrived_dead_are_a_complaint(engine) -> None:
    [answer] = said(engine, "kak pesanan saya udah sampe tapi jangkriknya banyak yg mati\nini videonya kak, hampir separo mati")
    assert answer.action is Action.ESCALATE and answer.intent == "complaint"


def test_adding_to_an_order_goes_to_a_person(engine) -> None:
    [answer] = said(engine, "pak saya mau tambah 2 sak semen padang di pesanan SBR-0420\nbisa digabung?")
    assert answer.action is Action.ESCALATE and answer.intent == "order_change"


@pytest.mark.parametrize("text", ["kak ukuran wig nya berapa? lingkar kepala aku 57 cm muat ga ya",
                                  "ukurannya berapa cm kak?"])
def test_measurements_asked_are_the_size_chart(engine, text) -> None:
    [answer] = said(engine, text)
    assert answer.action is Action.AUTO_REPLY and answer.intent == "size_chart" and "52-58" in answer.reply


@pytest.mark.parametrize("text", ["wig bob poni ukuran M brp harganya", "wig bob poni ukuran 20 brp?"])
def test_the_price_of_a_size_is_no_size_chart_question(engine, text) -> None:
    [answer] = said(engine, text)
    assert answer.intent == "price"


def test_the_numbers_of_a_name_pick_it_among_its_kind(engine) -> None:
    [answer] = said(engine, "min jual keramik dinding 30x60 ga? harga?")
    assert answer.action is Action.AUTO_REPLY and "Rp115.000" in answer.reply and "25x40" not in answer.reply


def test_a_number_with_another_unit_than_the_names_is_the_variants(engine) -> None:
    [answer] = said(engine, "pipa wavin 4 inch bara sebatang?")
    assert "Rp165.000" in answer.reply and "Rp115.000" not in answer.reply


def test_minang_and_malay_possessive_on_a_products_word(engine) -> None:
    _, glue = said(engine, "pipa wavin 3 inch ado?", "lem pipanyo sekalian, ado?")
    assert glue.action is Action.AUTO_REPLY and "Isarplas" in glue.reply


def test_english_for_the_catalogues_paint_words(engine) -> None:
    [answer] = said(engine, "Good morning. Do you have white exterior wall paint, 20 litres?")
    assert answer.action is Action.AUTO_REPLY and "Jotashield" in answer.reply and "20 L" in answer.reply


def test_a_service_the_data_cannot_answer_is_no_greeting(engine) -> None:
    [answer] = said(engine, "bisa ditinting krem gading di toko ndak bang? samo macam punya tetangga")
    assert answer.action is Action.ESCALATE and answer.intent != "greeting"


def test_a_sold_out_variants_price_says_it_is_sold_out_and_offers_to_tell(engine) -> None:
    asked, yes = said(engine, "wig bob poni ada?", "kalau yg ash grey brp?", "aok kabarek kamek ye")[1:]
    assert "Rp155.000" in asked.reply and "Hitam Natural" in asked.reply and "restock_offer" in asked.memory
    assert yes.intent == "restock_request" and yes.restock_skus == ("BOB-A",)


def test_the_same_order_status_asked_again_goes_to_a_person(engine) -> None:
    first, again = converse(engine, "mas, pesenanku wis dikirim durung?", "kapan dikirim mas? sore iki iso?",
                            start=MORNING, customer_phone="081277001122")
    assert first.action is Action.AUTO_REPLY and "SBR-0430" in first.reply
    assert again.action is Action.ESCALATE and "repeated_answer" in again.flags
