"""Decisions and replies of the default engine: policy, voice, data look-ups."""
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import replies.voice
from replies import Action, Decision, ReplyEngine, Turn, load_brand_pack

WIB = ZoneInfo("Asia/Jakarta")
OPEN = datetime(2026, 11, 23, 10, 0, tzinfo=WIB)  # Monday 10:00, shop open
CLOSED = datetime(2026, 11, 22, 23, 0, tzinfo=WIB)  # Sunday night, shop closed


@pytest.mark.parametrize(
    "text, intent, action, flags",
    [
        ("brp ongkir ke medan kak", "shipping_cost", Action.AUTO_REPLY, set()),
        ("halooo min", "greeting", Action.AUTO_REPLY, set()),
        ("bisa bayar cod ga", "payment", Action.AUTO_REPLY, set()),
        ("bisa retur ga kak", "return_refund", Action.AUTO_REPLY, set()),
        ("garansi berapa lama?", "warranty", Action.AUTO_REPLY, set()),
        ("makasih banyak kak", "thanks", Action.AUTO_REPLY, set()),
        ("barang saya datang rusak", "complaint", Action.ESCALATE, {"priority"}),
        ("sambungkan ke cs dong", "human", Action.ESCALATE, set()),
        ("goblok lu", "abuse", Action.ESCALATE, {"abuse"}),
        ("pinjol cepat cair wa sekarang", "spam", Action.IGNORE, {"spam"}),
        ("bisa jadi dropship?", "wholesale", Action.ESCALATE, set()),
    ],
)
def test_policy_table(engine: ReplyEngine, turn, text, intent, action, flags) -> None:
    d = engine.decide(turn(text))
    assert isinstance(d, Decision)
    assert (d.intent, d.action) == (intent, action)
    assert flags <= d.flags
    assert 0.0 <= d.confidence <= 1.0
    assert d.reason
    if action is Action.AUTO_REPLY:
        assert d.reply
    else:
        # Inside business hours a handover is silent: the agent answers.
        assert d.reply is None


def test_flagship_shipping_answer(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("brp ongkir ke medan kak"))
    assert d.reply.startswith("Selamat pagi kak!")
    assert "Ongkir ke Medan mulai Rp18.000" in d.reply
    assert d.reply.count("\n") == 1  # one answer line, one closing line


def test_city_alias_and_unknown_city(engine: ReplyEngine, turn) -> None:
    assert "Yogyakarta" in engine.decide(turn("ongkir ke jogja brp kak")).reply
    d = engine.decide(turn("ongkir ke sorong brp"))
    assert d.action is Action.ESCALATE
    assert "Sorong" in d.reply and "Rp" not in d.reply  # honest, no invented figure


def test_general_shipping_question_lists_couriers_and_threshold(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("ada free ongkir?"))
    assert d.action is Action.AUTO_REPLY
    assert "JNE" in d.reply and "Rp250.000" in d.reply


@pytest.mark.parametrize(
    "hour, word",
    [(6, "Selamat pagi"), (12, "Selamat siang"), (16, "Selamat sore"), (20, "Selamat malam")],
)
def test_greeting_by_time_of_day_in_shop_timezone(engine: ReplyEngine, hour: int, word: str) -> None:
    d = engine.decide(Turn("halo kak", datetime(2026, 11, 24, hour, 0, tzinfo=WIB)))
    assert d.reply.startswith(word)


def test_time_is_converted_to_wib(engine: ReplyEngine) -> None:
    from datetime import timezone

    # 01:00 UTC is 08:00 WIB: morning in the shop, whatever the server clock says.
    d = engine.decide(Turn("halo kak", datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)))
    assert d.reply.startswith("Selamat pagi")


@pytest.mark.parametrize("text, honorific", [("halo sis", "sis"), ("halo gan", "gan"), ("halo min", "kak"),
                                             ("ready sist?", "sis")])
def test_honorific_mirroring(engine: ReplyEngine, turn, text: str, honorific: str) -> None:
    d = engine.decide(turn(text))
    assert f" {honorific}" in d.reply
    if honorific != "kak":
        assert " kak" not in d.reply


@pytest.mark.parametrize(
    "text, lang",
    [("how much is shipping to surabaya?", "en"), ("brp ongkir ke surabaya", "id"),
     ("do you accept cod?", "en"), ("bisa cod kak?", "id")],
)
def test_replies_in_the_customers_language(engine: ReplyEngine, turn, text: str, lang: str) -> None:
    d = engine.decide(turn(text))
    assert d.language == lang
    assert d.action is Action.AUTO_REPLY
    english = "Good morning" in d.reply
    assert english == (lang == "en")


def test_formal_register_gets_no_emoji(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("Selamat pagi, apakah bisa bayar dengan transfer? Mohon infonya"))
    assert d.action is Action.AUTO_REPLY
    assert "🙏" not in d.reply and "😊" not in d.reply


def test_emoji_level_one_keeps_a_single_emoji(engine: ReplyEngine, turn) -> None:
    reply = engine.decide(turn("bisa retur ga kak")).reply
    assert sum(reply.count(e) for e in "🙏😊👍") == 1


# -- multi-point bursts --------------------------------------------------------------
def test_burst_gets_one_combined_answer(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("kak\nkaos oversize hitam L ready?\nbrp?"))
    assert d.action is Action.AUTO_REPLY
    assert d.intents[:2] in (("stock", "price"), ("price", "stock"))
    assert d.reply.count("Selamat pagi") == 1
    assert "Rp89.000" in d.reply and ("ready" in d.reply or "tersedia" in d.reply)
    closings = ("Ada lagi", "Kalau ada pertanyaan lain", "Terima kasih sudah")
    assert sum(d.reply.count(c) for c in closings) == 1


