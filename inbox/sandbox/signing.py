"""Sign fake webhooks the way the platforms do, for tests and demos."""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Mapping

from twilio.request_validator import RequestValidator


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The `X-Twilio-Signature` Twilio would send for a form POST of `params` to `url`."""
    return str(RequestValidator(auth_token).compute_signature(url, params))


def meta_signature(app_secret: str, body: bytes) -> str:
    """`X-Hub-Signature-256` as Meta sends it with every webhook POST."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def x_signature(consumer_secret: str, body: bytes) -> str:
    """`x-twitter-webhooks-signature` as X's Account Activity API sends it."""
    return "sha256=" + base64.b64encode(hmac.new(consumer_secret.encode(), body, hashlib.sha256).digest()).decode()
