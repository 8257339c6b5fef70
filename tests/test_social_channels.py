"""WhatsApp Cloud, Instagram, Facebook and X through the real path: signed webhook -> stored once ->
job -> the platform's API (the local fake), as the official request code calls it.

Every fixture is replayed through its HTTP endpoint and the database (Zulip's `check_webhook`):
the stored rows must be what the connector's normalised events say, and a second delivery adds none.
"""
from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from inbox.domain import ChangeEvent, ConversationStatus, DeliveryStatus, InboundEvent, StatusEvent
from inbox.models import Contact, Conversation, DeliveryEvent, Message
from inbox.shop_data import import_products
from tests.conftest import META_ENV, X_ENV, load_fixture, post_meta, post_x, queue_loses_jobs
from tests.connectors import test_meta, test_x
from tests.fakes.platform_api import FakePlatformAPI
from tests.fakes.webhooks import fixture_names

CATALOGUE = Path(__file__).resolve().parent.parent / "examples" / "products.csv"
EXPECTED = {
    "whatsapp": test_meta.WHATSAPP_EXPECTED,
    "instagram": test_meta.INSTAGRAM_EXPECTED,
    "facebook": test_meta.FACEBOOK_EXPECTED,
    "x": test_x.EXPECTED,
}
# What a change needs stored first.
ORIGINAL = {("facebook", "comment__edited"): "comment__add", ("facebook", "comment__remove"): "comment__add",
            ("x", "tweet_delete"): "tweet__mention"}
SHOP_IDS = {"whatsapp": META_ENV["WHATSAPP_PHONE_NUMBER_ID"], "instagram": META_ENV["INSTAGRAM_ACCOUNT_ID"],
            "facebook": META_ENV["FACEBOOK_PAGE_ID"], "x": X_ENV["X_USER_ID"]}


def services(app: Flask) -> Any:
    return app.extensions["inbox"]


def with_catalogue(app: Flask) -> Flask:
    """The shop's example catalogue, as `make run` imports it."""
    with services(app).db.session() as session:
        import_products(session, io.StringIO(CATALOGUE.read_text(encoding="utf-8")))
    services(app).shop.invalidate()
    return app


def drain(app: Flask) -> None:
    assert services(app).queue.drain(timeout=15), "jobs did not finish"


def rows(app: Flask, model: Any, *where: Any) -> list[Any]:
    with services(app).db.session() as session:
        return list(session.execute(select(model).where(*where).order_by(model.id)).scalars())


def post(app: Flask, channel: str, payload: Any) -> Any:
    client = app.test_client()
    return post_x(client, payload) if channel == "x" else post_meta(client, channel, payload)


def fixture(channel: str, name: str) -> Any:
    """A fixture as the shop configured in the tests receives it (its own ids where the fixture has others)."""
    text = json.dumps(load_fixture(channel, name))
    originals = {"whatsapp": test_meta.PHONE_NUMBER_ID, "instagram": test_meta.IG_ID,
                 "facebook": test_meta.PAGE_ID, "x": test_x.SHOP}
    return json.loads(text.replace(originals[channel], SHOP_IDS[channel]))


def sends(api: FakePlatformAPI) -> list[Any]:
    """What was sent or done on the platform: its calls but the look-ups of a post's caption."""
    return [call for call in api.calls if call.method != "GET"]


def inbound_rows(app: Flask) -> list[tuple[Any, ...]]:
    with services(app).db.session() as session:
        found = session.execute(
            select(Message, Conversation, Contact)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .join(Contact, Contact.id == Message.contact_id)
            .where(Message.direction == "in")
            .order_by(Message.id)
        ).all()
        return [(m.platform, m.kind, m.external_id, m.platform_message_id, m.text, c.thread_key, c.thread_kind,
                 who.external_id, who.display_name, [x["url"] for x in m.media]) for m, c, who in found]


def expected_rows(events: list[Any]) -> list[tuple[Any, ...]]:
    return [(e.platform, e.kind.value, e.event_id, e.message_id, e.text, e.thread_key, e.thread_kind.value,
             e.sender.external_id, e.sender.display_name, [m.url for m in e.media])
            for e in events if isinstance(e, InboundEvent)]


REPLAYS = [(channel, name) for channel in EXPECTED for name in fixture_names(channel)
           if name in EXPECTED[channel] and (channel, name) not in ORIGINAL]


