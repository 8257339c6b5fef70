"""WhatsApp through Twilio: signed form webhooks in (parsed in `twilio_events`), the official client out."""
from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Sequence
from urllib.parse import urljoin, urlsplit

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from connectors.base import Connector, Event, Route, WebhookRequest, bare_content_type, read_at_most
from connectors.config import check_api_base, check_positive
from connectors.twilio_events import E164_PHONE, WHATSAPP_PREFIX, parse_form, whatsapp_address
from inbox.domain import Capabilities, MediaFile, Outbound, OutboundKind, Platform, Rate, SendResult
from inbox.errors import (
    AmbiguousSendError,
    ConfigError,
    MediaUnavailable,
    PermanentSendError,
    SendError,
    TransientSendError,
)

logger = logging.getLogger(__name__)

# What a webhook's MediaUrl{N} looks like, to the letter (ids, not "..", no escapes, no query):
# nothing else is fetched with our credentials.
MEDIA_PATH = re.compile(
    r"/2010-04-01/Accounts/(?P<account_sid>AC[0-9a-f]{32})/Messages/(?:MM|SM)[0-9a-f]{32}/Media/ME[0-9a-f]{32}"
)
MAX_MEDIA_REDIRECTS = 3  # Twilio answers with one, to a signed URL on its storage
MEDIA_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    whatsapp_from: str  # our WhatsApp sender, "whatsapp:+1415..." or "+1415..."
    api_base: str = "https://api.twilio.com"  # scheme, host and port only
    status_callback_url: str | None = None
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if not (self.account_sid and self.auth_token and self.whatsapp_from):
            raise ConfigError("Twilio needs an account SID, an auth token and a WhatsApp sender")
        if not E164_PHONE.fullmatch(self.whatsapp_from.removeprefix(WHATSAPP_PREFIX)):
            raise ConfigError("TWILIO_WHATSAPP_FROM must be an E.164 number like whatsapp:+14155238886")
        object.__setattr__(self, "api_base", check_api_base(self.api_base, "TWILIO_API_BASE"))
        check_positive(self.timeout, "Twilio timeout")


class HeaderKeepingHttpClient(TwilioHttpClient):
    """Remembers the last response's headers per thread.

    `TwilioRestException` drops the response, and a 429's `Retry-After` lives in its headers.
    """

    def __init__(self, timeout: float, api_base: str | None = None) -> None:
        # The environment's proxy and CA settings, read once for the one host this client calls:
        # requests would otherwise scan os.environ on every send (about 0.4 ms each).
        url = api_base or "https://api.twilio.com"
        super().__init__(timeout=timeout, proxy=requests.utils.get_environ_proxies(url))
        if self.session is not None:
            self.session.trust_env = False
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            if bundle:
                self.session.verify = bundle
        self._local = threading.local()

    def request(self, *args: Any, **kwargs: Any) -> Response:
        self._local.headers = {}
        response = super().request(*args, **kwargs)
        self._local.headers = response.headers or {}  # requests' case-insensitive dict
        return response

    def last_header(self, name: str) -> str | None:
        value = getattr(self._local, "headers", {}).get(name)
        return str(value) if value is not None else None


# WhatsApp's rules as Twilio applies them: 1,600 characters, free text within 24 h of the
# customer's last message, Twilio's documented 10 messages/s per sender, and Meta's pair rate
# (about one message per 6 s to one user, short bursts allowed): 10 a minute.
WHATSAPP_TWILIO_CAPABILITIES = Capabilities(
    max_text_length=1600,
    reply_window=timedelta(hours=24),
    templates=True,  # Content templates (ContentSid) outside the window
    media=True,  # MediaUrl: JPEG, PNG, PDF up to 5 MB
    rates=(Rate("account", 10, 1.0), Rate("recipient", 10, 60.0)),
)


