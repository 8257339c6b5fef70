"""The fake platform API lives with the sandbox (inbox.sandbox.platform_api); tests import it here."""
from inbox.sandbox.platform_api import *  # noqa: F403
from inbox.sandbox.platform_api import FakePlatformAPI, RecordedCall, main, twilio_sid  # noqa: F401

if __name__ == "__main__":
    main()