@pytest.mark.parametrize(("channel", "name"), REPLAYS)
def test_fixture_replayed_through_the_endpoint_stores_its_events_once(make_app, fake_api, channel, name):
    app = make_app()
    events = EXPECTED[channel][name]
    first = post(app, channel, fixture(channel, name))
    drain(app)
    second = post(app, channel, fixture(channel, name))
    drain(app)

    assert first.status_code == second.status_code == 200
    assert inbound_rows(app) == expected_rows(events)
    receipts = [(e.message_id, e.status.value) for e in events if isinstance(e, StatusEvent)]
    assert [(r.message_external_id, r.status) for r in rows(app, DeliveryEvent)] == receipts
    assert len({c.id for c in rows(app, Conversation)}) == len({e.thread_key for e in events if isinstance(e, InboundEvent)})


@pytest.mark.parametrize(("channel", "name"), sorted(ORIGINAL))
def test_edits_and_removals_update_the_stored_comment(make_app, fake_api, channel, name):
    app = make_app()
    post(app, channel, fixture(channel, ORIGINAL[(channel, name)]))
    drain(app)
    calls_before = len(fake_api.calls)
    assert post(app, channel, fixture(channel, name)).status_code == 200
    drain(app)

    [change] = EXPECTED[channel][name]
    assert isinstance(change, ChangeEvent)
    [stored] = rows(app, Message, Message.direction == "in")
    assert stored.platform_message_id == change.message_id
    if change.change.value == "edited":
        assert stored.text == change.text and stored.edited_at is not None
    else:
        assert stored.removed_at is not None
    assert len(fake_api.calls) == calls_before  # a change is not a new question


@pytest.mark.parametrize("channel", sorted(EXPECTED))
def test_unknown_events_are_acknowledged_and_store_nothing(make_app, channel):
    app = make_app()
    name = "unknown" if channel == "x" else "unknown__field"
    response = post(app, channel, fixture(channel, name))
    assert response.status_code == 200 and "ignored" in response.json
    assert rows(app, Message) == []


@pytest.mark.parametrize("channel", sorted(EXPECTED))
def test_bad_signature_is_403_and_stores_nothing(make_app, channel):
    app = make_app()
    name = next(iter(EXPECTED[channel]))
    client = app.test_client()
    payload = fixture(channel, name)
    response = post_x(client, payload, secret="wrong") if channel == "x" else post_meta(client, channel, payload, secret="wrong")
    unsigned = client.post(f"/webhooks/{channel}", json=payload)
    assert response.status_code == unsigned.status_code == 403
    assert rows(app, Message) == []


@pytest.mark.parametrize("channel", ["whatsapp", "instagram", "facebook"])
def test_meta_handshake_only_with_the_right_token(make_app, channel):
    client = make_app().test_client()
    ok = client.get(f"/webhooks/{channel}?hub.mode=subscribe&hub.verify_token={META_ENV['META_VERIFY_TOKEN']}"
                    "&hub.challenge=987654321")
    wrong = client.get(f"/webhooks/{channel}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=987654321")
    assert (ok.status_code, ok.get_data(as_text=True)) == (200, "987654321")
    assert wrong.status_code == 403 and "987654321" not in wrong.get_data(as_text=True)


def test_x_crc_answers_json(make_app):
    answer = make_app().test_client().get("/webhooks/x?crc_token=abc123")
    assert answer.status_code == 200 and answer.json["response_token"].startswith("sha256=")


# -- end to end through the queue ----------------------------------------------------------------


