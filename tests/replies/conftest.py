"""Shared fixtures for the replies tests: a small catalogue, orders and engines."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from replies import InMemoryShopData, Order, Product, ReplyEngine, Turn
from replies.voice import DEFAULT_PACK, load_brand_pack

WIB = ZoneInfo("Asia/Jakarta")
# Monday 23 Nov 2026, inside business hours (Mon-Fri 08:00-21:00 in the default pack).
OPEN = datetime(2026, 11, 23, 10, 0, tzinfo=WIB)
# Sunday: closed all day.
CLOSED = datetime(2026, 11, 22, 23, 0, tzinfo=WIB)

PRODUCTS = [
    Product("KOS-HIT-L", "Kaos Oversize", "Hitam L", 89000, 12),
    Product("KOS-HIT-M", "Kaos Oversize", "Hitam M", 89000, 0),
    Product("KOS-PUT-L", "Kaos Oversize", "Putih L", 89000, 5),
    Product("HOD-ABU-M", "Hoodie Basic", "Abu M", 175000, 3),
    Product("HOD-NAV-L", "Hoodie Basic", "Navy L", 175000, 0),
    Product("JKT-DEN", "Jaket Denim", None, 250000, 0),
]
ORDERS = [
    Order("INV-0099", "shipped", "JNE", "JNE1234567890", "+6281234567890", 189000),
    Order("INV-0100", "pending_payment", None, None, "+6281111111111", 89000),
]


@pytest.fixture(scope="session")
def shop() -> InMemoryShopData:
    return InMemoryShopData(PRODUCTS, ORDERS)


@pytest.fixture(scope="session")
def engine(shop: InMemoryShopData) -> ReplyEngine:
    return ReplyEngine.default(shop)


@pytest.fixture(scope="session")
def bare_engine() -> ReplyEngine:
    """The default pack without any shop data."""
    return ReplyEngine.default()


@pytest.fixture
def turn():
    def make(text: str, now: datetime = OPEN, **kw) -> Turn:
        return Turn(text=text, now=now, **kw)

    return make


def converse(engine: ReplyEngine, *texts: str, start: datetime = OPEN, step: timedelta = timedelta(minutes=2),
             **kw) -> list:
    """Thread memory through a conversation the way the pipeline does; return every decision."""
    memory, out, now = None, [], start
    for text in texts:
        d = engine.decide(Turn(text, now, memory=memory, **kw))
        json.dumps(d.memory)  # must be storable as JSON
        out.append(d)
        memory, now = d.memory, now + step
    return out


def edited_engine(tmp_path, edit, shop) -> ReplyEngine:
    """An engine whose pack is the default one changed by `edit` (a function of the raw pack)."""
    raw = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    edit(raw)
    (tmp_path / "pack.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return ReplyEngine(load_brand_pack(tmp_path / "pack.yaml"), shop)
