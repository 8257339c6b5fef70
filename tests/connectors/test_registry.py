from __future__ import annotations

import subprocess
import sys

import pytest

from connectors import CONNECTORS, build_connectors
from connectors.config import check_api_base
from connectors.telegram import TelegramConnector, TelegramSettings
from connectors.twilio_whatsapp import TwilioSettings, TwilioWhatsAppConnector
from inbox.errors import ConfigError

FULL = {
    "TWILIO_ACCOUNT_SID": "AC3f2b8e1c4d5a6b7c8d9e0f1a2b3c4d5e",
    "TWILIO_AUTH_TOKEN": "f1e2d3c4b5a6978812345678abcdef01",
    "TWILIO_WHATSAPP_FROM": "+14155238886",
    "TWILIO_API_BASE": "http://127.0.0.1:8975",
    "TWILIO_STATUS_CALLBACK_URL": "https://toko.example.id/webhooks/twilio/status",
    "TELEGRAM_BOT_TOKEN": "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    "TELEGRAM_WEBHOOK_SECRET": "webhook-secret_0123456789",
    "TELEGRAM_API_BASE": "http://127.0.0.1:8975/",
    "META_APP_SECRET": "app-secret",
    "META_VERIFY_TOKEN": "verify-token",
    "GRAPH_API_BASE": "http://127.0.0.1:8975",
    "GRAPH_API_VERSION": "v22.0",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "WHATSAPP_ACCESS_TOKEN": "wa-token",
    "INSTAGRAM_ACCOUNT_ID": "17841400000000001",
    "INSTAGRAM_ACCESS_TOKEN": "ig-token",
    "FACEBOOK_PAGE_ID": "104000000000001",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "page-token",
    "X_CONSUMER_KEY": "ck",
    "X_CONSUMER_SECRET": "cs",
    "X_ACCESS_TOKEN": "at",
    "X_ACCESS_TOKEN_SECRET": "ats",
    "X_USER_ID": "1500000000000000001",
    "X_API_BASE": "http://127.0.0.1:8975",
    "WEBCHAT_SECRET": "webchat-secret-0123456789",
}
SOCIAL_OFF = {
    "whatsapp": "disabled: WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN, META_APP_SECRET, META_VERIFY_TOKEN not set",
    "instagram": "disabled: INSTAGRAM_ACCOUNT_ID, INSTAGRAM_ACCESS_TOKEN, META_APP_SECRET, META_VERIFY_TOKEN not set",
    "facebook": "disabled: FACEBOOK_PAGE_ID, FACEBOOK_PAGE_ACCESS_TOKEN, META_APP_SECRET, META_VERIFY_TOKEN not set",
    "x": "disabled: X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET, X_USER_ID not set",
    "webchat": "disabled: WEBCHAT_SECRET not set",
}


def test_registry_names_match_the_connectors() -> None:
    assert {name: spec.connector.name for name, spec in CONNECTORS.items()} == {
        "twilio": "twilio", "telegram": "telegram", "whatsapp": "whatsapp", "instagram": "instagram",
        "facebook": "facebook", "x": "x", "webchat": "webchat",
    }


def test_all_settings_enable_both_connectors() -> None:
    enabled, disabled = build_connectors(FULL)
    assert disabled == {}
    twilio, telegram = enabled["twilio"], enabled["telegram"]
    assert isinstance(twilio, TwilioWhatsAppConnector) and isinstance(telegram, TelegramConnector)
    assert twilio.settings == TwilioSettings(
        account_sid=FULL["TWILIO_ACCOUNT_SID"],
        auth_token=FULL["TWILIO_AUTH_TOKEN"],
        whatsapp_from="+14155238886",
        api_base="http://127.0.0.1:8975",
        status_callback_url="https://toko.example.id/webhooks/twilio/status",
    )
    assert telegram.settings == TelegramSettings(
        bot_token=FULL["TELEGRAM_BOT_TOKEN"], webhook_secret=FULL["TELEGRAM_WEBHOOK_SECRET"], api_base="http://127.0.0.1:8975"
    )


