"""Post a signed webhook to a running inbox, as Twilio or Telegram would (demos, smoke checks).

    python -m tests.fakes.send_webhook twilio "brp ongkir ke medan kak" [--url http://127.0.0.1:5000]
    python -m tests.fakes.send_webhook telegram "barang saya datang rusak" [--chat 1001]
    python -m tests.fakes.send_webhook whatsapp "ready size L kak?"          (WhatsApp Cloud API)
    python -m tests.fakes.send_webhook instagram "brp kak?" --comment        (a comment; without: a DM)
    python -m tests.fakes.send_webhook facebook "cod bisa?" [--comment]
    python -m tests.fakes.send_webhook x "@toko ongkir ke medan?" --comment  (a mention; without: a DM)

Credentials come from the same environment variables the app reads (TWILIO_AUTH_TOKEN,
TELEGRAM_WEBHOOK_SECRET, META_APP_SECRET and the account ids, X_CONSUMER_SECRET and X_USER_ID). The same --sid or --update-id posted twice shows the dedupe.
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

from tests.fakes.signing import meta_signature, twilio_signature, x_signature


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("platform", choices=["twilio", "telegram", "whatsapp", "instagram", "facebook", "x"])
    parser.add_argument("text")
    parser.add_argument("--url", default=os.environ.get("PUBLIC_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")
    parser.add_argument("--phone", default="+6281234567890", help="the WhatsApp customer's number")
    parser.add_argument("--chat", type=int, default=1001, help="the Telegram chat id")
    parser.add_argument("--sid", default=None, help="Twilio MessageSid (default: a new one)")
    parser.add_argument("--update-id", type=int, default=None, help="Telegram update_id (default: a new one)")
    parser.add_argument("--comment", action="store_true", help="Instagram, Facebook, X: a public comment or mention")
    parser.add_argument("--user", default="1100000000000001", help="the social customer's id")
    args = parser.parse_args(argv)
    stamp = int(time.time() * 1000)
    if args.platform in SOCIAL:
        url = f"{args.url.rstrip('/')}/webhooks/{args.platform}"
        payload = SOCIAL[args.platform](args, stamp)
        body = json.dumps(payload).encode()
        if args.platform == "x":
            headers = {"x-twitter-webhooks-signature": x_signature(os.environ.get("X_CONSUMER_SECRET", ""), body)}
        else:
            headers = {"X-Hub-Signature-256": meta_signature(os.environ.get("META_APP_SECRET", ""), body)}
        status, answer = post(url, body, {"Content-Type": "application/json", **headers})
        print(f"{status} {answer.strip()[:200]}")
        return 0 if 200 <= status < 300 else 1

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


def _whatsapp(args: argparse.Namespace, stamp: int) -> dict:
    number_id = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
    phone = args.phone.lstrip("+")
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": number_id},
             "contacts": [{"profile": {"name": "Demo Customer"}, "wa_id": phone}],
             "messages": [{"from": phone, "id": f"wamid.DEMO{stamp}", "timestamp": str(stamp // 1000),
                           "type": "text", "text": {"body": args.text}}]}
    return {"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{"field": "messages", "value": value}]}]}


def _meta_social(kind: str, account_setting: str):  # noqa: ANN202 - a builder per platform
    def build(args: argparse.Namespace, stamp: int) -> dict:
        account = os.environ.get(account_setting, "")
        if not args.comment:
            item = {"sender": {"id": args.user}, "recipient": {"id": account}, "timestamp": stamp,
                    "message": {"mid": f"m_demo{stamp}", "text": args.text}}
            return {"object": kind, "entry": [{"id": account, "time": stamp, "messaging": [item]}]}
        if kind == "instagram":
            value = {"id": str(stamp), "text": args.text, "from": {"id": args.user, "username": "demo.customer"},
                     "media": {"id": "18000000000000001"}}
            change = {"field": "comments", "value": value}
        else:
            post_id = f"{account}_500000000000001"
            change = {"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": f"500000000000001_{stamp}",
                                                 "post_id": post_id, "parent_id": post_id, "message": args.text,
                                                 "from": {"id": args.user, "name": "Demo Customer"},
                                                 "created_time": stamp // 1000}}
        return {"object": kind, "entry": [{"id": account, "time": stamp, "changes": [change]}]}

    return build


def _x(args: argparse.Namespace, stamp: int) -> dict:
    shop = os.environ.get("X_USER_ID", "")
    if args.comment:
        tweet = {"id_str": str(stamp), "text": args.text, "timestamp_ms": str(stamp),
                 "user": {"id_str": args.user, "name": "Demo Customer", "screen_name": "demo"}}
        return {"for_user_id": shop, "tweet_create_events": [tweet]}
    event = {"type": "message_create", "id": str(stamp), "created_timestamp": str(stamp),
             "message_create": {"sender_id": args.user, "target": {"recipient_id": shop},
                                "message_data": {"text": args.text}}}
    return {"for_user_id": shop, "direct_message_events": [event]}


SOCIAL = {
    "whatsapp": _whatsapp,
    "instagram": _meta_social("instagram", "INSTAGRAM_ACCOUNT_ID"),
    "facebook": _meta_social("page", "FACEBOOK_PAGE_ID"),
    "x": _x,
}


if __name__ == "__main__":
    sys.exit(main())
