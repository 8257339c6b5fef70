"""What the day's seventh session taught: first a round on the development sets' handovers that were
not needed (a customer's own order asked after without its number, a cancellation the customer owns
up to, praise around a product question, a discount asked, English words for the catalogue's, a
payment asked about on an order that shows it paid), then a round after each fresh pair's first run
(heldout-45 to heldout-52, development sets now): bargaining with an amount of their own, the wrong
item and other complaints, what only a person can show or arrange, a part named by what it is for,
regional words."""
from __future__ import annotations

import pytest

from replies import Action, InMemoryShopData, Product, ReplyEngine

from .conftest import converse, edited_engine

PAID_CUSTOMER = "+6281234567890"  # INV-0099, shipped (conftest)
UNKNOWN_CUSTOMER = "+6289999999999"


@pytest.mark.parametrize("text", [
    "kak pesanan saya gmn ya, udah bisa dikirim?",
    "kak paketku wes tekan durung?",  # Javanese
    "siang, mo tanya kita pe pesanan",  # Manado
    "uni, pesanan ambo nan baru ko alah masuak?",  # Minang
    "hey, where's my order? any tracking number?",
])
def test_their_own_order_asked_after_without_its_number_is_answered_from_it(engine: ReplyEngine, turn, text: str) -> None:
    decision = engine.decide(turn(text, customer_phone=PAID_CUSTOMER))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "order_status")
    assert "JNE1234567890" in decision.reply


@pytest.mark.parametrize("text", [
    "kak pesanan saya kok belum sampai, udah 5 hari",
    "pesananku tolong kirimnya dipisah ke 2 alamat ya",
    "aku ra nompo paket opo2, pesananku piye?",
])
def test_their_own_order_with_something_wrong_or_a_request_goes_to_a_person(engine: ReplyEngine, turn, text: str) -> None:
    assert engine.decide(turn(text, customer_phone=PAID_CUSTOMER)).action is Action.ESCALATE


def test_their_own_order_without_any_order_of_theirs_goes_to_a_person(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("kak pesanan saya gmn ya?", customer_phone=UNKNOWN_CUSTOMER))
    assert decision.action is Action.ESCALATE


def test_a_javanese_parcel_never_received_is_a_complaint(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("lho durung tekan kok kak\naku ra nompo paket opo2", customer_phone=PAID_CUSTOMER))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "complaint")


@pytest.mark.parametrize("text", ["oh iya aku yg batalin kemarin, makasih kak", "oh iya sy yg cancel kemarin, makasih kak"])
def test_a_cancellation_the_customer_owns_up_to_is_thanked_not_handed_over(engine: ReplyEngine, text: str) -> None:
    *_, owned = converse(engine, "pesanan INV-0100 gimana kak?", text)
    assert (owned.action, owned.intent) == (Action.AUTO_REPLY, "thanks")


def test_a_cancellation_owned_up_to_with_a_question_answers_the_question(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("oh iya sy yg batal. kalau hoodie basic yg abu M ada?"))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "stock")
    assert "Hoodie Basic" in decision.reply
    assert engine.decide(turn("tolong batalin pesanan INV-0100 ya kak")).action is Action.ESCALATE


@pytest.mark.parametrize("text", ["cantik sekali kak 😍 harga hoodie basic brapa?",
                                  "MasyaAllah bagus banget 😍 hoodie basic harganya brp kak?"])
def test_praise_around_a_product_question_is_not_part_of_its_name(engine: ReplyEngine, turn, text: str) -> None:
    decision = engine.decide(turn(text))
    assert decision.action is Action.AUTO_REPLY and "Rp175.000" in decision.reply


@pytest.mark.parametrize("text", ["kalau ambil 2 hoodie dapat diskon?", "diskon ga kak kalau beli 2 sekaligus?",
                                  "Can I get a discount if I buy 2 pairs?"])
def test_a_discount_asked_is_the_shops_answer_to_bargaining(engine: ReplyEngine, turn, text: str) -> None:
    decision = engine.decide(turn(text))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "bargain")


