"""WhatsApp Cloud API (Meta): signed JSON webhooks in, Graph API `/{phone-number-id}/messages` out."""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

import httpx

from connectors.base import Event, Route, WebhookRequest, bare_content_type, read_at_most, too_large
from connectors.meta import (
    MetaChannelSettings,
    MetaConnector,
    changes_of,
    envelope,
    id_of,
    text_of,
    timestamp_of,
)
from connectors.telegram import shared_ssl_context
from inbox.domain import (
    Capabilities,
    DeliveryStatus,
    EventKind,
    InboundEvent,
    Media,
    MediaFile,
    Outbound,
    OutboundKind,
    Platform,
    Rate,
    Sender,
    SendResult,
    StatusEvent,
)
from inbox.errors import (
    AmbiguousSendError,
    BadRequest,
    MediaUnavailable,
    PermanentSendError,
    SendError,
    UnknownEvent,
)

logger = logging.getLogger(__name__)

MEDIA_PREFIX = "whatsapp-media:"  # Media.url of an inbound attachment: its Graph media id
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
# The hosts Meta serves media downloads from; the access token goes nowhere else.
MEDIA_HOST_SUFFIXES = (".fbsbx.com", ".facebook.com", ".whatsapp.net")
STATUSES = {"sent": DeliveryStatus.SENT, "delivered": DeliveryStatus.DELIVERED,
            "read": DeliveryStatus.READ, "failed": DeliveryStatus.FAILED}
# Message types that need no answer: reactions, system notices, orders' "unsupported".
IGNORED_TYPES = frozenset({"reaction", "system", "unsupported", "ephemeral", "request_welcome"})
# Changes of the WhatsApp Business Account that are not messages (template reviews, quality...).
IGNORED_FIELDS = frozenset({"message_template_status_update", "phone_number_quality_update", "account_update",
                            "account_review_update", "business_capability_update", "template_category_update",
                            "smb_message_echoes", "message_echoes"})

# 4,096 characters of text; ~80 messages/s per number; the pair rate limit is about one
# message per 6 s to the same user, with short bursts allowed.
WHATSAPP_CLOUD_CAPABILITIES = Capabilities(
    max_text_length=4096,
    reply_window=timedelta(hours=24),
    quotes=True,
    templates=True,
    media=True,  # image / document by link, the text as its caption
    rates=(Rate("account", 80, 1.0), Rate("recipient", 10, 60.0)),
)


class WhatsAppCloudSettings(MetaChannelSettings):
    ID_SETTING = "WHATSAPP_PHONE_NUMBER_ID"
    TOKEN_SETTING = "WHATSAPP_ACCESS_TOKEN"


