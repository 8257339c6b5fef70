"""The sandbox page in a real browser: a comment's public and private replies where the platform
shows them, and a handed-over complaint linked to the agents' page. Screenshots in screenshots/."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from app import create_app
from inbox.accounts import create_agent
from inbox.sandbox.platform_api import FakePlatformAPI
from inbox.shop_data import import_products
from tests.conftest import business_hours_clock
from tests.test_sandbox import free_port
from tests.web.test_agents_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium", allow_module_level=True)

PRODUCTS = Path(__file__).resolve().parents[2] / "examples" / "products.csv"


@pytest.fixture
def live_sandbox(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    app = create_app({"TESTING": True, "database_url": f"sqlite:///{tmp_path}/s.sqlite3", "secret_key": "test",
                      "redis_url": None, "reply_debounce_seconds": 0.0, "sandbox": True, "sandbox_api_port": port,
                      "platform_env": {}})
    services = app.extensions["inbox"]
    services.pipeline.now = business_hours_clock()
    with services.db.session() as db:
        create_agent(db, "sari@toko.id", "rahasia-123", name="Sari")
        with PRODUCTS.open(encoding="utf-8") as stream:
            import_products(db, stream)
    services.shop.invalidate()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with FakePlatformAPI("127.0.0.1", port):
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            services.close()


def test_owner_tries_a_comment_and_a_complaint(live_sandbox: str) -> None:
    expect = sync_api.expect
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID").new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.goto(live_sandbox + "/login?next=/sandbox")
        page.get_by_label("E-mail").fill("sari@toko.id")
        page.get_by_label("Kata sandi").fill("rahasia-123")
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_role("heading", name="Coba sendiri")).to_be_visible()

        page.get_by_role("link", name="Komentar Instagram").click()
        page.get_by_label("Pesan pelanggan").fill("brp harga kaos oversize hitam kak? <script>alert(1)</script>")
        page.get_by_role("button", name="Kirim sebagai pelanggan").click()
        comment = page.locator(".sandbox-log-main > .sandbox-customer")
        expect(comment).to_contain_text("<script>alert(1)</script>")
        expect(comment.locator(".sandbox-replies .sandbox-public_reply")).to_contain_text("DM", timeout=10_000)
        expect(page.locator(".sandbox-log-dm .sandbox-private_reply")).to_contain_text("89.000")
        page.screenshot(path=str(SCREENSHOTS / "sandbox-instagram.png"), full_page=True)

        page.get_by_role("link", name="Komentar Facebook").click()
        page.get_by_label("Pesan pelanggan").fill("barangnya jelek, sudah seminggu belum sampai! kecewa")
        page.get_by_role("button", name="Kirim sebagai pelanggan").click()
        expect(page.locator(".sandbox-waiting")).to_be_visible(timeout=10_000)
        expect(page.locator(".sandbox-bot")).to_have_count(0)
        page.get_by_role("link", name="Jawab dari halaman agen").click()
        expect(page.locator(".msg-customer").last).to_contain_text("sudah seminggu belum sampai")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(live_sandbox + "/sandbox?channel=instagram_comment")
        expect(page.locator(".sandbox-private_reply")).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / "sandbox-mobile.png"), full_page=True)
        assert problems == []
        browser.close()