BAGS = InMemoryShopData([
    Product("PBK-S", "Paper Bag Kraft", "S 18x8x22", 38000, 9),
    Product("PBK-M", "Paper Bag Kraft", "M 25x10x30", 55000, 4),
    Product("PBK-L", "Paper Bag Kraft", "L 32x12x38", 72000, 0),
    Product("PBP-M", "Paper Bag Putih", "M 25x10x30", 62000, 3),
    Product("KYK-MRH", "Kayak Tamarack", "Merah", 6750000, 2),
    Product("KYK-BRU", "Kayak Tamarack", "Biru", 6750000, 0),
])


def test_a_size_asked_after_several_products_were_listed_is_the_one_that_has_it() -> None:
    engine = ReplyEngine.default(BAGS)
    listed, asked = converse(engine, "mau tanya paper bag\nukuran apa aja ya kak", "yg L ada?")
    assert "Paper Bag Kraft" in listed.reply and "Paper Bag Putih" in listed.reply
    assert (asked.action, asked.intent) == (Action.AUTO_REPLY, "stock")
    assert "Paper Bag Kraft L" in asked.reply and "kosong" in asked.reply
    # a size both have is no answer the bot can pick
    assert converse(engine, "mau tanya paper bag\nukuran apa aja ya kak", "yg M ada?")[-1].action is Action.ESCALATE


def test_manado_kalu_asks_about_the_variant_of_the_product_just_talked_about() -> None:
    engine = ReplyEngine.default(BAGS)
    *_, asked = converse(engine, "kayak tamarack ada warna biru?", "kalu merah?")
    assert asked.action is Action.AUTO_REPLY and "Merah" in asked.reply
def test_english_plurals_of_the_catalogues_words_name_its_products(turn) -> None:
    shop = InMemoryShopData([Product("SPL-16", "Sepeda Lipat Listrik Fold 16", "Silver", 6900000, 2),
                             Product("BTR-AA", "Baterai Alkaline AA", "Isi 4", 25000, 9)])
    engine = ReplyEngine.default(shop)
    folding = engine.decide(turn("Hi, do you sell folding bikes? What's the price?"))
    assert folding.action is Action.AUTO_REPLY and "6.900.000" in folding.reply
    batteries = engine.decide(turn("How much are the alkaline batteries?"))
    assert batteries.action is Action.AUTO_REPLY and "25.000" in batteries.reply


def test_english_words_are_read_in_the_catalogues_words_only_where_its_names_lack_them(turn) -> None:
    shop = InMemoryShopData([Product("SHV-GLT", "Gillette Foamy Shaving Foam", "311 gr", 55000, 15),
                             Product("GRD-BLK", "Gorden Blackout Polos", "Navy", 145000, 3),
                             Product("RNG-25", "Ring Pelampung", "2.5 kg", 250000, 4)])
    engine = ReplyEngine.default(shop)
    curtains = engine.decide(turn("Hi, do you have blackout curtains in navy?"))
    assert curtains.action is Action.AUTO_REPLY and "Gorden Blackout Polos" in curtains.reply
    foam = engine.decide(turn("gillette foam ada kak?"))  # the catalogue says "Foam": no translating it
    assert foam.action is Action.AUTO_REPLY and "Gillette" in foam.reply


def test_a_short_word_inside_another_is_no_typo_of_it(turn) -> None:
    shop = InMemoryShopData([Product("RNG-25", "Ring Pelampung", "2.5 kg", 250000, 4),
                             Product("STR-EB", "Senar Gitar Ernie Ball", "Regular Slinky 10", 110000, 10),
                             Product("CVS-M", "Cover Sepatu Anti Air", "M (38-40)", 35000, 18)])
    engine = ReplyEngine.default(shop)
    for text in ("ada jaring ikan ka? yg 2 inci", "jual biola kah kaka?", "jual sepatu boot karet ga kak? buat ke sawah"):
        decision = engine.decide(turn(text))
        assert decision.action is Action.ESCALATE, text  # none of them sold here: a person answers
        assert "Rp" not in (decision.reply or "")


@pytest.mark.parametrize("text", ["INV-0099 udah lunas kan kak?", "I have paid for order INV-0099, when will it ship?",
                                  "mas pesenan INV-0099 wis dibayar ko, kepriwe statuse?"])
def test_a_payment_asked_about_an_order_that_shows_it_paid_is_answered_with_its_status(engine: ReplyEngine, turn,
                                                                                      text: str) -> None:
    decision = engine.decide(turn(text))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "order_status")
    assert "JNE1234567890" in decision.reply


