"""Reply shape: one greeting per conversation and daypart, points in the order asked, brief, only facts that apply."""
from datetime import timedelta
from pathlib import Path

from replies import Action, ReplyEngine, Turn
from replies.voice import DEFAULT_PACK, load_brand_pack

from .conftest import OPEN

GREETINGS = ("Selamat pagi", "Selamat siang", "Selamat sore", "Selamat malam", "Waalaikumsalam", "Good morning")


def count_greetings(reply: str) -> int:
    return sum(reply.count(g) for g in GREETINGS)


def test_greet_once_per_conversation_and_daypart(engine) -> None:
    first = engine.decide(Turn("halo kak, ongkir ke bandung brp", OPEN))
    assert count_greetings(first.reply) == 1
    second = engine.decide(Turn("kalau ke medan?", OPEN + timedelta(minutes=5), memory=first.memory))
    assert count_greetings(second.reply) == 0 and "Medan" in second.reply
    evening = engine.decide(Turn("ongkir ke solo brp", OPEN + timedelta(hours=9), memory=second.memory))
    assert evening.reply.startswith("Selamat malam")


def test_never_two_greetings_in_one_reply(engine, turn) -> None:
    for text in ("halo kak selamat pagi", "Assalamualaikum, selamat pagi kak", "P\nhalo\nongkir ke bandung brp"):
        assert count_greetings(engine.decide(turn(text)).reply) == 1


def test_answers_in_the_order_asked(engine, turn) -> None:
    d = engine.decide(turn("ongkir ke bandung brp? terus harga kaos oversize brp?"))
    assert d.action is Action.AUTO_REPLY
    assert d.reply.index("Bandung") < d.reply.index("Kaos Oversize")
    d = engine.decide(turn("harga kaos oversize brp? terus ongkir ke bandung brp?"))
    assert d.reply.index("Kaos Oversize") < d.reply.index("Bandung")


def test_cod_question_gets_the_cod_answer_only(engine, turn) -> None:
    d = engine.decide(turn("bisa cod kak?"))
    assert "Bisa COD kak" in d.reply and "QRIS" not in d.reply and "BCA 1234567890" not in d.reply
    full = engine.decide(turn("metode pembayaran apa aja kak"))
    assert "QRIS" in full.reply


def test_free_shipping_only_where_it_applies(engine, turn) -> None:
    medan = engine.decide(turn("ongkir ke medan brp")).reply
    assert "Gratis ongkir" not in medan and "Jawa" not in medan
    assert "Gratis ongkir ke Bandung" in engine.decide(turn("ongkir ke bandung brp")).reply


def test_sold_out_offers_variants_in_stock_and_a_restock_notice(engine, turn) -> None:
    d = engine.decide(turn("hoodie navy L ready gan?"))
    assert "Navy L sedang kosong" in d.reply and "Abu M" in d.reply
    assert d.reply.rstrip(" 🙏").endswith('Balas "ya" aja') and "dikabari" in d.reply  # a question: no closing
    assert d.memory["restock_offer"]["skus"] == ["HOD-NAV-L"]


def test_no_restock_promise_from_a_pack_that_cannot_send_one(shop, turn, tmp_path) -> None:
    text = Path(DEFAULT_PACK).read_text(encoding="utf-8")
    start, end = text.index("  restock_offer:"), text.index("  public_reply:")
    path = tmp_path / "pack.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    d = ReplyEngine(load_brand_pack(path), shop).decide(turn("hoodie navy L ready gan?"))
    assert "Navy L sedang kosong" in d.reply
    assert "restock" not in d.reply.lower() and "kabari" not in d.reply and "restock_offer" not in d.memory


def test_a_yes_to_the_offer_asks_for_the_notice_and_anything_else_lets_it_go(engine, turn) -> None:
    offer = engine.decide(turn("hoodie navy L ready gan?")).memory
    for yes in ("ya", "iya kak boleh", "Boleh dong min 🙏", "yes please", "mau kak, kabari ya"):
        d = engine.decide(turn(yes, memory=offer))
        assert d.restock_skus == ("HOD-NAV-L",) and d.action is Action.AUTO_REPLY, yes
        assert "kabari" in d.reply or "message you" in d.reply
        assert "restock_offer" not in d.memory  # asked once
    no = engine.decide(turn("ga usah kak", memory=offer))
    assert no.restock_skus == () and no.action is Action.AUTO_REPLY and "kabari" not in no.reply
    other = engine.decide(turn("ongkir ke bandung brp?", memory=offer))
    assert other.restock_skus == () and "Bandung" in other.reply and "restock_offer" not in other.memory
    assert engine.decide(turn("ya")).restock_skus == ()  # a "ya" with no offer before it
    public = engine.decide(turn("hoodie navy L ready gan?", is_public_comment=True))
    assert "restock_offer" not in public.memory


def test_greeting_alone_is_not_followed_by_a_closing_question(engine, turn) -> None:
    reply = engine.decide(turn("halo kak")).reply
    assert reply.count("bantu") == 1
