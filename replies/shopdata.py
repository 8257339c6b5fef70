"""Shop data the answers draw on: the catalogue and the orders.

The pipeline provides a SQL-backed implementation of `ShopData`; `InMemoryShopData`
serves tests and the command line (optionally loaded from CSV files).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol, Sequence, runtime_checkable

ORDER_STATUSES = ("pending_payment", "paid", "packed", "shipped", "delivered", "cancelled")


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    variant: str | None
    price: int  # rupiah
    stock: int


@dataclass(frozen=True)
class Order:
    number: str
    status: str  # one of ORDER_STATUSES
    courier: str | None
    tracking_number: str | None
    customer_phone: str | None
    total: int | None


@runtime_checkable
class ShopData(Protocol):
    def products(self) -> Sequence[Product]: ...

    def order_by_number(self, number: str) -> Order | None: ...

    def orders_by_phone(self, phone: str) -> Sequence[Order]: ...


def normalize_phone(phone: str) -> str:
    """Indonesian numbers arrive as 0812..., 62812... or +62812...; compare as +62812..."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return "+" + digits if digits else ""


def _order_key(number: str) -> str:
    # "inv-0099", "INV 0099" and "INV0099" name the same order.
    return re.sub(r"[^0-9a-z]", "", number.lower())


class InMemoryShopData:
    """A `ShopData` over plain lists, for tests and `python -m replies try`."""

    def __init__(self, products: Iterable[Product] = (), orders: Iterable[Order] = ()) -> None:
        self._products = tuple(products)
        self._orders = tuple(orders)
        self._by_number = {_order_key(o.number): o for o in self._orders}

    def products(self) -> Sequence[Product]:
        return self._products

    def order_by_number(self, number: str) -> Order | None:
        return self._by_number.get(_order_key(number))

    def orders_by_phone(self, phone: str) -> Sequence[Order]:
        key = normalize_phone(phone)
        if not key:
            return ()
        return tuple(o for o in self._orders if o.customer_phone and normalize_phone(o.customer_phone) == key)

    @classmethod
    def from_csv(cls, catalogue: str | Path | None = None, orders: str | Path | None = None) -> "InMemoryShopData":
        """Catalogue columns: sku,name,variant,price,stock. Orders: number,status,courier,
        tracking_number,customer_phone,total. Empty cells become None."""
        products: list[Product] = []
        order_list: list[Order] = []
        if catalogue:
            with open(catalogue, newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    products.append(
                        Product(
                            sku=row["sku"].strip(),
                            name=row["name"].strip(),
                            variant=(row.get("variant") or "").strip() or None,
                            price=int(row["price"]),
                            stock=int(row["stock"]),
                        )
                    )
        if orders:
            with open(orders, newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    total = (row.get("total") or "").strip()
                    order_list.append(
                        Order(
                            number=row["number"].strip(),
                            status=row["status"].strip(),
                            courier=(row.get("courier") or "").strip() or None,
                            tracking_number=(row.get("tracking_number") or "").strip() or None,
                            customer_phone=(row.get("customer_phone") or "").strip() or None,
                            total=int(total) if total else None,
                        )
                    )
        return cls(products, order_list)