@pytest.mark.parametrize("text", ["ini bukti transfer pelunasan INV-0099 ya kak", "INV-0100 udah lunas kan kak?",
                                  "udh tf ya kak 70rb barusan, ini buktinya"])
def test_a_payment_reported_or_not_shown_in_the_order_goes_to_a_person(engine: ReplyEngine, turn, text: str) -> None:
    decision = engine.decide(turn(text, customer_phone=PAID_CUSTOMER))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "payment_confirmation")


@pytest.mark.parametrize("text", ["kaka INV-0099 tolong kirim ke alamat baru e\nsa su pindah ke Amban",
                                  "kak pesanan INV-0100 yang 2 kaos, kawa kah ditambah jadi 5?",
                                  "kak pesanan INV-0100 bisa tambah hoodie 1 ga? sekalian kirim"])
def test_an_order_to_change_goes_to_a_person(engine: ReplyEngine, turn, text: str) -> None:
    decision = engine.decide(turn(text))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "order_change")


# What heldout-45 and heldout-46's first runs taught (they are development sets now).
HELMETS = InMemoryShopData([
    Product("KYT-NFR-HD-M", "Helm KYT NF-R", "Hitam Doff M", 750000, 3),
    Product("BNS-SRT-MD", "Bonsai Serut", "Medium", 850000, 2),
    Product("GOG-DJI2", "Goggles DJI Goggles 2", "Standar", 6500000, 0),
])


def helmet_shop(raw) -> None:
    raw["facts"]["shipping_rates"]["makassar"] = {"J&T": 45000}


@pytest.fixture(scope="module")
def helmets(tmp_path_factory) -> ReplyEngine:
    return edited_engine(tmp_path_factory.mktemp("helmets"), helmet_shop, HELMETS)


@pytest.mark.parametrize("text", ["mahal amat, 1 jt pas ya gan", "1,25jt nett ke bang?\n1,1 boleh lah, langganan nih",
                                  "di shopee ada yg jual 680rb\nbisa samain harganya ga gan?"])
def test_an_amount_of_their_own_or_a_price_to_match_is_bargaining(helmets: ReplyEngine, turn, text: str) -> None:
    decision = helmets.decide(turn(text))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "bargain")


@pytest.mark.parametrize("text", ["min yg dateng helm putih padahal aku pesen hitam doff\nINV-0099",
                                  "bang motor 3 gak muter padahal udah arming"])
def test_the_wrong_item_or_a_motor_that_wont_spin_is_a_complaint(helmets: ReplyEngine, turn, text: str) -> None:
    decision = helmets.decide(turn(text))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "complaint")


@pytest.mark.parametrize("text", ["kak boleh minta foto asli bonsai serut medium yg ready?\nmau liat bentuknya dulu",
                                  "bonsai serut medium itu umurnya berapa tahun kak?", "bisa indent dji goggles 3 bang?"])
def test_a_photo_of_the_item_its_age_or_an_order_in_ahead_goes_to_a_person(helmets: ReplyEngine, turn, text: str) -> None:
    assert helmets.decide(turn(text)).action is Action.ESCALATE


def test_a_javanese_cancellation_goes_to_a_person(helmets: ReplyEngine, turn) -> None:
    decision = helmets.decide(turn("mas INV-0100 tak batalno wae yo, ra sido"))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "order_change")


def test_a_known_city_anywhere_in_the_burst_is_the_destination(helmets: ReplyEngine, turn) -> None:
    decision = helmets.decide(turn("kak bisa ji kirim bonsai ke luar jawa?\nke makassar, berapa ongkirnya di'?"))
    assert decision.action is Action.AUTO_REPLY and "Rp45.000" in decision.reply and "Makassar" in decision.reply


def test_a_measurement_said_beside_a_size_question_is_part_of_it(helmets: ReplyEngine, turn) -> None:
    decision = helmets.decide(turn("lingkar kepala aku 58 cm, size apa ya kak?"))
    assert decision.intent == "size_chart" and "katalog" not in (decision.reply or "")


def test_an_order_written_out_goes_to_a_person(helmets: ReplyEngine, turn) -> None:
    decision = helmets.decide(turn("Pesan kak:\n1 helm kyt nf-r hitam doff M\nKirim ke: Ibu Nurhayati, Jl. Garuda 7 Makassar\n"
                                   "Bayar COD"))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "new_order")


