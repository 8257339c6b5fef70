"""Exceptions, in one place. Each names what went wrong, not where."""
from __future__ import annotations


class InboxError(Exception):
    """Base class for the inbox's own errors."""


class BadRequest(InboxError):
    """A webhook body we cannot read; answered 400 with this message as the reason."""


class UnknownEvent(BadRequest):
    """A well-formed webhook of a type no connector table names."""


class SendError(InboxError):
    """A platform refused or failed a send."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class TransientSendError(SendError):
    """A send that can succeed later (timeout, 5xx, rate limit).

    `rate_limited` marks the platform's "too many requests": the send pauses until `retry_after`
    and the try does not count against the send's attempts.
    """

    def __init__(
        self, message: str, *, code: str | None = None, retry_after: float | None = None, rate_limited: bool = False
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class AmbiguousSendError(SendError):
    """The platform may have sent it (it stopped answering after the request went out).

    Never retried automatically: a resend could reach the customer twice. The send is marked
    unknown and a person checks the chat.
    """


class PermanentSendError(SendError):
    """A send that will fail again as it is (bad recipient, outside the 24 h window)."""


class MediaUnavailable(InboxError):
    """An attachment could not be downloaded (gone, too large, refused, platform down); the message says why."""


class ConfigError(InboxError):
    """A setting is missing or malformed."""
