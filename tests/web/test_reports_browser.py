"""The reports page in a real browser: the charts render (screenshot in screenshots/)."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from app import create_app
from tests.test_reports import NOW, seed
from tests.web.test_agents_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium", allow_module_level=True)


def test_the_reports_page_draws_its_charts(tmp_path: Path, monkeypatch: Any) -> None:
    from inbox.web import reports as view

    monkeypatch.setattr(view, "utcnow", lambda: NOW)
    app = create_app({"TESTING": True, "database_url": f"sqlite:///{tmp_path}/r.sqlite3", "secret_key": "test",
                      "redis_url": None, "sandbox": False, "platform_env": {}})
    seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID").new_page()
            page.goto(base + "/login?next=/reports")
            page.get_by_label("E-mail").fill("sari@toko.id")
            page.get_by_label("Kata sandi").fill("rahasia-123")
            page.get_by_role("button", name="Masuk").click()
            expect = sync_api.expect
            expect(page.get_by_role("heading", name="Laporan")).to_be_visible()
            bars = page.locator("svg.chart-days rect")
            expect(bars).to_have_count(7)
            assert bars.last.bounding_box()["height"] > 50  # today's bar is drawn, and tall
            expect(page.locator("svg.chart-heat rect")).to_have_count(7 * 24)
            page.screenshot(path=str(SCREENSHOTS / "reports.png"), full_page=True)
            browser.close()
    finally:
        server.shutdown()
        app.extensions["inbox"].close()