def test_ntt_possessive_pung_names_their_own_order_and_no_product(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("kaka beta pung paket su sampe ko? mau cek sa", customer_phone=PAID_CUSTOMER))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "order_status")
    *_, priced = converse(engine, "hoodie basic ada?", "dia pung harga barapa?")
    assert priced.action is Action.AUTO_REPLY and "Rp175.000" in priced.reply


# What heldout-47 and heldout-48's first runs taught (they are development sets now).
@pytest.mark.parametrize("text", ["mas orderku piye kabare?", "pesanan saya kenapa tidak jadi kak?"])
def test_more_ways_of_asking_after_their_own_order(engine: ReplyEngine, turn, text: str) -> None:
    decision = engine.decide(turn(text, customer_phone=PAID_CUSTOMER))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "order_status")


@pytest.mark.parametrize("text", ["kak paket INV-0099 katanya udh dikirim tapi kurirnya ga dateng2\nudah 2 hari",
                                  "kok dicek di web tiki resinya tidak ditemukan kak?",
                                  "mas kok ongkir di checkout 60rb?\nga masuk akal"])
def test_more_complaints(engine: ReplyEngine, turn, text: str) -> None:
    decision = engine.decide(turn(text, customer_phone=PAID_CUSTOMER))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "complaint")


def test_a_parcel_found_after_all_is_thanked(engine: ReplyEngine) -> None:
    *_, found = converse(engine, "INV-0099 udah sampai mana kak?", "oh iya udah ada di pos satpam ternyata, makasih kak")
    assert (found.action, found.intent) == (Action.AUTO_REPLY, "thanks")


def test_a_warranty_asked_for_a_fault_is_the_warranty_not_a_complaint(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("ada garansi luntur gak kak?"))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "warranty")
    assert engine.decide(turn("kaosnya luntur kak, baru sekali cuci")).intent == "complaint"


def test_a_country_abroad_is_no_city_of_the_rates(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("Hi! I live in Rotterdam, do you ship to the Netherlands?"))
    assert decision.action is Action.ESCALATE and "Rp" not in (decision.reply or "")



def test_a_paid_order_asked_after_in_chat_spelling_is_answered_with_its_status(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("pak pesanan saya gmn ya, udah lunas kemarin", customer_phone=PAID_CUSTOMER))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "order_status")


@pytest.mark.parametrize("text", ["kak hoodie bekas bisa tukar tambah disini?", "bisa trade in helm lama ga?"])
def test_a_trade_in_goes_to_a_person(engine: ReplyEngine, turn, text: str) -> None:
    assert engine.decide(turn(text)).action is Action.ESCALATE


def test_a_fault_soon_after_it_was_first_used_is_a_complaint(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("bun stroller yg aku beli INV-0099 rodanya goyang, bunyi kretek2\nbaru 2 minggu dipake loh 😢"))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "complaint")


# What heldout-49 and heldout-50's first runs taught (they are development sets now).
PARTS = InMemoryShopData([
    Product("BLB-YMH-15", "Baling-Baling Mesin Tempel Yamaha", "15 PK", 650000, 2),
    Product("WAX-MRH", "Stiker Segel Lilin (Wax Seal)", "Merah", 35000, 40),
    Product("KRS-TFN", "Kursi Tiffany", "Putih", 15000, 120),
])


def test_a_part_named_only_by_what_it_is_for_is_not_what_was_asked(turn) -> None:
    engine = ReplyEngine.default(PARTS)
    engine_asked = engine.decide(turn("bang ada jual mesin tempel yamaha 15pk? yg bekas pun gpp"))
    assert engine_asked.action is Action.ESCALATE and "650.000" not in (engine_asked.reply or "")
    part = engine.decide(turn("baling2 mesin tempel yamaha 15pk ada bang?"))
    assert part.action is Action.AUTO_REPLY and "Baling-Baling" in part.reply
    alias = engine.decide(turn("wax seal merah ada kak?"))  # a name in brackets is the product's too
    assert alias.action is Action.AUTO_REPLY and "Wax Seal" in alias.reply


