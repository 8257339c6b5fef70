"""A customer's message as each platform would post it to our webhook, signed with the channel's
credentials: the sandbox page and `make demo-message` send these through the real webhook path.

`webhook(channel, text, customer, env, public_url)` returns the request to make; `customer` is a
small number that names one sandbox customer (their phone, chat id and user ids derive from it).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import urlencode

from inbox.sandbox.signing import meta_signature, twilio_signature, x_signature


@dataclass(frozen=True)
class SandboxChannel:
    """One choice on the sandbox page: a platform's webhook and the kind of message it sends."""

    key: str  # "whatsapp", "instagram_comment", ...
    webhook: str  # the connector's name: /webhooks/<webhook>
    platform: str  # the Platform value conversations get
    label_id: str
    label_en: str
    comment: bool = False  # a public comment (shown with the replies under it)


CHANNELS: tuple[SandboxChannel, ...] = (
    SandboxChannel("whatsapp", "twilio", "whatsapp_twilio", "WhatsApp", "WhatsApp"),
    SandboxChannel("telegram", "telegram", "telegram", "Telegram", "Telegram"),
    SandboxChannel("instagram_comment", "instagram", "instagram", "Komentar Instagram", "Instagram comment", True),
    SandboxChannel("facebook_comment", "facebook", "facebook", "Komentar Facebook", "Facebook comment", True),
    SandboxChannel("x_mention", "x", "x", "Mention di X", "X mention", True),
    SandboxChannel("webchat", "webchat", "webchat", "Chat website", "Website chat"),
)
BY_KEY = {channel.key: channel for channel in CHANNELS}


@dataclass(frozen=True)
class SignedWebhook:
    path: str
    body: bytes
    headers: dict[str, str]


def phone_of(customer: int) -> str:
    return f"+62899{customer:08d}"


def user_id_of(customer: int) -> str:
    return f"77{customer:014d}"


def webhook(channel: str, text: str, customer: int, env: Mapping[str, str | None], public_url: str,
            *, comment: bool | None = None, stamp: int | None = None) -> SignedWebhook:
    """The signed request `channel` ("twilio", "telegram", "whatsapp", "instagram", "facebook", "x")
    would send for `text` from sandbox customer `customer`; `comment` for a public comment or mention."""
    stamp = stamp or time.time_ns() // 1000
    build = BUILDERS[channel]
    return build(text, customer, env, public_url.rstrip("/"), bool(comment), stamp)


def _twilio(text: str, customer: int, env: Mapping[str, Any], base: str, comment: bool, stamp: int) -> SignedWebhook:
    phone = phone_of(customer)
    sid = "SM" + f"{stamp:032x}"[-32:]
    form = {"MessageSid": sid, "SmsMessageSid": sid, "AccountSid": env.get("TWILIO_ACCOUNT_SID") or "",
            "From": f"whatsapp:{phone}", "To": env.get("TWILIO_WHATSAPP_FROM") or "", "Body": text, "NumMedia": "0",
            "ProfileName": f"Pelanggan {customer}", "WaId": phone.lstrip("+"), "SmsStatus": "received",
            "MessageType": "text"}
    signature = twilio_signature(env.get("TWILIO_AUTH_TOKEN") or "", f"{base}/webhooks/twilio", form)
    return SignedWebhook("/webhooks/twilio", urlencode(form).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})