def test_defaults_point_at_the_real_platforms() -> None:
    settings = {k: v for k, v in FULL.items() if not k.endswith(("_API_BASE", "_CALLBACK_URL", "_API_VERSION"))}
    enabled, _ = build_connectors(settings)
    for name in ("whatsapp", "instagram", "facebook"):
        meta = enabled[name].settings  # type: ignore[attr-defined]
        assert (meta.graph_base, meta.graph_version) == ("https://graph.facebook.com", "v23.0")
    assert enabled["x"].settings.api_base == "https://api.twitter.com"  # type: ignore[attr-defined]
    assert enabled["twilio"].settings.api_base == "https://api.twilio.com"  # type: ignore[attr-defined]
    assert enabled["twilio"].settings.status_callback_url is None  # type: ignore[attr-defined]
    assert enabled["telegram"].settings.api_base == "https://api.telegram.org"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("unset", "disabled"),
    [
        (
            ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"],
            {"telegram": "disabled: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET not set"},
        ),
        (["TWILIO_AUTH_TOKEN"], {"twilio": "disabled: TWILIO_AUTH_TOKEN not set"}),
        (
            [key for key in FULL],
            {
                "twilio": "disabled: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM not set",
                "telegram": "disabled: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET not set",
                **SOCIAL_OFF,
            },
        ),
        (
            ["META_APP_SECRET"],
            {name: "disabled: META_APP_SECRET not set" for name in ("whatsapp", "instagram", "facebook")},
        ),
    ],
    ids=["no-telegram", "no-twilio-token", "nothing", "no-meta-secret"],
)
@pytest.mark.parametrize("how", ["missing", "none", "blank"])
def test_missing_credentials_disable_with_a_reason(unset: list[str], disabled: dict[str, str], how: str) -> None:
    if how == "missing":
        settings: dict[str, str | None] = {k: v for k, v in FULL.items() if k not in unset}
    else:
        settings = {k: (None if how == "none" else "  ") if k in unset else v for k, v in FULL.items()}
    enabled, reasons = build_connectors(settings)
    assert reasons == disabled
    assert set(enabled) == set(CONNECTORS) - set(disabled)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("TWILIO_API_BASE", "https://api.twilio.com/2010-04-01", "scheme, host and port only"),
        ("TELEGRAM_API_BASE", "http://127.0.0.1:8975/bot", "scheme, host and port only"),
        ("TELEGRAM_API_BASE", "https://api.telegram.org?x=1", "scheme, host and port only"),
        ("TWILIO_API_BASE", "api.twilio.com", "http"),
        ("TWILIO_API_BASE", "ftp://api.twilio.com", "http"),
        ("TWILIO_API_BASE", "http://127.0.0.1:port", "port"),
        ("TWILIO_WHATSAPP_FROM", "whatsapp:08123456789", "E.164"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces and !", "TELEGRAM_WEBHOOK_SECRET"),
        ("GRAPH_API_BASE", "https://graph.facebook.com/v22.0", "scheme, host and port only"),
        ("GRAPH_API_VERSION", "22", "GRAPH_API_VERSION"),
        ("FACEBOOK_PAGE_ID", "my page", "FACEBOOK_PAGE_ID"),
        ("X_USER_ID", "@tokodemo", "X_USER_ID"),
        ("X_API_BASE", "https://api.x.com/2", "scheme, host and port only"),
    ],
)
def test_malformed_settings_are_config_errors(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_connectors({**FULL, key: value})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.twilio.com", "https://api.twilio.com"),
        ("https://api.twilio.com/", "https://api.twilio.com"),
        ("http://127.0.0.1:8975", "http://127.0.0.1:8975"),
        ("http://localhost:8975/", "http://localhost:8975"),
    ],
)
def test_api_base_accepts_origins(url: str, expected: str) -> None:
    assert check_api_base(url, "X_API_BASE") == expected


def test_timeouts_must_be_positive() -> None:
    with pytest.raises(ConfigError):
        TelegramSettings("1:a", "secret", timeout=0)
    with pytest.raises(ConfigError):
        TwilioSettings("AC1", "token", "+14155238886", timeout=-1)


def test_connectors_import_only_the_domain_types_of_the_inbox() -> None:
    """Connectors depend on the pure domain (types, errors), never on storage, queues or the web."""
    code = (
        "import sys, connectors; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('inbox', 'flask', 'sqlalchemy', 'rq', 'replies')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "['inbox', 'inbox.domain', 'inbox.errors']"
