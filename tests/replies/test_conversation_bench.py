"""bench/conversations.py scores a conversation set as FORMAT.md describes (on a tiny set of its own)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import conversations  # noqa: E402

TINY = ROOT / "tests" / "fixtures" / "conversation_set"


def test_scores_handover_answers_and_wrong_facts() -> None:
    score = conversations.score(TINY)
    assert (score.conversations, score.answerable) == (4, 2)
    # The follow-up is answered from the remembered city; the complaint and the spam are right; the
    # set's deliberately wrong expectation (a price the shop has, marked as excluded) fails both ways.
    assert score.answered_correct == 2
    assert score.handover_right == 3
    assert score.wrong_facts == 1
    assert any(line.startswith("wrong-expectation#1 wrong fact") for line in score.failures)


def test_a_rupiah_amount_not_in_the_shop_data_is_a_wrong_fact() -> None:
    amounts = {89000, 18000}
    assert conversations.wrong_facts("Harga Rp89.000, ongkir Rp18.000", amounts, []) == []
    assert conversations.wrong_facts("Harga Rp79.000 saja", amounts, []) == ["Rp79.000"]
    assert conversations.wrong_facts("Gratis ongkir Jawa-Bali", amounts, ["jawa-bali"]) == ["excluded 'jawa-bali'"]


def test_command_line_prints_the_three_figures() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "conversations.py"), str(TINY)],
                         capture_output=True, text=True, check=True).stdout
    assert "handover right" in out and "answered-correct" in out and "wrong facts" in out


def test_facts_are_matched_as_written_facts_not_substrings() -> None:
    assert conversations.wrong_facts("Cash on delivery up to Rp1,000,000", {1000000}, []) == []
    assert conversations.wrong_facts("Harga Rp55.000–Rp195.000", {55000, 195000}, ["95.000"]) == []
    assert conversations.wrong_facts("Harga Rp95.000", {95000}, ["95.000"]) == ["excluded '95.000'"]
    assert conversations.mentions("Buka Senin-Sabtu 08.00-20.00 WIB", "08:00")
    assert not conversations.mentions("Ongkir Rp18.000", "8.000")
    assert list(conversations.numbers_in({"cod_note": "COD (maks. Rp1.000.000)"})) == [1000000]
