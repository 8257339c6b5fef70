"""One CSV reader for shop data: what spreadsheets write is accepted, what's wrong is said clearly."""
import io
import subprocess
import sys
from pathlib import Path

import pytest

from replies.shopdata import InMemoryShopData, read_catalogue_csv, read_orders_csv

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("price", ["89000", "89.000", "Rp89.000", "Rp 89.000", "\"Rp89.000,00\"", "\"89,000\""])
def test_price_formats(price: str) -> None:
    rows = read_catalogue_csv(io.StringIO(f"sku,name,variant,price,stock\nKOS-1,Kaos Oversize,Hitam L,{price},1.200\n"))
    assert rows[0].price == 89000 and rows[0].stock == 1200
    assert rows[0].variant == "Hitam L"


def test_semicolon_separated_with_bom_and_mixed_case_header() -> None:
    data = "\ufeffSKU;Name;Variant;Price;Stock\r\nKOS-1;Kaos Oversize;Hitam L;Rp89.000;12\r\nJKT-1;Jaket Denim;;250.000;0\r\n"
    rows = read_catalogue_csv(io.BytesIO(data.encode("utf-8")))
    assert [(p.sku, p.name, p.variant, p.price, p.stock) for p in rows] == [
        ("KOS-1", "Kaos Oversize", "Hitam L", 89000, 12), ("JKT-1", "Jaket Denim", None, 250000, 0)]


def test_utf16_file_is_refused_with_a_clear_reason() -> None:
    data = "sku,name,variant,price,stock\nKOS-1,Kaos,,89000,1\n".encode("utf-16")
    with pytest.raises(ValueError, match="UTF-16"):
        read_catalogue_csv(io.BytesIO(data))


def test_duplicate_sku_names_both_rows() -> None:
    data = "sku,name,variant,price,stock\nKOS-1,Kaos,,89000,1\nKOS-2,Kaos,,89000,1\nkos-1,Kaos,,90000,1\n"
    with pytest.raises(ValueError, match=r"row 4, column sku: duplicate SKU 'kos-1' \(already on row 2\)"):
        read_catalogue_csv(io.StringIO(data))


@pytest.mark.parametrize("price, reason", [("\"89,5\"", "not a whole rupiah amount"), ("-5", "negative"),
                                           ("", "a value is required"), ("gratis", "not a whole rupiah amount")])
def test_bad_amount_names_row_and_column(price: str, reason: str) -> None:
    data = f"sku,name,variant,price,stock\nKOS-1,Kaos,,89000,1\nKOS-2,Kaos,,{price},1\n"
    with pytest.raises(ValueError, match=rf"row 3, column price: .*{reason}"):
        read_catalogue_csv(io.StringIO(data))


def test_missing_column_is_named() -> None:
    with pytest.raises(ValueError, match="row 1: missing column.*price"):
        read_catalogue_csv(io.StringIO("sku,name,stock\nA,B,1\n"))


def test_orders_csv() -> None:
    data = ("number;status;courier;tracking_number;customer_phone;total\n"
            "INV/20241124/MPL/123456789;Shipped;JNE;JNE123;0812-3456-7890;Rp189.000\n"
            "SKR-2411-002;pending_payment;;;;\n")
    orders = read_orders_csv(io.StringIO(data))
    assert orders[0].number == "INV/20241124/MPL/123456789" and orders[0].status == "shipped"
    assert orders[0].customer_phone == "+6281234567890" and orders[0].total == 189000
    assert orders[1].courier is None and orders[1].total is None
    with pytest.raises(ValueError, match="row 3, column status: 'lost'"):
        read_orders_csv(io.StringIO("number,status\nA-1,paid\nA-2,lost\n"))
    with pytest.raises(ValueError, match="duplicate order number 'inv 0099'"):
        read_orders_csv(io.StringIO("number,status\nINV-0099,paid\ninv 0099,paid\n"))


def test_in_memory_shop_from_csv_files(tmp_path: Path) -> None:
    cat = tmp_path / "products.csv"
    cat.write_bytes("\ufeffsku;name;variant;price;stock\nKOS-1;Kaos Oversize;Hitam L;89.000;3\n".encode("utf-8"))
    shop = InMemoryShopData.from_csv(cat)
    assert shop.products()[0].price == 89000


def run_try(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "replies", "try", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_cli_try_accepts_dotted_prices(tmp_path: Path) -> None:
    cat = tmp_path / "products.csv"
    cat.write_text("sku,name,variant,price,stock\nKOS-HIT-L,Kaos Oversize,Hitam L,89.000,12\n", encoding="utf-8")
    res = run_try("kaos oversize hitam L brp kak", "--catalogue", str(cat), "--at", "2026-11-23T10:00+07:00")
    assert res.returncode == 0, res.stderr
    assert "Rp89.000" in res.stdout


def test_cli_try_reports_a_bad_file_clearly(tmp_path: Path) -> None:
    cat = tmp_path / "products.csv"
    cat.write_bytes("sku,name,variant,price,stock\nKOS-1,Kaos,,89000,1\n".encode("utf-16"))
    res = run_try("kaos brp", "--catalogue", str(cat))
    assert res.returncode == 2
    assert str(cat) in res.stderr and "UTF-16" in res.stderr and "Traceback" not in res.stderr
