"""The catalogue and orders in the database: the replies engine's `ShopData`, and CSV import."""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import IO, Any, Callable, Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.db import Database, dialect_insert
from inbox.errors import InboxError
from inbox.models import Order, OrderNotification, Product, RestockRequest, utcnow
from replies import Order as OrderFacts
from replies import Product as ProductFacts
from replies.shopdata import ORDER_STATUSES, normalize_phone, parse_amount_cell, read_catalogue_csv, read_orders_csv

CATALOGUE_CACHE_SECONDS = 30.0
PRODUCT_COLUMNS = ("sku", "name", "variant", "price", "stock")
ORDER_COLUMNS = ("number", "status", "courier", "tracking_number", "customer_phone", "total")


def order_number_key(number: str) -> str:
    """"INV-0099", "inv 0099" and "INV0099" name the same order."""
    return re.sub(r"[^0-9a-z]", "", number.lower())


class SqlShopData:
    """`replies.ShopData` over the database. The catalogue is cached briefly: the engine
    fuzzy-matches against all of it for every question, and it changes rarely."""

    def __init__(self, db: Database, cache_seconds: float = CATALOGUE_CACHE_SECONDS) -> None:
        self._db = db
        self._cache_seconds = cache_seconds
        self._cached: tuple[float, tuple[ProductFacts, ...]] | None = None
        self._lock = threading.Lock()

    def products(self) -> Sequence[ProductFacts]:
        with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < self._cache_seconds:
                return self._cached[1]
        with self._db.session() as session:
            rows = session.execute(select(Product).order_by(Product.name, Product.variant)).scalars()
            products = tuple(
                ProductFacts(sku=p.sku, name=p.name, variant=p.variant, price=p.price, stock=p.stock) for p in rows
            )
        with self._lock:
            self._cached = (time.monotonic(), products)
        return products

    def invalidate(self) -> None:
        with self._lock:
            self._cached = None

    def order_by_number(self, number: str) -> OrderFacts | None:
        key = order_number_key(number)
        if not key:
            return None
        with self._db.session() as session:
            order = session.execute(select(Order).where(Order.number_key == key)).scalar_one_or_none()
            return _facts(order) if order else None

    def orders_by_phone(self, phone: str) -> Sequence[OrderFacts]:
        key = normalize_phone(phone)
        if not key:
            return ()
        with self._db.session() as session:
            rows = session.execute(
                select(Order).where(Order.customer_phone == key).order_by(Order.created_at.desc(), Order.id.desc()).limit(10)
            ).scalars()
            return tuple(_facts(o) for o in rows)


def _facts(order: Order) -> OrderFacts:
    return OrderFacts(
        number=order.number,
        status=order.status,
        courier=order.courier,
        tracking_number=order.tracking_number,
        customer_phone=order.customer_phone,
        total=order.total,
    )


class CsvImportError(InboxError):
    """A CSV that cannot be imported; nothing of it was stored."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    notifications: tuple[int, ...] = ()  # OrderNotification ids to send (orders whose status moved on)
    restocks: tuple[int, ...] = ()  # RestockRequest ids to notice (their SKU is back in stock)


# The order an order's life goes in; cancelled may follow anything but delivery.
STATUS_RANK = {"pending_payment": 0, "paid": 1, "packed": 2, "shipped": 3, "delivered": 4, "cancelled": 5}
NOTIFIED_STATUSES = frozenset({"paid", "packed", "shipped", "delivered", "cancelled"})


def moved_on(old: str, new: str) -> bool:
    """A change worth telling the customer: forward in the order's life (never backwards), or a
    cancellation of an order not yet delivered."""
    if new == old or new not in NOTIFIED_STATUSES:
        return False
    if new == "cancelled":
        return old != "delivered"
    return old != "cancelled" and STATUS_RANK.get(new, -1) > STATUS_RANK.get(old, -1)


def record_status_changes(session: Session, changes: Iterable[tuple[Any, str, str]]) -> tuple[int, ...]:
    """One OrderNotification per (order, status) reached by a forward change; repeats are ignored
    (the unique pair), and a status passed again after going back notifies no more."""
    ids: list[int] = []
    for order, old, new in changes:
        if not moved_on(old, new) or not order.customer_phone:
            continue
        notified = set(session.execute(
            select(OrderNotification.status).where(OrderNotification.order_id == order.id)).scalars())
        if new in notified or any(STATUS_RANK.get(s, -1) > STATUS_RANK[new] for s in notified if new != "cancelled"):
            continue
        statement = (
            _insert_ignoring(session, OrderNotification)
            .values(order_id=order.id, status=new, created_at=utcnow())
            .returning(OrderNotification.__table__.c.id)
        )
        inserted = session.execute(statement).scalar_one_or_none()
        if inserted is not None:
            ids.append(inserted)
    return tuple(ids)


def _insert_ignoring(session: Session, model: Any) -> Any:
    return dialect_insert(session, model).on_conflict_do_nothing(index_elements=["order_id", "status"])


def _amount(value: str, where: str, column: str, *, allow_empty: bool = False) -> int | None:
    """The catalogue reader's rupiah parser (89.000, Rp 89.000, 89000) for JSON fields too."""
    try:
        return parse_amount_cell(value, 0, column, allow_empty=allow_empty)
    except ValueError as exc:
        raise CsvImportError(f"{where}: {str(exc).split(': ', 1)[-1]} ({column})") from None


