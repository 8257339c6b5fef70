"""Made-up credentials for channels that run against the sandbox's fake platform API.

Only channels whose own settings are all unset get these (a real channel is never switched to the
fake), and only while the sandbox is on.
"""
from __future__ import annotations

from typing import Mapping

from connectors import CONNECTORS


def sandbox_env(api_base: str) -> dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": "AC" + "5a" * 16, "TWILIO_AUTH_TOKEN": "sandbox-twilio-token",
        "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886", "TWILIO_API_BASE": api_base,
        "TELEGRAM_BOT_TOKEN": "123456:sandbox-token", "TELEGRAM_WEBHOOK_SECRET": "sandbox-telegram-secret",
        "TELEGRAM_API_BASE": api_base,
        "META_APP_SECRET": "sandbox-meta-secret", "META_VERIFY_TOKEN": "sandbox-verify", "GRAPH_API_BASE": api_base,
        "WHATSAPP_PHONE_NUMBER_ID": "106540352242922", "WHATSAPP_ACCESS_TOKEN": "sandbox-wa-token",
        "INSTAGRAM_ACCOUNT_ID": "17841400000000001", "INSTAGRAM_ACCESS_TOKEN": "sandbox-ig-token",
        "FACEBOOK_PAGE_ID": "104000000000001", "FACEBOOK_PAGE_ACCESS_TOKEN": "sandbox-page-token",
        "X_CONSUMER_KEY": "sandbox-ck", "X_CONSUMER_SECRET": "sandbox-cs", "X_ACCESS_TOKEN": "sandbox-at",
        "X_ACCESS_TOKEN_SECRET": "sandbox-ats", "X_USER_ID": "1500000000000000001", "X_API_BASE": api_base,
    }


API_BASE_KEY = {"twilio": "TWILIO_API_BASE", "telegram": "TELEGRAM_API_BASE", "whatsapp": "GRAPH_API_BASE",
                "instagram": "GRAPH_API_BASE", "facebook": "GRAPH_API_BASE", "x": "X_API_BASE"}


def with_sandbox_channels(env: Mapping[str, str | None], api_base: str) -> tuple[dict[str, str | None], set[str]]:
    """`env` with sandbox credentials for every channel that has none of its own; and those channels' names.

    A channel counts as configured by its own keys (the Meta app secret alone configures none).
    """
    fake = sandbox_env(api_base)
    merged = dict(env)
    sandboxed: set[str] = set()
    for name, base_key in API_BASE_KEY.items():
        own_keys = [key for key in CONNECTORS[name].required if not key.startswith("META_")]
        if any((env.get(key) or "").strip() for key in own_keys):
            continue
        for key in (*CONNECTORS[name].required, base_key):
            if not (merged.get(key) or "").strip():
                merged[key] = fake[key]
        sandboxed.add(name)
    return merged, sandboxed