class TwilioWhatsAppConnector(Connector):
    name = "twilio"
    platforms = (Platform.WHATSAPP_TWILIO,)
    capabilities = {Platform.WHATSAPP_TWILIO: WHATSAPP_TWILIO_CAPABILITIES}
    routes = (Route(""), Route("/status"))
    # Empty TwiML: "no reply here", replies go through the REST API from a job.
    ack_body = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    ack_content_type = "text/xml"

    def __init__(self, settings: TwilioSettings) -> None:
        self.settings = settings
        self._validator = RequestValidator(settings.auth_token)
        self._sender = whatsapp_address(settings.whatsapp_from)
        self._lock = threading.Lock()
        self._client: Client | None = None
        self._client_pid: int | None = None
        self._http: HeaderKeepingHttpClient | None = None

    # -- inbound --------------------------------------------------------------------------

    def verify(self, request: WebhookRequest) -> bool:
        signature = request.header("X-Twilio-Signature")
        if not signature:
            return False
        return bool(self._validator.validate(request.url, request.form, signature))

    def parse(self, request: WebhookRequest) -> Sequence[Event]:
        return parse_form(request.form, self._sender)

    # -- outbound -------------------------------------------------------------------------

    def send(self, outbound: Outbound) -> SendResult:
        # WhatsApp over Twilio has no "quote this message" parameter: reply_to_message_id is ignored.
        if outbound.kind is not OutboundKind.MESSAGE:
            raise PermanentSendError(f"WhatsApp has no {outbound.kind.value}")
        client, http = self._client_for_this_process()
        options: dict[str, Any] = {}
        if self.settings.status_callback_url:
            options["status_callback"] = self.settings.status_callback_url
        if outbound.template is not None:
            # Outside the 24-hour window: an approved Content template, its variables as {"1": ..., "2": ...}.
            options["content_sid"] = outbound.template.name
            options["content_variables"] = json.dumps({str(i): v for i, v in enumerate(outbound.template.variables, 1)})
        else:
            if outbound.text:
                options["body"] = outbound.text
            if outbound.media:
                # Twilio downloads each URL itself (our signed public file URL); the body is the caption.
                options["media_url"] = [media.url for media in outbound.media]
        try:
            message = client.messages.create(to=whatsapp_address(outbound.chat_id), from_=self._sender, **options)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise send_error(exc, http.last_header("Retry-After")) from exc
        except requests.ConnectTimeout as exc:
            # Nothing reached Twilio: safe to try again.
            raise TransientSendError("could not connect to Twilio in time", code="connect_timeout") from exc
        except requests.Timeout as exc:
            # Twilio may have accepted the message before the read timed out.
            raise AmbiguousSendError("Twilio did not answer in time", code="timeout") from exc
        except requests.RequestException as exc:
            raise TransientSendError(f"could not reach Twilio: {type(exc).__name__}") from exc
        if not message.sid:
            raise PermanentSendError("Twilio accepted the message but returned no sid")
        logger.info("twilio: sent message sid=%s status=%s", message.sid, message.status)
        return SendResult(message_id=message.sid)

    # -- attachments ------------------------------------------------------------------------

    def fetch_media(self, url: str, max_bytes: int) -> MediaFile:
        """GET a media URL of our account with basic auth; a redirect elsewhere is followed without it.

        Requests are made only to `api_base` (with credentials) and to where it redirects (without):
        a stored URL pointing anywhere else is refused before any request.
        """
        parts = urlsplit(url)
        match = MEDIA_PATH.fullmatch(parts.path)
        if parts.query or parts.fragment or not (
            self._is_api_url(url) and match and match["account_sid"] == self.settings.account_sid
        ):
            raise MediaUnavailable("not a media URL of this Twilio account; refused without downloading")
        # One plain session per download: nothing pooled is shared across threads or forks.
        with requests.Session() as session:
            for _ in range(MAX_MEDIA_REDIRECTS + 1):
                from_twilio = self._is_api_url(url)
                auth = (self.settings.account_sid, self.settings.auth_token) if from_twilio else None
                source = "Twilio" if from_twilio else f"the media host {urlsplit(url).hostname}"
                try:
                    with session.get(
                        url, auth=auth, timeout=self.settings.timeout, stream=True, allow_redirects=False
                    ) as response:
                        if response.is_redirect:
                            url = urljoin(url, response.headers["Location"])
                            if urlsplit(url).scheme not in ("http", "https"):
                                raise MediaUnavailable(f"{source} redirected to a URL that is not http(s)")
                            continue
                        if response.status_code != 200:
                            raise MediaUnavailable(media_status_reason(source, response.status_code))
                        content = read_at_most(
                            response.iter_content(MEDIA_CHUNK_BYTES), max_bytes, response.headers.get("Content-Length")
                        )
                        return MediaFile(content, bare_content_type(response.headers.get("Content-Type")))
                except requests.Timeout as exc:
                    raise MediaUnavailable(f"{source} did not send the media in time") from exc
                except requests.RequestException as exc:
                    raise MediaUnavailable(f"could not download the media from {source}: {type(exc).__name__}") from exc
        raise MediaUnavailable(f"Twilio redirected the media more than {MAX_MEDIA_REDIRECTS} times")

    def _is_api_url(self, url: str) -> bool:
        target = origin(url)
        return target is not None and target == origin(self.settings.api_base)

    def _client_for_this_process(self) -> tuple[Client, HeaderKeepingHttpClient]:
        # Built lazily and per process: a pooled requests.Session must not cross a fork (RQ, gunicorn).
        with self._lock:
            if self._client is None or self._http is None or self._client_pid != os.getpid():
                self._http = HeaderKeepingHttpClient(timeout=self.settings.timeout, api_base=self.settings.api_base)
                self._client = Client(
                    self.settings.account_sid,
                    self.settings.auth_token,
                    http_client=self._http,
                    # Non-empty, so the client never falls back to os.environ, where TWILIO_EDGE
                    # or TWILIO_REGION would rewrite the host we point it at.
                    environment={"TWILIO_ACCOUNT_SID": self.settings.account_sid},
                )
                # Domain.absolute_url() joins this base with "2010-04-01/Accounts/{sid}/...".
                self._client.api.base_url = self.settings.api_base
                self._client_pid = os.getpid()
            return self._client, self._http


def send_error(exc: TwilioRestException | TwilioServiceException, retry_after_header: str | None) -> SendError:
    """429 and 5xx can pass; any other 4xx (bad number, 63016 outside the 24 h window) will not."""
    status = int(exc.status)
    code = str(exc.code) if exc.code is not None else None
    reason = exc.msg if isinstance(exc, TwilioRestException) else f"{exc.title} {exc.detail or ''}".strip()
    if status == 429:
        retry_after = retry_after_seconds(retry_after_header)
        return TransientSendError(f"Twilio rate limit (code {code}): {reason}", code=code, retry_after=retry_after)
    if status >= 500:
        return TransientSendError(f"Twilio server error {status} (code {code}): {reason}", code=code)
    return PermanentSendError(f"Twilio refused the message: HTTP {status} (code {code}): {reason}", code=code)


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the default port filled in; None for a URL we would never call."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None:
        return None
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def media_status_reason(source: str, status: int) -> str:
    if status in (401, 403):
        return f"{source} refused access to the media (HTTP {status})"
    if status == 404:
        return f"{source} has no such media (HTTP 404): it may have been deleted"
    if status == 429 or status >= 500:
        return f"{source} is failing or busy (HTTP {status}); try again in a moment"
    return f"{source} answered HTTP {status} for the media"


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
