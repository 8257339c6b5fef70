"""A product answer must be about the product asked: sure matches, honest misses, kinds listed."""
import subprocess
import sys
from pathlib import Path

import pytest

from replies import Action, InMemoryShopData, Product, ReplyEngine
from replies.catalog import look_up_products

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = [
    Product("KOS-HIT-L", "Kaos Oversize", "Hitam L", 89000, 12),
    Product("KOS-PUT-L", "Kaos Oversize", "Putih L", 89000, 5),
    Product("HOD-ABU-M", "Hoodie Basic", "Abu M", 175000, 3),
    Product("HOD-NAV-L", "Hoodie Basic", "Navy L", 175000, 0),
    Product("KEM-LIN-M", "Kemeja Linen", "Putih M", 159000, 4),
    Product("KEM-LIN-L", "Kemeja Linen", "Putih L", 169000, 2),
    Product("BTK-PAR-M", "Batik Parang", "M", 150000, 2),
    Product("BTK-PAR-L", "Batik Parang", "L", 160000, 2),
    Product("BTK-KAW", "Batik Kawung", None, 120000, 0),
]


@pytest.fixture(scope="module")
def engine() -> ReplyEngine:
    return ReplyEngine.default(InMemoryShopData(CATALOGUE))


@pytest.mark.parametrize("text", ["kemeja flanel merah ada?", "harga kemeja flanel brp kak", "hoodie zipper ready?"])
def test_a_product_we_dont_sell_is_not_answered_with_another(engine, turn, text) -> None:
    d = engine.decide(turn(text))
    assert d.action is Action.ESCALATE and "unknown_product" in d.flags
    assert "Linen" not in d.reply and "Hoodie Basic" not in d.reply and "Rp" not in d.reply
    assert "belum kami temukan" in d.reply


def test_the_unknown_product_is_quoted(engine, turn) -> None:
    assert '"kemeja flanel merah"' in engine.decide(turn("kemeja flanel merah ada?")).reply


def test_distinguishing_words_must_match(engine, turn) -> None:
    d = engine.decide(turn("kemeja linen putih L ready?"))
    assert d.action is Action.AUTO_REPLY and "Kemeja Linen Putih L" in d.reply


def test_the_only_product_of_a_kind_with_its_variant_words(engine, turn) -> None:
    d = engine.decide(turn("hoodie abu ready kak"))
    assert d.action is Action.AUTO_REPLY and "Hoodie Basic" in d.reply


def test_category_question_lists_products_with_price_or_range(engine, turn) -> None:
    d = engine.decide(turn("harga batik?"))
    assert d.action is Action.AUTO_REPLY, d
    assert "Batik Parang Rp150.000–Rp160.000" in d.reply and "Batik Kawung Rp120.000" in d.reply
    assert "belum kami temukan" not in d.reply


def test_price_is_a_range_not_every_size(engine, turn) -> None:
    d = engine.decide(turn("harga kemeja linen berapa kak"))
    assert "Kemeja Linen Rp159.000–Rp169.000" in d.reply
    assert "Putih M" not in d.reply


def test_no_product_named_asks_which_one(engine, turn) -> None:
    d = engine.decide(turn("brp kak?"))
    assert d.action is Action.AUTO_REPLY
    assert "produk yang mana" in d.reply and "Rp" not in d.reply and "belum kami temukan" not in d.reply


def test_lookup_kinds() -> None:
    assert look_up_products("kemeja flanel merah ada?", CATALOGUE).unknown == "kemeja flanel merah"
    cat = look_up_products("harga batik?", CATALOGUE).category
    assert cat and cat[0] == "batik" and {g[0].name for g in cat[1]} == {"Batik Parang", "Batik Kawung"}
    hit = look_up_products("hoodie navy L ready gan?", CATALOGUE).matches
    assert [p.sku for p in hit[0].products] == ["HOD-NAV-L"]
    assert not look_up_products("ready kak?", CATALOGUE).named


def test_cli_try_says_honestly_it_isnt_in_the_catalogue(tmp_path: Path) -> None:
    cat = tmp_path / "products.csv"
    cat.write_text("sku,name,variant,price,stock\n" + "".join(
        f"{p.sku},{p.name},{p.variant or ''},{p.price},{p.stock}\n" for p in CATALOGUE), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "replies", "try", "kemeja flanel merah ada?", "--catalogue", str(cat),
                          "--at", "2026-11-23T10:00+07:00"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "belum kami temukan" in res.stdout and "Linen" not in res.stdout and "unknown_product" in res.stderr
