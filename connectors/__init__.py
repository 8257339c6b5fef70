"""The connector registry, and building the enabled connectors from environment-style settings.

Connectors never read `os.environ`: the caller hands in a mapping (see `inbox.settings`).
A platform whose credentials are missing is disabled with a reason; one whose settings are
present but malformed raises `ConfigError`, so a typo fails the start-up instead of a send.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from connectors.base import Connector
from connectors.telegram import TelegramConnector, TelegramSettings
from connectors.twilio_whatsapp import TwilioSettings, TwilioWhatsAppConnector

CONNECTOR_TYPES: Mapping[str, type[Connector]] = {
    "twilio": TwilioWhatsAppConnector,
    "telegram": TelegramConnector,
}


@dataclass(frozen=True)
class ConnectorSpec:
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


CONNECTOR_SPECS: Mapping[str, ConnectorSpec] = {
    "twilio": ConnectorSpec(
        ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_FROM"), _build_twilio
    ),
    "telegram": ConnectorSpec(("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"), _build_telegram),
}


def build_connectors(settings: Mapping[str, str | None]) -> tuple[dict[str, Connector], dict[str, str]]:
    """Return (enabled connectors by name, reason each other connector is disabled)."""
    present = {key: value.strip() for key, value in settings.items() if value and value.strip()}
    enabled: dict[str, Connector] = {}
    disabled: dict[str, str] = {}
    for name, spec in CONNECTOR_SPECS.items():
        missing = [key for key in spec.required if key not in present]
        if missing:
            disabled[name] = f"disabled: {', '.join(missing)} not set"
            continue
        enabled[name] = spec.build(present)
    return enabled, disabled


__all__ = ["CONNECTOR_TYPES", "CONNECTOR_SPECS", "Connector", "build_connectors"]
