"""Shop data the answers draw on: the catalogue and the orders.

The pipeline provides a SQL-backed implementation of `ShopData`; `InMemoryShopData`
serves tests and the command line (optionally loaded from CSV files).

Reading shop CSV files (one parser for the command line and the importer):

    read_catalogue_csv(stream) -> list[Product]    columns: sku, name, variant, price, stock
    read_orders_csv(stream) -> list[Order]         columns: number, status, courier,
                                                   tracking_number, customer_phone, total

`stream` is an open file (text or binary) or any iterable of text lines. Both accept what
spreadsheets write: comma-, semicolon- (Excel in an Indonesian locale) or tab-separated
columns, a UTF-8 byte-order mark, column names in any case, and amounts written `89000`,
`89.000`, `Rp89.000`, `Rp 89.000,00` or `89,000`. Only `sku`, `name`, `price`, `stock`
(catalogue) and `number`, `status` (orders) are required; empty cells become None.
Anything else raises `ValueError` with a message a shop owner can act on, naming the row
(the line number in the file, the header being row 1) and the column, e.g.
"row 3, column price: '89,5' is not a whole rupiah amount"; a UTF-16 file ("Unicode
text" in Excel) or a SKU / order number given twice is refused with a clear reason.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Protocol, Sequence, runtime_checkable

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

    def orders_by_phone(self, phone: str) -> Sequence[Order]:
        """The customer's orders, newest first."""
        ...


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
        # newest first, as the database answers: a later row of the file is a later order
        return tuple(o for o in reversed(self._orders) if o.customer_phone and normalize_phone(o.customer_phone) == key)

    @classmethod
    def from_csv(cls, catalogue: str | Path | None = None, orders: str | Path | None = None) -> "InMemoryShopData":
        """Load the catalogue and/or orders CSV files (see read_catalogue_csv / read_orders_csv).
        A bad file raises ValueError naming the file, row and column."""
        products: list[Product] = []
        order_list: list[Order] = []
        if catalogue:
            with open(catalogue, "rb") as fh:
                try:
                    products = read_catalogue_csv(fh)
                except ValueError as exc:
                    raise ValueError(f"{catalogue}: {exc}") from None
        if orders:
            with open(orders, "rb") as fh:
                try:
                    order_list = read_orders_csv(fh)
                except ValueError as exc:
                    raise ValueError(f"{orders}: {exc}") from None
        return cls(products, order_list)


# -- CSV reading ---------------------------------------------------------------------
CATALOGUE_COLUMNS = ("sku", "name", "variant", "price", "stock")
ORDER_COLUMNS = ("number", "status", "courier", "tracking_number", "customer_phone", "total")
_UTF16_HINT = ("the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8 (Comma delimited)\" "
               "and try again")


