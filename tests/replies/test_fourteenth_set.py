"""What the fourteenth held-out conversation set (heldout-14, now a development set) taught:
regional yes and no to a restock offer, "Syalom", a comment tagging friends, parcels gone wrong in
Manado and Javanese words, "kurang dikit", "tokonya buka?", what a product is like goes to a
person, the words naming a product pick no variant, English product words, occasions."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Product

NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # Monday 13:00 WIB
SHOP = InMemoryShopData([
    Product("SRO-150", "Sambal Roa", "Original 150 ml", 45000, 40),
    Product("SRO-XTR", "Sambal Roa", "Extra Pedas 150 ml", 48000, 0),
    Product("HMP-KYU", "Paket Hampers Oma", "Box Kayu", 155000, 4),
    Product("HMP-KRT", "Paket Hampers Oma", "Box Kertas", 135000, 10),
    Product("SG-HTM", "Kacamata Hitam Polarized Sipiso", "Hitam", 210000, 9),
    Product("SG-MRC", "Kacamata Hitam Polarized Sipiso", "Mercury Biru", 230000, 2),
    Product("PZL-HRF", "Puzzle Kayu", "Huruf A-Z", 55000, 0),
    Product("PZL-AGK", "Puzzle Kayu", "Angka 1-10", 45000, 13),
    Product("BLK-CTY", "Balok Susun City", "100 pcs", 120000, 5),
])


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(SHOP)


def _offer(engine: ReplyEngine) -> dict:
    offer = engine.decide(Turn("sambal roa extra pedas ada?", NOON))
    assert offer.memory and offer.memory.get("restock_offer"), offer.reply
    return offer.memory


@pytest.mark.parametrize(("answer", "accepted"), [
    ("iyo boleh, kabari jo", True),  # Manado
    ("yo wes, kabari yo mbak lek ready", True),  # Javanese
    ("Yes please, let me know when it's back", True),
    ("nda usah kak", False),
])
def test_regional_and_english_answers_to_a_restock_offer(engine, answer, accepted) -> None:
    then = engine.decide(Turn(answer, NOON, memory=_offer(engine)))
    assert then.action is Action.AUTO_REPLY and bool(then.restock_skus) is accepted, then.reason


def test_no_thanks_and_a_question_is_no_product_called_nda(engine) -> None:
    then = engine.decide(Turn("nda usah, yg original 150 brp?", NOON, memory=_offer(engine)))
    assert then.action is Action.AUTO_REPLY and "Rp45.000" in then.reply, then.reason


def test_syalom_is_a_greeting(engine) -> None:
    decision = engine.decide(Turn("Syalom kak 🙏", NOON))
    assert decision.intent == "greeting" and decision.action is Action.AUTO_REPLY


def test_a_comment_tagging_friends_gets_nothing_and_no_agent(engine) -> None:
    decision = engine.decide(Turn("@rina_23 liat ini lucu buat Kenzo 😍", NOON, is_public_comment=True))
    assert decision.action is Action.IGNORE and decision.reply is None and decision.public_reply is None
    asked = engine.decide(Turn("@rina_23 ini brp ya kak puzzle kayu angka?", NOON, is_public_comment=True))
    assert asked.action is Action.AUTO_REPLY  # a question beside the tag is answered


@pytest.mark.parametrize("text", [
    "kak paket so 10 hari blum sampe\nresi nda bergerak dari kemarin-kemarin",
    "kak kata resi paket wes diterima\ntp aku gak nerimo blas, sopo sing nerimo?",
    "kak resi ne kok gak iso dilacak ndek web jne",
    "I received the wrong colour. I ordered the pink kitchen set but got the blue one.",
])
def test_parcels_gone_wrong_in_other_words(engine, text) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert decision.intent == "complaint" and decision.action is Action.ESCALATE, decision.reason


@pytest.mark.parametrize(("text", "intent"), [
    ("kak kurang sadiki dang\nroa 150 nya 40rb jo ya", "bargain"),
    ("kak hari ini tokonya buka? mau ambil kacamata", "business_hours"),
])
def test_bargaining_and_opening_in_other_words(engine, text, intent) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert decision.intent == intent and decision.action is Action.AUTO_REPLY, decision.reason


@pytest.mark.parametrize("text", [
    "paket hampers oma isinya apa aja kak? bisa pilih sendiri sambalnya?",
    "sambal roa pake ikan roa asli dari mana kak? pake MSG nda?",
    "balok susun city iku iso disambung karo lego gak kak?",
])
def test_what_a_product_is_like_goes_to_a_person(engine, text) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert decision.action is Action.ESCALATE, decision.reason
    assert "ready" not in (decision.reply or "")


def test_the_words_naming_a_product_pick_no_variant(engine) -> None:
    reply = engine.decide(Turn("brp kak kacamata hitam sipiso?", NOON)).reply
    assert "Rp210.000" in reply and "Rp230.000" in reply  # both frames: the price range
    black = engine.decide(Turn("kacamata hitam sipiso yg hitam brp?", NOON)).reply
    assert "Rp210.000" in black and "Rp230.000" not in black


@pytest.mark.parametrize(("text", "fact"), [
    ("Hi, do you have the wooden number puzzle?", "Angka"),
    ("hampers natal ada kak? yg box kayu brp?", "Rp155.000"),
])
def test_english_product_words_and_occasions(engine, text, fact) -> None:
    decision = engine.decide(Turn(text, NOON))
    assert decision.action is Action.AUTO_REPLY and fact in decision.reply, decision.reason


def test_a_bare_price_question_after_products_prices_those(engine) -> None:
    decision = engine.decide(Turn("puzzle kayu angka ada?\nbalok susun city nya sekalian\nharga brp", NOON))
    assert decision.action is Action.AUTO_REPLY, decision.reason
    assert "Rp45.000" in decision.reply and "Rp120.000" in decision.reply
    box = engine.decide(Turn("hampers oma ada kak?\nyg box kayu brp?", NOON)).reply
    assert "Rp155.000" in box and "Rp135.000" not in box  # the variant the price question named


def test_praise_in_the_catalogues_own_words_is_thanks() -> None:
    shop = InMemoryShopData([Product("PRF-VNL", "Parfum Wangi Vanilla", "30 ml", 85000, 5)])
    decision = ReplyEngine.default(shop).decide(Turn("makasih kak, parfumnya wangi banget 😍 suami suka", NOON))
    assert decision.intent == "thanks" and decision.action is Action.AUTO_REPLY, decision.reason


def test_an_unsure_spam_reading_of_a_greeting_and_a_question_is_dropped(engine) -> None:
    decision = engine.decide(Turn("tabe' kak\nbalok susun city ada ji?", NOON))
    assert decision.action is Action.AUTO_REPLY and "Balok Susun City" in decision.reply, decision.reason
