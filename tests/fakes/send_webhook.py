"""Post a signed webhook to a running inbox, as Twilio or Telegram would (demos, smoke checks).

    python -m tests.fakes.send_webhook twilio "brp ongkir ke medan kak" [--url http://127.0.0.1:5000]
    python -m tests.fakes.send_webhook telegram "barang saya datang rusak" [--chat 1001]

Credentials come from the same environment variables the app reads (TWILIO_AUTH_TOKEN,
TELEGRAM_WEBHOOK_SECRET). The same --sid or --update-id posted twice shows the dedupe.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.fakes.signing import twilio_signature


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("platform", choices=["twilio", "telegram"])
    parser.add_argument("text")
    parser.add_argument("--url", default=os.environ.get("PUBLIC_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")
    parser.add_argument("--phone", default="+6281234567890", help="the WhatsApp customer's number")
    parser.add_argument("--chat", type=int, default=1001, help="the Telegram chat id")
    parser.add_argument("--sid", default=None, help="Twilio MessageSid (default: a new one)")
    parser.add_argument("--update-id", type=int, default=None, help="Telegram update_id (default: a new one)")
    args = parser.parse_args(argv)
    stamp = int(time.time() * 1000)

    if args.platform == "twilio":
        url = f"{args.url.rstrip('/')}/webhooks/twilio"
        form = {
            "MessageSid": args.sid or f"SM{stamp:032x}",
            "AccountSid": os.environ.get("TWILIO_ACCOUNT_SID", ""),
            "From": f"whatsapp:{args.phone}",
            "To": os.environ.get("TWILIO_WHATSAPP_FROM", "whatsapp:+14155238886"),
            "Body": args.text,
            "NumMedia": "0",
            "ProfileName": "Demo Customer",
            "WaId": args.phone.lstrip("+"),
            "SmsStatus": "received",
            "MessageType": "text",
        }
        signature = twilio_signature(os.environ.get("TWILIO_AUTH_TOKEN", ""), url, form)
        status, body = post(
            url,
            urllib.parse.urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
        )
    else:
        url = f"{args.url.rstrip('/')}/webhooks/telegram"
        update_id = args.update_id or stamp % 2_000_000_000
        update = {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "from": {"id": args.chat, "is_bot": False, "first_name": "Demo"},
                "chat": {"id": args.chat, "type": "private", "first_name": "Demo"},
                "date": int(time.time()),
                "text": args.text,
            },
        }
        status, body = post(
            url,
            json.dumps(update).encode(),
            {
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": os.environ.get("TELEGRAM_WEBHOOK_SECRET", ""),
            },
        )
    print(f"{status} {body.strip()[:200]}")
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
