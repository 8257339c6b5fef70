"""Settings from the environment."""
from __future__ import annotations

import pytest

from inbox.errors import ConfigError
from inbox.settings import load_settings, local_secret_key


def test_generated_secret_key_is_shared_by_processes(tmp_path):
    path = tmp_path / "instance" / "secret_key"
    first = local_secret_key(path)
    assert len(first) == 64 and local_secret_key(path) == first
    assert path.stat().st_mode & 0o777 == 0o600


def test_secret_key_from_the_environment_wins():
    assert load_settings({"SECRET_KEY": "from-env"}).secret_key == "from-env"


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"PUBLIC_URL": "https://inbox.toko.id/"}, "https://inbox.toko.id/webhooks/twilio/status"),
        ({"PUBLIC_URL": "https://inbox.toko.id", "TWILIO_STATUS_CALLBACK_URL": "https://x.example/cb"}, "https://x.example/cb"),
        ({}, None),
    ],
)
def test_twilio_status_callback_defaults_to_our_own_webhook(env, expected):
    assert load_settings({"SECRET_KEY": "k", **env}).platform_env["TWILIO_STATUS_CALLBACK_URL"] == expected


@pytest.mark.parametrize(
    "env, message",
    [({"INBOX_REPLY_DEBOUNCE": "soon"}, "INBOX_REPLY_DEBOUNCE"), ({"INBOX_SEND_BACKOFF": "2,x"}, "INBOX_SEND_BACKOFF"),
     ({"INBOX_SWEEP_GRACE": "-1"}, "negative")],
)
def test_malformed_settings_fail_at_start_with_the_name(env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({"SECRET_KEY": "k", **env})


def test_postgres_urls_use_psycopg3():
    assert load_settings({"SECRET_KEY": "k", "DATABASE_URL": "postgresql://u@h/db"}).database_url == "postgresql+psycopg://u@h/db"
