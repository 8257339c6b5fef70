"""Conversation memory (Turn.memory -> Decision.memory) and the conversation's language."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from replies import Action, Turn
from replies.engine import detect_language

from .conftest import OPEN, converse

ROOT = Path(__file__).resolve().parents[2]


def test_shipping_follow_up_does_not_ask_the_city_again(engine) -> None:
    first, second = converse(engine, "brp ongkir ke medan", "kalau pakai JNE brp?")
    assert first.memory["city"] == "medan"
    assert second.action is Action.AUTO_REPLY
    assert "Medan" in second.reply and "Rp21.000" in second.reply and "JNE" in second.reply
    assert "kotanya" not in second.reply


def test_price_follow_up_uses_the_product_asked_before(engine) -> None:
    first, second, third = converse(engine, "kaos oversize hitam L ready?", "brp kak?", "kalau yg putih?")
    assert first.memory["product"] == "Kaos Oversize" and first.memory["variant"] == "Hitam L"
    assert second.action is Action.AUTO_REPLY and "Kaos Oversize Hitam L Rp89.000" in second.reply


def test_order_follow_up_uses_the_order_number(engine) -> None:
    first, second = converse(engine, "cek pesanan INV-0099 dong", "resinya udah ada?")
    assert first.memory["order_number"] == "INV-0099"
    assert second.action is Action.AUTO_REPLY and "JNE1234567890" in second.reply


def test_memory_is_small_and_known_keys_only(engine) -> None:
    d = engine.decide(Turn("halo kak", OPEN, memory={"language": "id", "junk": "x" * 5000}))
    assert "junk" not in d.memory and set(d.memory) <= {"language", "city", "product", "variant", "order_number",
                                                           "greeted_on", "greeted_daypart", "answer"}


# -- language ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["ukuran L ready ga kak?", "size M masih ada ga?", "kaos oversize hitam L ready?",
                                  "bisa order sekarang? ready kan"])
def test_one_english_word_keeps_indonesian(engine, turn, text) -> None:
    d = engine.decide(turn(text))
    assert d.language == "id"
    assert d.reply is None or not d.reply.startswith("Good")


@pytest.mark.parametrize("text", ["thank you!", "thanks a lot", "thank you so much"])
def test_short_english_thanks_gets_english(engine, turn, text) -> None:
    d = engine.decide(turn(text))
    assert d.language == "en" and d.reply.startswith("You're welcome")


def test_language_is_kept_per_conversation(engine) -> None:
    en = converse(engine, "how much is shipping to surabaya?", "ok, and to bali?", "ready?")
    assert [d.language for d in en] == ["en", "en", "en"]
    idn = converse(engine, "brp ongkir ke surabaya kak", "ok thanks")
    assert [d.language for d in idn] == ["id", "id"]
    switched = converse(engine, "brp ongkir ke surabaya kak", "sorry, do you have this in size M?")
    assert switched[1].language == "en"


def test_detect_language_rules() -> None:
    assert detect_language("ready size L kak?") == "id"
    assert detect_language("is the black one available?") == "en"
    assert detect_language("thanks", previous="id") == "id"
    assert detect_language("makasih kak", previous="en") == "id"


def test_cli_threads_memory() -> None:
    def run(text, *extra):
        return subprocess.run([sys.executable, "-m", "replies", "try", text, "--at", "2026-11-23T10:00+07:00", *extra],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)
    first = run("brp ongkir ke medan")
    line = next(x for x in first.stderr.splitlines() if x.startswith("-- memory="))
    memory = json.loads(line[len("-- memory="):])
    assert memory["city"] == "medan"
    second = run("kalau pakai JNE brp?", "--memory", json.dumps(memory))
    assert second.returncode == 0, second.stderr
    assert "Rp21.000" in second.stdout and "Selamat pagi" not in second.stdout
