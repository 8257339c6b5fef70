"""Telegram Bot API updates (JSON) to normalised events. Pure: no I/O."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from connectors.base import Event
from inbox.domain import ChangeEvent, ChangeKind, EventKind, InboundEvent, Media, Platform, Sender, ThreadKind
from inbox.errors import BadRequest, UnknownEvent

logger = logging.getLogger(__name__)

FILE_URL_PREFIX = "telegram-file:"  # a file_id: downloading it needs getFile with the bot token

# Attachment field -> content type when Telegram does not name one (photos are always JPEG).
MEDIA_FIELDS: Mapping[str, str | None] = {
    "photo": "image/jpeg",
    "document": None,
    "voice": "audio/ogg",
    "audio": None,
    "video": None,
    "video_note": "video/mp4",
    "animation": None,
    "sticker": None,
}


def parse_update(body: bytes) -> list[Event]:
    try:
        update = json.loads(body)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, a 5,000-digit number, nested too deep
        raise BadRequest("Telegram update is not valid JSON (or nests or numbers beyond reason)") from None
    if not isinstance(update, dict):
        raise BadRequest("Telegram update is not a JSON object")
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise BadRequest("Telegram update without an integer update_id")
    kinds = [key for key in update if key != "update_id"]
    if len(kinds) != 1:
        raise BadRequest(f"Telegram update must carry exactly one content field, got {kinds}")
    kind = kinds[0]
    if kind in IGNORED_EVENTS:
        logger.debug("telegram: ignoring update_id=%s type=%s", update_id, kind)
        return []
    handler = EVENT_HANDLERS.get(kind)
    if handler is None:
        raise UnknownEvent(f"unhandled Telegram update type {kind!r}")
    return handler(update_id, object_field(update, kind), update)


GROUP_CHAT_TYPES = frozenset({"group", "supergroup"})


def parse_message(update_id: int, message: Mapping[str, Any], update: Mapping[str, Any]) -> list[Event]:
    """`message`: one customer message, in a private chat or a group (each chat its own thread)."""
    sender = object_field(message, "from")
    if sender.get("is_bot") is True:
        return []  # our own echoes, other bots in groups
    chat = object_field(message, "chat")
    text = message.get("text") or message.get("caption") or ""
    if not isinstance(text, str):
        raise BadRequest("Telegram message text is not a string")
    if not text and "location" in message:
        text = location_text(object_field(message, "location"))
    media = parse_media(message)
    if not text and not media:
        return []  # service messages: members joined or left, a pinned message, ...
    return [
        InboundEvent(
            platform=Platform.TELEGRAM,
            kind=EventKind.MESSAGE,
            event_id=str(update_id),
            chat_id=str(int_field(chat, "id")),
            sender=Sender(external_id=str(int_field(sender, "id")), display_name=display_name(sender)),
            text=text,
            timestamp=utc_time(int_field(message, "date")),
            message_id=str(int_field(message, "message_id")),
            media=media,
            raw=update,
            thread_kind=ThreadKind.GROUP if chat.get("type") in GROUP_CHAT_TYPES else ThreadKind.DIRECT,
        )
    ]


def parse_edited_message(update_id: int, message: Mapping[str, Any], update: Mapping[str, Any]) -> list[Event]:
    """An edit updates the stored message (same chat and message_id); it is not a new question.

    Where we never stored the original (it arrived before the bot was connected), the edited
    message is stored as a new one instead.
    """
    events = parse_message(update_id, message, update)
    if not events:
        return []
    edited = events[0]
    assert isinstance(edited, InboundEvent) and edited.message_id is not None
    return [
        ChangeEvent(
            platform=Platform.TELEGRAM,
            change=ChangeKind.EDITED,
            message_id=edited.message_id,
            thread_key=edited.thread_key,
            text=edited.text,
            timestamp=edited.timestamp,
            fallback=edited,
            raw=update,
        )
    ]


EVENT_HANDLERS: Mapping[str, Callable[[int, Mapping[str, Any], Mapping[str, Any]], list[Event]]] = {
    "message": parse_message,
    "edited_message": parse_edited_message,
}
# Register the webhook with allowed_updates=ALLOWED_UPDATES so Telegram sends little else.
ALLOWED_UPDATES: tuple[str, ...] = tuple(EVENT_HANDLERS)
IGNORED_EVENTS: frozenset[str] = frozenset(
    {
        "channel_post",  # posts in our own channels, not customers writing to us
        "edited_channel_post",
        "my_chat_member",  # the bot was blocked, unblocked or added to a group: nothing to answer
        "chat_member",
        "chat_join_request",
        "message_reaction",  # a reaction is not a question
        "message_reaction_count",
        "poll",  # poll state and votes: we run no polls
        "poll_answer",
        "chat_boost",
        "removed_chat_boost",
        "deleted_business_messages",
    }
)


def parse_media(message: Mapping[str, Any]) -> tuple[Media, ...]:
    media = []
    for field, default_type in MEDIA_FIELDS.items():
        attachment = message.get(field)
        if attachment is None:
            continue
        if field == "photo":
            attachment = largest_photo_size(attachment)
        if not isinstance(attachment, dict) or not isinstance(attachment.get("file_id"), str):
            raise BadRequest(f"Telegram {field} without a file_id")
        content_type = attachment.get("mime_type") or default_type
        media.append(Media(url=FILE_URL_PREFIX + attachment["file_id"], content_type=content_type))
    return tuple(media)


def largest_photo_size(sizes: Any) -> Any:
    """Telegram sends one photo as several sizes; keep the biggest."""
    if not isinstance(sizes, list) or not sizes or not all(isinstance(size, dict) for size in sizes):
        raise BadRequest("Telegram photo is not a list of sizes")

    def pixels(size: Mapping[str, Any]) -> tuple[int, int]:
        width, height, file_size = (size.get(key) for key in ("width", "height", "file_size"))
        area = width * height if isinstance(width, int) and isinstance(height, int) else 0
        return area, file_size if isinstance(file_size, int) else 0

    return max(sizes, key=pixels)


def location_text(location: Mapping[str, Any]) -> str:
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (latitude, longitude)):
        raise BadRequest("Telegram location without numeric latitude/longitude")
    return f"[lokasi] {latitude},{longitude}"


def utc_time(unix_seconds: int) -> datetime:
    try:
        return datetime.fromtimestamp(unix_seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise BadRequest(f"Telegram date out of range: {unix_seconds}") from None


def display_name(user: Mapping[str, Any]) -> str | None:
    names = (user.get("first_name"), user.get("last_name"))
    full_name = " ".join(part for part in names if isinstance(part, str) and part)
    username = user.get("username")
    return full_name or (username if isinstance(username, str) else None)


def object_field(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise BadRequest(f"Telegram field {key!r} missing or not an object")
    return value


def int_field(parent: Mapping[str, Any], key: str) -> int:
    value = parent.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequest(f"Telegram field {key!r} missing or not an integer")
    return value
