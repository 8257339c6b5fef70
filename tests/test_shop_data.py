"""The shop data the bot reads from the database: a customer's orders by phone, newest first,
as the in-memory shop data lists them too, so the reply is about their latest order."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from inbox.db import Database
from inbox.shop_data import SqlShopData, import_orders
from replies import Action, ReplyEngine, Turn
from replies.shopdata import InMemoryShopData, Order

HEADER = "number,status,courier,tracking_number,customer_phone,total\n"
NOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)


def test_orders_by_phone_are_newest_first_in_the_database_and_in_memory(database_url) -> None:
    db = Database(database_url)
    db.upgrade()
    try:
        with db.session() as session:  # two imports, a day apart in a shop's life
            import_orders(session, io.StringIO(HEADER + "INV-0100,delivered,JNE,JNE1,0812-3456-7890,185000\n"))
        with db.session() as session:
            import_orders(session, io.StringIO(HEADER + "INV-0101,shipped,J&T,JT2,+6281234567890,99000\n"))
        from_db = [o.number for o in SqlShopData(db).orders_by_phone("6281234567890")]
        assert from_db == ["INV-0101", "INV-0100"]
        in_memory = InMemoryShopData([], [Order("INV-0100", "delivered", "JNE", "JNE1", "0812-3456-7890", 185000),
                                          Order("INV-0101", "shipped", "J&T", "JT2", "+6281234567890", 99000)])
        assert [o.number for o in in_memory.orders_by_phone("081234567890")] == from_db
        for shop in (SqlShopData(db), in_memory):
            decision = ReplyEngine.default(shop).decide(
                Turn("kak pesanan saya gimana?", NOON, customer_phone="+6281234567890"))
            assert decision.action is Action.AUTO_REPLY and "INV-0101" in decision.reply, decision.reply
    finally:
        db.engine.dispose()


def test_orders_imported_together_are_newest_last_in_the_file(database_url) -> None:
    db = Database(database_url)
    db.upgrade()
    try:
        with db.session() as session:
            import_orders(session, io.StringIO(HEADER + "INV-0200,delivered,JNE,JNE1,081298765432,1000\n"
                                                         "INV-0201,paid,,,081298765432,2000\n"))
        assert [o.number for o in SqlShopData(db).orders_by_phone("081298765432")] == ["INV-0201", "INV-0200"]
    finally:
        db.engine.dispose()
