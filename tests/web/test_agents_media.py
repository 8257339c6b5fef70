"""Agents open customers' photos and files: the conversation page links them through our route,
which downloads them with the platform's credentials (from the fake API) and serves them as
untrusted content."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import pytest
from flask import Flask
from flask.testing import FlaskClient

from inbox.accounts import create_agent
from inbox.domain import ConversationStatus, Direction, SenderType
from inbox.models import Contact, Conversation, Message, utcnow
from inbox.services import Services
from inbox.web.media import MEDIA_CSP
from tests.conftest import TWILIO_ENV
from tests.fakes.platform_api import DEFAULT_MEDIA, FakePlatformAPI
from tests.web.test_agents_pages import PASSWORD, log_in

SID = TWILIO_ENV["TWILIO_ACCOUNT_SID"]
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'
HTML = b"<script>fetch('/logout', {method: 'POST'})</script>"


@dataclass
class Chat:
    conversation_id: int
    message_id: int

    def media_path(self, index: int = 0) -> str:
        return f"/conversations/{self.conversation_id}/messages/{self.message_id}/media/{index}"


class Desk:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.services: Services = app.extensions["inbox"]

    def add_chat(
        self, media: Sequence[dict[str, Any]], *, platform: str = "whatsapp_twilio", direction: str = "in", name: str = "Budi"
    ) -> Chat:
        with self.services.db.session() as db:
            contact = Contact(platform=platform, external_id=f"ext-{name}", display_name=name)
            db.add(contact)
            db.flush()
            conversation = Conversation(
                contact_id=contact.id, platform=platform, chat_id=f"chat-{name}", status=ConversationStatus.WAITING.value,
                priority=0, flags=[], waiting_since=utcnow(), last_message_at=utcnow(),
            )
            db.add(conversation)
            db.flush()
            message = Message(
                conversation_id=conversation.id, platform=platform, direction=direction,
                sender_type=SenderType.CUSTOMER.value if direction == Direction.INBOUND.value else SenderType.AGENT.value,
                external_id=f"{name}-1", text="kak barangnya rusak, ini fotonya", media=list(media), created_at=utcnow(),
            )
            db.add(message)
            db.flush()
            return Chat(conversation.id, message.id)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def desk(app: Flask) -> Desk:
    return Desk(app)


@pytest.fixture
def client(app: Flask, desk: Desk) -> FlaskClient:
    with desk.services.db.session() as db:
        create_agent(db, "sari@toko.id", PASSWORD, name="Sari")
    client = app.test_client()
    assert log_in(client, "sari@toko.id").status_code == 302
    return client


def twilio_photo(api: FakePlatformAPI, media_sid: str = "ME" + "1" * 32, content_type: str = "image/jpeg") -> dict[str, Any]:
    return {"url": api.twilio_media_url(SID, media_sid), "content_type": content_type}


# -- the conversation page ----------------------------------------------------------------------------


def test_page_links_each_attachment_through_the_route_with_a_thumbnail_for_photos(
    desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI
) -> None:
    chat = desk.add_chat([twilio_photo(fake_api), {"url": twilio_photo(fake_api, "ME2")["url"], "content_type": "application/pdf"}])
    html = client.get(f"/conversations/{chat.conversation_id}").get_data(as_text=True)
    photo, pdf = chat.media_path(0), chat.media_path(1)
    assert re.search(rf'<a class="msg-media" href="{photo}"[^>]*target="_blank"', html)
    assert re.search(rf'<img class="msg-thumb" src="{photo}" alt="Foto dari pelanggan" loading="lazy">', html)
    assert f'href="{pdf}"' in html and f'src="{pdf}"' not in html  # a link, no thumbnail
    assert "Lampiran (application/pdf)" in html
    assert "api.twilio.com" not in html and fake_api.base_url not in html  # never the platform's URL
    assert fake_api.calls == []  # the page itself downloads nothing


def test_page_links_telegram_files_and_shows_no_thumbnail_for_svg(
    desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI
) -> None:
    chat = desk.add_chat(
        [{"url": "telegram-file:AgACphoto", "content_type": "image/jpeg"},
         {"url": "telegram-file:BQACsvg", "content_type": "image/svg+xml"}],
        platform="telegram",
    )
    html = client.get(f"/conversations/{chat.conversation_id}").get_data(as_text=True)
    assert f'src="{chat.media_path(0)}"' in html
    assert f'href="{chat.media_path(1)}"' in html and f'src="{chat.media_path(1)}"' not in html
    assert "telegram-file:" not in html


# -- the route ----------------------------------------------------------------------------------------


def test_twilio_photo_is_served_with_headers_for_untrusted_content(
    desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI
) -> None:
    chat = desk.add_chat([twilio_photo(fake_api, "ME" + "9" * 32)])
    response = client.get(chat.media_path(0))
    assert response.status_code == 200
    assert response.data == DEFAULT_MEDIA
    assert response.headers["Content-Type"] == "image/png"  # what Twilio served, not what the webhook said
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == MEDIA_CSP
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert response.headers["Content-Disposition"] == f'inline; filename="lampiran-{chat.message_id}-0.png"'
    [call] = fake_api.calls
    assert call.endpoint == "Media" and call.auth_ok and call.path.endswith("/Media/ME" + "9" * 32)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(SVG, "image/svg+xml"), (HTML, "text/html; charset=utf-8"), (HTML, "application/xhtml+xml"), (b"MZ", "application/x-msdownload")],
)
def test_anything_but_plain_media_is_a_download(
    desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI, content: bytes, content_type: str
) -> None:
    fake_api.add_twilio_media("MEfile", content, content_type)
    chat = desk.add_chat([twilio_photo(fake_api, "MEfile", content_type="image/jpeg")])  # the webhook's word is not enough
    response = client.get(chat.media_path(0))
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment; ")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == MEDIA_CSP


def test_twilio_redirect_to_storage_works_through_the_route(desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI) -> None:
    fake_api.add_twilio_media("MEs3", b"\xff\xd8\xff foto", "image/jpeg", redirect_host="localhost")
    chat = desk.add_chat([twilio_photo(fake_api, "MEs3")])
    response = client.get(chat.media_path(0))
    assert response.status_code == 200 and response.data == b"\xff\xd8\xff foto"
    assert response.headers["Content-Type"] == "image/jpeg"
    assert [call.endpoint for call in fake_api.calls] == ["Media", "media-store"]
    assert "Authorization" not in fake_api.calls[1].headers


def test_telegram_photo_and_document_are_served(desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI) -> None:
    # A document at a path without an extension: the type the webhook stored is used instead.
    fake_api.add_telegram_file("BQACdoc", b"%PDF-1.4 bukti transfer", "documents/file_7")
    chat = desk.add_chat(
        [{"url": "telegram-file:AgACphoto", "content_type": "image/jpeg"},
         {"url": "telegram-file:BQACdoc", "content_type": "application/pdf"}],
        platform="telegram",
    )
    photo = client.get(chat.media_path(0))
    assert photo.status_code == 200 and photo.data == DEFAULT_MEDIA
    assert photo.headers["Content-Type"] == "image/jpeg"  # from photos/file_1.jpg
    document = client.get(chat.media_path(1))
    assert document.status_code == 200 and document.data == b"%PDF-1.4 bukti transfer"
    assert document.headers["Content-Type"] == "application/pdf"
    assert document.headers["Content-Disposition"].startswith("inline; ")
    assert [call.endpoint for call in fake_api.calls] == ["getFile", "file", "getFile", "file"]


def test_telegram_svg_document_is_a_download(desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI) -> None:
    fake_api.add_telegram_file("BQACsvg", SVG, "documents/file_8.svg")
    chat = desk.add_chat([{"url": "telegram-file:BQACsvg", "content_type": "image/svg+xml"}], platform="telegram")
    response = client.get(chat.media_path(0))
    assert response.status_code == 200 and response.data == SVG
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"] == f'attachment; filename="lampiran-{chat.message_id}-0.bin"'


def test_wrong_conversation_message_or_index_is_404(desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI) -> None:
    chat = desk.add_chat([twilio_photo(fake_api)])
    other = desk.add_chat([twilio_photo(fake_api)], name="Sari")
    outbound = desk.add_chat([twilio_photo(fake_api)], direction="out", name="Agen")
    for path in (
        f"/conversations/{other.conversation_id}/messages/{chat.message_id}/media/0",
        f"/conversations/{chat.conversation_id}/messages/{chat.message_id + 100}/media/0",
        chat.media_path(1),
        f"/conversations/{chat.conversation_id}/messages/{chat.message_id}/media/-1",
        outbound.media_path(0),
    ):
        assert client.get(path).status_code == 404, path
    assert fake_api.calls == []


def test_logged_out_is_sent_to_log_in(app: Flask, desk: Desk, fake_api: FakePlatformAPI) -> None:
    chat = desk.add_chat([twilio_photo(fake_api)])
    response = app.test_client().get(chat.media_path(0))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert fake_api.calls == []


@pytest.mark.parametrize(("status", "reason"), [(404, "Twilio has no such media"), (500, "Twilio is failing or busy")])
def test_platform_errors_are_502_with_the_reason(
    desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI, status: int, reason: str
) -> None:
    fake_api.fail_next("twilio", status)
    chat = desk.add_chat([twilio_photo(fake_api)])
    response = client.get(chat.media_path(0))
    assert response.status_code == 502
    assert response.mimetype == "text/plain"
    assert reason in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"  # an error is not cached


def test_stored_url_outside_the_api_is_refused_without_a_request(desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI) -> None:
    chat = desk.add_chat([{"url": f"https://evil.example/2010-04-01/Accounts/{SID}/Messages/MM1/Media/ME1", "content_type": "image/png"}])
    response = client.get(chat.media_path(0))
    assert response.status_code == 502
    assert "refused without downloading" in response.get_data(as_text=True)
    assert fake_api.calls == []


def test_too_large_is_502(desk: Desk, client: FlaskClient, fake_api: FakePlatformAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    from inbox.web import media

    monkeypatch.setattr(media, "MAX_MEDIA_BYTES", 100)
    fake_api.add_twilio_media("MEbig", b"x" * 101, "image/jpeg")
    chat = desk.add_chat([twilio_photo(fake_api, "MEbig")])
    response = client.get(chat.media_path(0))
    assert response.status_code == 502
    assert "larger than 100 bytes" in response.get_data(as_text=True)


def test_a_disabled_channel_is_502(make_app: Callable[..., Flask], fake_api: FakePlatformAPI) -> None:
    app = make_app(platform_env={})
    desk = Desk(app)
    with desk.services.db.session() as db:
        create_agent(db, "sari@toko.id", PASSWORD, name="Sari")
    client = app.test_client()
    assert log_in(client, "sari@toko.id").status_code == 302
    chat = desk.add_chat([twilio_photo(fake_api)])
    response = client.get(chat.media_path(0))
    assert response.status_code == 502
    assert "whatsapp_twilio channel is not enabled" in response.get_data(as_text=True)