def test_multi_point_one_line(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("hoodie abu ready kak? brp ongkir ke medan?"))
    assert set(d.intents) == {"stock", "shipping_cost"}
    assert "Hoodie Basic" in d.reply and "Medan" in d.reply
    assert d.action is Action.AUTO_REPLY


def test_complaint_in_a_burst_wins(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("halo kak\nbarang saya datang rusak, kecewa"))
    assert d.intent == "complaint" and d.action is Action.ESCALATE
    assert "priority" in d.flags and d.reply is None


# -- catalogue and orders --------------------------------------------------------------
def test_price_from_catalogue_with_typo(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("harga kaos ovrsize hitam L brp sis"))
    assert d.action is Action.AUTO_REPLY
    assert "Kaos Oversize Hitam L Rp89.000" in d.reply


def test_sold_out_variant_is_said_honestly(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("hoodie navy L ready gan?"))
    assert d.action is Action.AUTO_REPLY
    assert "kosong" in d.reply and "Navy L" in d.reply


def test_unknown_product_escalates_without_inventing_a_price(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("harga sepatu running berapa kak"))
    assert d.action is Action.ESCALATE
    assert "unknown_product" in d.flags
    assert "Rp" not in d.reply and "belum kami temukan" in d.reply


def test_price_without_shop_data_escalates(bare_engine: ReplyEngine, turn) -> None:
    d = bare_engine.decide(turn("harga kaos oversize berapa"))
    assert d.action is Action.ESCALATE and "unknown_product" in d.flags


def test_order_by_number(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("cek status order INV-0099 dong"))
    assert d.action is Action.AUTO_REPLY
    assert "INV-0099" in d.reply and "JNE1234567890" in d.reply and "sudah dikirim" in d.reply


def test_order_by_phone(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("paket saya belum sampai", customer_phone="+6281111111111"))
    assert d.action is Action.AUTO_REPLY
    assert "INV-0100" in d.reply and "menunggu pembayaran" in d.reply


def test_unknown_order_is_honest_and_escalates(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("resi INV-7777 mana kak"))
    assert d.action is Action.ESCALATE
    assert "unknown_order" in d.flags and "INV-7777" in d.reply and "JNE" not in d.reply


# -- business hours and channels ---------------------------------------------------------
def test_out_of_hours_handover_note(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("mau bicara sama admin", now=CLOSED))
    assert d.action is Action.ESCALATE
    assert "out_of_hours" in d.flags
    assert "08.00" in d.reply and "besok" in d.reply


def test_complaint_gets_no_bot_reply_even_out_of_hours(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("barang saya datang rusak", now=CLOSED))
    assert d.action is Action.ESCALATE and d.reply is None
    assert {"priority", "out_of_hours"} <= d.flags


def test_a_pack_may_opt_in_to_an_out_of_hours_complaint_note(tmp_path, turn) -> None:
    source = Path(replies.voice.__file__).parent / "packs" / "default.yaml"
    text = source.read_text().replace("  # complaint_out_of_hours:", "  complaint_out_of_hours:")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("  complaint_out_of_hours:"))
    for i in range(start + 1, start + 5):
        lines[i] = lines[i].replace("  # ", "  ", 1)
    pack_file = tmp_path / "pack.yaml"
    pack_file.write_text("\n".join(lines))
    d = ReplyEngine(load_brand_pack(pack_file)).decide(turn("barang saya datang rusak", now=CLOSED))
    assert d.reply.startswith("Mohon maaf")
    assert not any(e in d.reply for e in "😊👍")


def test_holiday_counts_as_closed(engine: ReplyEngine) -> None:
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=WIB)  # a Friday, normally open
    d = engine.decide(Turn("sambungkan ke cs dong", christmas))
    assert "out_of_hours" in d.flags and d.reply


def test_abuse_never_gets_a_reply(engine: ReplyEngine, turn) -> None:
    for now in (OPEN, CLOSED):
        d = engine.decide(turn("dasar penipu goblok", now=now, is_public_comment=True))
        assert d.reply is None and d.public_reply is None and "abuse" in d.flags


def test_auto_reply_answers_questions_on_open_day_even_after_hours(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("bisa cod?", now=CLOSED))
    assert d.action is Action.AUTO_REPLY and "COD" in d.reply and "out_of_hours" in d.flags


def test_public_comment_gets_short_public_answer_and_dm(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("ongkir ke bandung brp kak", is_public_comment=True))
    assert d.action is Action.AUTO_REPLY
    assert d.public_reply and "DM" in d.public_reply and len(d.public_reply) < len(d.reply)
    assert "Bandung" in d.reply


def test_private_message_has_no_public_reply(engine: ReplyEngine, turn) -> None:
    assert engine.decide(turn("ongkir ke bandung brp kak")).public_reply is None


def test_public_spam_is_ignored_and_flagged(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("slot gacor cek link di bio", is_public_comment=True))
    assert d.action is Action.IGNORE and "spam" in d.flags and d.reply is None and d.public_reply is None


def test_thanks_alone_gets_no_greeting_or_closing(engine: ReplyEngine, turn) -> None:
    d = engine.decide(turn("makasih kak"))
    assert d.reply.startswith("Sama-sama") and "\n" not in d.reply


def test_naive_datetime_is_rejected(engine: ReplyEngine) -> None:
    with pytest.raises(ValueError):
        engine.decide(Turn("halo", datetime(2026, 11, 23, 10, 0)))
