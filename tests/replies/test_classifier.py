"""Intent quality on labelled data, computed by the same code as bench/intents.py."""
import sys
from pathlib import Path

import pytest

from replies import INTENTS, Action
from replies.classifier import KeywordBaseline, builtin_training_data, load_tsv

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from intents import evaluate  # noqa: E402

DATA = ROOT / "replies" / "data"


def test_intents_are_the_fourteen_builtins() -> None:
    assert INTENTS == ("greeting", "price", "stock", "shipping_cost", "order_status", "payment", "return_refund",
                       "warranty", "complaint", "human", "thanks", "abuse", "spam", "other")


def test_training_data_is_rich_and_separate_from_dev_and_test() -> None:
    train = builtin_training_data()
    assert len(train) >= 1000
    assert {i for i, _ in train} == set(INTENTS)
    seen = {t.lower() for _, t in train}
    for name in ("intents-dev.tsv", "dev-second-author.tsv", "test.tsv", "holdout-second-author.tsv"):
        held_out = {t.lower() for _, t in load_tsv(DATA / name)}
        assert not held_out & seen, f"{name} rows leaked into train.tsv"


@pytest.mark.parametrize("name", ["intents-dev.tsv", "dev-second-author.tsv", "test.tsv", "holdout-second-author.tsv"])
def test_meets_targets_and_beats_keyword_baseline(bare_engine, name: str) -> None:
    rows = load_tsv(DATA / name)
    e = evaluate(rows, bare_engine.classify, bare_engine.action_for)
    b = evaluate(rows, KeywordBaseline().predict, lambda i, c: bare_engine.action_for(i, 1.0))
    assert e["accuracy"] >= 0.85
    assert e["auto_precision"] >= 0.95
    assert e["esc_recall"] >= 0.95
    assert e["accuracy"] > b["accuracy"] + 0.15
    assert e["auto_precision"] > b["auto_precision"]


@pytest.mark.parametrize(
    "text, intent",
    [
        ("brp ongkir ke medan kak", "shipping_cost"),
        ("halooo kak", "greeting"),
        ("ready gak sis?", "stock"),
        ("udh tf ya min", "payment"),
        ("resinya mana kak", "order_status"),
        ("barangnya dateng rusak 😡", "complaint"),
        ("mau ngomong sama admin", "human"),
        ("goblok", "abuse"),
        ("slot gacor link di bio", "spam"),
        ("how much is this?", "price"),
        ("makasiii kak", "thanks"),
    ],
)
def test_classify_examples(bare_engine, text: str, intent: str) -> None:
    got, conf = bare_engine.classify(text)
    assert got == intent
    assert 0.0 <= conf <= 1.0


def test_low_confidence_goes_to_an_agent(bare_engine) -> None:
    assert bare_engine.action_for("price", bare_engine.threshold - 0.01) is Action.ESCALATE
    assert bare_engine.action_for("price", 0.99) is Action.AUTO_REPLY
    assert bare_engine.action_for("complaint", 0.99) is Action.ESCALATE
    assert bare_engine.action_for("spam", 0.99) is Action.IGNORE


def test_the_text_cache_stays_bounded_under_a_flood_of_unique_messages() -> None:
    from replies import ReplyEngine
    from replies.classifier import TEXT_CACHE_SIZE

    classifier = ReplyEngine.default().classifier
    first = classifier.scores("ready kak hoodie navy?")
    for i in range(TEXT_CACHE_SIZE + 500):
        classifier.scores(f"pesan unik nomor {i} apa kabar")
    assert len(classifier._cache) <= TEXT_CACHE_SIZE
    assert classifier.scores("ready kak hoodie navy?") == first  # evicted or not, the same answer