class WhatsAppCloudConnector(MetaConnector):
    name = "whatsapp"
    platforms = (Platform.WHATSAPP_CLOUD,)
    capabilities = {Platform.WHATSAPP_CLOUD: WHATSAPP_CLOUD_CAPABILITIES}
    routes = (Route("", ("GET", "POST")),)
    expected_object = "whatsapp_business_account"
    channel = "WhatsApp"

    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        events: list[Event] = []
        for entry in envelope(request.body, self.expected_object):
            for field, value in changes_of(entry):
                if field in IGNORED_FIELDS:
                    logger.info("whatsapp: %s change ignored", field)
                    continue
                if field != "messages":
                    raise UnknownEvent(f"whatsapp: change field {field[:40]!r}")
                events.extend(self._parse_value(value))
        return events

    def _parse_value(self, value: Mapping[str, Any]) -> list[Event]:
        metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
        number_id = metadata.get("phone_number_id")
        if number_id is not None and str(number_id) != self.own_id:
            # One business account may have several numbers; another number's events are not ours.
            logger.info("whatsapp: events for phone number %s ignored (ours is %s)", str(number_id)[:30], self.own_id)
            return []
        names = {
            str(contact.get("wa_id")): (contact.get("profile") or {}).get("name")
            for contact in value.get("contacts") or []
            if isinstance(contact, dict) and isinstance(contact.get("profile"), (dict, type(None)))
        }
        events: list[Event] = []
        for message in _list(value, "messages"):
            event = self._message(message, names)
            if event is not None:
                events.append(event)
        for status in _list(value, "statuses"):
            events.append(_status(status))
        return events

    def _message(self, message: Mapping[str, Any], names: Mapping[str, Any]) -> InboundEvent | None:
        sender = id_of(message.get("from"), "messages[].from")
        message_id = id_of(message.get("id"), "messages[].id")
        kind = str(message.get("type") or "")
        if kind in IGNORED_TYPES:
            logger.info("whatsapp: %s message %s ignored", kind[:20], message_id[:60])
            return None
        text, media = "", ()
        if kind == "text":
            text = text_of((message.get("text") or {}).get("body"), "text.body")
        elif kind in MEDIA_TYPES:
            part = message.get(kind) if isinstance(message.get(kind), dict) else {}
            media_id = id_of(part.get("id"), f"{kind}.id")
            media = (Media(MEDIA_PREFIX + media_id, text_of(part.get("mime_type"), "mime_type", 255) or None),)
            text = text_of(part.get("caption"), "caption")
        elif kind == "location":
            place = message.get("location") if isinstance(message.get("location"), dict) else {}
            where = ", ".join(str(place[k]) for k in ("name", "address") if place.get(k))
            text = f"[lokasi] {where} ({place.get('latitude')}, {place.get('longitude')})".strip()
        elif kind == "button":
            text = text_of((message.get("button") or {}).get("text"), "button.text")
        elif kind == "interactive":
            interactive = message.get("interactive") if isinstance(message.get("interactive"), dict) else {}
            reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
            text = text_of(reply.get("title") if isinstance(reply, dict) else None, "interactive title")
        else:
            raise UnknownEvent(f"whatsapp: message type {kind[:30]!r}")
        name = names.get(sender)
        return InboundEvent(
            platform=Platform.WHATSAPP_CLOUD,
            kind=EventKind.MESSAGE,
            event_id=message_id,
            chat_id=sender,
            sender=Sender(sender, display_name=name if isinstance(name, str) else None,
                          phone="+" + sender if sender.isdigit() else None),
            text=text,
            timestamp=timestamp_of(message.get("timestamp")),
            message_id=message_id,
            media=media,
            raw=message,
        )

    # -- outbound ---------------------------------------------------------------------------

    def send(self, outbound: Outbound) -> SendResult:
        if outbound.kind is not OutboundKind.MESSAGE:
            raise PermanentSendError(f"WhatsApp chats have no {outbound.kind.value}")
        payload: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual",
                                   "to": outbound.chat_id}
        if outbound.template is not None:
            template = outbound.template
            payload.update(type="template", template={
                "name": template.name,
                "language": {"code": template.language},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": v} for v in template.variables]}]
                if template.variables else [],
            })
        elif outbound.media:
            # WhatsApp downloads the link itself (our signed public file URL).
            media = outbound.media[0]
            kind = "image" if (media.content_type or "").startswith("image/") else "document"
            attachment: dict[str, Any] = {"link": media.url}
            if outbound.text:
                attachment["caption"] = outbound.text
            if kind == "document":
                attachment["filename"] = "lampiran.pdf" if media.content_type == "application/pdf" else "lampiran"
            payload.update(type=kind, **{kind: attachment})
        else:
            if not outbound.text:
                raise PermanentSendError("a WhatsApp message needs text")
            payload.update(type="text", text={"body": outbound.text, "preview_url": False})
        if outbound.reply_to_message_id:
            payload["context"] = {"message_id": outbound.reply_to_message_id}
        answer = self.graph.call("POST", self.graph.url(self.own_id, "messages"), payload)
        sent = answer.get("messages")
        message_id = sent[0].get("id") if isinstance(sent, list) and sent and isinstance(sent[0], dict) else None
        if not isinstance(message_id, str) or not message_id:
            raise AmbiguousSendError("WhatsApp accepted the message but gave no message id")
        logger.info("whatsapp: sent message %s", message_id[:80])
        return SendResult(message_id=message_id)

    # -- attachments --------------------------------------------------------------------------

    def fetch_media(self, url: str, max_bytes: int) -> MediaFile:
        """`whatsapp-media:<id>`: ask the Graph API where the file is, then download it with the token."""
        media_id = url.removeprefix(MEDIA_PREFIX) if url.startswith(MEDIA_PREFIX) else ""
        if not media_id:
            raise MediaUnavailable("not a WhatsApp media id; refused without downloading")
        try:
            info = self.graph.call("GET", self.graph.url(media_id))
        except SendError as exc:
            raise MediaUnavailable(f"WhatsApp cannot give the file: {exc}") from exc
        location, size = info.get("url"), info.get("file_size")
        if isinstance(size, int) and size > max_bytes:
            raise MediaUnavailable(too_large(max_bytes))
        if not isinstance(location, str) or not self._media_host_ok(location):
            raise MediaUnavailable("WhatsApp gave a download address outside Meta's; refused")
        try:
            with httpx.Client(timeout=self.settings.timeout, verify=shared_ssl_context()) as client:
                with client.stream("GET", location, headers={"Authorization": f"Bearer {self._token}"}) as response:
                    if response.status_code != 200:
                        raise MediaUnavailable(f"WhatsApp answered HTTP {response.status_code} for the file")
                    content = read_at_most(response.iter_bytes(), max_bytes, response.headers.get("Content-Length"))
                    content_type = bare_content_type(response.headers.get("Content-Type") or info.get("mime_type"))
        except httpx.TimeoutException as exc:
            raise MediaUnavailable("WhatsApp did not send the file in time") from exc
        except httpx.HTTPError as exc:
            raise MediaUnavailable(f"could not download the file from WhatsApp: {type(exc).__name__}") from exc
        return MediaFile(content, content_type)

    def _media_host_ok(self, location: str) -> bool:
        parts, graph = urlsplit(location), urlsplit(self.settings.graph_base)
        if parts.scheme == graph.scheme and parts.netloc == graph.netloc:
            return True  # the configured Graph base (a local fake in tests and demos)
        host = parts.hostname or ""
        return parts.scheme == "https" and host.endswith(MEDIA_HOST_SUFFIXES)


def _list(value: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = value.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadRequest(f"value.{key} must be a list of objects")
    return items


def _status(status: Mapping[str, Any]) -> StatusEvent:
    name = str(status.get("status") or "")
    if name not in STATUSES:
        raise BadRequest(f"unknown WhatsApp status {name[:20]!r}")
    errors = status.get("errors") if isinstance(status.get("errors"), list) else []
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    detail = first.get("message") or first.get("title") or (first.get("error_data") or {}).get("details")
    return StatusEvent(
        platform=Platform.WHATSAPP_CLOUD,
        message_id=id_of(status.get("id"), "statuses[].id"),
        status=STATUSES[name],
        timestamp=timestamp_of(status.get("timestamp")),
        error_code=str(first["code"]) if first.get("code") is not None else None,
        error_message=str(detail)[:300] if detail else None,
        raw=status,
    )