def _text_of(stream: IO[Any] | Iterable[Any]) -> str:
    """The whole file as text: bytes are decoded as UTF-8 (a BOM is dropped), UTF-16 is refused."""
    read = getattr(stream, "read", None)
    data: Any = read() if read else "".join(stream)  # type: ignore[arg-type]
    if isinstance(data, (bytes, bytearray)):
        raw = bytes(data)
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (len(raw) >= 2 and b"\x00" in raw[:4]):
            raise ValueError(_UTF16_HINT)
        try:
            data = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ValueError(f"row {line}: the file is not UTF-8 text; save it as \"CSV UTF-8\" and try again") from None
    text = str(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.startswith(("\ufffe", "\xff\xfe", "\xfe\xff")) or "\x00" in text[:200]:
        raise ValueError(_UTF16_HINT)
    return text


def _dialect_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(stream: IO[Any] | Iterable[Any], required: Sequence[str],
              columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    text = _text_of(stream)
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        raise ValueError(f"the file is empty; expected a header row: {','.join(columns)}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect_delimiter(first))
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            missing = [c for c in required if c not in header]
            if missing:
                raise ValueError(f"row {reader.line_num}: missing column(s) {', '.join(missing)}; "
                                 f"expected {','.join(columns)} (got {','.join(header)})")
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise ValueError(f"row {reader.line_num}: {len(cells)} cells but the header has {len(header)} columns "
                             f"(a comma or semicolon inside a value must be quoted)")
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        rows.append((reader.line_num, row))
    return rows


_AMOUNT_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,0+)?")  # 89.000 / 1.500.000 / 89.000,00
_AMOUNT_COMMAS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.0+)?")  # 89,000 / 89,000.00
_AMOUNT_PLAIN = re.compile(r"\d+(?:[.,]0+)?")  # 89000 / 89000,00


def parse_amount_cell(value: str, row: int, column: str, *, allow_empty: bool = False) -> int | None:
    """'89.000', 'Rp89.000', 'Rp 1.500.000,00', '89,000' and '89000' -> 89000 (whole rupiah)."""
    cleaned = re.sub(r"^(?:rp\.?|idr)\s*", "", value.strip(), flags=re.I).replace(" ", "")
    if not cleaned:
        if allow_empty:
            return None
        raise ValueError(f"row {row}, column {column}: a value is required")
    if cleaned.startswith("-"):
        raise ValueError(f"row {row}, column {column}: {value!r} must not be negative")
    if _AMOUNT_DOTS.fullmatch(cleaned):
        return int(cleaned.split(",")[0].replace(".", ""))
    if _AMOUNT_COMMAS.fullmatch(cleaned):
        return int(cleaned.split(".")[0].replace(",", ""))
    if _AMOUNT_PLAIN.fullmatch(cleaned):
        return int(re.split(r"[.,]", cleaned)[0])
    raise ValueError(f"row {row}, column {column}: {value!r} is not a whole rupiah amount (write e.g. 89000 or 89.000)")


def read_catalogue_csv(stream: IO[Any] | Iterable[Any]) -> list[Product]:
    """Products from a catalogue CSV (see the module docstring); raises ValueError('row N, column C: ...')."""
    products: list[Product] = []
    first_row: dict[str, int] = {}
    for line, row in _csv_rows(stream, ("sku", "name", "price", "stock"), CATALOGUE_COLUMNS):
        sku, name = row.get("sku", ""), row.get("name", "")
        if not sku:
            raise ValueError(f"row {line}, column sku: a value is required")
        if not name:
            raise ValueError(f"row {line}, column name: a value is required")
        key = sku.lower()
        if key in first_row:
            raise ValueError(f"row {line}, column sku: duplicate SKU {sku!r} (already on row {first_row[key]}); "
                             f"each variant needs its own SKU")
        first_row[key] = line
        products.append(Product(
            sku=sku, name=name, variant=row.get("variant") or None,
            price=parse_amount_cell(row["price"], line, "price"),  # type: ignore[arg-type]
            stock=parse_amount_cell(row["stock"], line, "stock"),  # type: ignore[arg-type]
        ))
    return products


def read_orders_csv(stream: IO[Any] | Iterable[Any]) -> list[Order]:
    """Orders from an orders CSV (see the module docstring); raises ValueError('row N, column C: ...')."""
    orders: list[Order] = []
    first_row: dict[str, int] = {}
    for line, row in _csv_rows(stream, ("number", "status"), ORDER_COLUMNS):
        number = row.get("number", "")
        key = _order_key(number)
        if not key:
            raise ValueError(f"row {line}, column number: a value is required")
        if key in first_row:
            raise ValueError(f"row {line}, column number: duplicate order number {number!r} "
                             f"(already on row {first_row[key]})")
        first_row[key] = line
        status = row.get("status", "").lower()
        if status not in ORDER_STATUSES:
            raise ValueError(f"row {line}, column status: {row.get('status', '')!r} is not one of "
                             f"{', '.join(ORDER_STATUSES)}")
        orders.append(Order(
            number=number, status=status, courier=row.get("courier") or None,
            tracking_number=row.get("tracking_number") or None,
            customer_phone=normalize_phone(row.get("customer_phone", "")) or None,
            total=parse_amount_cell(row.get("total", ""), line, "total", allow_empty=True),
        ))
    return orders
