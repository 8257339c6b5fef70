"""Brand voice packs: the default loads, broken packs fail at load with file:line: reason."""
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from replies import Action, BrandPack, BrandPackError, ReplyEngine, Turn, load_brand_pack
from replies.voice import DEFAULT_PACK, rupiah

WIB = ZoneInfo("Asia/Jakarta")
OPEN = datetime(2026, 11, 23, 10, 0, tzinfo=WIB)  # Monday 10:00, shop open
CLOSED = datetime(2026, 11, 22, 23, 0, tzinfo=WIB)  # Sunday night, shop closed

DEFAULT_TEXT = DEFAULT_PACK.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brand.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_default_pack_loads_with_shop_facts() -> None:
    pack = load_brand_pack(DEFAULT_PACK)
    assert isinstance(pack, BrandPack)
    assert pack.honorific == "kak"
    assert str(pack.timezone) == "Asia/Jakarta"
    assert {"jne", "j&t", "sicepat"} <= {c.lower() for c in pack.facts["couriers"]}
    assert pack.facts["shipping_rates"]["medan"]["J&T"] == 18000
    assert pack.facts["free_shipping_min"] > 0
    assert "COD" in pack.facts["payment_methods"] and "QRIS" in pack.facts["payment_methods"]
    assert pack.holidays and pack.business_hours[6] is None  # closed on Sunday


@pytest.mark.parametrize("value, text", [(18000, "Rp18.000"), (1500000, "Rp1.500.000"), (0, "Rp0"), (950, "Rp950")])
def test_rupiah_format(value: int, text: str) -> None:
    assert rupiah(value) == text


def test_unknown_placeholder_is_rejected_with_line(tmp_path: Path) -> None:
    bad = DEFAULT_TEXT.replace('"Harga {{ items }} ya {{ honorific }}."', '"Harga {{ itemz }} ya {{ honorific }}."')
    path = write(tmp_path, bad)
    with pytest.raises(BrandPackError) as exc:
        load_brand_pack(path)
    msg = str(exc.value)
    assert msg.startswith(f"{path}:{line_of(bad, '{{ itemz }}')}: ")
    assert "unknown placeholder 'itemz'" in msg


def test_missing_intent_variant_is_rejected(tmp_path: Path) -> None:
    start = DEFAULT_TEXT.index("  return_refund:\n")
    end = DEFAULT_TEXT.index("  warranty:\n")
    path = write(tmp_path, DEFAULT_TEXT[:start] + DEFAULT_TEXT[end:])
    with pytest.raises(BrandPackError) as exc:
        load_brand_pack(path)
    assert "missing variants for intent 'return_refund'" in str(exc.value)
    assert str(exc.value).startswith(f"{path}:")


def test_a_pack_without_warranty_sends_warranty_questions_to_a_person(tmp_path: Path) -> None:
    start = DEFAULT_TEXT.index("  warranty:\n")
    end = DEFAULT_TEXT.index("  thanks:\n")
    text = DEFAULT_TEXT[:start] + DEFAULT_TEXT[end:]
    text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("warranty_policy"))
    pack = load_brand_pack(write(tmp_path, text))
    assert "warranty" not in pack.intents and "warranty_policy" not in pack.facts
    decision = ReplyEngine(pack).decide(Turn("garansinya berapa lama kak?", datetime(2026, 11, 23, 13, 0, tzinfo=WIB)))
    assert decision.intent == "warranty" and decision.action is Action.ESCALATE


def test_missing_case_is_rejected(tmp_path: Path) -> None:
    bad = DEFAULT_TEXT.replace("    sold_out:\n", "    soldout:\n")
    path = write(tmp_path, bad)
    with pytest.raises(BrandPackError, match=r"unknown case 'soldout'") as exc:
        load_brand_pack(path)
    assert f":{line_of(bad, 'soldout:')}:" in str(exc.value)


def test_bad_yaml_is_rejected_with_line(tmp_path: Path) -> None:
    bad = DEFAULT_TEXT.replace("honorific: kak", "honorific: [kak", 1)
    path = write(tmp_path, bad)
    with pytest.raises(BrandPackError, match="bad YAML") as exc:
        load_brand_pack(path)
    assert exc.value.line is not None and exc.value.file == str(path)


def test_template_syntax_error_is_rejected(tmp_path: Path) -> None:
    bad = DEFAULT_TEXT.replace('"Harga {{ items }} ya {{ honorific }}."', '"Harga {{ items ya"')
    with pytest.raises(BrandPackError, match="template syntax error"):
        load_brand_pack(write(tmp_path, bad))


@pytest.mark.parametrize(
    "old, new, reason",
    [
        ("emoji_level: 1 ", "emoji_level: 5 ", "emoji_level must be"),
        ("timezone: Asia/Jakarta", "timezone: Mars/Olympus", "unknown timezone"),
        ('  sat: "09:00-17:00"', '  sat: "17:00-09:00"', "closing time must be after"),
        ("shop_name: Toko Kita", "shop_name: Toko Kita\ncolour: red", "unknown key 'colour'"),
    ],
)
def test_other_invalid_settings(tmp_path: Path, old: str, new: str, reason: str) -> None:
    assert old in DEFAULT_TEXT
    with pytest.raises(BrandPackError, match=reason):
        load_brand_pack(write(tmp_path, DEFAULT_TEXT.replace(old, new, 1)))


def test_missing_file_is_a_brand_pack_error(tmp_path: Path) -> None:
    with pytest.raises(BrandPackError, match="cannot read"):
        load_brand_pack(tmp_path / "nope.yaml")


