"""Twilio WhatsApp webhooks (form fields) to normalised events. Pure: no I/O."""
from __future__ import annotations

import re
from typing import Callable, Mapping

from connectors.base import Event
from inbox.domain import DeliveryStatus, EventKind, InboundEvent, Media, Platform, Sender, StatusEvent
from inbox.errors import BadRequest, UnknownEvent

WHATSAPP_PREFIX = "whatsapp:"
# Twilio's ids, to the letter. Its signature joins sorted names and values, so "MessageSid=SMx..."
# + "MessageType=text" signs the same as "MessageSid=SMx...MessageTypetext": a replayed request
# with its fields shifted must not pass as a new message.
MESSAGE_SID = re.compile(r"(?:SM|MM)[0-9a-f]{32}")
ACCOUNT_SID = re.compile(r"AC[0-9a-f]{32}")
E164_PHONE = re.compile(r"\+[1-9]\d{6,14}")
MAX_MEDIA = 10  # Twilio's documented limit per message

# Twilio MessageStatus -> ours. queued/accepted/scheduled/sending all mean "Twilio holds it under
# a sid", which is our SENT: a callback only arrives after our API call returned, so it must not
# move a message back to PENDING/SENDING (SENDING means "our API call is in flight").
TWILIO_STATUSES: Mapping[str, DeliveryStatus] = {
    "accepted": DeliveryStatus.SENT,
    "scheduled": DeliveryStatus.SENT,
    "queued": DeliveryStatus.SENT,
    "sending": DeliveryStatus.SENT,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
    "undelivered": DeliveryStatus.FAILED,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
}


def parse_form(form: Mapping[str, str], our_sender: str) -> list[Event]:
    """Inbound messages and status callbacks share one parser, so either URL accepts both."""
    return EVENT_HANDLERS[classify(form)](form, our_sender)


def classify(form: Mapping[str, str]) -> str:
    """'status' for a delivery callback, else 'message'; both arrive at the same endpoint."""
    message_status = form.get("MessageStatus")
    if message_status and message_status != "received":
        return "status"
    sms_status = form.get("SmsStatus")
    if sms_status and sms_status != "received" and "Body" not in form:
        return "status"
    return "message"


def message_sid_of(form: Mapping[str, str]) -> str:
    message_sid = required(form, "MessageSid")
    if not MESSAGE_SID.fullmatch(message_sid):
        raise BadRequest("MessageSid is not a Twilio message id (SM or MM and 32 hex digits)")
    for alias in ("SmsMessageSid", "SmsSid"):
        if form.get(alias) not in (None, message_sid):
            raise BadRequest(f"{alias} differs from MessageSid")
    account_sid = form.get("AccountSid")
    if account_sid is not None and not ACCOUNT_SID.fullmatch(account_sid):
        raise BadRequest("AccountSid is not a Twilio account id")
    return message_sid


def parse_message(form: Mapping[str, str], our_sender: str) -> list[Event]:
    message_sid = message_sid_of(form)
    address = required(form, "From")
    if not address.startswith(WHATSAPP_PREFIX):
        raise BadRequest("not a WhatsApp message: From does not start with 'whatsapp:'")
    if address == our_sender:
        return []  # our own echo
    user = address.removeprefix(WHATSAPP_PREFIX)
    profile_name = form.get("ProfileName") or None
    if E164_PHONE.fullmatch(user):
        # WaId is the digits without "+"; fall back to the same shape so ids stay stable.
        sender = Sender(external_id=form.get("WaId") or user[1:], display_name=profile_name, phone=user)
    else:
        # A business-scoped user id (whatsapp:IN.208...): no phone number to look orders up by.
        sender = Sender(external_id=form.get("ExternalUserId") or user, display_name=profile_name)
    text = form.get("Body") or ""
    if not text and form.get("MessageType") == "location":
        text = location_text(form)
    return [
        InboundEvent(
            platform=Platform.WHATSAPP_TWILIO,
            kind=EventKind.MESSAGE,
            event_id=message_sid,
            chat_id=address,  # replies go back to exactly this address
            sender=sender,
            text=text,
            timestamp=None,  # Twilio sends no timestamp with a webhook
            message_id=message_sid,
            media=parse_media(form),
            raw=dict(form),
        )
    ]


def parse_status(form: Mapping[str, str], our_sender: str) -> list[Event]:
    message_sid = message_sid_of(form)
    twilio_status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    status = TWILIO_STATUSES.get(twilio_status)
    if status is None:
        raise UnknownEvent(f"unknown Twilio message status {twilio_status!r}")
    return [
        StatusEvent(
            platform=Platform.WHATSAPP_TWILIO,
            message_id=message_sid,
            status=status,
            error_code=form.get("ErrorCode") or None,
            error_message=form.get("ErrorMessage") or None,
            raw=dict(form),
        )
    ]


EVENT_HANDLERS: Mapping[str, Callable[[Mapping[str, str], str], list[Event]]] = {
    "message": parse_message,
    "status": parse_status,
}
# Nothing is ignored: every Twilio messaging webhook is either a message or a status callback.
IGNORED_EVENTS: frozenset[str] = frozenset()


def parse_media(form: Mapping[str, str]) -> tuple[Media, ...]:
    raw_count = form.get("NumMedia") or "0"
    try:
        count = int(raw_count)
    except ValueError:
        raise BadRequest(f"NumMedia is not a number: {raw_count!r}") from None
    if not 0 <= count <= MAX_MEDIA:
        raise BadRequest(f"NumMedia out of range: {count}")
    media = []
    for index in range(count):
        url = form.get(f"MediaUrl{index}")
        if not url:
            raise BadRequest(f"NumMedia is {count} but MediaUrl{index} is missing")
        media.append(Media(url=url, content_type=form.get(f"MediaContentType{index}") or None))
    return tuple(media)


def location_text(form: Mapping[str, str]) -> str:
    latitude, longitude = form.get("Latitude", ""), form.get("Longitude", "")
    try:
        float(latitude), float(longitude)
    except ValueError:
        raise BadRequest("location message without a numeric Latitude/Longitude") from None
    return f"[lokasi] {latitude},{longitude}"


def required(form: Mapping[str, str], field: str) -> str:
    value = form.get(field)
    if not value:
        raise BadRequest(f"Twilio webhook without {field}")
    return value


def whatsapp_address(number: str) -> str:
    """Twilio sends SMS to a bare number: make sure the channel prefix is there."""
    return number if number.startswith(WHATSAPP_PREFIX) else WHATSAPP_PREFIX + number
