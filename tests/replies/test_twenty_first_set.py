"""What the twenty-first held-out conversation set (heldout-21, now a development set) taught:
"sebotol", "se-roll", "per pcs" ask for one unit and name no product; "4 meter" is the catalogue's
"4 m"; a yes to the restock offer may repeat the item's words or just ask to be told; the product
of a size question is the one the next "yg M ready?" means; a product of one row is priced with
its variant."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.catalog import look_up_products, product_words
from replies.shopdata import InMemoryShopData, Product

from .conftest import converse, edited_engine

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([
    Product("PWR-MRH", "Pewarna Koepoe", "Merah 30 ml", 6500, 20),
    Product("PWR-HJU", "Pewarna Koepoe", "Hijau 30 ml", 6500, 0),
    Product("WPP-BTA", "Wallpaper Dinding", "Motif Bata roll 10 m", 75000, 35),
    Product("WPP-KYU", "Wallpaper Dinding", "Motif Kayu roll 10 m", 75000, 0),
    Product("REL-3", "Rel Gorden Aluminium Minimalis", "3 m", 140000, 6),
    Product("REL-4", "Rel Gorden Aluminium Minimalis", "4 m", 185000, 0),
    Product("WTS-S", "Wetsuit Seac Ultraflex 3mm", "S", 1250000, 2),
    Product("WTS-M", "Wetsuit Seac Ultraflex 3mm", "M", 1250000, 0),
    Product("KBC", "Kain Batik Cap", "2 meter", 120000, 15),
    Product("TRK", "Trekking Pole", "Sepasang", 240000, 4),
])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


def conversation(engine: ReplyEngine, *texts: str) -> list:
    return converse(engine, *texts, start=NOON, step=timedelta(0))


def engine_with(tmp_path, edit, shop=SHOP) -> ReplyEngine:
    return edited_engine(tmp_path, edit, shop)


@pytest.mark.parametrize("text", ["yg merah aja brp sebotol?", "yg bata brp se-roll?", "harga per pcs brp?"])
def test_one_unit_names_no_product(text) -> None:
    assert not {"sebotol", "roll", "pcs"} & set(product_words(text))


def test_a_pair_is_still_a_variant() -> None:
    match = look_up_products("trekking pole sepasang brp", SHOP.products()).matches
    assert [p.variant for p in match[0].products] == ["Sepasang"]


def test_meters_are_the_catalogues_m() -> None:
    match = look_up_products("rel gorden aluminium 4 meter ada kak?", SHOP.products()).matches
    assert [p.sku for p in match[0].products] == ["REL-4"]


@pytest.mark.parametrize(("first", "then", "price"), [
    ("pewarna koepoe hijau ready kak?", "ga usah kak, yg merah aja brp sebotol?", "Rp6.500"),
    ("wallpaper dinding ada motif apa aja kak?", "yg bata brp se-roll?", "Rp75.000"),
])
def test_a_variant_of_the_product_just_asked_about(engine, first, then, price) -> None:
    _, second = conversation(engine, first, then)
    assert second.action is Action.AUTO_REPLY and price in second.reply


@pytest.mark.parametrize("yes", ["iya kabarin ya teh kalo hijau udh ada", "iyo kabari jo kalo so ada",
                                 "ya kabari kamek ye ci"])
def test_a_yes_to_the_restock_offer_in_the_customers_words(engine, yes) -> None:
    offer, answer = conversation(engine, "pewarna koepoe hijau ready kak?", yes)
    assert "restock_offer" in offer.memory
    assert answer.intent == "restock_request" and answer.restock_skus == ("PWR-HJU",)


@pytest.mark.parametrize("no", ["ga usah dikabari kak", "kabari ga?"])
def test_no_or_a_question_is_not_a_yes(engine, no) -> None:
    _, answer = conversation(engine, "pewarna koepoe hijau ready kak?", no)
    assert answer.intent != "restock_request"


def test_the_product_of_a_size_question_is_remembered(engine) -> None:
    size, ready = conversation(engine, "wetsuit seac nya sa tinggi 172 berat 68 cocok size apa kak?", "yg M ready?")
    assert size.memory.get("product") == "Wetsuit Seac Ultraflex 3mm"
    assert ready.action is Action.AUTO_REPLY and "Wetsuit Seac Ultraflex 3mm M" in ready.reply


def test_a_product_of_one_row_is_priced_with_its_variant(engine) -> None:
    decision = engine.decide(Turn(text="kain batik cap harganya?", now=NOON))
    assert "Kain Batik Cap 2 meter Rp120.000" in decision.reply


@pytest.mark.parametrize(("word", "not_read_as"), [
    ("hujan", "human"), ("natal", "batal"), ("anting", "anjing"), ("bocor", "bogor"), ("bubuk", "buruk"),
    ("pantai", "partai"), ("golok", "goblok"), ("tangan", "jangan"),
])
def test_everyday_words_are_not_typos_of_the_chat_vocabulary(engine, word, not_read_as) -> None:
    assert engine.classifier.normalizer.text(f"kak {word}") == f"kak {word}" != f"kak {not_read_as}"


def test_a_phrase_is_whole_words() -> None:
    from replies.normalize import Normalizer
    assert "resi" not in Normalizer().text("kampas rem shimano resin").split()
    assert Normalizer().text("no resi nya mana").startswith("resi")


@pytest.mark.parametrize(("text", "intent"), [
    ("harga kampas rem shimano resin sama metal brp?", "price"),  # "resin" is not "resi"
    ("kak pantai anyer soalnya", None),  # a beach is not "partai" (wholesale)
])
def test_words_inside_words_are_not_cues(engine, text, intent) -> None:
    decision = engine.decide(Turn(text=text, now=NOON))
    assert decision.intent != "order_status" and decision.intent != "wholesale"
    if intent:
        assert decision.intent == intent


def test_remaking_a_cancelled_order_is_for_a_person(engine) -> None:
    decision = engine.decide(Turn(text="oh iya saya yg lupa bayar\nbisa dibuatin ulang pesanannya kak?", now=NOON))
    assert decision.action is Action.ESCALATE and decision.intent == "order_change"


def test_malay_shipping_abroad_is_for_a_person(engine) -> None:
    decision = engine.decide(Turn(text="boleh pos ke Kuala Lumpur? berapa kos penghantaran?", now=NOON))
    assert decision.intent == "shipping_cost" and decision.action is Action.ESCALATE


BOOKS = [
    Product("BBD-200", "Blue Band Serbaguna", "200 g", 9500, 90),
    Product("BBD-2", "Blue Band Serbaguna", "2 kg", 96000, 0),
    Product("QRN-A5P", "Al-Qur'an Terjemah Tajwid", "A5 Merah Muda", 115000, 3),
    Product("QRN-A4C", "Al-Qur'an Terjemah Tajwid", "A4 Coklat", 165000, 0),
    Product("SUN-1", "Sunglasses Polarized", "Hitam", 150000, 4),
]


@pytest.mark.parametrize(("text", "sku"), [
    ("blueband yg 2kg ada kak?", "BBD-2"),  # written together
    ("alquran terjemah a5 warna pink ada kak?", "QRN-A5P"),  # together, and pink is "Merah Muda"
    ("al quran tajwid yg A4 coklat ready kak?", "QRN-A4C"),  # apart
    ("sun glasses polarized hitam brp", "SUN-1"),
])
def test_words_written_together_or_apart_unlike_the_catalogue(text, sku) -> None:
    match = look_up_products(text, BOOKS).matches
    assert [p.sku for m in match for p in m.products] == [sku]


def test_red_is_not_pink() -> None:
    shop = [Product("K-R", "Kaos Polos", "Merah", 50000, 3), Product("K-P", "Kaos Polos", "Pink", 50000, 3)]
    assert [p.sku for p in look_up_products("kaos polos merah ada?", shop).matches[0].products] == ["K-R"]
    assert [p.sku for p in look_up_products("kaos polos pink ada?", shop).matches[0].products] == ["K-P"]


@pytest.mark.parametrize(("text", "intent"), [
    ("makasih banyak om, barang so sampe, aman", "thanks"),  # Manado "so": already
    ("barang su sampe kaka, terima kasih banyak, Tuhan berkati", "thanks"),  # Papua "su"
    ("kaka pesanan beta su sampe ko? beta ada di luar kota", "order_status"),  # asked, in a burst
    ("om paket so sampe ka? di rumah nda ada orang", "order_status"),
])
def test_already_arrived_told_or_asked(engine, text, intent) -> None:
    assert engine.decide(Turn(text=text, now=NOON)).intent == intent


def test_claiming_the_warranty_is_for_a_person_asking_about_it_is_not(engine) -> None:
    claim = engine.decide(Turn(text="lampu philips beli bulan lalu so mati\nmo klaim garansi, bagaimana?", now=NOON))
    assert claim.action is Action.ESCALATE
    policy = engine.decide(Turn(text="kalau rusak bisa klaim garansi?", now=NOON))
    assert policy.intent == "warranty" and policy.action is Action.AUTO_REPLY


SHOP_EN = [
    Product("LMP-S", "Lampion Labu Kain Sutra", "Kecil", 45000, 20),
    Product("LMP-L", "Lampion Labu Kain Sutra", "Besar", 85000, 4),
    Product("JKR-5", "Jangkar Lipat", "5 kg", 250000, 4),
    Product("JKR-8", "Jangkar Lipat", "8 kg", 360000, 0),
    Product("LLN-LAV", "Lilin Aromaterapi Kaleng", "Lavender", 9500, 200),
    Product("JH-M", "Jas Hujan Ponco", "M", 45000, 9),
]


@pytest.mark.parametrize(("text", "sku"), [
    ("How much is the big silk lantern?", "LMP-L"),
    ("How much is the 5 kg folding anchor?", "JKR-5"),
    ("How much are the lavender scented candles?", "LLN-LAV"),
    ("do you have a raincoat size M?", "JH-M"),
])
def test_english_names_for_indonesian_catalogue_names(text, sku) -> None:
    match = look_up_products(text, SHOP_EN).matches
    assert [p.sku for m in match for p in m.products] == [sku]


@pytest.mark.parametrize("text", ["bayarnya bisa lewat apa aja kak?\nada bsi ga? sy pake bsi mobile", "Do you accept PayPal?",
                                  "bisa bayar pake gopay?"])
def test_a_way_to_pay_asked_about(engine, text) -> None:
    decision = engine.decide(Turn(text=text, now=NOON))
    assert decision.intent == "payment" and decision.action is Action.AUTO_REPLY


def test_paid_through_a_bank_is_a_confirmation(engine) -> None:
    assert engine.decide(Turn(text="sudah transfer via bca ya kak", now=NOON)).intent == "payment_confirmation"


@pytest.mark.parametrize(("text", "intent"), [
    ("bisa kirim pake maxim/grab ga kak biar cepat, sy di sitataring", "delivery_time"),  # no rate for it
    ("WDS-1046 tolong ganti kurir pake JNE saja kak\njangan J&T, kemarin paketku lama sekali", "order_change"),
    ("My order WDS-1052 arrived but the torch doesn't turn on at all, even with a new battery", "complaint"),
    ("pesanan sy DHK-2611-003 blm sampe2 udh seminggu\ngmn ini kak, buat acara adat besok", "complaint"),
])
def test_what_the_bot_must_not_answer(engine, text, intent) -> None:
    decision = engine.decide(Turn(text=text, now=NOON))
    assert decision.intent == intent and decision.action is Action.ESCALATE


def test_an_instant_courier_the_shop_prices_is_a_shipping_question(tmp_path) -> None:
    engine = engine_with(tmp_path, lambda raw: raw["facts"]["shipping_rates"].update(
        bandung={"JNE": 12000, "GoSend": 35000}))
    decision = engine.decide(Turn(text="ongkir ke bandung pake gosend brp?", now=NOON))
    assert decision.intent == "shipping_cost" and "35.000" in decision.reply


KIDS = [
    Product("JHA-S", "Jas Hujan Anak Karakter", "S (3-5 tahun)", 55000, 10),
    Product("JHA-M", "Jas Hujan Anak Karakter", "M (6-8 tahun)", 59000, 6),
    Product("JHS-M", "Jas Hujan Setelan Rubber", "Hitam M", 135000, 6),
    Product("JHS-XL", "Jas Hujan Setelan Rubber", "Hitam XL", 145000, 6),
]


@pytest.mark.parametrize(("text", "sku"), [
    ("jas hujan anak buat umur 4 taun ada ka? brp", "JHA-S"),
    ("jas hujan anak 7 thn", "JHA-M"),
])
def test_the_size_for_an_age_where_sizes_say_ages(text, sku) -> None:
    assert [p.sku for p in look_up_products(text, KIDS).matches[0].products] == [sku]


def test_an_age_where_sizes_say_none_is_not_a_product_word() -> None:
    shop = [Product("M-S", "Mukena Anak Karakter", "S", 75000, 3), Product("M-L", "Mukena Anak Karakter", "L", 85000, 3),
            Product("M-D", "Mukena Dewasa Katun", "All size", 150000, 3)]
    assert not look_up_products("mukena anak buat umur 7 thn", shop).matches  # not a price range for a size unknown


def test_papuan_no_and_a_variant(engine) -> None:
    shop = InMemoryShopData(KIDS)
    first, second = conversation(ReplyEngine.default(shop), "jas hujan setelan rubber ada?", "tra usah. yg hitam XL brapa")
    assert second.action is Action.AUTO_REPLY and "Rp145.000" in second.reply


def test_the_shops_own_answer_has_the_price(tmp_path) -> None:
    bordir = {"action": "auto_reply", "keywords": ["bordir"],
              "examples": ["bisa bordir nama?", "bordir logo brp", "bordir di dada bisa?"],
              "replies": {"id": ["Bisa kak: bordir nama Rp15.000 per baris."], "en": ["Yes: Rp15,000 per line."]}}
    engine = engine_with(tmp_path, lambda raw: raw.setdefault("custom_intents", {}).update(bordir=bordir))
    decision = engine.decide(Turn(text="bisa bordir nama di dada mas? brp", now=NOON))
    assert decision.action is Action.AUTO_REPLY and "Rp15.000" in decision.reply and "katalog" not in decision.reply


def test_a_size_question_by_chest_width(engine) -> None:
    assert engine.decide(Turn(text="jersey XL lingkar dadanya brp?", now=NOON)).intent == "size_chart"


BOOKSHOP = [
    Product("TOTE", "Tote Bag Pustaka Losari", "Kanvas Krem", 55000, 14),
    Product("ATOM", "Atomic Habits (Terjemahan)", "Soft Cover", 108000, 20),
    Product("DNG", "Dongeng Nusantara Bergambar", "Set 3 Buku", 120000, 5),
    Product("OP-105", "Komik One Piece", "Vol. 105", 40000, 5),
]


@pytest.mark.parametrize(("text", "sku"), [
    ("Do you sell the tote bag? price?", "TOTE"),
    ("Do you have Atomic Habits in Indonesian? How much?", "ATOM"),
    ("dongeng nusantara isinya berapa buku kak? harga?", "DNG"),
])
def test_chat_words_around_a_product_name(text, sku) -> None:
    assert [p.sku for m in look_up_products(text, BOOKSHOP).matches for p in m.products] == [sku]


@pytest.mark.parametrize(("text", "intent"), [
    ("pisau sadap import samo lokal bedanyo apo kak? lebih awet yg mano?", "product_detail"),
    ("laskar pelangi ada versi ebook nya kak? yg pdf", "product_detail"),
    ("mau tanya kak, wanginya tahan berapa jam ya yg vanilla susu?", "product_detail"),
    ("kak bukunya datang halamannya kosong di tengah2\nPLS-3301\nini videonya", "complaint"),
])
def test_what_the_shops_data_cannot_answer(engine, text, intent) -> None:
    decision = engine.decide(Turn(text=text, now=NOON))
    assert decision.intent == intent and decision.action is Action.ESCALATE


def test_a_courier_the_shop_does_not_use(tmp_path) -> None:
    engine = engine_with(tmp_path, lambda raw: raw["facts"]["shipping_rates"].update(
        medan={"JNE": 36000, "AnterAja": 33000}))
    _, jnt = conversation(engine, "ongkir ke medan brp kak?", "kalo pake jnt?")
    assert "J&T belum tersedia" in jnt.reply and "JNE Rp36.000" in jnt.reply and "AnterAja Rp33.000" in jnt.reply
    _, postcode = conversation(engine, "ongkir ke medan brp kak?", "kode pos 20111 brp ongkirnya?")
    assert "belum tersedia" not in postcode.reply and "Rp33.000" in postcode.reply


def test_a_variant_asked_after_the_product_is_its_price_not_shipping() -> None:
    shop = InMemoryShopData([Product("DRB-H", "Dry Bag 20L", "Hitam", 120000, 0),
                             Product("DRB-K", "Dry Bag 20L", "Kuning", 120000, 5)])
    engine = ReplyEngine.default(shop)
    for first, then in [("dry bag 20L warna hitam ada?", "ndak usah, kuning saja brp?"),
                        ("dry bag 20L warna hitam ada?", "kuning saja brp?")]:
        _, second = conversation(engine, first, then)
        assert second.intent == "price" and "Rp120.000" in second.reply


@pytest.mark.parametrize(("text", "lang"), [
    ("Has order ARJ-3051 been delivered?", "en"), ("If I order 2, do you give a discount?", "en"),
    ("ukuran L ready ga?", "id"), ("kak udah dikirim belum? on the way ya", "id"),
])
def test_language_of_short_english_questions(text, lang) -> None:
    from replies.engine import detect_language
    assert detect_language(text) == lang


def test_forest_honey_is_madu_hutan() -> None:
    shop = [Product("MH-250", "Madu Hutan Sumbawa", "250 gr", 85000, 5), Product("MH-500", "Madu Hutan Sumbawa", "500 gr", 150000, 5)]
    assert [p.sku for p in look_up_products("how much is the forest honey 250g?", shop).matches[0].products] == ["MH-250"]


WATCHES = [
    Product("EXP-H", "Expedition E6762MC Chronograph", "Hitam", 1150000, 5),
    Product("EXP-B", "Expedition E6762MC Chronograph", "Biru", 1150000, 1),
    Product("SKO-51", "Seiko 5 Sports SRPD51K1", "Biru Navy", 3650000, 0),
    Product("GSK-56", "Casio G-Shock DW-5600E", "Hitam", 1250000, 5),
    Product("A168WA", "Casio A168WA", "Silver", 520000, 0),
    Product("A168WG", "Casio A168WG", "Gold", 760000, 4),
    Product("DW-RG", "Daniel Wellington Petite Melrose 32mm", "Rose Gold", 2450000, 3),
    Product("DW-S", "Daniel Wellington Petite Melrose 32mm", "Silver", 2450000, 0),
    Product("PB-20", "Powerbank 20000mAh 22.5W", "Hitam", 249000, 9),
    Product("SPK-B7", "Busi NGK B7HS", "1 pcs", 25000, 9),
]


@pytest.mark.parametrize(("text", "skus"), [
    ("expedition e6762 biru ready?", ["EXP-B"]),  # the code without its last letters
    ("seiko 5 srpd51 biru navy onok mas?", ["SKO-51"]),
    ("g-shock dw5600 brp min?", ["GSK-56"]),  # written together, and short
    ("casio a168 brp", ["A168WA", "A168WG"]),  # short of two codes: both
    ("dw petite melrose yg silver ada kak?", ["DW-S"]),  # the brand and size left out
    ("yg 20000mah brp?", ["PB-20"]),
    ("busi br7hs ada?", []),  # another code, not a short one
])
def test_model_codes_as_customers_write_them(text, skus) -> None:
    assert [p.sku for m in look_up_products(text, WATCHES).matches for p in m.products] == skus


RICE = InMemoryShopData([
    Product("PW-05", "Beras Pandanwangi Cianjur", "5 kg", 105000, 40),
    Product("PW-10", "Beras Pandanwangi Cianjur", "10 kg", 205000, 25),
    Product("PW-25", "Beras Pandanwangi Cianjur", "25 kg", 495000, 0),
    Product("PWO-05", "Beras Pandanwangi Organik", "5 kg", 135000, 12),
    Product("PWO-10", "Beras Pandanwangi Organik", "10 kg", 265000, 0),
])


def test_a_kind_and_a_size_in_two_messages() -> None:
    decision = ReplyEngine.default(RICE).decide(
        Turn(text="Punten teh, aya beras pandanwangi nu 5 kg?\nsabaraha hargina?", now=NOON))
    assert "Beras Pandanwangi Cianjur 5 kg Rp105.000" in decision.reply
    assert "Beras Pandanwangi Organik 5 kg Rp135.000" in decision.reply and "495.000" not in decision.reply


def test_only_the_products_that_have_the_size() -> None:
    decision = ReplyEngine.default(RICE).decide(Turn(text="beras pandan wangi 25kg ready kak?", now=NOON))
    assert "Cianjur 25 kg" in decision.reply and "Organik" not in decision.reply


def test_a_model_code_is_not_an_order_number() -> None:
    decision = ReplyEngine.default(InMemoryShopData(WATCHES)).decide(Turn(text="g-shock dw5600 brp min?", now=NOON))
    assert decision.intent == "price" and "Rp1.250.000" in decision.reply and not decision.order_number


def test_another_sellers_ad_is_spam(engine) -> None:
    decision = engine.decide(Turn(text="Jam Rolex super clone mulai 500rb aja kak 😍 grade AAA mirip ori, "
                                       "cek IG @jamkw.murah.sby", now=NOON, is_public_comment=True))
    assert decision.action is Action.IGNORE and decision.reply is None and decision.public_reply is None


def test_how_it_comes_is_not_a_product_word() -> None:
    shop = [Product("JPN-2", "Beras Jepang Japonica", "2 kg", 68000, 15), Product("TOTE", "Tote Bag", "Krem", 55000, 3)]
    assert [p.sku for p in look_up_products("beras jepang 2 kg pack ready?", shop).matches[0].products] == ["JPN-2"]
    assert [p.sku for p in look_up_products("japanese rice, the 2 kg bag?", shop).matches[0].products] == ["JPN-2"]
    assert [p.sku for p in look_up_products("tote bag krem ada?", shop).matches[0].products] == ["TOTE"]


def test_a_shop_keyword_inside_a_product_name_is_that_product(tmp_path) -> None:
    helium = {"action": "auto_reply", "keywords": ["helium", "isi gas"],
              "examples": ["bisa diisi helium?", "balonnya sudah isi helium?", "helium tambah brp?"],
              "replies": {"id": ["Bisa kak, isi helium tambah Rp15.000 per balon."], "en": ["Helium filling is Rp15,000."]}}
    shop = InMemoryShopData([Product("HLM-MINI", "Tabung Helium Mini", "13 Liter", 385000, 4),
                             Product("BLN-32", "Balon Foil Angka 32 inch", "Gold", 25000, 40)])
    engine = engine_with(tmp_path, lambda raw: raw.setdefault("custom_intents", {}).update(helium=helium), shop)
    for text in ["tabung helium mini ready kak?\nharganya?", "Hi, do you sell the mini helium tank? How much is it?"]:
        decision = engine.decide(Turn(text=text, now=NOON))
        assert "385.000" in decision.reply and "15.000" not in decision.reply
    decision = engine.decide(Turn(text="balon angka 32 inch bisa diisi helium?", now=NOON))
    assert "Rp15.000" in decision.reply


def test_whether_a_product_is_safe_for_a_use_is_for_a_person() -> None:
    decision = ReplyEngine.default(InMemoryShopData(WATCHES)).decide(
        Turn(text="g-shock dw5600 aman dipake diving sampe 30 meter gak kak?", now=NOON))
    assert decision.intent == "product_detail" and decision.action is Action.ESCALATE


def test_cod_to_the_city_just_named(tmp_path) -> None:
    def edit(raw):
        raw["facts"]["cod_cities"] = ["bandung"]
    engine = engine_with(tmp_path, edit)
    _, cod = conversation(engine, "kirim ke medan brp?", "kalau bayar COD bisa?")
    assert "Medan" in cod.reply and "Bisa COD" not in cod.reply


def test_what_it_is_for_is_no_second_question() -> None:
    shop = InMemoryShopData([Product("AKL-MNI", "Angklung Souvenir Mini", "1 nada (15 cm)", 15000, 200),
                             Product("AKL-GNT", "Angklung Gantungan Kunci", "isi 10", 45000, 60)])
    decision = ReplyEngine.default(shop).decide(
        Turn(text="Harga angklung gantungan kunci brp min? buat souvenir nikahan", now=NOON))
    assert "Rp45.000" in decision.reply and "15.000" not in decision.reply


@pytest.mark.parametrize(("text", "intent"), [
    ("kak", "greeting"), ("min?", "greeting"),  # calling the shop
    ("kak hari ini gudang buka?", "business_hours"),
    ("Done, just paid via PayPal, please check", "payment_confirmation"),
    ("Jasa joki tugas, makalah & skripsi murah, dijamin ACC. DM aja kak 🙏🙏", "spam"),
    ("Check out my page for cheap villa rentals in Canggu!! 🌴 best price guaranteed, link in bio", "spam"),
])
def test_the_twenty_fourth_sets_lines(engine, text, intent) -> None:
    assert engine.decide(Turn(text=text, now=NOON)).intent == intent


def test_an_honorific_alone_in_a_burst_is_no_point(engine) -> None:
    decision = engine.decide(Turn(text="mbak, mukena rayon bisa dibordir nama ga? buat hantaran nikah", now=NOON))
    assert decision.intent != "greeting" and decision.action is Action.ESCALATE


def test_indonesian_for_the_catalogues_english() -> None:
    shop = [Product("SP-W", "Standing Pouch Kraft Window", "14x22", 48000, 5),
            Product("SP-P", "Standing Pouch Kraft Polos", "14x22", 45000, 5)]
    match = look_up_products("standing pouch kraft yg ada jendelanya uk 14x22 brp ya?", shop).matches
    assert [p.sku for m in match for p in m.products] == ["SP-W"]


def test_a_number_keyword_matches_that_number_only(tmp_path) -> None:
    laras = {"action": "auto_reply", "keywords": ["laras", "salendro", "440"],
             "examples": ["angklungnya laras apa?", "distem 440 ga?", "ada yang salendro?"],
             "replies": {"id": ["Laras diatonis, A=440 Hz."], "en": ["Diatonic, A=440 Hz."]}}
    shop = InMemoryShopData([Product("AKL-08", "Angklung Melodi Set", "8 nada (1 oktaf)", 650000, 15),
                             Product("AKL-31", "Angklung Melodi Set", "31 nada", 3250000, 4)])
    engine = engine_with(tmp_path, lambda raw: raw.setdefault("custom_intents", {}).update(laras_nada=laras), shop)
    price = engine.decide(Turn(text="punten teh, angklung melodi set 8 nada sabaraha?", now=NOON))
    assert price.intent == "price" and "Rp650.000" in price.reply
    assert engine.decide(Turn(text="angklungnya laras salendro?", now=NOON)).intent == "laras_nada"


def test_serta_joins_two_questions() -> None:
    shop = InMemoryShopData([Product("KRD-30", "Kardus Polos", "30x20x15 (isi 25)", 68000, 9),
                             Product("BP-100", "Bee Pollen", "100 gr", 75000, 4)])
    engine = ReplyEngine.default(shop)
    both = engine.decide(Turn(text="Selamat pagi. Saya ingin menanyakan harga Kardus Polos ukuran 30x20x15 serta metode "
                                   "pembayaran yang tersedia. Terima kasih.", now=NOON))
    assert "Rp68.000" in both.reply and "QRIS" in both.reply
    stock = engine.decide(Turn(text="Saya hendak menanyakan harga Bee Pollen serta ketersediaannya. Terima kasih.", now=NOON))
    assert stock.action is Action.AUTO_REPLY and "Rp75.000" in stock.reply


ANGKLUNG = InMemoryShopData([
    Product("AKL-31", "Angklung Melodi Set", "31 nada (2 oktaf + kromatis)", 3250000, 4),
    Product("AKL-08", "Angklung Melodi Set", "8 nada (1 oktaf)", 650000, 15),
    Product("AKL-PNT", "Angklung Pentatonis Set", "15 nada laras salendro", 1650000, 2),
])


@pytest.mark.parametrize("text", ["kak bisa nego ga angklung set 31 nada, 3jt aja ya", "bisa nego dikit ga? 3,2 jt deh"])
def test_an_amount_offered_is_the_bargains(text) -> None:
    engine = ReplyEngine.default(ANGKLUNG)
    decision = engine.decide(Turn(text=text, now=NOON, memory={"product": "Angklung Melodi Set", "variant": "31 nada"}))
    assert decision.action is Action.AUTO_REPLY and "bargain" in decision.intents
    assert "3.000.000" not in decision.reply and "3.200.000" not in decision.reply and "1.650.000" not in decision.reply


def test_a_number_named_picks_the_set_that_has_it() -> None:
    decision = ReplyEngine.default(ANGKLUNG).decide(Turn(text="angklung set 31 nada ready?", now=NOON))
    assert "31 nada" in decision.reply and "Pentatonis" not in decision.reply


def test_afraid_it_cracks_is_no_complaint(engine) -> None:
    decision = engine.decide(Turn(text="kang punten, dipacking kumaha? sieun retak di jalan ka Medan", now=NOON))
    assert decision.intent != "complaint"


def test_an_order_that_asks_stock_first_is_a_stock_question() -> None:
    shop = InMemoryShopData([Product("BOX-M", "Box Makanan Kraft", "M", 35000, 9)])
    engine = ReplyEngine.default(shop)
    asks = engine.decide(Turn(text="mau order box makanan kraft M 5 pack, ready kan?", now=NOON))
    assert asks.intent == "stock" and asks.action is Action.AUTO_REPLY
    orders = engine.decide(Turn(text="mau order box makanan kraft M 5 pack, kirim ke cimahi ya", now=NOON))
    assert orders.intent == "new_order" and orders.action is Action.ESCALATE
