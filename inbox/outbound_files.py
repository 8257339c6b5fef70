"""Photos and files agents send (a product photo, a QRIS code, a size chart).

The inbox keeps the file (`files` table) and the platforms fetch it from a public URL that names
the file and carries an HMAC of its id, so nobody can list or guess other files. Only types every
channel shows are taken, checked by their first bytes (the browser's word is not trusted).
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Any

from connectors.base import STORED_FILE_PREFIX

MAX_FILE_BYTES = 5 * 1024 * 1024  # WhatsApp's limit for images, the smallest of the channels
MAX_CAPTION_LENGTH = 1000  # the text sent with a file (Telegram and WhatsApp captions stop at 1024)
# First bytes -> the type we send it as (JPEG and PNG photos, PDF documents).
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))


class FileRefused(ValueError):
    """A file we will not send; str() says why, for the agent."""


def sniff(content: bytes) -> str:
    """The file's type from its first bytes, or FileRefused."""
    if not content:
        raise FileRefused("the file is empty")
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    for signature, content_type in SIGNATURES:
        if content.startswith(signature):
            return content_type
    raise FileRefused("only JPEG or PNG photos and PDF files can be sent")


def file_token(secret_key: str, file_id: int) -> str:
    return hmac.new(secret_key.encode(), f"file:{file_id}".encode(), hashlib.sha256).hexdigest()[:32]


def public_file_url(public_url: str | None, secret_key: str, file_id: int) -> str:
    """Where a platform downloads the file: our public URL, the id and its signature."""
    base = (public_url or "").rstrip("/")
    return f"{base}/files/{file_id}/{file_token(secret_key, file_id)}"


def stored_file_id(url: Any) -> int | None:
    """The id in an `inbox-file:<id>` media URL, else None."""
    if not isinstance(url, str) or not url.startswith(STORED_FILE_PREFIX):
        return None
    raw = url.removeprefix(STORED_FILE_PREFIX)
    return int(raw) if raw.isdigit() and len(raw) < 10 else None
