"""The shop owner's command line: python -m replies classify / try."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "replies", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_classify_prints_one_json_object_per_line() -> None:
    res = run("classify", stdin="halo min\nbrp ongkir ke medan kak\n\ngoblok\npinjol cepat cair\n")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["halo min", "brp ongkir ke medan kak", "goblok", "pinjol cepat cair"]
    assert [r["intent"] for r in rows] == ["greeting", "shipping_cost", "abuse", "spam"]
    assert [r["action"] for r in rows] == ["auto_reply", "auto_reply", "escalate", "ignore"]
    assert all(set(r) == {"text", "intent", "confidence", "action"} and 0 <= r["confidence"] <= 1 for r in rows)


def test_try_prints_the_reply() -> None:
    res = run("try", "brp ongkir ke medan kak", "--at", "2026-11-23T10:00+07:00")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Selamat pagi kak!")
    assert "Rp18.000" in res.stdout
    assert "shipping_cost" in res.stderr


def test_try_with_csv_catalogue_and_orders(tmp_path: Path) -> None:
    cat = tmp_path / "products.csv"
    cat.write_text("sku,name,variant,price,stock\nKOS-HIT-L,Kaos Oversize,Hitam L,89000,12\n", encoding="utf-8")
    orders = tmp_path / "orders.csv"
    orders.write_text("number,status,courier,tracking_number,customer_phone,total\n"
                      "INV-0099,shipped,JNE,JNE123,+6281234567890,189000\n", encoding="utf-8")
    res = run("try", "kaos oversize hitam L brp kak", "--catalogue", str(cat), "--at", "2026-11-23T14:00+07:00")
    assert "Selamat siang" in res.stdout and "Rp89.000" in res.stdout
    res = run("try", "resi INV-0099 mana", "--orders", str(orders), "--at", "2026-11-23T19:00+07:00")
    assert "Selamat malam" in res.stdout and "JNE123" in res.stdout


def test_try_with_invalid_pack_reports_file_and_line(tmp_path: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text("shop_name: [oops\n", encoding="utf-8")
    res = run("try", "halo", "--pack", str(pack))
    assert res.returncode == 2
    assert f"{pack}:" in res.stderr and "bad YAML" in res.stderr


def test_escalation_prints_no_reply() -> None:
    res = run("try", "barang saya datang rusak", "--at", "2026-11-23T10:00+07:00")
    assert res.returncode == 0
    assert "(no reply)" in res.stdout and "complaint" in res.stderr