def test_sandbox_blocks_unsafe_templates(tmp_path: Path) -> None:
    bad = DEFAULT_TEXT.replace('"Harga {{ items }} ya {{ honorific }}."',
                               '"{{ items.__class__.__mro__ }}"')
    engine = ReplyEngine(load_brand_pack(write(tmp_path, bad)))
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        engine.pack.render(engine.pack.intents["price"]["found"]["id"][0], {"items": "x"})


CUSTOM = """
custom_intents:
  size_chart:
    action: auto_reply
    keywords: [size chart, lingkar dada]
    examples:
      - "size chart nya ada kak?"
      - "lingkar dada size L berapa cm"
      - "minta size chart dong"
      - "do you have a size chart?"
    replies:
      id: ["Size chart: M (LD 100), L (LD 104) ya {{ honorific }}."]
      en: ["Size chart: M (chest 100), L (chest 104)."]
"""


def test_brand_custom_intent(tmp_path: Path) -> None:
    pack = load_brand_pack(write(tmp_path, DEFAULT_TEXT + CUSTOM))
    engine = ReplyEngine(pack)
    assert "size_chart" in engine.intents
    d = engine.decide(Turn("kak ada size chart nya?", OPEN))
    assert d.intent == "size_chart" and d.action is Action.AUTO_REPLY
    assert "LD 104" in d.reply


def test_custom_intent_needs_examples(tmp_path: Path) -> None:
    bad = DEFAULT_TEXT + CUSTOM.replace('      - "minta size chart dong"\n      - "do you have a size chart?"\n', "")
    with pytest.raises(BrandPackError, match="at least 3 example"):
        load_brand_pack(write(tmp_path, bad))


def test_emoji_level_zero_and_honorific(tmp_path: Path) -> None:
    text = DEFAULT_TEXT.replace("emoji_level: 1 ", "emoji_level: 0 ").replace("honorific: kak ", "honorific: kakak ")
    engine = ReplyEngine(load_brand_pack(write(tmp_path, text)))
    d = engine.decide(Turn("bisa retur ga", OPEN))
    assert d.action is Action.AUTO_REPLY
    assert "kakak" in d.reply and not any(e in d.reply for e in "🙏😊👍")


FRIDAY_BREAK = DEFAULT_TEXT.replace('fri: "08:00-21:00"', 'fri: "08:00-11:30, 13:00 - 21:00"')
FRIDAY = datetime(2026, 11, 27, 0, 0, tzinfo=WIB)  # a Friday


def test_a_day_may_have_two_opening_ranges_for_the_friday_prayer_break(tmp_path: Path) -> None:
    pack = load_brand_pack(write(tmp_path, FRIDAY_BREAK))
    assert pack.is_open(FRIDAY.replace(hour=10)) and pack.is_open(FRIDAY.replace(hour=14))
    assert not pack.is_open(FRIDAY.replace(hour=12)) and not pack.is_open(FRIDAY.replace(hour=22))
    assert "Jumat 08.00-11.30 & 13.00-21.00" in pack.hours_text("id")
    assert "Fri 08:00-11:30 & 13:00-21:00" in pack.hours_text("en")
    assert pack.next_open(FRIDAY.replace(hour=12), "id") == "hari ini pukul 13.00"  # after the break
    assert pack.next_open(FRIDAY.replace(hour=7), "id") == "hari ini pukul 08.00"
    assert pack.next_open(FRIDAY.replace(hour=22), "en") == "tomorrow at 09:00"  # Saturday
    during_break = ReplyEngine(pack).decide(Turn("jumat buka jam brp kak?", FRIDAY.replace(hour=12)))
    assert during_break.action is Action.AUTO_REPLY and "13.00" in during_break.reply


@pytest.mark.parametrize("ranges, reason", [
    ('"13:00-21:00, 08:00-11:30"', "each range must start after the one before closes"),
    ('"08:00-12:00, 11:00-21:00"', "each range must start after the one before closes"),
    ('"08:00-11:30, 13:00"', "expected 'HH:MM-HH:MM'"),
])
def test_opening_ranges_out_of_order_or_malformed_fail_at_load_with_their_line(tmp_path: Path, ranges: str,
                                                                            reason: str) -> None:
    text = DEFAULT_TEXT.replace('fri: "08:00-21:00"', f"fri: {ranges}")
    with pytest.raises(BrandPackError) as failed:
        load_brand_pack(write(tmp_path, text))
    assert reason in str(failed.value) and f":{line_of(text, 'fri:')}:" in str(failed.value)


def test_a_holiday_may_be_a_half_day(tmp_path: Path) -> None:
    text = DEFAULT_TEXT.replace("holidays:\n", 'holidays:\n  - {date: 2026-12-24, name: Malam Natal, hours: "08:00-12:00"}\n', 1)
    pack = load_brand_pack(write(tmp_path, text))
    eve = datetime(2026, 12, 24, 0, 0, tzinfo=WIB)  # a Thursday, 08:00-21:00 on other weeks
    assert pack.is_open(eve.replace(hour=10)) and not pack.is_open(eve.replace(hour=13))
    assert pack.next_open(eve.replace(hour=7), "id") == "hari ini pukul 08.00"
    assert pack.next_open(eve.replace(hour=13), "id") == "hari Sabtu pukul 09.00"  # Christmas Day closed, then Saturday
    broken = DEFAULT_TEXT.replace("holidays:\n", 'holidays:\n  - {date: 2026-12-24, name: Malam Natal, hours: "12:00-08:00"}\n', 1)
    with pytest.raises(BrandPackError) as failed:
        load_brand_pack(write(tmp_path, broken))
    assert "holidays.hours: closing time must be after opening time" in str(failed.value)
