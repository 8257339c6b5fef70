"""`flask --app app ...` commands: agents, tokens, catalogue and order import, canned answers."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from inbox.accounts import agent_for_token, authenticate
from inbox.models import CannedResponse, Order, Product
from replies import Turn
from tests.conftest import business_hours_clock

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_agents_create_and_token(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    created = runner.invoke(args=["agents", "create", "Sari@Toko.example", "--admin", "--password", "rahasia-123"])
    assert created.exit_code == 0, created.output
    again = runner.invoke(args=["agents", "create", "sari@toko.example", "--password", "rahasia-123"])
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["agents", "create", "budi@toko.example", "--password", "123"])
    assert short.exit_code != 0 and "at least 8" in short.output

    token = runner.invoke(args=["agents", "token", "sari@toko.example"]).output.strip()
    with app.extensions["inbox"].db.session() as session:
        assert authenticate(session, "sari@toko.example", "rahasia-123").is_admin
        assert agent_for_token(session, token).email == "sari@toko.example"


def test_first_admin_comes_from_the_environment_once(make_app):
    from inbox.web.cli import ensure_admin

    app = make_app(admin_email="owner@toko.example", admin_password="pemilik-toko-1")
    services = app.extensions["inbox"]
    ensure_admin(services)
    ensure_admin(services)
    with services.db.session() as session:
        assert authenticate(session, "owner@toko.example", "pemilik-toko-1") is not None


def test_import_catalogue_and_orders_then_the_bot_answers_from_them(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    products = runner.invoke(args=["shop", "import-products", str(EXAMPLES / "products.csv")])
    orders = runner.invoke(args=["shop", "import-orders", str(EXAMPLES / "orders.csv")])
    assert products.exit_code == 0 and "6 created" in products.output
    assert orders.exit_code == 0 and "3 created" in orders.output
    assert "rows" in products.stderr  # progress

    services = app.extensions["inbox"]
    now = business_hours_clock()()
    stock = services.engine.decide(Turn("kaos oversize hitam L ready kak?", now))
    assert "Kaos Oversize Hitam" in stock.reply
    by_number = services.engine.decide(Turn("resi inv 0099 mana kak", now))
    assert "JNE1234567890" in by_number.reply
    by_phone = services.engine.decide(Turn("pesanan saya udah dikirim?", now, customer_phone="+6281234567890"))
    assert "JNE1234567890" in by_phone.reply

    again = runner.invoke(args=["shop", "import-products", str(EXAMPLES / "products.csv")])
    assert "0 created, 6 updated" in again.output


def test_a_bad_csv_row_names_its_line_and_imports_nothing(make_app, tmp_path):
    app = make_app()
    bad = tmp_path / "products.csv"
    bad.write_text("sku,name,variant,price,stock\nA-1,Kaos,M,89000,3\nA-2,Jaket,L,mahal,1\n")
    result = app.test_cli_runner().invoke(args=["shop", "import-products", str(bad)])
    assert result.exit_code != 0
    assert "row 3" in result.output and "price" in result.output and "nothing imported" in result.output
    with app.extensions["inbox"].db.session() as session:
        assert session.execute(select(func.count()).select_from(Product)).scalar_one() == 0


def test_orders_need_a_known_status(make_app, tmp_path):
    app = make_app()
    bad = tmp_path / "orders.csv"
    bad.write_text("number,status\nINV-1,lost_in_space\n")
    result = app.test_cli_runner().invoke(args=["shop", "import-orders", str(bad)])
    assert result.exit_code != 0 and "is not one of" in result.output and "row 2" in result.output
    with app.extensions["inbox"].db.session() as session:
        assert session.execute(select(func.count()).select_from(Order)).scalar_one() == 0


def test_the_importer_reads_what_the_replies_engine_reads(make_app, tmp_path):
    """One CSV reader for `flask shop import-*` and `python -m replies try`: Excel's semicolons and
    BOM, rupiah written 89.000; a UTF-16 file or a duplicate SKU is refused with the reason."""
    app = make_app()
    runner = app.test_cli_runner()
    excel = tmp_path / "excel.csv"
    excel.write_bytes("\ufeffsku;name;variant;price;stock\r\nA-1;Kaos Polos;M;89.000;3\r\nA-2;Kaos Polos;L;Rp 1.250.000;0\r\n"
                      .encode("utf-8"))
    assert "2 created" in runner.invoke(args=["shop", "import-products", str(excel)]).output
    with app.extensions["inbox"].db.session() as session:
        prices = {sku: price for sku, price in session.execute(select(Product.sku, Product.price))}
    assert prices == {"A-1": 89000, "A-2": 1250000}

    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes("sku,name,variant,price,stock\nB-1,Topi,,50000,1\n".encode("utf-16"))
    refused = runner.invoke(args=["shop", "import-products", str(utf16)])
    assert refused.exit_code != 0 and "UTF-16" in refused.output and "CSV UTF-8" in refused.output
    twice = tmp_path / "twice.csv"
    twice.write_text("sku,name,variant,price,stock\nC-1,Tas,,1,1\nC-1,Tas,,2,2\n")
    refused = runner.invoke(args=["shop", "import-products", str(twice)])
    assert refused.exit_code != 0 and "duplicate SKU" in refused.output and "row 3" in refused.output
    with app.extensions["inbox"].db.session() as session:
        assert session.execute(select(func.count()).select_from(Product)).scalar_one() == 2


def test_canned_answer_add_and_update(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    runner.invoke(args=["canned", "add", "ongkir", "Ongkir dari Jakarta ya kak"])
    runner.invoke(args=["canned", "add", "ongkir", "Ongkir dihitung dari Jakarta ya kak"])
    with app.extensions["inbox"].db.session() as session:
        rows = session.execute(select(CannedResponse)).scalars().all()
        assert [(r.shortcut, r.text) for r in rows] == [("ongkir", "Ongkir dihitung dari Jakarta ya kak")]


def test_sweep_command_answers_what_the_queue_lost(make_app, fake_api):
    from tests.conftest import post_twilio, queue_loses_jobs, twilio_message

    app = make_app()
    with queue_loses_jobs(app):
        post_twilio(app.test_client(), twilio_message("bisa bayar cod kak?"))
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert result.exit_code == 0 and "inbound: 1" in result.output
    assert len(fake_api.calls) == 1


def test_telegram_set_webhook_registers_our_url_with_the_secret(make_app, fake_api):
    app = make_app()
    result = app.test_cli_runner().invoke(args=["telegram", "set-webhook"])
    assert result.exit_code == 0, result.output
    [call] = [c for c in fake_api.calls if c.endpoint == "setWebhook"]
    assert call.body["url"] == "https://shop.example/webhooks/telegram"
    assert call.body["secret_token"] == "tg-test-secret"
    allowed = call.body["allowed_updates"]  # the library sends lists JSON-encoded in the form
    assert set(json.loads(allowed) if isinstance(allowed, str) else allowed) == {"message", "edited_message"}


def test_telegram_set_webhook_needs_https(make_app, fake_api):
    app = make_app(public_url="http://127.0.0.1:5000")
    result = app.test_cli_runner().invoke(args=["telegram", "set-webhook"])
    assert result.exit_code != 0 and "an https url must be provided" in result.output.lower()
