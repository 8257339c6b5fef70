"""What the twenty-sixth held-out conversation set (heldout-26, now a development set) taught: a
link's digits are no order number; web-marketing spam; Javanese bargaining ("iso kurang ra?");
coming to the shop in person is no request for a person; "nomer 4" is the catalogue's "No. 4" and
"vinyl" its "LP"; a return question is no shop's own answer that shares a word; "ke labuan bajo"
after a product; "kaset dia" (its cassette); a product of one row named with its variant; a colour
a product lacks; the time zone said once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from replies import Action, ReplyEngine
from replies.shopdata import InMemoryShopData, Product

from .conftest import converse, edited_engine

MORNING = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 WITA
SHOP = InMemoryShopData([
    Product("MAR-TW", "Maries Acrylic Colour 75ml", "Titanium White", 28000, 40),
    Product("MAR-UB", "Maries Acrylic Colour 75ml", "Ultramarine Blue", 28000, 0),
    Product("PRN-4", "Kuas Princeton Velvetouch 3950 Round", "No. 4", 198000, 4),
    Product("PRN-8", "Kuas Princeton Velvetouch 3950 Round", "No. 8", 265000, 0),
    Product("LEG-LP", "Bob Marley & The Wailers - Legend", "LP Hitam 180g", 565000, 4),
    Product("LEG-KS", "Bob Marley & The Wailers - Legend", "Kaset", 135000, 3),
    Product("ABB", "The Beatles - Abbey Road (Bekas)", "LP VG", 750000, 1),
    Product("MP3", "Laci Dorong Orbitrend MP 3", "3 Laci Walnut", 890000, 6),
    Product("WB", "Papan Tulis Whiteboard Sakana", "120x240 cm", 1150000, 3),
    Product("WIN-S10", "Winsor & Newton Winton Oil Colour", "Set 10 x 37ml", 398000, 3),
    Product("WIN-TW", "Winsor & Newton Winton Oil Colour", "Titanium White 200ml", 189000, 0),
    Product("COT-12", "Winsor & Newton Cotman Watercolour", "Half Pan 12", 345000, 2),
    Product("MR240", "Meja Rapat Oval Modera MR 240", "Cherry", 3950000, 2),
])


def kupang_shop(raw) -> None:
    """A shop in WITA whose pack writes the zone after the hours, with an assembly answer of its own."""
    raw["timezone"] = "Asia/Makassar"
    raw["facts"]["shipping_rates"] = {"kupang": {"Antar Toko": 10000}, "labuan bajo": {"Lion Parcel": 32000},
                                      "maumere": {"J&T": 30000}}
    raw["messages"]["out_of_hours"] = {"id": ["Toko tutup (jam buka {{ hours }} WITA), dibalas {{ next_open }}."],
                                       "en": ["Closed (hours {{ hours }} WITA); we reply {{ next_open }}."]}
    raw["custom_intents"] = {"jasa_rakit": {
        "action": "auto_reply",
        "keywords": ["rakit", "dirakit", "perakitan"],
        "examples": ["bisa sekalian dirakit?", "ada jasa rakit meja?", "perakitan gratis gak", "lemari ini dirakit sendiri?"],
        "replies": {"id": ["Perakitan gratis di dalam kota ya {{ honorific }}."], "en": ["Free assembly in town."]},
    }}


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> ReplyEngine:
    return edited_engine(tmp_path_factory.mktemp("kupang"), kupang_shop, SHOP)


def said(engine: ReplyEngine, *texts: str, start: datetime = MORNING) -> list:
    return converse(engine, *texts, start=start, step=timedelta(minutes=1))


@pytest.mark.parametrize("text", [
    "Selamat! Nomor anda terpilih mendapat hadiah Rp25.000.000 dari Shopee. Konfirmasi segera di "
    "wa.me/6283122334455 sebelum hangus",
    "Dear business owner, we offer SEO services to rank your website #1 on Google. Reply YES for a FREE audit!",
])
def test_spam_with_a_links_digits_or_web_marketing(engine, text) -> None:
    [answer] = said(engine, text)
    assert answer.action is Action.IGNORE and answer.reply is None


def test_javanese_bargaining_is_no_complaint(engine) -> None:
    [answer] = said(engine, "mahal yo mbak\niso kurang ra?")
    assert answer.action is Action.AUTO_REPLY and answer.intent == "bargain"


def test_coming_to_the_shop_in_person_is_no_request_for_a_person(engine) -> None:
    [visit] = said(engine, "kak besok buka jam brp? mau ke toko langsung")
    [person] = said(engine, "mau ngomong sama admin langsung")
    assert visit.action is Action.AUTO_REPLY and visit.intent == "business_hours"
    assert person.action is Action.ESCALATE and person.intent == "human"


@pytest.mark.parametrize(("text", "price"), [
    ("maries akrilik 75ml yg titanium white brp ya?", "Rp28.000"),
    ("Nuwun sewu mbak, kuas princeton velvetouch 3950 nomer 4 pinten regine?", "Rp198.000"),
    ("papan tulis whiteboard 120x240 ado pak? berapo?", "Rp1.150.000"),
])
def test_the_catalogues_words_in_the_customers(engine, text, price) -> None:
    [answer] = said(engine, text)
    assert answer.action is Action.AUTO_REPLY and price in answer.reply


def test_a_vinyl_is_the_lp_and_its_cassette_is_kaset_dia(engine) -> None:
    lp, cassette = said(engine, "kaka, vinyl bob marley legend ada ko?", "kalo kaset dia?")
    assert lp.action is Action.AUTO_REPLY and "LP Hitam 180g" in lp.reply
    assert cassette.action is Action.AUTO_REPLY and "Kaset" in cassette.reply and "Rp135.000" in cassette.reply


def test_a_return_question_is_not_the_shops_own_answer_sharing_a_word(engine) -> None:
    [answer] = said(engine, "pak kalo mejanya dak cocok setelah dirakit bisa dikembalikan?")
    assert answer.intent == "return_refund"


def test_a_place_after_a_product_asks_the_shipping_there(engine) -> None:
    _, there = said(engine, "vinyl bob marley legend ada?", "ke labuan bajo")
    assert there.action is Action.AUTO_REPLY and "Labuan Bajo" in there.reply and "Rp32.000" in there.reply


def test_a_product_of_one_row_is_named_with_its_variant(engine) -> None:
    [answer] = said(engine, "abbey road bekas masih ada?")
    assert answer.action is Action.AUTO_REPLY and "LP VG" in answer.reply


def test_a_colour_the_product_lacks_names_the_one_it_has(engine) -> None:
    _, colour = said(engine, "laci dorong orbitrend mp 3 brp pak?", "ada warna putih?")
    assert colour.action is Action.AUTO_REPLY and "Walnut" in colour.reply


def test_the_time_zone_is_said_once(engine) -> None:
    night = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)  # 23:00 WITA
    [answer] = said(engine, "mau ngomong sama admin", start=night)
    assert "WITA" in answer.reply and "WITA WITA" not in answer.reply


def test_oil_colour_is_cat_minyak() -> None:
    from replies.catalog import look_up_products
    [match] = look_up_products("cat minyak winton titanium white 200ml ada kak?", SHOP.products()).matches
    assert [p.sku for p in match.products] == ["WIN-TW"]


def test_javanese_krama_stock_question_and_a_polite_no(engine) -> None:
    _, eight, no = said(engine, "kuas princeton velvetouch 3950 nomer 4 pinten regine?", "menawi nomer 8 wonten mbak?",
                        "mboten usah mbak, matur nuwun")
    assert eight.action is Action.AUTO_REPLY and "No. 8" in eight.reply and "restock_offer" in eight.memory
    assert no.action is Action.AUTO_REPLY and no.restock_skus == ()


def test_how_many_it_seats_is_for_a_person(engine) -> None:
    _, seats = said(engine, "meja rapat oval modera mr 240 cherry masih ada? harga?", "itu muat untuk berapo orang pak?")
    assert seats.action is Action.ESCALATE and seats.intent == "product_detail"


# -- heldout-28 (laptop parts Batam, household plastics Kendari, CCTV Tangerang) ---------------
PLASTICS = InMemoryShopData([
    Product("TPL-15", "Toples Claris Tutup Ulir 1.5 Liter", "Bening", 18000, 24),
    Product("TPL-3", "Toples Claris Tutup Ulir 3 Liter", "Bening", 27000, 0),
    Product("CB50-B", "Container Box Shinpo CB-50 50 Liter", "Bening", 115000, 8),
    Product("CB50-U", "Container Box Shinpo CB-50 50 Liter", "Biru Transparan", 115000, 0),
    Product("RAK", "Rak Sepatu Olymplast 5 Susun", "Coklat", 119000, 4),
    Product("MX4", "Thermal Paste Arctic MX-4", "4 gram", 85000, 6),
    Product("UC-H", "Charger USB-C 65W Universal PD", "Hitam", 245000, 11),
    Product("UC-P", "Charger USB-C 65W Universal PD", "Putih", 245000, 0),
    Product("YALE-H", "Digital Door Lock Yale YDM 4109A", "Hitam", 4650000, 0),
    Product("YALE-R", "Digital Door Lock Yale YDM 4109A", "Red Bronze", 4650000, 1),
])


def kendari_shop(raw) -> None:
    raw["facts"]["shipping_rates"] = {"kendari": {"Kurir Toko": 5000}, "konawe": {"Kurir Toko": 9000},
                                      "konawe selatan": {"Kurir Toko": 8000}}
    raw["facts"]["city_aliases"] = {"kambu": "kendari", "unaha": "konawe", "konsel": "konawe selatan"}


@pytest.fixture(scope="module")
def plastics(tmp_path_factory) -> ReplyEngine:
    return edited_engine(tmp_path_factory.mktemp("kendari"), kendari_shop, PLASTICS)


def test_the_size_of_a_sibling_product_after_one(plastics) -> None:
    _, other = said(plastics, "kak toples claris 3 liter ada?\nmau 6", "yg 1.5 liter?")
    assert other.action is Action.AUTO_REPLY and "1.5 Liter" in other.reply and "Rp18.000" in other.reply


def test_a_chat_word_is_never_a_misspelt_product_word(plastics) -> None:
    *_, price = said(plastics, "container box 50 liter ada ji?", "yg biru ada kah?", "iyo bening mi, berapa satu?")
    assert price.action is Action.AUTO_REPLY and "Rp115.000" in price.reply and "Rak Sepatu" not in price.reply


@pytest.mark.parametrize(("text", "city"), [("sa di kambu", "Kendari"), ("sa di unaha", "Konawe"),
                                            ("antar ke konsel bisa?", "Konawe Selatan")])
def test_where_the_customer_is_after_a_product_asks_the_shipping_there(plastics, text, city) -> None:
    _, there = said(plastics, "container box 50 liter ada ji?", text)
    assert there.action is Action.AUTO_REPLY and there.intent == "shipping_cost" and city in there.reply


def test_a_customer_asking_whether_we_sell_something_is_no_ad(plastics) -> None:
    [asked] = said(plastics, "jual tandon air 1000 liter penguin kah?")
    [ad] = said(plastics, "Jual akun netflix premium 1 bulan 15rb, spotify 10rb, dm aja kak 💯")
    assert asked.action is Action.ESCALATE and asked.intent != "spam"
    assert ad.action is Action.IGNORE


@pytest.mark.parametrize(("text", "named"), [("harga thermal paste mx4 brp min", "Rp85.000"),
                                             ("charger type c 65w ada warna putih?", "Hitam"),
                                             ("smart lock yale 4109 warna hitam ada?", "Red Bronze")])
def test_products_named_in_other_words(plastics, text, named) -> None:
    [answer] = said(plastics, text)
    assert answer.action is Action.AUTO_REPLY and named in answer.reply


@pytest.mark.parametrize("text", [
    "bos cctv yg dipasang minggu lalu 1 kamera mati, layarnya hitam\nME-2611-0101",
    "bos smart lock yg dipasang kemarin error, pintu gak bisa dibuka!!\ntolong segera, saya di luar rumah",
    "baterai dr sini baru sebulan udah drop, 20 menit mati\ngaransi kan? KLP.2611.015",
])
def test_a_device_that_stopped_working_is_a_complaint(plastics, text) -> None:
    [answer] = said(plastics, text)
    assert answer.action is Action.ESCALATE and answer.intent == "complaint"
