"""The connector registry, and building the enabled connectors from environment-style settings.

Connectors never read `os.environ`: the caller hands in a mapping (see `inbox.settings`).
A platform whose credentials are missing is disabled with a reason; one whose settings are
present but malformed raises `ConfigError`, so a typo fails the start-up instead of a send.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from connectors.base import Connector
from connectors.facebook import FacebookConnector, FacebookSettings
from connectors.instagram import InstagramConnector, InstagramSettings
from connectors.meta import MetaSettings
from connectors.telegram import TelegramConnector, TelegramSettings
from connectors.twilio_whatsapp import TwilioSettings, TwilioWhatsAppConnector
from connectors.webchat import WebchatConnector, WebchatSettings
from connectors.whatsapp_cloud import WhatsAppCloudConnector, WhatsAppCloudSettings
from connectors.x import TWEEPY_HOST, XConnector, XSettings


@dataclass(frozen=True)
class ConnectorSpec:
    connector: type[Connector]
    required: tuple[str, ...]  # keys that must be set for the connector to be enabled
    build: Callable[[Mapping[str, str]], Connector]  # gets only the keys that are set


def _build_twilio(env: Mapping[str, str]) -> Connector:
    settings = TwilioSettings(
        account_sid=env["TWILIO_ACCOUNT_SID"],
        auth_token=env["TWILIO_AUTH_TOKEN"],
        whatsapp_from=env["TWILIO_WHATSAPP_FROM"],
        api_base=env.get("TWILIO_API_BASE", "https://api.twilio.com"),
        status_callback_url=env.get("TWILIO_STATUS_CALLBACK_URL"),
    )
    return TwilioWhatsAppConnector(settings)


def _build_telegram(env: Mapping[str, str]) -> Connector:
    settings = TelegramSettings(
        bot_token=env["TELEGRAM_BOT_TOKEN"],
        webhook_secret=env["TELEGRAM_WEBHOOK_SECRET"],
        api_base=env.get("TELEGRAM_API_BASE", "https://api.telegram.org"),
    )
    return TelegramConnector(settings)


def _build_whatsapp_cloud(env: Mapping[str, str]) -> Connector:
    return WhatsAppCloudConnector(WhatsAppCloudSettings(
        MetaSettings.from_env(env), env["WHATSAPP_PHONE_NUMBER_ID"], env["WHATSAPP_ACCESS_TOKEN"]
    ))


def _build_instagram(env: Mapping[str, str]) -> Connector:
    return InstagramConnector(InstagramSettings(
        MetaSettings.from_env(env), env["INSTAGRAM_ACCOUNT_ID"], env["INSTAGRAM_ACCESS_TOKEN"]
    ))


def _build_facebook(env: Mapping[str, str]) -> Connector:
    return FacebookConnector(FacebookSettings(
        MetaSettings.from_env(env), env["FACEBOOK_PAGE_ID"], env["FACEBOOK_PAGE_ACCESS_TOKEN"]
    ))


def _build_x(env: Mapping[str, str]) -> Connector:
    return XConnector(XSettings(
        consumer_key=env["X_CONSUMER_KEY"],
        consumer_secret=env["X_CONSUMER_SECRET"],
        access_token=env["X_ACCESS_TOKEN"],
        access_token_secret=env["X_ACCESS_TOKEN_SECRET"],
        user_id=env["X_USER_ID"],
        api_base=env.get("X_API_BASE", TWEEPY_HOST),
    ))


def _build_webchat(env: Mapping[str, str]) -> Connector:
    return WebchatConnector(WebchatSettings.from_env(env))


META_SHARED = ("META_APP_SECRET", "META_VERIFY_TOKEN")

# The one registry: webhook name -> connector class, the settings that enable it, its builder.
CONNECTORS: Mapping[str, ConnectorSpec] = {
    "twilio": ConnectorSpec(
        TwilioWhatsAppConnector, ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_FROM"), _build_twilio
    ),
    "telegram": ConnectorSpec(TelegramConnector, ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"), _build_telegram),
    "whatsapp": ConnectorSpec(
        WhatsAppCloudConnector, ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN", *META_SHARED), _build_whatsapp_cloud
    ),
    "instagram": ConnectorSpec(
        InstagramConnector, ("INSTAGRAM_ACCOUNT_ID", "INSTAGRAM_ACCESS_TOKEN", *META_SHARED), _build_instagram
    ),
    "facebook": ConnectorSpec(
        FacebookConnector, ("FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_ACCESS_TOKEN", *META_SHARED), _build_facebook
    ),
    "x": ConnectorSpec(
        XConnector,
        ("X_CONSUMER_KEY", "X_CONSUMER_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET", "X_USER_ID"),
        _build_x,
    ),
    # On by default: the app derives WEBCHAT_SECRET from its own secret key when it is unset.
    "webchat": ConnectorSpec(WebchatConnector, ("WEBCHAT_SECRET",), _build_webchat),
}


def build_connectors(
    settings: Mapping[str, str | None], registry: Mapping[str, ConnectorSpec] = CONNECTORS
) -> tuple[dict[str, Connector], dict[str, str]]:
    """Return (enabled connectors by name, reason each other connector is disabled)."""
    present = {key: value.strip() for key, value in settings.items() if value and value.strip()}
    enabled: dict[str, Connector] = {}
    disabled: dict[str, str] = {}
    for name, spec in registry.items():
        missing = [key for key in spec.required if key not in present]
        if missing:
            disabled[name] = f"disabled: {', '.join(missing)} not set"
            continue
        enabled[name] = spec.build(present)
    return enabled, disabled


def tightest_text_limit(connectors: Mapping[str, Connector]) -> int:
    """The longest text every given channel takes (every registered one when none is enabled)."""
    declared = [spec.connector.capabilities for spec in CONNECTORS.values()]
    capabilities = [c.capabilities for c in connectors.values()] or declared
    return min(cap.max_text_length for per_platform in capabilities for cap in per_platform.values())


def by_platform(connectors: Mapping[str, Connector]) -> dict[str, Connector]:
    """Platform value -> the enabled connector that serves it (one connector may serve several)."""
    return {platform: connector for connector in connectors.values() for platform in connector.platforms}


__all__ = ["CONNECTORS", "ConnectorSpec", "Connector", "build_connectors", "by_platform", "tightest_text_limit"]
