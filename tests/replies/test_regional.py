"""Formal Indonesian, Javanese and Sundanese price/stock questions."""
import subprocess
import sys
from pathlib import Path

import pytest

from replies import Action

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text, intent", [
    ("Selamat siang, saya ingin menanyakan harga kaos oversize ukuran L. Terima kasih.", "price"),
    ("kaos oversize piro?", "price"),
    ("regane hoodie piro mas", "price"),
    ("sabaraha kaos oversize teh?", "price"),
    ("hoodie abu isih ono?", "stock"),
    ("kaos oversize ready ora?", "stock"),
    ("hoodie abu aya keneh?", "stock"),
])
def test_formal_and_regional_questions_are_answered(engine, turn, text, intent) -> None:
    d = engine.decide(turn(text))
    assert d.intent == intent and d.action is Action.AUTO_REPLY, d
    # a price, or what is in stock with its price (a sold-out product names no price)
    assert "Rp" in d.reply or (intent == "stock" and "kosong" in d.reply), d.reply


def test_formal_question_gets_no_emoji(engine, turn) -> None:
    d = engine.decide(turn("Selamat siang, saya ingin menanyakan harga kaos oversize ukuran L. Terima kasih."))
    assert "Kaos Oversize" in d.reply and not any(e in d.reply for e in "🙏😊👍")


def test_cli_try_javanese() -> None:
    res = subprocess.run([sys.executable, "-m", "replies", "try", "regane hoodie piro mas", "--at", "2026-11-23T10:00+07:00"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 0 and "intent=price" in res.stderr
