"""The agents' HTML pages through Flask's test client, on a fresh SQLite database per test."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ContextManager, Iterator, Sequence

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import create_app
from inbox.accounts import create_agent
from inbox.domain import ConversationStatus, DeliveryStatus, Direction, SenderType
from inbox.login_throttle import MAX_ATTEMPTS_PER_IP
from inbox.models import CannedResponse, Contact, Conversation, Message, Order, utcnow
from inbox.queue import JobQueue
from inbox.services import Services
from inbox.web import i18n
from tests.conftest import TELEGRAM_ENV, TWILIO_ENV

PASSWORD = "rahasia-123"


class RecordingQueue(JobQueue):
    """Collects enqueued jobs instead of running them: the page must only enqueue."""

    description = "recording queue (tests)"

    def __init__(self) -> None:
        self.jobs: list[tuple[str, tuple[Any, ...]]] = []

    def enqueue(self, job: str, *args: Any, delay: float = 0.0) -> None:
        self.jobs.append((job, args))

    def check(self) -> str:
        return "recording"

    def depth(self) -> int:
        return len(self.jobs)


@dataclass
class Desk:
    app: Flask
    jobs: RecordingQueue
    agents: dict[str, int] = field(default_factory=dict)

    def session(self) -> ContextManager[Session]:
        services: Services = self.app.extensions["inbox"]
        return services.db.session()

    def add_agent(self, email: str, name: str) -> int:
        with self.session() as db:
            agent_id = create_agent(db, email, PASSWORD, name=name).id
        self.agents[email] = agent_id
        return agent_id

    def add_conversation(
        self,
        name: str,
        *,
        platform: str = "whatsapp_twilio",
        status: str = ConversationStatus.WAITING.value,
        priority: int = 0,
        waited: timedelta | None = timedelta(minutes=5),
        phone: str | None = None,
        flags: Sequence[str] = (),
        reason: str | None = None,
        assigned_to: int | None = None,
        texts: Sequence[str] = ("Halo kak, pesanan saya belum sampai",),
    ) -> int:
        now = utcnow()
        with self.session() as db:
            contact = Contact(platform=platform, external_id=f"ext-{name}", display_name=name, phone=phone)
            db.add(contact)
            db.flush()
            conversation = Conversation(
                contact_id=contact.id,
                platform=platform,
                chat_id=f"chat-{name}",
                status=status,
                priority=priority,
                flags=list(flags),
                handover_reason=reason,
                assigned_agent_id=assigned_to,
                waiting_since=now - waited if waited is not None and status == "waiting" else None,
                last_message_at=now,
            )
            db.add(conversation)
            db.flush()
            for number, text in enumerate(texts):
                db.add(inbound(conversation, f"{name}-{number}", text, now - timedelta(minutes=6)))
            return conversation.id

    def conversation(self, conversation_id: int) -> Conversation:
        with self.session() as db:
            return db.get_one(Conversation, conversation_id)

    def outbound(self, conversation_id: int) -> list[Message]:
        with self.session() as db:
            return list(
                db.execute(
                    select(Message).where(
                        Message.conversation_id == conversation_id, Message.direction == Direction.OUTBOUND.value
                    )
                ).scalars()
            )


def inbound(conversation: Conversation, external_id: str, text: str, at: datetime, **extra: Any) -> Message:
    return Message(
        conversation_id=conversation.id,
        platform=conversation.platform,
        direction=Direction.INBOUND.value,
        sender_type=SenderType.CUSTOMER.value,
        external_id=external_id,
        text=text,
        media=[],
        created_at=at,
        **extra,
    )


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    # Explicit embedded settings: CI exports REDIS_URL, and a shared Redis would carry login
    # lock-outs from one test to the next.
    app = create_app(
        {
            "TESTING": True,
            "database_url": f"sqlite:///{tmp_path}/t.sqlite3",
            "secret_key": "test",
            "redis_url": None,
            "platform_env": {**TWILIO_ENV, **TELEGRAM_ENV},  # sends are recorded, never made
        }
    )
    services = app.extensions["inbox"]
    real_queue, jobs = services.queue, RecordingQueue()
    services.queue = jobs
    yield Desk(app, jobs)
    services.queue = real_queue
    services.close()


@pytest.fixture
def desk_client(desk: Desk) -> FlaskClient:
    return desk.app.test_client()


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CLIENT_KEY_FIELD = re.compile(r'name="client_key" value="([^"]+)"')


def form_value(pattern: re.Pattern[str], html: str) -> str:
    match = pattern.search(html)
    assert match, f"no {pattern.pattern} in the page"
    return match.group(1)


def log_in(
    client: FlaskClient, email: str, password: str = PASSWORD, next_path: str = "", environ: dict[str, str] | None = None
) -> Any:
    page = client.get("/login").get_data(as_text=True)
    form = {"email": email, "password": password, "csrf_token": form_value(CSRF_FIELD, page), "next": next_path}
    return client.post("/login", data=form, environ_base=environ or {})


@pytest.fixture
def logged_in(desk: Desk, desk_client: FlaskClient) -> FlaskClient:
    desk.add_agent("sari@toko.id", "Sari")
    assert log_in(desk_client, "sari@toko.id").status_code == 302
    return desk_client


def csrf_of(client: FlaskClient, path: str) -> str:
    return form_value(CSRF_FIELD, client.get(path).get_data(as_text=True))


# -- logging in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/?tab=mine", "/conversations/1"])
def test_pages_redirect_to_login_when_logged_out(desk_client: FlaskClient, path: str) -> None:
    response = desk_client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert desk_client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("email", ["sari@toko.id", "nobody@toko.id"])
def test_wrong_password_or_unknown_email_gets_one_generic_message(
    desk: Desk, desk_client: FlaskClient, email: str
) -> None:
    desk.add_agent("sari@toko.id", "Sari")
    response = log_in(desk_client, email, password="salah-sekali")
    assert response.status_code == 401
    assert "E-mail atau kata sandi salah." in response.get_data(as_text=True)
    assert desk_client.get("/").status_code == 302  # still logged out


def test_repeated_wrong_passwords_stop_the_guesser_not_the_agent(desk: Desk, desk_client: FlaskClient) -> None:
    desk.add_agent("sari@toko.id", "Sari")
    guesser = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(MAX_ATTEMPTS_PER_IP):
        assert log_in(desk_client, "sari@toko.id", password="tebak-tebakan", environ=guesser).status_code == 401
    locked = log_in(desk_client, "sari@toko.id", environ=guesser)  # even the right password now waits
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan" in locked.get_data(as_text=True)
    assert desk_client.get("/").status_code == 302
    other_client = desk.app.test_client()
    assert log_in(other_client, "sari@toko.id", environ={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302


def test_login_goes_to_the_queue(desk: Desk, desk_client: FlaskClient) -> None:
    desk.add_agent("sari@toko.id", "Sari")
    response = log_in(desk_client, "SARI@toko.id ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = desk_client.get("/")
    assert page.status_code == 200
    assert "Antrean percakapan" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_path", "expected"),
    [
        ("/conversations/7", "/conversations/7"),
        ("/?tab=mine", "/?tab=mine"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_login_follows_next_only_to_local_paths(
    desk: Desk, desk_client: FlaskClient, next_path: str, expected: str
) -> None:
    desk.add_agent("sari@toko.id", "Sari")
    response = log_in(desk_client, "sari@toko.id", next_path=next_path)
    assert response.headers["Location"] == expected


def test_logout_ends_the_session(logged_in: FlaskClient) -> None:
    response = logged_in.post("/logout", data={"csrf_token": csrf_of(logged_in, "/")})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert logged_in.get("/").status_code == 302


# -- the queue ----------------------------------------------------------------------------------


def test_queue_lists_urgent_first_then_longest_wait(desk: Desk, logged_in: FlaskClient) -> None:
    desk.add_conversation("Budi", waited=timedelta(minutes=10))
    desk.add_conversation(
        "Citra", priority=1, waited=timedelta(minutes=2), flags=["abuse"], reason="abuse: needs an agent"
    )
    desk.add_conversation("Dewi", waited=timedelta(minutes=30), platform="telegram")
    desk.add_conversation("Eko", status=ConversationStatus.BOT.value)  # the bot has it: not in the queue

    html = logged_in.get("/?tab=waiting").get_data(as_text=True)

    names = re.findall(r'class="customer-link">([^<]+)<', html)
    assert names == ["Citra", "Dewi", "Budi"]
    assert "30 mnt" in html and "10 mnt" in html
    assert "Telegram" in html and "WhatsApp" in html
    assert "abuse: needs an agent" in html and "kasar" in html and "Prioritas" in html
    # Updated live (server-sent events, polling as fallback), never by reloading the whole page
    assert 'http-equiv="refresh"' not in html and 'data-live-events="/live/events"' in html


def test_queue_tabs_split_mine_and_resolved(desk: Desk, logged_in: FlaskClient) -> None:
    me = desk.agents["sari@toko.id"]
    other = desk.add_agent("rudi@toko.id", "Rudi")
    desk.add_conversation("Waiting Wati")
    desk.add_conversation("Mine Maya", status="assigned", assigned_to=me)
    desk.add_conversation("Other Oki", status="assigned", assigned_to=other)
    desk.add_conversation("Done Dodi", status="resolved")

    def names(tab: str) -> set[str]:
        return set(re.findall(r'class="customer-link">([^<]+)<', logged_in.get(f"/?tab={tab}").get_data(as_text=True)))

    assert names("waiting") == {"Waiting Wati"}
    assert names("mine") == {"Mine Maya"}
    assert names("open") == {"Waiting Wati", "Mine Maya", "Other Oki"}
    assert names("resolved") == {"Done Dodi"}
    assert "Rudi" in logged_in.get("/").get_data(as_text=True)  # who has it


def test_queue_header_shows_response_times(desk: Desk, logged_in: FlaskClient) -> None:
    conversation_id = desk.add_conversation("Budi", texts=())
    received = utcnow() - timedelta(hours=1)
    with desk.session() as db:
        conversation = db.get_one(Conversation, conversation_id)
        question = inbound(conversation, "q1", "Ada stok?", received)
        db.add(question)
        db.flush()
        db.add(
            Message(
                conversation_id=conversation_id, platform=conversation.platform, direction="out",
                sender_type="bot", text="Ada kak", media=[], reply_to_id=question.id,
                delivery_status=DeliveryStatus.SENT.value, created_at=received,
                sent_at=received + timedelta(seconds=42),
            )
        )

    html = logged_in.get("/").get_data(as_text=True)

    assert re.search(r'data-stat="answered">1<', html)
    assert re.search(r'data-stat="median">42 dtk<', html)
    assert re.search(r'data-stat="within-minute">100%<', html)


# -- one conversation ---------------------------------------------------------------------------


def test_conversation_page_shows_history_orders_and_canned_answers(desk: Desk, logged_in: FlaskClient) -> None:
    conversation_id = desk.add_conversation("Budi", phone="+6281234567890", texts=())
    with desk.session() as db:
        conversation = db.get_one(Conversation, conversation_id)
        db.add(inbound(conversation, "m0", "harga kaos brp?", utcnow(), intent="price", confidence=0.88,
                       outcome="auto_replied"))
        db.add(inbound(conversation, "m1", "Pesanan INV-0099 di mana?", utcnow(), intent="order_status",
                       confidence=0.91, outcome="escalated"))
        db.add(Message(conversation_id=conversation_id, platform=conversation.platform, direction="out",
                       sender_type="bot", text="Sedang kami cek ya kak", media=[], delivery_status="delivered"))
        db.add(Order(number="INV-0099", number_key="inv0099", customer_phone="+6281234567890", status="dikirim",
                     courier="JNE", tracking_number="JNE123", total=150000))
        db.add(Order(number="INV-0100", number_key="inv0100", customer_phone="+6289999999999", status="baru", total=1))
        db.add(CannedResponse(shortcut="ongkir", text="Ongkir gratis untuk pembelian di atas Rp100.000."))

    html = logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)

    assert "Pesanan INV-0099 di mana?" in html and "Sedang kami cek ya kak" in html
    assert "msg-customer" in html and "msg-bot" in html
    # Intent codes only behind "why did the bot hand over?", on the message it handed over.
    assert "Kenapa bot meneruskan?" in html and "order_status · 0.91" in html
    assert "price · 0.88" not in html
    assert "diterima" in html  # delivery status of the bot's message
    assert "INV-0099" in html and "JNE123" in html and "Rp 150.000" in html
    assert "INV-0100" not in html  # someone else's order
    assert 'data-canned-text="Ongkir gratis untuk pembelian di atas Rp100.000."' in html
    assert len(form_value(CLIENT_KEY_FIELD, html)) == 32


def test_customer_markup_is_shown_as_text(desk: Desk, logged_in: FlaskClient) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    conversation_id = desk.add_conversation('<b>Mal</b>', texts=(attack,), reason="<i>reason</i>")

    for path in ("/", f"/conversations/{conversation_id}"):
        html = logged_in.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Mal</b>" not in html
        assert "&lt;b&gt;Mal&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_unknown_conversation_is_404(logged_in: FlaskClient) -> None:
    assert logged_in.get("/conversations/999").status_code == 404


def test_reply_posted_twice_with_one_client_key_is_sent_once(desk: Desk, logged_in: FlaskClient) -> None:
    conversation_id = desk.add_conversation("Budi")
    html = logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    form = {
        "csrf_token": form_value(CSRF_FIELD, html),
        "client_key": form_value(CLIENT_KEY_FIELD, html),
        "text": "Baik kak, kami cek dulu ya.",
    }

    first = logged_in.post(f"/conversations/{conversation_id}/reply", data=form)
    second = logged_in.post(f"/conversations/{conversation_id}/reply", data=form)

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == f"/conversations/{conversation_id}"
    sent = desk.outbound(conversation_id)
    assert [(m.text, m.sender_type, m.agent_id) for m in sent] == [
        ("Baik kak, kami cek dulu ya.", "agent", desk.agents["sari@toko.id"])
    ]
    assert desk.jobs.jobs == [("send_outbound", (sent[0].id,))]
    conversation = desk.conversation(conversation_id)
    assert conversation.status == "assigned" and conversation.assigned_agent_id == desk.agents["sari@toko.id"]
    page = logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert "tidak dikirim dua kali" in page  # the second post's flash
    assert "msg-agent" in page and "menunggu kirim" in page


def test_empty_reply_is_a_flash_not_a_message(desk: Desk, logged_in: FlaskClient) -> None:
    conversation_id = desk.add_conversation("Budi")
    html = logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    form = {"csrf_token": form_value(CSRF_FIELD, html), "client_key": form_value(CLIENT_KEY_FIELD, html), "text": "   "}

    assert logged_in.post(f"/conversations/{conversation_id}/reply", data=form).status_code == 302

    assert desk.outbound(conversation_id) == [] and desk.jobs.jobs == []
    assert "Balasan masih kosong." in logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)


@pytest.mark.parametrize("token", [None, "", "forged"])
@pytest.mark.parametrize("action", ["reply", "take", "resolve"])
def test_post_without_the_csrf_token_is_refused(
    desk: Desk, logged_in: FlaskClient, action: str, token: str | None
) -> None:
    conversation_id = desk.add_conversation("Budi")
    form = {"client_key": "k1", "text": "Halo"}
    if token is not None:
        form["csrf_token"] = token

    response = logged_in.post(f"/conversations/{conversation_id}/{action}", data=form)

    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert desk.outbound(conversation_id) == [] and desk.jobs.jobs == []
    assert desk.conversation(conversation_id).status == "waiting"


def test_login_without_the_csrf_token_is_refused(desk: Desk, desk_client: FlaskClient) -> None:
    desk.add_agent("sari@toko.id", "Sari")
    response = desk_client.post("/login", data={"email": "sari@toko.id", "password": PASSWORD})
    assert response.status_code == 400
    assert desk_client.get("/").status_code == 302


def test_take_then_resolve(desk: Desk, logged_in: FlaskClient) -> None:
    conversation_id = desk.add_conversation("Budi", priority=1, reason="complaint")
    token = csrf_of(logged_in, f"/conversations/{conversation_id}")

    taken = logged_in.post(f"/conversations/{conversation_id}/take", data={"csrf_token": token})
    assert taken.headers["Location"] == f"/conversations/{conversation_id}"
    conversation = desk.conversation(conversation_id)
    assert (conversation.status, conversation.assigned_agent_id) == ("assigned", desk.agents["sari@toko.id"])
    page = logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert "Percakapan sekarang milik Anda." in page

    logged_in.post(f"/conversations/{conversation_id}/resolve", data={"csrf_token": token})
    conversation = desk.conversation(conversation_id)
    assert (conversation.status, conversation.assigned_agent_id, conversation.priority) == ("resolved", None, 0)
    assert "Budi" not in logged_in.get("/").get_data(as_text=True)


def test_conversation_taken_by_another_agent_gets_a_flash_and_stays_theirs(desk: Desk, logged_in: FlaskClient) -> None:
    rudi = desk.add_agent("rudi@toko.id", "Rudi")
    conversation_id = desk.add_conversation("Budi", status="assigned", assigned_to=rudi)
    html = logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    token, key = form_value(CSRF_FIELD, html), form_value(CLIENT_KEY_FIELD, html)

    took = logged_in.post(f"/conversations/{conversation_id}/take", data={"csrf_token": token})
    replied = logged_in.post(
        f"/conversations/{conversation_id}/reply", data={"csrf_token": token, "client_key": key, "text": "Halo"}
    )

    assert took.status_code == replied.status_code == 302
    assert desk.conversation(conversation_id).assigned_agent_id == rudi
    assert desk.outbound(conversation_id) == [] and desk.jobs.jobs == []
    page = logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert page.count("Agen lain sudah mengambil percakapan ini.") == 2
    assert "Ditangani oleh Rudi" in page


# -- language and headers -----------------------------------------------------------------------


def test_language_switch_to_english_is_remembered(desk: Desk, logged_in: FlaskClient) -> None:
    desk.add_conversation("Budi", waited=timedelta(minutes=3))
    assert "Antrean percakapan" in logged_in.get("/").get_data(as_text=True)

    english = logged_in.get("/?lang=en").get_data(as_text=True)
    assert "Conversation queue" in english and "3 min" in english and '<html lang="en">' in english

    later = logged_in.get("/?tab=waiting").get_data(as_text=True)
    assert "Conversation queue" in later and "Antrean percakapan" not in later

    assert "Antrean percakapan" in logged_in.get("/?lang=id").get_data(as_text=True)


def test_pages_send_security_headers(logged_in: FlaskClient) -> None:
    for response in (logged_in.get("/"), logged_in.get("/login?lang=en")):
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"


def test_both_languages_have_every_string() -> None:
    assert set(i18n.STRINGS["id"]) == set(i18n.STRINGS["en"])


@pytest.mark.parametrize(
    ("seconds", "indonesian", "english"),
    [
        (None, "—", "—"),
        (42, "42 dtk", "42 s"),
        (180, "3 mnt", "3 min"),
        (7500, "2 j 5 mnt", "2 h 5 min"),
        (90000, "1 hr", "1 d"),
    ],
)
def test_durations_read_naturally(seconds: float | None, indonesian: str, english: str) -> None:
    assert i18n.format_duration("id", seconds) == indonesian
    assert i18n.format_duration("en", seconds) == english


def test_money_and_times_are_shown_the_indonesian_way() -> None:
    assert i18n.format_rupiah(1250000) == "Rp 1.250.000"
    assert i18n.format_rupiah(None) == "—"
    assert i18n.format_local_time(datetime(2026, 3, 1, 17, 30, tzinfo=timezone.utc)) == "02/03 00:30"  # WIB


@pytest.mark.parametrize(
    "reason, lang, expected",
    [
        ("complaint: escalated with priority", "id", "Komplain pelanggan"),
        ("low confidence (0.41 < 0.60) for price", "id", "Bot ragu (harga, keyakinan 0.41)"),
        ("human: needs an agent", "id", "Perlu agen: minta admin"),
        ("human: needs an agent", "en", "Needs an agent: asks for a person"),
        ("reply not delivered: Twilio error 63016", "id", "Balasan gagal terkirim: Twilio error 63016"),
        ("something new", "id", "something new"),
    ],
)
def test_handover_reasons_read_in_the_agents_language(reason, lang, expected):
    from inbox.web.i18n import describe_reason

    assert describe_reason(lang, reason) == expected


@pytest.mark.parametrize(
    "platform, hours_since_customer, warned",
    [("whatsapp_twilio", 25, True), ("whatsapp_twilio", 2, False), ("telegram", 25, False)],
)
def test_reply_box_warns_when_whatsapps_24_hour_window_has_closed(
    desk: Desk, logged_in: FlaskClient, platform: str, hours_since_customer: int, warned: bool
) -> None:
    conversation_id = desk.add_conversation("Rina", platform=platform)
    with desk.session() as db:
        db.get_one(Conversation, conversation_id).last_inbound_at = utcnow() - timedelta(hours=hours_since_customer)
    html = logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert ("balasan teks biasa akan ditolak" in html) is warned
    # While it is open, the agent sees until when (channels without a window say nothing).
    assert ("Balasan teks bisa dikirim sampai" in html) is (platform == "whatsapp_twilio" and not warned)


def test_logout_revokes_the_session_on_the_server(desk: Desk, logged_in: FlaskClient) -> None:
    saved = logged_in.get_cookie("session")
    assert saved is not None
    page = logged_in.get("/").get_data(as_text=True)
    logged_in.post("/logout", data={"csrf_token": form_value(CSRF_FIELD, page)})
    thief = desk.app.test_client()
    thief.set_cookie("session", saved.value)  # a copy of the cookie taken before the logout
    assert thief.get("/").status_code == 302


def test_a_disabled_agent_is_out_at_once_with_their_api_token(desk: Desk, logged_in: FlaskClient) -> None:
    from inbox.accounts import disable_agent, issue_api_token
    from inbox.models import Agent, utcnow

    with desk.session() as db:
        agent = db.execute(select(Agent).where(Agent.email == "sari@toko.id")).scalar_one()
        token = issue_api_token(agent)
    api = desk.app.test_client()
    assert api.get("/api/conversations", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with desk.session() as db:
        disable_agent(db.execute(select(Agent).where(Agent.email == "sari@toko.id")).scalar_one(), utcnow())
    assert logged_in.get("/").status_code == 302
    assert api.get("/api/conversations", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    assert log_in(desk.app.test_client(), "sari@toko.id").status_code == 401


def test_an_idle_session_ends(desk: Desk, logged_in: FlaskClient) -> None:
    with logged_in.session_transaction() as state:
        state["seen"] = state["seen"] - 13 * 3600
    assert logged_in.get("/").status_code == 302


def test_a_long_queue_is_paged_and_counted_never_cut(desk: Desk, logged_in: FlaskClient) -> None:
    """243 waiting once showed 200 with no hint of the other 43."""
    from inbox.models import Contact, Conversation

    now = utcnow()
    with desk.session() as db:
        for i in range(243):
            contact = Contact(platform="telegram", external_id=f"c{i}", display_name=f"Pelanggan {i:03d}")
            db.add(contact)
            db.flush()
            db.add(Conversation(contact_id=contact.id, platform="telegram", chat_id=f"c{i}", status="waiting",
                                priority=0, flags=[], waiting_since=now - timedelta(minutes=300 - i), last_message_at=now))
    seen: list[str] = []
    for page in range(1, 6):
        html = logged_in.get(f"/?tab=waiting&page={page}").get_data(as_text=True)
        seen += re.findall(r"Pelanggan \d{3}", html)
        if page == 1:
            assert "Halaman 1 dari 5 (243 percakapan)" in html and ">243<" in html
    assert sorted(set(seen)) == [f"Pelanggan {i:03d}" for i in range(243)] and len(seen) == 243
    assert seen[0] == "Pelanggan 000"  # the longest wait first


def test_the_api_pages_with_a_total(desk: Desk) -> None:
    from inbox.accounts import issue_api_token
    from inbox.models import Agent

    for i in range(7):
        desk.add_conversation(f"Pelanggan {i}")
    desk.add_agent("api@toko.id", "Api")
    with desk.session() as db:
        token = issue_api_token(db.execute(select(Agent).where(Agent.email == "api@toko.id")).scalar_one())
    client = desk.app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get("/api/conversations?limit=5", headers=headers).json
    second = client.get(f"/api/conversations?limit=5&offset={first['next_offset']}", headers=headers).json
    assert (first["total"], len(first["conversations"]), first["next_offset"]) == (7, 5, 5)
    assert (len(second["conversations"]), second["next_offset"]) == (2, None)
    assert client.get("/api/conversations?limit=x", headers=headers).status_code == 400


def test_only_the_assignee_or_an_admin_resolves_a_taken_conversation(desk: Desk, logged_in: FlaskClient) -> None:
    rudi = desk.add_agent("rudi@toko.id", "Rudi")
    conversation_id = desk.add_conversation("Budi", status="assigned", assigned_to=rudi)
    token = csrf_of(logged_in, f"/conversations/{conversation_id}")
    logged_in.post(f"/conversations/{conversation_id}/resolve", data={"csrf_token": token})
    page = logged_in.get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert desk.conversation(conversation_id).status == "assigned"  # Sari may not close Rudi's work
    assert "agen lain" in page.lower()
    with desk.session() as db:
        from inbox.models import Agent

        db.get_one(Agent, desk.agents["sari@toko.id"]).is_admin = True
    logged_in.post(f"/conversations/{conversation_id}/resolve", data={"csrf_token": token})
    assert desk.conversation(conversation_id).status == "resolved"  # an admin may
