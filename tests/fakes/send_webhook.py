"""Post a signed webhook to a running inbox, as the platform would (demos, smoke checks).

    python -m tests.fakes.send_webhook twilio "brp ongkir ke medan kak" [--url http://127.0.0.1:5000]
    python -m tests.fakes.send_webhook telegram "barang saya datang rusak"
    python -m tests.fakes.send_webhook whatsapp "ready size L kak?"          (WhatsApp Cloud API)
    python -m tests.fakes.send_webhook instagram "brp kak?" --comment        (a comment; without: a DM)
    python -m tests.fakes.send_webhook facebook "cod bisa?" [--comment]
    python -m tests.fakes.send_webhook x "@toko ongkir ke medan?" --comment  (a mention; without: a DM)

It signs with the credentials the app reads from the environment (TWILIO_AUTH_TOKEN, META_APP_SECRET,
...), and for a channel with none set, with the sandbox's (what `make run` uses on embedded defaults).
`--customer N` writes as another sandbox customer; the same `--stamp` posted twice shows the dedupe.
"""
from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request

from inbox.sandbox.credentials import with_sandbox_channels
from inbox.sandbox.customers import BUILDERS, webhook
from inbox.settings import PLATFORM_KEYS


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("platform", choices=sorted(BUILDERS))
    parser.add_argument("text")
    parser.add_argument("--url", default=os.environ.get("PUBLIC_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")
    parser.add_argument("--customer", type=int, default=1, help="which sandbox customer writes (1, 2, ...)")
    parser.add_argument("--comment", action="store_true", help="Instagram, Facebook, X: a public comment or mention")
    parser.add_argument("--stamp", type=int, default=None, help="the message's id stamp (default: now)")
    args = parser.parse_args(argv)
    env, _ = with_sandbox_channels({key: os.environ.get(key) for key in PLATFORM_KEYS}, "http://127.0.0.1:8975")
    base = args.url.rstrip("/")
    request = webhook(args.platform, args.text, args.customer, env, base, comment=args.comment, stamp=args.stamp)
    status, body = post(base + request.path, request.body, request.headers)
    print(f"{status} {body.strip()[:200]}")
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
