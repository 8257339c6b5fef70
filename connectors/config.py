"""Checks shared by the connectors' settings: fail at start-up, not on the first send."""
from __future__ import annotations

from urllib.parse import urlsplit

from inbox.errors import ConfigError


def check_api_base(url: str, setting: str) -> str:
    """Return `url` as `scheme://host[:port]`; the client libraries add the paths themselves.

    A path would silently double up with the library's own (`/2010-04-01/...`, `/bot<token>`),
    so it is rejected rather than guessed around. One trailing slash is tolerated.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{setting} must be an http(s) URL like https://api.example.com, got {url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError(
            f"{setting} must be scheme, host and port only (the client adds the path), got {url!r}"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise ConfigError(f"{setting} has an invalid port: {url!r}") from exc
    return f"{parts.scheme}://{parts.netloc}"


def check_positive(value: float, setting: str) -> float:
    if value <= 0:
        raise ConfigError(f"{setting} must be positive, got {value!r}")
    return value
