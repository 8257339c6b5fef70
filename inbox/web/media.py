"""Customers' attachments for the agents' pages: found in the database, fetched through the
message's connector on each view, and answered as untrusted content.

The bytes come from customers. They are served from our origin, so nothing in them may run:
only image, audio, video and PDF types are shown inline (never SVG or other XML, which can carry
script), everything else is a download, and a CSP with no script source and `nosniff` go on every
answer. The route itself lives in `inbox.web.agents` (same login and request state).
"""
from __future__ import annotations

import logging
import mimetypes
import re
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from connectors.base import STORED_FILE_PREFIX, UNKNOWN_CONTENT_TYPE, Connector, bare_content_type
from inbox.domain import Direction, MediaFile
from inbox.errors import MediaUnavailable
from inbox.models import Message, StoredFile

logger = logging.getLogger(__name__)

MAX_MEDIA_BYTES = 10 * 1024 * 1024
MEDIA_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"
MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, max-age=300",
    "Content-Security-Policy": MEDIA_CSP,
    # Only our own pages may embed it (with the agent's cookies).
    "Cross-Origin-Resource-Policy": "same-origin",
}
INLINE_MAIN_TYPES = frozenset({"image", "video", "audio"})
INLINE_TYPES = frozenset({"application/pdf"})
MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


@dataclass(frozen=True)
class Attachment:
    message_id: int
    index: int
    platform: str
    url: str
    content_type: str | None  # as the inbound webhook described it


def find_attachment(db: Session, conversation_id: int, message_id: int, index: int) -> Attachment | None:
    """The `index`th attachment of a message of this conversation (a customer's, or a file an agent
    sent, which the inbox keeps itself), else None."""
    message = db.get(Message, message_id)
    if message is None or message.conversation_id != conversation_id:
        return None
    media = message.media or []
    if not 0 <= index < len(media) or not isinstance(media[index], dict):
        return None
    url, content_type = media[index].get("url"), media[index].get("content_type")
    if not isinstance(url, str) or not url:
        return None
    if message.direction != Direction.INBOUND.value and not url.startswith(STORED_FILE_PREFIX):
        return None
    return Attachment(message_id, index, message.platform, url, content_type if isinstance(content_type, str) else None)


def serve_attachment(connectors: Mapping[str, Connector], attachment: Attachment, db: Session | None = None) -> Response:
    """The attachment's bytes; 502 with the reason as text when the platform cannot give them."""
    if attachment.url.startswith(STORED_FILE_PREFIX) and db is not None:
        file_id = attachment.url.removeprefix(STORED_FILE_PREFIX)
        stored = db.get(StoredFile, int(file_id)) if file_id.isdigit() and len(file_id) < 10 else None
        if stored is None:
            return Response("the file is no longer here\n", status=404, content_type="text/plain; charset=utf-8")
        return media_response(MediaFile(stored.content, stored.content_type), attachment)
    connector = connectors.get(attachment.platform)
    try:
        if connector is None:
            raise MediaUnavailable(f"the {attachment.platform} channel is not enabled here")
        media = connector.fetch_media(attachment.url, MAX_MEDIA_BYTES)
    except MediaUnavailable as exc:
        logger.warning("attachment %d of message %d unavailable: %s", attachment.index, attachment.message_id, exc)
        return Response(f"{exc}\n", status=502, content_type="text/plain; charset=utf-8")
    return media_response(media, attachment)


def media_response(media: MediaFile, attachment: Attachment) -> Response:
    content_type = served_type(media.content_type, attachment.content_type)
    inline = shows_inline(content_type)
    if not inline:
        content_type = UNKNOWN_CONTENT_TYPE
    extension = mimetypes.guess_extension(content_type) or ""
    filename = f"lampiran-{attachment.message_id}-{attachment.index}{extension}"
    response = Response(media.content, content_type=content_type)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response.headers.update(MEDIA_HEADERS)
    return response


def served_type(fetched: str | None, stored: str | None) -> str:
    """What the platform said when it downloaded, else what the webhook said; octet-stream if neither."""
    for candidate in (fetched, stored):
        bare = bare_content_type(candidate)
        if bare != UNKNOWN_CONTENT_TYPE and MEDIA_TYPE.fullmatch(bare):
            return bare
    return UNKNOWN_CONTENT_TYPE


def shows_inline(content_type: str) -> bool:
    """Types a browser displays without running anything of ours: not SVG, nor any XML."""
    if content_type in INLINE_TYPES:
        return True
    main, _, sub = content_type.partition("/")
    return main in INLINE_MAIN_TYPES and "svg" not in sub and "xml" not in sub


def shows_thumbnail(content_type: str | None) -> bool:
    """For the page: an attachment worth an <img> preview, by the type the webhook stored."""
    bare = bare_content_type(content_type)
    return bare.startswith("image/") and shows_inline(bare)
