"""The queue as agents scan it: previews, timers, markers, search and filters (SQLite per test)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from inbox import agent_desk
from inbox.models import Conversation, Message, Order, utcnow
from tests.web import test_agents_pages as pages
from tests.web.test_agents_pages import Desk, inbound

# The agents' pages' fixtures: a fresh app and database per test, and Sari logged in.
desk, desk_client, logged_in = pages.desk, pages.desk_client, pages.logged_in

NAMES = re.compile(r'class="customer-link">([^<]+)<')


def names(client: FlaskClient, query: str) -> list[str]:
    response = client.get(query)
    assert response.status_code == 200, query
    return NAMES.findall(response.get_data(as_text=True))


def row_html(html: str, name: str) -> str:
    """The <tr> of one customer."""
    for row in re.findall(r'<tr class="queue-row.*?</tr>', html, flags=re.S):
        if f'class="customer-link">{name}<' in row:
            return str(row)
    raise AssertionError(f"no row for {name}")


def add_message(
    desk: Desk, conversation_id: int, text: str, at: datetime, *, sender: str = "customer",
    outcome: str | None = None, reply_to: int | None = None, agent_id: int | None = None,
    delivery_status: str = "delivered", external_id: str | None = None,
) -> int:
    with desk.session() as db:
        conversation = db.get_one(Conversation, conversation_id)
        if sender == "customer":
            message = inbound(conversation, external_id or f"x-{conversation_id}-{at.timestamp()}-{text[:8]}", text, at,
                              outcome=outcome)
        else:
            message = Message(
                conversation_id=conversation_id, platform=conversation.platform, direction="out", sender_type=sender,
                agent_id=agent_id, text=text, media=[], target="message", reply_to_id=reply_to,
                delivery_status=delivery_status, created_at=at,
                sent_at=at + timedelta(seconds=1) if delivery_status != "failed" else None,
            )
        db.add(message)
        db.flush()
        return message.id


# -- rows ---------------------------------------------------------------------------------------


def test_a_row_shows_the_last_message_escaped_and_cut_with_phone_and_channel(desk: Desk, logged_in: FlaskClient) -> None:
    hostile = "<script>alert('x')</script> " + "barang belum sampai " * 10 + "AKHIR-YANG-TERPOTONG"
    desk.add_conversation("Budi", phone="+6281234567890", texts=(hostile,))
    desk.add_conversation("Tari", platform="telegram", texts=("ready kak?",))

    html = logged_in.get("/?tab=waiting").get_data(as_text=True)

    budi = row_html(html, "Budi")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; barang belum sampai" in budi
    assert "<script>alert" not in html
    assert "AKHIR-YANG-TERPOTONG" not in budi and "…" in budi  # cut, not wrapped over the page
    assert "+6281234567890" in budi and "WhatsApp" in budi
    tari = row_html(html, "Tari")
    assert "ready kak?" in tari and "ext-Tari" in tari and "Telegram" in tari  # no phone: the platform's id


def test_the_preview_says_when_the_bot_or_an_agent_wrote_last(desk: Desk, logged_in: FlaskClient) -> None:
    conversation_id = desk.add_conversation("Budi", texts=("ongkir ke medan?",))
    add_message(desk, conversation_id, "Ongkir ke Medan Rp18.000", utcnow(), sender="bot")

    budi = row_html(logged_in.get("/?tab=waiting").get_data(as_text=True), "Budi")

    assert "Bot:</span> Ongkir ke Medan Rp18.000" in budi and "ongkir ke medan?" not in budi


def test_mine_marks_conversations_where_the_customer_wrote_after_our_last_reply(desk: Desk, logged_in: FlaskClient) -> None:
    me = desk.agents["sari@toko.id"]
    now = utcnow()
    replied = desk.add_conversation("Rina", status="assigned", assigned_to=me, texts=())
    add_message(desk, replied, "barang rusak", now - timedelta(minutes=9))
    add_message(desk, replied, "Mohon maaf kak, kami cek", now - timedelta(minutes=8), sender="agent", agent_id=me)
    add_message(desk, replied, "fotonya sudah saya kirim", now - timedelta(minutes=2))
    quiet = desk.add_conversation("Sinta", status="assigned", assigned_to=me, texts=())
    add_message(desk, quiet, "barang rusak", now - timedelta(minutes=9))
    add_message(desk, quiet, "Mohon maaf kak, kami cek", now - timedelta(minutes=8), sender="agent", agent_id=me)

    html = logged_in.get("/?tab=mine").get_data(as_text=True)

    assert 'data-marker="customer-replied"' in row_html(html, "Rina")
    assert "Pelanggan membalas" in row_html(html, "Rina")
    assert "data-marker" not in row_html(html, "Sinta")


def test_the_timer_runs_from_the_first_unanswered_message_and_turns_red_past_the_target(
    desk: Desk, logged_in: FlaskClient
) -> None:
    now = utcnow()
    me = desk.agents["sari@toko.id"]
    # A handover notice from the bot is not an answer: the clock keeps running from the question.
    noticed = desk.add_conversation("Budi", texts=())
    question = add_message(desk, noticed, "mau refund", now - timedelta(minutes=7), outcome="escalated")
    add_message(desk, noticed, "Agen kami segera membantu", now - timedelta(minutes=7), sender="bot", reply_to=question)
    add_message(desk, noticed, "halo??", now - timedelta(minutes=3), outcome="human")
    # Answered by a person, then a new question 20 seconds ago: the clock starts again, not late yet.
    fresh = desk.add_conversation("Citra", status="assigned", assigned_to=me, texts=())
    add_message(desk, fresh, "ready?", now - timedelta(minutes=30))
    add_message(desk, fresh, "ready kak", now - timedelta(minutes=29), sender="agent", agent_id=me)
    add_message(desk, fresh, "ok saya order", now - timedelta(seconds=20))
    # The bot answered the question itself: nothing is waiting.
    answered = desk.add_conversation("Dewi", texts=())
    ongkir = add_message(desk, answered, "ongkir?", now - timedelta(minutes=5), outcome="auto_replied")
    add_message(desk, answered, "Rp18.000 kak", now - timedelta(minutes=5), sender="bot", reply_to=ongkir)

    html = logged_in.get("/?tab=open").get_data(as_text=True)

    budi, citra, dewi = (row_html(html, name) for name in ("Budi", "Citra", "Dewi"))
    assert re.search(r'data-timer="late"[^>]*>7 mnt<', budi)
    assert re.search(r'data-timer="ok"[^>]*>(19|20|21) dtk<', citra)
    assert "data-timer" not in dewi

    with desk.session() as db:
        since = agent_desk.unanswered_since(db, [noticed, fresh, answered])
    assert set(since) == {noticed, fresh}


def test_the_target_comes_from_the_settings(desk: Desk, logged_in: FlaskClient) -> None:
    desk.add_conversation("Budi", texts=())
    conversation_id = desk.add_conversation("Budi2", texts=())
    add_message(desk, conversation_id, "halo", utcnow() - timedelta(minutes=2))
    services = desk.app.extensions["inbox"]
    assert services.settings.response_target_seconds == 60
    assert 'data-timer="late"' in logged_in.get("/?tab=waiting").get_data(as_text=True)
    from dataclasses import replace

    services.settings = replace(services.settings, response_target_seconds=600)
    assert 'data-timer="ok"' in logged_in.get("/?tab=waiting").get_data(as_text=True)


def test_response_target_setting_is_read_from_the_environment() -> None:
    from inbox.errors import ConfigError
    from inbox.settings import load_settings

    assert load_settings({}).response_target_seconds == 60
    assert load_settings({"INBOX_RESPONSE_TARGET_SECONDS": "300"}).response_target_seconds == 300
    with pytest.raises(ConfigError):
        load_settings({"INBOX_RESPONSE_TARGET_SECONDS": "soon"})


# -- search and filters -------------------------------------------------------------------------


@pytest.fixture
def shop(desk: Desk, logged_in: FlaskClient) -> dict[str, int]:
    other = desk.add_agent("rudi@toko.id", "Rudi")
    me = desk.agents["sari@toko.id"]
    ids = {
        "Budi Santoso": desk.add_conversation("Budi Santoso", phone="+6281234567890", texts=("mau tanya ukuran",)),
        "Citra": desk.add_conversation("Citra", platform="telegram", priority=1, texts=("paket saya hilang 50%",)),
        "Dewi": desk.add_conversation("Dewi", phone="+6285700001111", status="assigned", assigned_to=other,
                                      texts=("kapan restock kemeja batik?",)),
        "Eko": desk.add_conversation("Eko", status="assigned", assigned_to=me, texts=("ok makasih",)),
        "Fajar": desk.add_conversation("Fajar", status="resolved", texts=("kemeja batik L ready?",)),
    }
    with desk.session() as db:
        db.add(Order(number="INV-0099", number_key="inv0099", customer_phone="+6285700001111", status="dikirim", total=1))
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("budi", ["Budi Santoso"]),  # name, any case
        ("SANTOSO", ["Budi Santoso"]),
        ("0812-3456", ["Budi Santoso"]),  # a phone as agents type it
        ("+62 857", ["Dewi"]),
        ("inv 0099", ["Dewi"]),  # the order's customer, however the number is written
        ("kemeja batik", ["Dewi"]),  # message text, in the open tab only
        ("50%", ["Citra"]),  # LIKE wildcards are searched as text
        ("%", ["Citra"]),  # only the literal percent sign
        ("_", []),
        ("tidak ada yang cocok", []),
    ],
)
def test_one_search_box_finds_name_phone_order_and_text(
    shop: dict[str, int], logged_in: FlaskClient, query: str, expected: list[str]
) -> None:
    assert names(logged_in, f"/?tab=open&q={query.replace('%', '%25').replace('+', '%2B')}") == expected


def test_search_counts_every_tab_and_pages_keep_the_search(shop: dict[str, int], logged_in: FlaskClient) -> None:
    html = logged_in.get("/?tab=open&q=kemeja").get_data(as_text=True)

    counts = dict(re.findall(r'href="/\?tab=(\w+)[^"]*"[^>]*>\s*[^<]+<span class="count">(\d+)<', html))
    # Counting a text search over every resolved conversation reads all messages: only on that tab.
    assert counts == {"waiting": "0", "mine": "0", "open": "1"}
    resolved = logged_in.get("/?tab=resolved&q=kemeja").get_data(as_text=True)
    assert re.search(r'href="/\?tab=resolved[^"]*"[^>]*>\s*[^<]+<span class="count">1<', resolved)
    assert 'href="/?tab=resolved&amp;q=kemeja"' in html  # the tabs keep the search
    assert names(logged_in, "/?tab=resolved&q=kemeja") == ["Fajar"]
    assert 'value="kemeja"' in html
    empty = logged_in.get("/?tab=waiting&q=kemeja").get_data(as_text=True)
    assert "Tidak ada percakapan yang cocok" in empty


def test_a_search_result_is_paged_and_counted(desk: Desk, logged_in: FlaskClient) -> None:
    for i in range(55):
        desk.add_conversation(f"Cari {i:02d}", texts=(f"pesanan nomor {i}",))
    desk.add_conversation("Lain", texts=("halo",))

    first = logged_in.get("/?tab=waiting&q=pesanan").get_data(as_text=True)

    assert "Halaman 1 dari 2 (55 percakapan)" in first
    assert 'href="/?tab=waiting&amp;page=2&amp;q=pesanan"' in first
    second = names(logged_in, "/?tab=waiting&q=pesanan&page=2")
    assert len(second) == 5 and "Lain" not in second


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("channel=telegram", {"Citra"}),
        ("priority=high", {"Citra"}),
        ("priority=normal", {"Budi Santoso", "Dewi", "Eko"}),
        ("agent=none", {"Budi Santoso", "Citra"}),
        ("channel=whatsapp_twilio&agent=none", {"Budi Santoso"}),
    ],
)
def test_filters_by_channel_agent_and_priority(
    shop: dict[str, int], logged_in: FlaskClient, query: str, expected: set[str]
) -> None:
    assert set(names(logged_in, f"/?tab=open&{query}")) == expected


def test_filter_by_an_agent(desk: Desk, shop: dict[str, int], logged_in: FlaskClient) -> None:
    rudi = desk.agents["rudi@toko.id"]
    html = logged_in.get(f"/?tab=open&agent={rudi}").get_data(as_text=True)
    assert NAMES.findall(html) == ["Dewi"]
    assert f'<option value="{rudi}" selected>Rudi</option>' in html


@pytest.mark.parametrize(
    "query",
    [
        "tab=<script>", "tab=", "page=-1", "page=0", "page=99999999999999999999", "page=1e9", "page=%F0%9F%99%82",
        "q=%00", "q=%ED%A0%80", "q=" + "%25" * 5000, "q=" + "a" * 10000, "q=%5C", "q=%27%3B--", "q=%0D%0Aa",
        "channel=..%2F..%2Fetc", "channel=%00", "agent=abc", "agent=-1", "agent=999999999999999999999",
        "agent=%F0%9F%99%82", "priority=urgent", "priority=", "q=a&q=b&page=2&page=x", "lang=xx",
        "tab=mine&agent=none&channel=telegram&priority=high&q=%25%25",
    ],
)
def test_garbage_in_the_query_string_is_never_a_server_error(
    shop: dict[str, int], logged_in: FlaskClient, query: str
) -> None:
    response = logged_in.get(f"/?{query}")
    assert response.status_code == 200
    assert "Antrean percakapan" in response.get_data(as_text=True)


def test_filter_parsing_ignores_unknown_values() -> None:
    parsed = agent_desk.parse_queue_filter(
        {"q": "  kemeja \t batik ", "channel": "myspace", "agent": "7", "priority": "urgent"},
        platforms={"telegram"}, agent_ids={1, 2},
    )
    assert parsed == agent_desk.QueueFilter(text="kemeja batik")
    assert parsed.as_args() == {"q": "kemeja batik"}
    kept: dict[str, Any] = {"q": "x" * 500, "channel": "telegram", "agent": "2", "priority": "high"}
    parsed = agent_desk.parse_queue_filter(kept, platforms={"telegram"}, agent_ids={1, 2})
    assert (len(parsed.text), parsed.platform, parsed.agent_id, parsed.priority) == (100, "telegram", 2, "high")
    assert agent_desk.parse_queue_filter({"q": "a\x00b"}, platforms=(), agent_ids=()).text == ""
