"""The website chat in a real browser, embedded in a shop's page served from another origin.

The app runs on one loopback port, the shop's site on another (an allowed origin) and a third site
that the shop did not allow. Debian's Chromium through Playwright; skipped where either is missing.
Screenshots go to screenshots/ for a person to look at.
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

from app import create_app
from inbox.accounts import create_agent
from tests.web.test_agents_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium", allow_module_level=True)

EMAIL, PASSWORD = "sari@toko.id", "rahasia-123"
PRODUCTS = Path(__file__).resolve().parents[2] / "examples" / "products.csv"


def shop_page(app_base: str) -> bytes:
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Toko Sari</title></head>
<body style="font-family:sans-serif"><h1>Toko Sari: kaos &amp; jaket</h1><p>Belanja santai, tanya lewat chat.</p>
<script src="{app_base}/webhooks/webchat/widget.js" data-title="Toko Sari" data-color="#b45309"
        data-greeting="Halo kak! Mau tanya apa?" data-open="true" async></script></body></html>""".encode()


def serve_page(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[dict[str, Any]]:
    # The shop's site must be known before the app starts (WEBCHAT_ALLOWED_ORIGINS): bind it first.
    placeholder = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    shop_port = placeholder.server_port
    placeholder.server_close()
    shop_origin = f"http://127.0.0.1:{shop_port}"
    app = create_app({
        "TESTING": True, "database_url": f"sqlite:///{tmp_path}/chat.sqlite3", "secret_key": "test", "redis_url": None,
        "reply_debounce_seconds": 0.0, "send_backoff_seconds": (0.0,),
        "platform_env": {"WEBCHAT_ALLOWED_ORIGINS": shop_origin},
    })
    services = app.extensions["inbox"]
    from tests.conftest import business_hours_clock

    services.pipeline.now = business_hours_clock()
    with services.db.session() as db:
        from inbox.shop_data import import_products

        with PRODUCTS.open(encoding="utf-8") as stream:
            import_products(db, stream)
        create_agent(db, EMAIL, PASSWORD, name="Sari")
    services.shop.invalidate()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app_base = f"http://127.0.0.1:{server.server_port}"

    class ShopPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(shop_page(app_base))

        def log_message(self, *args: Any) -> None:
            pass

    shop = ThreadingHTTPServer(("127.0.0.1", shop_port), ShopPage)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    stranger, stranger_origin = serve_page(shop_page(app_base))
    try:
        yield {"app": app, "app_base": app_base, "shop": shop_origin, "stranger": stranger_origin}
    finally:
        for running in (server, shop, stranger):
            running.shutdown()
        services.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def ask(page: Any, text: str) -> None:
    page.locator("[data-inbox-webchat] textarea").fill(text)
    page.locator("[data-inbox-webchat] textarea").press("Enter")


def test_visitor_chats_with_the_bot_and_an_agent_on_the_shops_site(sites: dict[str, Any], browser: Any) -> None:
    expect = sync_api.expect
    SCREENSHOTS.mkdir(exist_ok=True)
    visitor = browser.new_context(viewport={"width": 390, "height": 780}, locale="id-ID").new_page()
    problems: list[str] = []
    visitor.on("pageerror", lambda error: problems.append(str(error)))
    visitor.goto(sites["shop"] + "/")
    widget = visitor.locator("[data-inbox-webchat]")
    expect(widget.locator(".msg.bot").first).to_contain_text("Halo kak! Mau tanya apa?")

    ask(visitor, "brp harga jaket denim kak?")
    expect(widget.locator(".msg.visitor")).to_have_text(["brp harga jaket denim kak?"])
    expect(widget.locator(".msg.bot").last).to_contain_text("Rp250.000", timeout=10_000)
    visitor.screenshot(path=str(SCREENSHOTS / "webchat-answer.png"))

    ask(visitor, "<b>barang</b> saya datang rusak, kecewa banget")
    expect(widget.locator(".msg.bot").last).to_contain_text("Mohon maaf atas kendalanya", timeout=10_000)
    expect(widget.locator(".msg.visitor").last).to_have_text("<b>barang</b> saya datang rusak, kecewa banget")

    # The complaint waits on the agents' page; the agent answers from there.
    agent = browser.new_context(viewport={"width": 1280, "height": 860}, locale="id-ID").new_page()
    agent.goto(sites["app_base"] + "/login")
    agent.get_by_label("E-mail").fill(EMAIL)
    agent.get_by_label("Kata sandi").fill(PASSWORD)
    agent.get_by_role("button", name="Masuk").click()
    agent.locator("tr.queue-row .customer-link").first.click()
    expect(agent.locator(".msg-customer").last).to_contain_text("<b>barang</b> saya datang rusak")
    agent.locator("#reply-text").fill("Mohon maaf kak, dengan Sari di sini. Boleh kirim foto barangnya?")
    agent.get_by_role("button", name="Kirim", exact=True).click()
    expect(agent.locator(".flash-success")).to_be_visible()

    expect(widget.locator(".note")).to_contain_text("Sari bergabung", timeout=10_000)
    expect(widget.locator(".msg.agent").last).to_contain_text("dengan Sari di sini")
    visitor.screenshot(path=str(SCREENSHOTS / "webchat-agent.png"))

    # The visitor sends a photo of the damage; it reaches the agent's page
    from inbox.sandbox.platform_api import DEFAULT_MEDIA

    widget.locator("input[type=file]").set_input_files(
        files=[{"name": "rusak.png", "mimeType": "image/png", "buffer": DEFAULT_MEDIA}])
    expect(widget.locator(".msg.visitor .photo")).to_have_count(1, timeout=10_000)
    agent.reload()
    expect(agent.locator(".msg-customer .msg-media").last).to_be_visible()

    visitor.reload()  # the history survives a reload (and a new tab of the same browser)
    expect(widget.locator(".msg.visitor")).to_have_count(3, timeout=10_000)
    expect(widget.locator(".msg.agent")).to_have_count(1)
    assert problems == []

    # A second visitor sees nothing of the first's chat
    other = browser.new_context(viewport={"width": 390, "height": 780}).new_page()
    other.goto(sites["shop"] + "/")
    other_widget = other.locator("[data-inbox-webchat]")
    expect(other_widget.locator(".msg.bot").first).to_contain_text("Halo kak!")
    other.wait_for_timeout(1500)
    expect(other_widget.locator(".msg.visitor")).to_have_count(0)
    expect(other_widget.locator(".msg.agent")).to_have_count(0)


def test_a_site_the_shop_did_not_allow_cannot_use_the_chat(sites: dict[str, Any], browser: Any) -> None:
    expect = sync_api.expect
    page = browser.new_context().new_page()
    page.goto(sites["stranger"] + "/")
    ask(page, "halo kak")
    widget = page.locator("[data-inbox-webchat]")
    expect(widget.locator(".error")).to_be_visible(timeout=10_000)
    expect(widget.locator("textarea")).to_have_value("halo kak")  # what was typed is kept
    with sites["app"].extensions["inbox"].db.session() as db:
        from sqlalchemy import func, select

        from inbox.models import Message

        assert db.execute(select(func.count()).select_from(Message)).scalar_one() == 0
