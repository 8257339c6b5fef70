from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from replies import Action, BrandPackError, InMemoryShopData, Order, ReplyEngine, Turn, load_brand_pack
from replies.catalog import order_numbers
from replies.voice import DEFAULT_PACK

OPEN = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("resi INV-0099 mana kak", ["INV-0099"]),
        ("resi inv 0099 mana kak", ["inv-0099"]),
        ("cek ORD12345 dong", ["ORD12345"]),
        ("pesanan #2411230001 udah dikirim?", ["2411230001"]),
        ("wa saya 081234567890", []),  # a phone number, not an order
        ("ongkir ke 12 kota?", []),
    ],
)
def test_order_numbers_as_customers_type_them(text, expected):
    assert order_numbers(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pesanan SKR-2411-002 udah dikirim?", ["SKR-2411-002"]),
        ("cek INV/20241124/MPL/123456789 ya kak", ["INV/20241124/MPL/123456789"]),
        ("no pesanan shopee 2411245ABCDEF belum sampai", ["2411245ABCDEF"]),
        ("INV-0099 sama SKR-2411-002", ["INV-0099", "SKR-2411-002"]),
    ],
)
def test_marketplace_and_shop_formats_are_whole(text, expected):
    assert order_numbers(text) == expected


MARKET_ORDERS = [
    Order("SKR-2411-002", "packed", None, None, None, 150000),
    Order("INV/20241124/MPL/123456789", "shipped", "SiCepat", "SCP0001112223", None, 99000),
    Order("2411245ABCDEF", "delivered", "J&T", "JT998877", None, 120000),
    Order("SKR-2411", "cancelled", None, None, None, 1000),  # a prefix of another number: must not be chosen
]


@pytest.mark.parametrize(
    "text, number, fact",
    [
        ("status pesanan SKR-2411-002 gimana kak", "SKR-2411-002", "sudah dikemas"),
        ("resi INV/20241124/MPL/123456789 mana min", "INV/20241124/MPL/123456789", "SCP0001112223"),
        ("pesanan 2411245ABCDEF sudah dikirim belum?", "2411245ABCDEF", "JT998877"),
    ],
)
def test_engine_finds_the_whole_number_in_the_orders_table(text, number, fact):
    engine = ReplyEngine.default(InMemoryShopData([], MARKET_ORDERS))
    d = engine.decide(Turn(text, OPEN))
    assert d.intent == "order_status" and d.action is Action.AUTO_REPLY, d
    assert number in d.reply and fact in d.reply


def test_pack_patterns_replace_the_defaults(tmp_path):
    text = DEFAULT_PACK.read_text(encoding="utf-8")
    start = text.index("order_number_patterns:")
    end = text.index("order_status_text:")
    custom = text[:start] + "order_number_patterns:\n  - '\\bTK\\d{4}\\b'\n\n" + text[end:]
    path = tmp_path / "pack.yaml"
    path.write_text(custom, encoding="utf-8")
    pack = load_brand_pack(path)
    assert order_numbers("cek TK1234 dan INV-0099", pack.order_patterns) == ["TK1234"]
    engine = ReplyEngine(pack, InMemoryShopData([], [Order("TK1234", "paid", None, None, None, 5000)]))
    assert "TK1234" in engine.decide(Turn("status pesanan TK1234 gimana", OPEN)).reply


def test_bad_pattern_is_rejected_with_line(tmp_path):
    text = DEFAULT_PACK.read_text(encoding="utf-8").replace("'#?\\b\\d{5,}\\b'", "'#?(\\d{5,}'")
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BrandPackError, match="order_number_patterns: bad regular expression") as exc:
        load_brand_pack(path)
    assert exc.value.line == next(i for i, line in enumerate(text.splitlines(), 1) if "'#?(" in line)
