"""Telegram Bot API: secret-token webhooks in (parsed in `telegram_events`), python-telegram-bot out."""
from __future__ import annotations

import asyncio
import functools
import hmac
import logging
import mimetypes
import os
import re
import ssl
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Awaitable, Callable, Sequence

import httpx
from telegram import Bot, Message, ReplyParameters
from telegram.error import (
    BadRequest as TelegramBadRequest,
)
from telegram.error import (
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from connectors.base import UNKNOWN_CONTENT_TYPE, Connector, Event, WebhookRequest, read_at_most, too_large
from connectors.config import check_api_base, check_positive
from connectors.telegram_events import ALLOWED_UPDATES, FILE_URL_PREFIX, parse_update
from inbox.domain import Capabilities, Media, MediaFile, Outbound, OutboundKind, Platform, Rate, SendResult
from inbox.errors import (
    AmbiguousSendError,
    ConfigError,
    MediaUnavailable,
    PermanentSendError,
    SendError,
    TransientSendError,
)

logger = logging.getLogger(__name__)

BOT_TOKEN_IN_URL = re.compile(r"/bot[^/\s]+")
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook accepts as secret_token
NUMERIC_CHAT_ID = re.compile(r"-?\d+")


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: str
    webhook_secret: str
    api_base: str = "https://api.telegram.org"  # scheme, host and port only
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if not self.bot_token:
            raise ConfigError("Telegram needs a bot token")
        if not SECRET_TOKEN.fullmatch(self.webhook_secret):
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        object.__setattr__(self, "api_base", check_api_base(self.api_base, "TELEGRAM_API_BASE"))
        check_positive(self.timeout, "Telegram timeout")


# Bot API limits: 4,096 characters a message, ~30 messages/s overall and ~1/s per chat
# (short bursts allowed).
TELEGRAM_CAPABILITIES = Capabilities(
    max_text_length=4096,
    quotes=True,
    media=True,  # sendPhoto / sendDocument by URL (Telegram downloads it; captions up to 1024)
    rates=(Rate("account", 30, 1.0), Rate("recipient", 3, 3.0)),
)


class TelegramConnector(Connector):
    name = "telegram"
    platforms = (Platform.TELEGRAM,)
    capabilities = {Platform.TELEGRAM: TELEGRAM_CAPABILITIES}

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        self._secret = settings.webhook_secret.encode()
        self._senders = threading.local()
        redact_httpx_logs()

    def verify(self, request: WebhookRequest) -> bool:
        token = request.header("X-Telegram-Bot-Api-Secret-Token")
        return token is not None and hmac.compare_digest(token.encode(), self._secret)

    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        return parse_update(request.body)

    def send(self, outbound: Outbound) -> SendResult:
        if outbound.kind is not OutboundKind.MESSAGE:
            raise PermanentSendError(f"Telegram chats have no {outbound.kind.value}")
        numeric = NUMERIC_CHAT_ID.fullmatch(outbound.chat_id)
        chat_id: int | str = int(outbound.chat_id) if numeric else outbound.chat_id  # or "@channelname"
        reply = reply_parameters(outbound.reply_to_message_id)
        try:
            if outbound.media:
                message = self._on_own_loop(lambda bot: self._send_file(bot, chat_id, outbound.media[0], outbound.text, reply))
            else:
                message = self._on_own_loop(lambda bot: bot.send_message(chat_id=chat_id, text=outbound.text,
                                                                         reply_parameters=reply))
        except TelegramError as exc:
            raise self._send_error(exc) from exc
        logger.info("telegram: sent message chat=%s message_id=%s", message.chat_id, message.message_id)
        # Telegram message ids are unique per chat only.
        return SendResult(message_id=f"{message.chat_id}:{message.message_id}")

    def _on_own_loop(self, call: Callable[[Bot], Awaitable[Message]]) -> Message:
        """Run one Bot API call on this thread's event loop and HTTP client.

        PTB is asyncio-only and its callers are sync worker threads and RQ work horses. A loop, a
        client and its kept-alive connection per thread (made again in a forked child) share
        nothing across threads or forks; a new loop and client per send cost more CPU than the
        rest of the send (bench/pacing.py).
        """
        own = self._senders
        if getattr(own, "pid", None) != os.getpid():
            own.loop = asyncio.new_event_loop()
            own.bot, own.request = self._bot()
            # The HTTP client only: Bot.initialize() would add a getMe round trip.
            own.loop.run_until_complete(own.request.initialize())
            own.pid = os.getpid()
        return own.loop.run_until_complete(call(own.bot))

    @staticmethod
    async def _send_file(bot: Bot, chat_id: int | str, media: Media, caption: str,
                         reply: ReplyParameters | None) -> Message:
        """One photo or document by URL, the text as its caption (Telegram allows 1024 characters)."""
        if (media.content_type or "").startswith("image/"):
            return await bot.send_photo(chat_id=chat_id, photo=media.url, caption=caption[:1024] or None,
                                        reply_parameters=reply)
        return await bot.send_document(chat_id=chat_id, document=media.url, caption=caption[:1024] or None,
                                       reply_parameters=reply)

    def register_webhook(self, url: str) -> None:
        """Point Telegram at our webhook, with the secret it must send back and the updates we handle."""
        try:
            asyncio.run(self._set_webhook(url))
        except TelegramError as exc:
            raise PermanentSendError(f"Telegram refused setWebhook: {exc.message.replace(self.settings.bot_token, '<token>')}") from exc

    async def _set_webhook(self, url: str) -> None:
        bot, request = self._bot()
        async with request:
            await bot.set_webhook(url=url, secret_token=self.settings.webhook_secret, allowed_updates=list(ALLOWED_UPDATES))

    def _bot(self) -> tuple[Bot, HTTPXRequest]:
        timeout = self.settings.timeout
        request = HTTPXRequest(
            connection_pool_size=1,
            connect_timeout=timeout,
            read_timeout=timeout,
            write_timeout=timeout,
            pool_timeout=timeout,
            httpx_kwargs={"verify": shared_ssl_context()},
        )
        bot = Bot(
            self.settings.bot_token,
            base_url=f"{self.settings.api_base}/bot",  # PTB appends the token
            base_file_url=f"{self.settings.api_base}/file/bot",
            request=request,
            get_updates_request=request,
        )
        return bot, request

    # -- attachments ------------------------------------------------------------------------

    def fetch_media(self, url: str, max_bytes: int) -> MediaFile:
        """`telegram-file:<file_id>`: getFile through PTB, then GET the file from the Bot API's file URL."""
        file_id = url.removeprefix(FILE_URL_PREFIX) if url.startswith(FILE_URL_PREFIX) else ""
        if not file_id:
            raise MediaUnavailable("not a Telegram file id; refused without downloading")
        try:
            file_url, file_path, file_size = asyncio.run(self._locate_file(file_id))
        except TelegramError as exc:
            raise MediaUnavailable(f"Telegram cannot give the file: {self._redact(exc.message)}") from exc
        if file_size is not None and file_size > max_bytes:
            raise MediaUnavailable(too_large(max_bytes))
        # The file URL carries the bot token: never in a message (httpx's log lines are redacted).
        try:
            with httpx.Client(timeout=self.settings.timeout, verify=shared_ssl_context()) as client:
                with client.stream("GET", file_url) as response:
                    if response.status_code != 200:
                        raise MediaUnavailable(f"Telegram answered HTTP {response.status_code} for the file")
                    content = read_at_most(response.iter_bytes(), max_bytes, response.headers.get("Content-Length"))
        except httpx.TimeoutException as exc:
            raise MediaUnavailable("Telegram did not send the file in time") from exc
        except httpx.HTTPError as exc:
            raise MediaUnavailable(f"could not download the file from Telegram: {type(exc).__name__}") from exc
        # The Bot API serves files as octet-stream; the path keeps the extension (photos/file_1.jpg).
        content_type = mimetypes.guess_type(file_path)[0] or UNKNOWN_CONTENT_TYPE
        return MediaFile(content, content_type)

    async def _locate_file(self, file_id: str) -> tuple[str, str, int | None]:
        """(download URL, path relative to the bot's file URL, size Telegram reports)."""
        bot, request = self._bot()
        async with request:
            file = await bot.get_file(file_id)
        # PTB joins base_file_url and the relative path, except for a path that exists on this
        # disk (a local Bot API server's): refuse that rather than read files of ours.
        prefix = f"{bot.base_file_url}/"
        if not file.file_path or not file.file_path.startswith(prefix) or len(file.file_path) == len(prefix):
            raise MediaUnavailable("Telegram gave no download path for the file")
        return file.file_path, file.file_path[len(prefix):], file.file_size

    def _redact(self, text: str) -> str:
        return text.replace(self.settings.bot_token, "<token>")

    def _send_error(self, exc: TelegramError) -> SendError:
        # NetworkError is the base of BadRequest and TimedOut: the order below matters.
        reason = self._redact(exc.message)
        if isinstance(exc, RetryAfter):
            retry_after = retry_after_seconds(exc)
            return TransientSendError(
                f"Telegram rate limit: {reason}", code="429", retry_after=retry_after, rate_limited=True
            )
        if isinstance(exc, TimedOut):
            if isinstance(exc.__cause__, (httpx.ConnectTimeout, httpx.PoolTimeout)):
                # The request never left: safe to try again.
                return TransientSendError(f"could not reach Telegram in time: {reason}", code="connect_timeout")
            # A read or write timeout: Telegram may have sent the message.
            return AmbiguousSendError(f"Telegram did not answer in time: {reason}", code="timeout")
        if isinstance(exc, TelegramBadRequest):
            return PermanentSendError(f"Telegram refused the message: {reason}", code="400")
        if isinstance(exc, NetworkError):  # 5xx, 502 and connection errors
            return TransientSendError(f"Telegram unreachable or failing: {reason}")
        if isinstance(exc, Forbidden):  # the customer blocked the bot
            return PermanentSendError(f"Telegram forbids the message: {reason}", code="403")
        if isinstance(exc, InvalidToken):
            return PermanentSendError("Telegram rejected the bot token", code="401")
        if isinstance(exc, ChatMigrated):
            return PermanentSendError(f"Telegram chat moved to {exc.new_chat_id}", code="migrated")
        return PermanentSendError(f"Telegram error {type(exc).__name__}: {reason}")


class RedactBotToken(logging.Filter):
    """httpx logs every request URL at INFO, and Bot API URLs carry the bot token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/bot" in message:
            record.msg, record.args = BOT_TOKEN_IN_URL.sub("/bot<token>", message), None
        return True


@functools.cache
def redact_httpx_logs() -> None:
    """httpx logs request URLs and PTB logs its API URL at DEBUG: both carry the bot token."""
    for name in ("httpx", "telegram", "telegram.Bot", "telegram.ext"):
        target = logging.getLogger(name)
        if not any(isinstance(existing, RedactBotToken) for existing in target.filters):
            target.addFilter(RedactBotToken())


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """httpx's default TLS context, built once: loading the CA bundle costs ~50 ms per client."""
    return httpx.create_ssl_context()


def retry_after_seconds(exc: RetryAfter) -> float:
    # PTB 22 returns an int (with a deprecation warning) or a timedelta under PTB_TIMEDELTA=1.
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def reply_parameters(reply_to_message_id: str | None) -> ReplyParameters | None:
    if not reply_to_message_id:
        return None
    # Accept our own "chat:message" ids as well as the bare message ids inbound events carry.
    raw_id = reply_to_message_id.rsplit(":", 1)[-1]
    if not raw_id.isdigit():
        raise PermanentSendError(f"not a Telegram message id: {reply_to_message_id!r}")
    # Still answer when the customer deleted the message we quote.
    return ReplyParameters(message_id=int(raw_id), allow_sending_without_reply=True)