def test_whatsapp_cloud_question_gets_one_answer(make_app, fake_api: FakePlatformAPI):
    app = make_app()
    body = fixture("whatsapp", "message__text")
    post(app, "whatsapp", body)
    drain(app)
    post(app, "whatsapp", body)  # Meta delivers at least once
    drain(app)

    [call] = fake_api.calls
    assert call.path == f"/v23.0/{META_ENV['WHATSAPP_PHONE_NUMBER_ID']}/messages" and call.recipient == "6281234567001"
    assert "Medan" in call.text and "Rp" in call.text
    [reply] = rows(app, Message, Message.direction == "out")
    assert reply.delivery_status == DeliveryStatus.SENT.value and reply.external_id.startswith("wamid.")
    # The receipt for it moves it forward
    receipt = fixture("whatsapp", "status__delivered")
    receipt["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = reply.external_id
    post(app, "whatsapp", receipt)
    assert rows(app, Message, Message.direction == "out")[0].delivery_status == DeliveryStatus.DELIVERED.value


def test_instagram_question_comment_gets_one_public_and_one_private_reply(make_app, fake_api: FakePlatformAPI):
    app = with_catalogue(make_app())
    body = fixture("instagram", "comment__text")
    post(app, "instagram", body)
    drain(app)
    post(app, "instagram", body)
    drain(app)

    assert len(sends(fake_api)) == 2
    by_endpoint = {call.endpoint: call for call in sends(fake_api)}
    public, private = by_endpoint["replies"], by_endpoint["messages"]
    assert (public.endpoint, public.path) == ("replies", "/v23.0/18100000000000001/replies")
    assert private.endpoint == "messages" and private.body["recipient"] == {"comment_id": "18100000000000001"}
    assert len(public.text) < len(private.text) and "DM" in public.text and "89.000" in private.text
    targets = sorted(m.target for m in rows(app, Message, Message.direction == "out"))
    assert targets == ["private_reply", "public_reply"]
    # both on the comment author's contact
    assert {m.contact_id for m in rows(app, Message)} == {rows(app, Contact)[0].id}


def test_facebook_complaint_comment_gets_no_bot_reply_and_waits_for_an_agent(make_app, fake_api: FakePlatformAPI):
    app = make_app()
    post(app, "facebook", fixture("facebook", "comment__add"))
    drain(app)

    assert sends(fake_api) == []
    [thread] = rows(app, Conversation)
    assert thread.status == ConversationStatus.WAITING.value and thread.priority == 1
    assert thread.post["id"] == f"{META_ENV['FACEBOOK_PAGE_ID']}_500000000000001"
    assert thread.post["link"].startswith("https://www.facebook.com/")


def test_spam_comment_is_hidden_and_not_answered(make_app, fake_api: FakePlatformAPI):
    app = make_app()
    body = fixture("instagram", "comment__text")
    body["entry"][0]["changes"][0]["value"]["text"] = (
        "PROMO pinjol cepat cair tanpa jaminan!! klik link di bio bit.ly/cuan-cepat wa 0812-xxxx")
    post(app, "instagram", body)
    drain(app)

    [hide] = sends(fake_api)
    assert (hide.endpoint, hide.path, hide.body["hide"]) == ("moderate", "/v23.0/18100000000000001", True)
    [action] = rows(app, Message, Message.direction == "out")
    assert action.target == "hide" and action.idempotency_key == "hide:instagram:18100000000000001"


def test_messenger_dm_gets_one_answer_and_an_echo_none(make_app, fake_api: FakePlatformAPI):
    app = make_app()
    post(app, "facebook", fixture("facebook", "messenger__text"))
    drain(app)
    post(app, "facebook", fixture("facebook", "messenger__echo"))
    drain(app)

    [call] = fake_api.calls
    assert call.body["recipient"] == {"id": "2400000000000001"} and call.body["messaging_type"] == "RESPONSE"
    assert "COD" in call.text or "cod" in call.text.lower()
    assert len(rows(app, Message, Message.direction == "in")) == 1
    [reply] = rows(app, Message, Message.direction == "out")
    # Messenger's read watermark marks what we sent before it as read
    read = fixture("facebook", "messenger__read")
    read["entry"][0]["messaging"][0]["read"]["watermark"] = int((reply.sent_at + timedelta(seconds=1)).timestamp() * 1000)
    post(app, "facebook", read)
    assert rows(app, Message, Message.direction == "out")[0].delivery_status == DeliveryStatus.READ.value


def test_x_mention_gets_one_reply_tweet_and_a_dm_one_dm(make_app, fake_api: FakePlatformAPI):
    app = with_catalogue(make_app())
    mention = fixture("x", "tweet__mention")
    post(app, "x", mention)
    drain(app)
    post(app, "x", mention)
    drain(app)
    tweets = [call for call in fake_api.calls if call.endpoint == "tweets"]
    assert len(tweets) == 1 and tweets[0].body["reply"] == {"in_reply_to_tweet_id": "1863000000000000001"}
    assert len(tweets[0].text) <= 280

    fake_api.reset()
    message = fixture("x", "dm__text")
    post(app, "x", message)
    drain(app)
    post(app, "x", message)
    post(app, "x", fixture("x", "dm__own"))  # our own DM comes back: never answered
    drain(app)
    [dm_call] = fake_api.calls
    assert dm_call.path == "/2/dm_conversations/with/900000000000000001/messages" and "Rp" in dm_call.text


def test_dm_whose_window_closed_before_the_bot_answered_goes_to_agents(make_app, fake_api: FakePlatformAPI):
    app = make_app()
    with queue_loses_jobs(app):
        post(app, "facebook", fixture("facebook", "messenger__text"))
    pipeline = services(app).pipeline
    clock = pipeline.now
    pipeline.now = lambda: clock() + timedelta(hours=25)  # an outage outlived Messenger's 24 h window
    pipeline.sweep(grace_seconds=0)
    drain(app)

    assert fake_api.calls == []
    [thread] = rows(app, Conversation)
    assert thread.status == ConversationStatus.WAITING.value and "window_closed" in thread.flags


def test_batch_with_several_entries_stores_every_one(make_app, fake_api: FakePlatformAPI):
    app = make_app()
    assert post(app, "facebook", fixture("facebook", "batch__entries")).status_code == 200
    drain(app)
    stored = {m.external_id for m in rows(app, Message, Message.direction == "in")}
    assert stored == {"m_Batch0001", "m_Batch0002", "500000000000001_600000000000009:add"}
    assert len(rows(app, Conversation)) == 3


def test_watermark_events_touch_only_what_was_sent_before(make_app, fake_api: FakePlatformAPI):
    app = make_app()
    post(app, "facebook", fixture("facebook", "messenger__text"))
    drain(app)
    [reply] = rows(app, Message, Message.direction == "out")
    read = fixture("facebook", "messenger__read")
    read["entry"][0]["messaging"][0]["read"]["watermark"] = int((reply.sent_at - timedelta(seconds=5)).timestamp() * 1000)
    post(app, "facebook", read)
    assert rows(app, Message, Message.direction == "out")[0].delivery_status == DeliveryStatus.SENT.value


# -- what agents see -------------------------------------------------------------------------------


def agent_client(app: Flask) -> Any:
    from inbox.accounts import create_agent
    from tests.web.test_agents_pages import PASSWORD, log_in

    with services(app).db.session() as session:
        create_agent(session, "sari@toko.id", PASSWORD, name="Sari")
    client = app.test_client()
    assert log_in(client, "sari@toko.id").status_code == 302
    return client


def test_agents_see_the_post_a_comment_belongs_to_and_can_answer_it_publicly_or_privately(make_app, fake_api):
    app = make_app()
    post(app, "facebook", fixture("facebook", "comment__add"))
    drain(app)
    [thread] = rows(app, Conversation)
    page = agent_client(app).get(f"/conversations/{thread.id}").get_data(as_text=True)

    assert 'href="https://www.facebook.com/tokodemo/posts/500000000000001"' in page
    assert "Komentar di postingan" in page
    assert 'value="public_reply"' in page and 'value="private_reply"' in page


def test_agents_see_how_long_a_dm_window_stays_open(make_app, fake_api):
    app = make_app()
    post(app, "instagram", fixture("instagram", "dm__text"))
    drain(app)
    [thread] = rows(app, Conversation)
    page = agent_client(app).get(f"/conversations/{thread.id}").get_data(as_text=True)
    # An agent's reply may go 7 days after the customer's last message (Meta's HUMAN_AGENT tag).
    hours = int(re.search(r"Balasan teks bisa dikirim sampai .*? \(sekitar (\d+) jam lagi\)", page).group(1))
    ends = thread.last_inbound_at + timedelta(days=7)
    assert hours == int((ends - datetime.now(timezone.utc)).total_seconds() // 3600)


def test_a_post_link_that_is_not_https_is_never_a_link(make_app, fake_api):
    app = make_app()
    body = fixture("facebook", "comment__add")
    body["entry"][0]["changes"][0]["value"]["post"]["permalink_url"] = "javascript:alert(1)"
    post(app, "facebook", body)
    drain(app)
    [thread] = rows(app, Conversation)
    page = agent_client(app).get(f"/conversations/{thread.id}").get_data(as_text=True)
    assert "javascript:" not in page and thread.post["link"] == f"https://www.facebook.com/{thread.post['id']}"  # Graph's


def test_an_instagram_comment_thread_learns_its_posts_caption_and_link_once(make_app, fake_api):
    app = make_app()
    post(app, "instagram", fixture("instagram", "comment__text"))
    drain(app)
    post(app, "instagram", fixture("instagram", "comment__reply"))  # the same thread: asked no more
    drain(app)

    [thread] = rows(app, Conversation)
    assert thread.post["id"] == "18000000000000001"
    assert thread.post["caption"].startswith("Koleksi baru") and thread.post["link"].startswith("https://www.instagram.com/")
    lookups = [call for call in fake_api.calls if call.method == "GET"]
    assert len(lookups) == 1 and lookups[0].body["fields"] == "caption,permalink"


def test_a_post_the_platform_cannot_describe_keeps_its_id(make_app, fake_api):
    app = make_app()
    fake_api.fail_next("graph", 404, endpoint="media")
    post(app, "instagram", fixture("instagram", "comment__text"))
    drain(app)
    [thread] = rows(app, Conversation)
    assert thread.post["id"] == "18000000000000001" and thread.post.get("caption") is None


def test_an_abusive_comment_is_hidden_flagged_and_waits_for_an_agent(make_app, fake_api):
    app = make_app()
    body = fixture("facebook", "comment__add")
    body["entry"][0]["changes"][0]["value"]["message"] = "toko anjing, penipu semua lu bangsat"
    post(app, "facebook", body)
    drain(app)
    [hide] = sends(fake_api)
    assert hide.endpoint == "moderate" and hide.body["is_hidden"] is True
    [thread] = rows(app, Conversation)
    assert thread.status == ConversationStatus.WAITING.value and "abuse" in thread.flags
