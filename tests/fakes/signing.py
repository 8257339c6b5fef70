"""Signing lives with the sandbox (inbox.sandbox.signing); tests import it here."""
from inbox.sandbox.signing import meta_signature, twilio_signature, x_signature  # noqa: F401