def _product_row(where: str, row: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    if not row.get("sku") or not row.get("name"):
        raise CsvImportError(f"{where}: sku and name are required")
    return row["sku"][:64], {
        "sku": row["sku"][:64],
        "name": row["name"][:255],
        "variant": row.get("variant") or None,
        "price": _amount(row["price"], where, "price"),
        "stock": _amount(row["stock"], where, "stock"),
    }


def _order_row(where: str, row: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    key = order_number_key(row.get("number", ""))
    if not key:
        raise CsvImportError(f"{where}: number is required")
    status = row["status"].lower()
    if status not in ORDER_STATUSES:
        raise CsvImportError(f"{where}: status must be one of {', '.join(ORDER_STATUSES)}, got {row['status']!r}")
    return key, {
        "number": row["number"][:64],
        "number_key": key,
        "status": status,
        "courier": row.get("courier") or None,
        "tracking_number": row.get("tracking_number") or None,
        "customer_phone": normalize_phone(row.get("customer_phone", "")) or None,
        "total": _amount(row.get("total", ""), where, "total", allow_empty=True),
    }


@dataclass(frozen=True)
class _CsvTable:
    model: type[Product] | type[Order]
    key_column: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    read_row: Callable[[str, Mapping[str, str]], tuple[str, dict[str, Any]]]
    read_file: Callable[[Any], Sequence[Any]]  # the replies engine's CSV reader: one parser for both


PRODUCTS = _CsvTable(Product, "sku", PRODUCT_COLUMNS, ("sku", "name", "price", "stock"), _product_row,
                     read_catalogue_csv)
ORDERS = _CsvTable(Order, "number_key", ORDER_COLUMNS, ("number", "status"), _order_row, read_orders_csv)


def _import(
    table: _CsvTable, session: Session, stream: IO[Any], progress: Callable[[int], None] | None
) -> ImportResult:
    """Upsert a file's rows by key. The whole file is read and checked first (UTF-8 with or without
    a BOM, comma or semicolon separated; UTF-16 and duplicate keys are refused with the reason);
    a bad file raises CsvImportError naming the row, and nothing of it is stored."""
    try:
        facts = table.read_file(stream)
    except ValueError as exc:
        raise CsvImportError(str(exc)) from None
    # The reader's Product/Order fields are the CSV's columns.
    rows = [(f"row {n}", {column: "" if getattr(fact, column) is None else str(getattr(fact, column))
                          for column in table.columns}) for n, fact in enumerate(facts, 2)]
    return _upsert(table, session, rows, progress)


def _upsert(
    table: _CsvTable, session: Session, rows: Iterable[tuple[str, Mapping[str, str]]],
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    existing = {getattr(r, table.key_column): r for r in session.execute(select(table.model)).scalars()}
    created = updated = 0
    for count, (where, row) in enumerate(rows, 1):
        key, values = table.read_row(where, row)
        record = existing.get(key)
        if record is None:
            record = existing[key] = table.model(**values, updated_at=utcnow())
            session.add(record)
            created += 1
        else:
            for name, value in values.items():
                setattr(record, name, value)
            updated += 1
        if progress and count % 500 == 0:
            progress(count)
    if progress:
        progress(created + updated)
    return ImportResult(created, updated)


def import_products(session: Session, stream: IO[Any], progress: Callable[[int], None] | None = None) -> ImportResult:
    """Catalogue rows (sku,name,variant,price,stock), upserted by SKU.

    A SKU back in stock lists the customers waiting for it (`ImportResult.restocks`).
    """
    return _products_with_restocks(session, lambda: _import(PRODUCTS, session, stream, progress))


def upsert_products(session: Session, products: Sequence[Mapping[str, Any]]) -> ImportResult:
    """Products from the API (the CSV's columns as JSON fields), upserted by SKU, checked as CSV rows are."""
    return _products_with_restocks(session, lambda: _upsert(PRODUCTS, session, _json_rows(products, PRODUCTS, "product")))


def _products_with_restocks(session: Session, upsert: Callable[[], ImportResult]) -> ImportResult:
    before = {sku: stock for sku, stock in session.execute(select(Product.sku, Product.stock))}
    result = upsert()
    session.flush()
    back = [sku for sku, stock in session.execute(select(Product.sku, Product.stock))
            if stock > 0 and before.get(sku, 0) <= 0]
    waiting = pending_restocks(session, back)
    return ImportResult(result.created, result.updated, restocks=waiting)


def pending_restocks(session: Session, skus: Sequence[str]) -> tuple[int, ...]:
    """The restock requests for these SKUs that have had no notice yet."""
    if not skus:
        return ()
    return tuple(session.execute(
        select(RestockRequest.id).where(
            RestockRequest.sku.in_(list(skus)), RestockRequest.outbound_id.is_(None), RestockRequest.error.is_(None)
        ).order_by(RestockRequest.id)
    ).scalars())


def record_restock_requests(session: Session, conversation_id: int, contact_id: int | None, skus: Sequence[str]) -> None:
    """The customer's "ya": one open request per SKU (asking again while one waits changes nothing)."""
    for sku in skus:
        rounds = list(session.execute(
            select(RestockRequest).where(RestockRequest.conversation_id == conversation_id,
                                         RestockRequest.contact_id == contact_id, RestockRequest.sku == sku)
        ).scalars())
        if any(r.outbound_id is None and r.error is None for r in rounds):
            continue
        session.add(RestockRequest(conversation_id=conversation_id, contact_id=contact_id, sku=sku[:64],
                                   round=max((r.round for r in rounds), default=-1) + 1, created_at=utcnow()))


def import_orders(session: Session, stream: IO[Any], progress: Callable[[int], None] | None = None) -> ImportResult:
    """Order rows (number,status,courier,tracking_number,customer_phone,total), upserted by number.

    A status that moved on queues the customer's notification (`ImportResult.notifications`).
    """
    return _orders_with_notifications(session, lambda: _import(ORDERS, session, stream, progress))


def upsert_orders(session: Session, orders: Sequence[Mapping[str, Any]]) -> ImportResult:
    """Orders from the API or a shop system's webhook: the CSV's columns as JSON fields, upserted by
    number, checked as a CSV row is (a bad one raises CsvImportError naming its position)."""
    rows = _json_rows(orders, ORDERS, "order")
    return _orders_with_notifications(session, lambda: _upsert(ORDERS, session, rows))


def _json_rows(items: Sequence[Mapping[str, Any]], table: _CsvTable, noun: str) -> list[tuple[str, dict[str, str]]]:
    """JSON objects as CSV rows of `table` (position for line); an unknown or missing field raises."""
    rows = []
    for index, item in enumerate(items, 1):
        if not isinstance(item, Mapping):
            raise CsvImportError(f"{noun} {index}: expected an object")
        unknown = set(item) - set(table.columns)
        if unknown:
            raise CsvImportError(f"{noun} {index}: unknown fields {', '.join(sorted(map(str, unknown)))}")
        row = {column: "" if item.get(column) is None else str(item.get(column)).strip() for column in table.columns}
        missing = [column for column in table.required if not row[column]]
        if missing:
            raise CsvImportError(f"{noun} {index}: {', '.join(missing)} required")
        rows.append((f"{noun} {index}", row))
    return rows


def _orders_with_notifications(session: Session, upsert: Callable[[], ImportResult]) -> ImportResult:
    before = {order.id: order.status for order in session.execute(select(Order)).scalars()}
    result = upsert()
    session.flush()
    changes = [(order, before[order.id], order.status) for order in session.execute(select(Order)).scalars()
               if order.id in before and before[order.id] != order.status]
    return ImportResult(result.created, result.updated, record_status_changes(session, changes))