def _telegram(text: str, customer: int, env: Mapping[str, Any], base: str, comment: bool, stamp: int) -> SignedWebhook:
    chat = 5_000_000 + customer
    update_id = stamp % 2_000_000_000
    update = {"update_id": update_id, "message": {
        "message_id": update_id, "from": {"id": chat, "is_bot": False, "first_name": f"Pelanggan {customer}"},
        "chat": {"id": chat, "type": "private", "first_name": f"Pelanggan {customer}"},
        "date": stamp // 1_000_000, "text": text}}
    return SignedWebhook("/webhooks/telegram", json.dumps(update).encode(), {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": env.get("TELEGRAM_WEBHOOK_SECRET") or ""})


def _meta(body: dict[str, Any], name: str, env: Mapping[str, Any]) -> SignedWebhook:
    raw = json.dumps(body).encode()
    return SignedWebhook(f"/webhooks/{name}", raw, {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": meta_signature(env.get("META_APP_SECRET") or "", raw)})


def _whatsapp(text: str, customer: int, env: Mapping[str, Any], base: str, comment: bool, stamp: int) -> SignedWebhook:
    phone = phone_of(customer).lstrip("+")
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": env.get("WHATSAPP_PHONE_NUMBER_ID")},
             "contacts": [{"profile": {"name": f"Pelanggan {customer}"}, "wa_id": phone}],
             "messages": [{"from": phone, "id": f"wamid.SANDBOX{stamp}", "timestamp": str(stamp // 1_000_000),
                           "type": "text", "text": {"body": text}}]}
    return _meta({"object": "whatsapp_business_account",
                  "entry": [{"id": "0", "changes": [{"field": "messages", "value": value}]}]}, "whatsapp", env)


def _meta_social(kind: str, account_setting: str, name: str) -> Callable[..., SignedWebhook]:
    def build(text: str, customer: int, env: Mapping[str, Any], base: str, comment: bool, stamp: int) -> SignedWebhook:
        account = env.get(account_setting) or ""
        user = user_id_of(customer)
        millis = stamp // 1000
        if not comment:
            item = {"sender": {"id": user}, "recipient": {"id": account}, "timestamp": millis,
                    "message": {"mid": f"m_sandbox{stamp}", "text": text}}
            return _meta({"object": kind, "entry": [{"id": account, "time": millis, "messaging": [item]}]}, name, env)
        if kind == "instagram":
            change = {"field": "comments", "value": {
                "id": str(stamp), "text": text, "from": {"id": user, "username": f"pelanggan{customer}"},
                "media": {"id": "18000000000000001"}}}
        else:
            post_id = f"{account}_500000000000001"
            change = {"field": "feed", "value": {
                "item": "comment", "verb": "add", "comment_id": f"500000000000001_{stamp}", "post_id": post_id,
                "parent_id": post_id, "message": text, "from": {"id": user, "name": f"Pelanggan {customer}"},
                "created_time": stamp // 1_000_000}}
        return _meta({"object": kind, "entry": [{"id": account, "time": millis, "changes": [change]}]}, name, env)

    return build


def _x(text: str, customer: int, env: Mapping[str, Any], base: str, comment: bool, stamp: int) -> SignedWebhook:
    shop = env.get("X_USER_ID") or ""
    user = user_id_of(customer)
    if comment:
        tweet = {"id_str": str(stamp), "text": text, "timestamp_ms": str(stamp // 1000),
                 "user": {"id_str": user, "name": f"Pelanggan {customer}", "screen_name": f"pelanggan{customer}"}}
        payload: dict[str, Any] = {"for_user_id": shop, "tweet_create_events": [tweet]}
    else:
        payload = {"for_user_id": shop, "direct_message_events": [{
            "type": "message_create", "id": str(stamp), "created_timestamp": str(stamp // 1000),
            "message_create": {"sender_id": user, "target": {"recipient_id": shop}, "message_data": {"text": text}}}]}
    raw = json.dumps(payload).encode()
    return SignedWebhook("/webhooks/x", raw, {
        "Content-Type": "application/json",
        "x-twitter-webhooks-signature": x_signature(env.get("X_CONSUMER_SECRET") or "", raw)})


BUILDERS: dict[str, Callable[..., SignedWebhook]] = {
    "twilio": _twilio,
    "telegram": _telegram,
    "whatsapp": _whatsapp,
    "instagram": _meta_social("instagram", "INSTAGRAM_ACCOUNT_ID", "instagram"),
    "facebook": _meta_social("page", "FACEBOOK_PAGE_ID", "facebook"),
    "x": _x,
}


def customer_external_id(channel: SandboxChannel, customer: int) -> str:
    """The contact id the channel's connector gives this sandbox customer (see the builders above)."""
    if channel.webhook in ("twilio", "whatsapp"):
        return phone_of(customer).lstrip("+")
    if channel.webhook == "telegram":
        return str(5_000_000 + customer)
    return user_id_of(customer)
