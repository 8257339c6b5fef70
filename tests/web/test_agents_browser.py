"""An agent's day in a real browser: log in, find the customer, answer with a canned text, resolve.

Runs the real app on a loopback port and drives Debian's Chromium through Playwright; skipped
where either is missing. Screenshots go to screenshots/ (git-ignored) for a person to look at.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from inbox.accounts import create_agent
from inbox.models import Agent, CannedResponse, Contact, Conversation, Message, Order, utcnow
from tests.conftest import TELEGRAM_ENV, TWILIO_ENV
from tests.web.test_agents_pages import RecordingQueue, inbound

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
EMAIL, PASSWORD = "sari@toko.id", "rahasia-123"
CANNED_TEXT = "Terima kasih sudah menunggu kak, pesanan kakak sudah kami kirim hari ini 🙏"


@dataclass
class LiveDesk:
    base_url: str
    app: Any
    jobs: RecordingQueue
    conversation_id: int


def seed(app: Any) -> int:
    """A believable morning: an urgent WhatsApp complaint, a Telegram question, one already taken."""
    now = utcnow()
    with app.extensions["inbox"].db.session() as db:
        sari = create_agent(db, EMAIL, PASSWORD, name="Sari")
        rudi = create_agent(db, "rudi@toko.id", "rahasia-456", name="Rudi")
        db.add_all([
            CannedResponse(shortcut="kirim", text=CANNED_TEXT),
            CannedResponse(shortcut="ongkir", text="Gratis ongkir untuk pembelian di atas Rp100.000 ya kak."),
            CannedResponse(shortcut="salam", text="Halo kak, dengan Sari di sini. Ada yang bisa dibantu?"),
        ])
        people = [
            ("Budi Santoso", "whatsapp_twilio", "+6281234567890", 1, 12, ["priority", "send_failed"],
             "complaint: needs an agent", None),
            ("Sari Telegram", "telegram", None, 0, 4, ["low_confidence"],
             "low confidence (0.41 < 0.60) for price", None),
            ("Ayu Lestari", "whatsapp_twilio", "+6285711112222", 0, 1, ["out_of_hours"], "stock: needs an agent", None),
            ("Dimas", "telegram", None, 0, 0, [], "refund", rudi.id),
        ]
        ids = []
        for name, platform, phone, priority, waited, flags, reason, agent_id in people:
            contact = Contact(platform=platform, external_id=f"ext-{name}", display_name=name, phone=phone)
            db.add(contact)
            db.flush()
            conversation = Conversation(
                contact_id=contact.id, platform=platform, chat_id=f"chat-{name}",
                status="assigned" if agent_id else "waiting", priority=priority, flags=flags,
                handover_reason=reason, assigned_agent_id=agent_id,
                waiting_since=None if agent_id else now - timedelta(minutes=waited), last_message_at=now,
            )
            db.add(conversation)
            db.flush()
            ids.append(conversation.id)
        budi = db.get_one(Conversation, ids[0])
        question = inbound(budi, "b1", "Kak, pesanan INV-0099 saya kok belum sampai ya?", now - timedelta(minutes=14),
                           intent="order_status", confidence=0.93)
        db.add(question)
        db.flush()
        db.add(Message(conversation_id=budi.id, platform=budi.platform, direction="out", sender_type="bot",
                       text="Pesanan INV-0099 sedang dikirim dengan JNE (resi JNE123456).", media=[],
                       reply_to_id=question.id, delivery_status="read", created_at=now - timedelta(minutes=14),
                       sent_at=now - timedelta(minutes=14) + timedelta(seconds=3)))
        db.add(inbound(budi, "b2", "Sudah 5 hari lho kak <script>alert(1)</script>, saya kecewa 😞",
                       now - timedelta(minutes=12), intent="complaint", confidence=0.88))
        db.add(Order(number="INV-0099", number_key="inv0099", customer_phone="+6281234567890", status="dikirim",
                     courier="JNE", tracking_number="JNE123456", total=249000))
        db.add(Order(number="INV-0071", number_key="inv0071", customer_phone="+6281234567890", status="selesai",
                     courier="SiCepat", tracking_number="SC998877", total=87500))
        del sari
        return ids[0]


@pytest.fixture
def live_desk(tmp_path: Path) -> Iterator[LiveDesk]:
    app = create_app(
        {
            "TESTING": True,
            "database_url": f"sqlite:///{tmp_path}/t.sqlite3",
            "secret_key": "test",
            "redis_url": None,
            "platform_env": {**TWILIO_ENV, **TELEGRAM_ENV},  # the page only enqueues: nothing is sent
        }
    )
    services = app.extensions["inbox"]
    real_queue, jobs = services.queue, RecordingQueue()
    services.queue = jobs  # the page only enqueues; sending is the worker's, tested elsewhere
    conversation_id = seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="desk-server", daemon=True)
    thread.start()
    try:
        yield LiveDesk(f"http://127.0.0.1:{server.server_port}", app, jobs, conversation_id)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        services.queue = real_queue
        services.close()


def log_in_page(page: Any, base_url: str, email: str, password: str) -> None:
    """Log in through the form, as a person does."""
    page.goto(base_url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


@pytest.fixture
def browser_page() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="id-ID")
            yield context.new_page()
        finally:
            browser.close()


def test_agent_answers_a_waiting_customer_with_a_canned_text(live_desk: LiveDesk, browser_page: Any) -> None:
    page, expect = browser_page, sync_api.expect
    problems: list[str] = []  # a CSP that blocks our own CSS or JS shows up here
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    SCREENSHOTS.mkdir(exist_ok=True)

    page.goto(live_desk.base_url + "/")
    expect(page).to_have_url(live_desk.base_url + "/login?next=/")
    page.screenshot(path=str(SCREENSHOTS / "login.png"))
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("heading", name="Antrean percakapan")).to_be_visible()
    rows = page.locator("tr.queue-row .customer-link")
    expect(rows).to_have_text(["Budi Santoso", "Sari Telegram", "Ayu Lestari", "Dimas"])
    page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "queue-mobile.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_role("link", name="Budi Santoso").click()
    expect(page.locator(".msg-customer").last).to_contain_text("<script>alert(1)</script>")
    expect(page.locator(".orders")).to_contain_text("INV-0099")

    page.get_by_role("button", name="/kirim").click()
    expect(page.locator("#reply-text")).to_have_value(CANNED_TEXT)
    page.get_by_role("button", name="Kirim", exact=True).click()

    expect(page.locator(".flash-success")).to_contain_text("Balasan disimpan")
    expect(page.locator(".msg-agent").last).to_contain_text(CANNED_TEXT)
    expect(page.locator(".conversation-head .status")).to_have_text("Ditangani")
    page.screenshot(path=str(SCREENSHOTS / "conversation.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "conversation-mobile.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_role("button", name="Tandai selesai").click()
    expect(page.locator(".flash-success")).to_contain_text("ditandai selesai")
    # Resolving moves on to the next customer waiting, and the history says who resolved what.
    expect(page.locator(".flash-info")).to_contain_text("Lanjut ke percakapan menunggu")
    expect(page).not_to_have_url(re.compile(rf"/conversations/{live_desk.conversation_id}$"))
    page.goto(f"{live_desk.base_url}/conversations/{live_desk.conversation_id}")
    expect(page.locator(".conversation-head .status")).to_have_text("Selesai")
    expect(page.locator(".history-resolved")).to_contain_text("menyelesaikan percakapan")
    expect(page.locator(".history-taken")).to_contain_text("mengambil percakapan")

    with live_desk.app.extensions["inbox"].db.session() as db:
        conversation = db.get_one(Conversation, live_desk.conversation_id)
        replies = db.execute(
            select(Message).where(Message.conversation_id == conversation.id, Message.sender_type == "agent")
        ).scalars().all()
        assert conversation.status == "resolved"
        assert [m.text for m in replies] == [CANNED_TEXT]
        # the reply is sent, and resolving asks the customer for a rating
        sari_id = db.execute(select(Agent.id).where(Agent.email == EMAIL)).scalar_one()
        assert live_desk.jobs.jobs == [("send_outbound", (replies[0].id,)), ("request_rating", (conversation.id, sari_id))]
    assert problems == []


def test_a_reply_lost_on_its_way_is_sent_once_after_a_reload(live_desk: LiveDesk, browser_page: Any) -> None:
    """The first post never reaches the server (a dropped connection); the agent reloads: the draft
    and its client key are back, and posting it again stores exactly one reply."""
    page, expect = browser_page, sync_api.expect
    log_in_page(page, live_desk.base_url, EMAIL, PASSWORD)
    conversation_url = f"{live_desk.base_url}/conversations/{live_desk.conversation_id}"
    page.goto(conversation_url)
    first_key = page.locator("[data-reply-key]").get_attribute("value")
    page.locator("#reply-text").fill("Mohon maaf kak, paketnya kami cek dulu ya")

    page.route("**/reply", lambda route: route.abort("connectionreset"))
    page.get_by_role("button", name="Kirim", exact=True).click()
    page.wait_for_timeout(300)
    page.unroute("**/reply")
    page.goto(conversation_url)  # a reload: the server renders a fresh key

    expect(page.locator("#reply-text")).to_have_value("Mohon maaf kak, paketnya kami cek dulu ya")
    assert page.locator("[data-reply-key]").get_attribute("value") == first_key
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Balasan disimpan")
    page.goto(conversation_url)  # the reply is on the page: the draft is gone, a new key is used
    expect(page.locator("#reply-text")).to_have_value("")
    assert page.locator("[data-reply-key]").get_attribute("value") != first_key
    with live_desk.app.extensions["inbox"].db.session() as db:
        replies = db.execute(select(Message).where(Message.sender_type == "agent")).scalars().all()
    assert [m.text for m in replies] == ["Mohon maaf kak, paketnya kami cek dulu ya"]
    assert replies[0].idempotency_key.endswith(first_key or "-")


def test_updates_arrive_live_and_a_draft_is_kept(live_desk: LiveDesk, browser_page: Any) -> None:
    page, expect = browser_page, sync_api.expect
    log_in_page(page, live_desk.base_url, EMAIL, PASSWORD)
    rows = page.locator("tr.queue-row .customer-link")
    expect(rows).to_have_count(4)

    # A new customer arrives: the waiting view shows them without a reload
    marker = page.evaluate("() => (window.__sameDocument = true)")
    with live_desk.app.extensions["inbox"].db.session() as db:
        contact = Contact(platform="telegram", external_id="ext-new", display_name="Nadia Baru")
        db.add(contact)
        db.flush()
        db.add(Conversation(contact_id=contact.id, platform="telegram", chat_id="chat-new", status="waiting",
                            priority=0, flags=[], handover_reason="human: needs an agent",
                            waiting_since=utcnow(), last_message_at=utcnow()))
    expect(page.locator("tr.queue-row .customer-link", has_text="Nadia Baru")).to_be_visible(timeout=10_000)
    assert marker and page.evaluate("() => window.__sameDocument") is True  # swapped in place, not reloaded

    # An open conversation gets a new message while the agent types: the draft stays
    page.goto(f"{live_desk.base_url}/conversations/{live_desk.conversation_id}")
    page.locator("#reply-text").fill("Sebentar ya kak, sedang kami")
    with live_desk.app.extensions["inbox"].db.session() as db:
        budi = db.get_one(Conversation, live_desk.conversation_id)
        db.add(inbound(budi, "b9", "Halo?? Ada orang?", utcnow()))
    expect(page.locator(".msg-customer").last).to_contain_text("Halo?? Ada orang?", timeout=10_000)
    expect(page.locator("#reply-text")).to_have_value("Sebentar ya kak, sedang kami")
    page.screenshot(path=str(SCREENSHOTS / "conversation-live.png"), full_page=True)


def test_a_page_refused_a_live_stream_still_updates_by_polling(live_desk: LiveDesk, browser_page: Any,
                                                                monkeypatch: Any) -> None:
    from inbox.web import live

    monkeypatch.setattr(live, "_streams_open", 10**6)  # every stream refused with 503
    page, expect = browser_page, sync_api.expect
    log_in_page(page, live_desk.base_url, EMAIL, PASSWORD)
    page.goto(f"{live_desk.base_url}/conversations/{live_desk.conversation_id}")
    with live_desk.app.extensions["inbox"].db.session() as db:
        db.add(inbound(db.get_one(Conversation, live_desk.conversation_id), "b10", "Masih ada orang?", utcnow()))
    expect(page.locator(".msg-customer").last).to_contain_text("Masih ada orang?", timeout=15_000)


def test_slash_finds_a_canned_answer_and_fills_its_placeholders(live_desk: LiveDesk, browser_page: Any) -> None:
    with live_desk.app.extensions["inbox"].db.session() as db:
        db.add(CannedResponse(shortcut="resi", text="pesanan {{no_pesanan}} sudah dikirim ya kak {{nama}}, dari {{toko}}"))
    page, expect = browser_page, sync_api.expect
    log_in_page(page, live_desk.base_url, EMAIL, PASSWORD)
    page.goto(f"{live_desk.base_url}/conversations/{live_desk.conversation_id}")
    box = page.locator("#reply-text")
    box.click()
    box.press_sequentially("Mohon maaf menunggu. /re")
    expect(page.locator(".canned-option")).to_have_count(1)
    expect(page.locator(".canned-option.is-chosen")).to_contain_text("/resi")
    box.press("Enter")  # inserts; does not send
    value = box.input_value()
    assert value.startswith("Mohon maaf menunggu. Pesanan INV-00") and "ya kak Budi Santoso, dari " in value
    assert "{{" not in value and "/re" not in value
    expect(page.locator(".canned-picker")).to_be_hidden()
    box.press_sequentially(" /zzz")
    expect(page.locator(".canned-picker")).to_be_hidden()  # nothing matches: no list
    page.screenshot(path=str(SCREENSHOTS / "canned-slash.png"))


def test_a_note_mentions_a_colleague_who_then_gets_the_conversation(live_desk: LiveDesk, browser_page: Any) -> None:
    page, expect = browser_page, sync_api.expect
    log_in_page(page, live_desk.base_url, EMAIL, PASSWORD)
    page.goto(f"{live_desk.base_url}/conversations/{live_desk.conversation_id}")
    page.get_by_role("button", name="Ambil percakapan").click()
    page.locator(".note-form textarea").fill("@rudi pelanggan ini minta retur, tolong bantu <i>ya</i>")
    page.get_by_role("button", name="Simpan catatan").click()
    expect(page.locator(".flash-success")).to_contain_text("Rudi diberi tahu")
    expect(page.locator(".msg-note").last).to_contain_text("minta retur, tolong bantu <i>ya</i>")
    page.locator(".transfer-form select").select_option(label="Rudi")
    page.get_by_role("button", name="Alihkan", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("dialihkan")
    expect(page.locator(".history-transferred")).to_contain_text("Sari mengalihkan ke Rudi")
    page.screenshot(path=str(SCREENSHOTS / "conversation-team.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "conversation-team-mobile.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing overflows

    # Rudi sees the mention and the conversation is his.
    page.get_by_role("button", name="Keluar").click()
    page.set_viewport_size({"width": 1280, "height": 860})
    page.get_by_label("E-mail").fill("rudi@toko.id")
    page.get_by_label("Kata sandi").fill("rahasia-456")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator(".nav-mentions .count")).to_have_text("1")
    page.locator(".nav-mentions").click()
    expect(page.locator(".mention").first).to_contain_text("minta retur")
    page.screenshot(path=str(SCREENSHOTS / "mentions.png"), full_page=True)
    page.locator(".mention a").first.click()
    expect(page.locator(".conversation-head")).to_contain_text("Ditangani oleh Anda")


def test_a_photo_chosen_in_the_browser_reaches_the_platform(make_app: Any, fake_api: Any, browser_page: Any) -> None:
    from inbox.sandbox.platform_api import DEFAULT_MEDIA
    from tests.conftest import post_twilio, twilio_message

    app = make_app()
    services = app.extensions["inbox"]
    with services.db.session() as db:
        create_agent(db, EMAIL, PASSWORD, name="Sari")
    post_twilio(app.test_client(), twilio_message("kak minta foto warna navy dong"))
    assert services.queue.drain(timeout=15)
    fake_api.reset()
    with services.db.session() as db:
        conversation_id = db.execute(select(Conversation.id)).scalar_one()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page, expect = browser_page, sync_api.expect
        base = f"http://127.0.0.1:{server.server_port}"
        log_in_page(page, base, EMAIL, PASSWORD)
        page.goto(f"{base}/conversations/{conversation_id}")
        page.locator("#reply-text").fill("Ini warna navy-nya kak")
        page.locator("input[name=attachment]").set_input_files(
            {"name": "navy.png", "mimeType": "image/png", "buffer": DEFAULT_MEDIA})
        page.get_by_role("button", name="Kirim", exact=True).click()
        expect(page.locator(".flash-success")).to_contain_text("Balasan disimpan")
        assert services.queue.drain(timeout=15)
        (call,) = [c for c in fake_api.calls if c.endpoint == "Messages.json"]
        assert call.body["Body"] == "Ini warna navy-nya kak" and "/files/" in call.body["MediaUrl"]
        page.reload()
        expect(page.locator(".msg-agent .msg-thumb")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "conversation-photo.png"), full_page=True)
    finally:
        server.shutdown()


def test_two_agents_one_claim_wins_and_the_losers_draft_is_kept(live_desk: LiveDesk, browser_page: Any) -> None:
    page, expect = browser_page, sync_api.expect
    with live_desk.app.extensions["inbox"].db.session() as db:
        ayu = db.execute(select(Conversation.id).join(Contact).where(Contact.display_name == "Ayu Lestari")).scalar_one()
    url = f"{live_desk.base_url}/conversations/{ayu}"
    other = page.context.browser.new_context(viewport={"width": 1280, "height": 860}, locale="id-ID").new_page()
    for tab, (email, password) in ((page, (EMAIL, PASSWORD)), (other, ("rudi@toko.id", "rahasia-456"))):
        log_in_page(tab, live_desk.base_url, email, password)
        tab.goto(url)
    other.locator("#reply-text").fill("Halo kak Ayu, ukuran M masih ada ya")
    page.get_by_role("button", name="Ambil percakapan").click()  # Sari is first
    expect(page.locator(".flash-success")).to_contain_text("milik Anda")

    other.get_by_role("button", name="Kirim", exact=True).click()  # Rudi answers a moment later
    expect(other.locator(".flash-error")).to_contain_text("Agen lain sudah mengambil")
    expect(other.locator("#reply-text")).to_have_value("Halo kak Ayu, ukuran M masih ada ya")
    other.screenshot(path=str(SCREENSHOTS / "conversation-taken-draft-kept.png"), full_page=True)
    with live_desk.app.extensions["inbox"].db.session() as db:
        conversation = db.get_one(Conversation, ayu)
        sari = db.execute(select(Agent.id).where(Agent.email == EMAIL)).scalar_one()
        assert conversation.assigned_agent_id == sari
        assert db.execute(select(Message).where(Message.sender_type == "agent")).first() is None