def test_javanese_krama_and_suffixes_name_no_product(turn) -> None:
    engine = ReplyEngine.default(PARTS)
    decision = engine.decide(turn("mas, kursi tiffany isih ono?\npinten sewane?"))
    assert decision.action is Action.AUTO_REPLY and "Rp15.000" in decision.reply


def test_the_total_to_pay_asked_by_a_customer_with_an_order_is_the_orders(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("bang sy udah checkout td\ntotal brp ya yg hrs ditransfer?", customer_phone="+6281111111111"))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "order_status")
    assert "Rp89.000" in decision.reply


# What heldout-51 and heldout-52's first runs taught (they are development sets now).
@pytest.mark.parametrize("text", ["pesanan INV-0099 saya pesan yg hitam\nyg dikirim malah yg putih, tolong diganti",
                                  "om iwak sing teko wingi mati loro\nINV-0099",
                                  "paket INV-0099 dah seminggu tak sampai sampai\nmacam mane ni bang"])
def test_the_wrong_one_sent_dead_on_arrival_or_late_in_malay_is_a_complaint(engine: ReplyEngine, turn, text: str) -> None:
    decision = engine.decide(turn(text))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "complaint")


def test_a_video_of_the_item_asked_before_paying_goes_to_a_person(engine: ReplyEngine, turn) -> None:
    assert engine.decide(turn("hoodie basic abu M ready?\nboleh minta video barangnya dulu sebelum transfer?")).action \
        is Action.ESCALATE


def test_an_address_change_in_english_goes_to_a_person(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("I need to change the delivery address for order INV-0100, we moved to Nongsa"))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "order_change")


def test_a_transfer_reported_by_its_amount_and_bank_is_a_payment_confirmation(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("oke aku transfer dulu ya kak\nini udh ya, 158rb ke BCA"))
    assert (decision.action, decision.intent) == (Action.ESCALATE, "payment_confirmation")


def test_a_cancellation_owned_up_to_without_yg_then_a_question(engine: ReplyEngine, turn) -> None:
    decision = engine.decide(turn("oh iya kemarin aku batalin\nmau pesan ulang aja kak, hoodie basic abu M masih ada?"))
    assert (decision.action, decision.intent) == (Action.AUTO_REPLY, "stock")


def test_madurese_bedeh_asks_for_stock(turn) -> None:
    engine = ReplyEngine.default(InMemoryShopData([Product("LKS-MTK-9", "LKS Matematika Kelas 9", "Semester 2", 18000, 12)]))
    decision = engine.decide(turn("Cak, LKS matematika kelas 9 semester 2 bedeh?"))
    assert decision.action is Action.AUTO_REPLY and "LKS Matematika Kelas 9" in decision.reply


# heldout-53 and heldout-54 were measured last (first runs in RESULTS.md); their two wrong facts:
FISH_AND_BLOCKS = InMemoryShopData([
    Product("TNA-ASP-500", "Ikan Asap Tuna", "Loin 500 gr", 65000, 12),
    Product("TNA-ASP-1K", "Ikan Asap Tuna", "Loin 1 kg", 125000, 5),
    Product("TNA-LOIN-1K", "Tuna Loin Beku", "1 kg", 110000, 30),
    Product("BLK-N50", "Balok Susun Natural", "50 pcs", 145000, 14),
    Product("BLK-W50", "Balok Susun Warna", "50 pcs", 165000, 0),
])


def test_the_product_that_has_every_word_is_the_one_asked_for(turn) -> None:
    engine = ReplyEngine.default(FISH_AND_BLOCKS)
    smoked = engine.decide(turn("tuna asap loin 1 kg ada?"))
    assert smoked.action is Action.AUTO_REPLY and "Ikan Asap Tuna" in smoked.reply and "Tuna Loin Beku" not in smoked.reply
    frozen = engine.decide(turn("tuna loin beku 1 kg ada?"))
    assert frozen.action is Action.AUTO_REPLY and "Tuna Loin Beku" in frozen.reply


def test_a_name_whose_words_are_only_some_of_another_named_is_not_asked_too(turn) -> None:
    engine = ReplyEngine.default(FISH_AND_BLOCKS)
    natural = engine.decide(turn("mau tanya balok susun yg natural 50 pcs brp ya"))
    assert "Rp145.000" in natural.reply and "165.000" not in natural.reply
