"""Command line for shop owners.

    python -m replies classify < messages.txt       one JSON object per input line
    python -m replies try "brp ongkir ke medan kak" [--pack FILE] [--at ISO] [--catalogue CSV] [--orders CSV]
                                                 [--memory JSON]   (a previous turn's "-- memory=" line)
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from .engine import ReplyEngine
from .model import Turn
from .shopdata import InMemoryShopData
from .voice import DEFAULT_PACK, BrandPackError, load_brand_pack


def _engine(args: argparse.Namespace) -> ReplyEngine:
    pack = load_brand_pack(args.pack or DEFAULT_PACK)
    shop = None
    if getattr(args, "catalogue", None) or getattr(args, "orders", None):
        shop = InMemoryShopData.from_csv(args.catalogue, args.orders)
    return ReplyEngine(pack, shop, threshold=args.threshold)


def _when(value: str | None, engine: ReplyEngine) -> datetime:
    if not value:
        return datetime.now(engine.pack.timezone)
    at = datetime.fromisoformat(value)
    # A time without an offset is read in the shop's timezone.
    return at if at.tzinfo else at.replace(tzinfo=engine.pack.timezone)


def cmd_classify(args: argparse.Namespace) -> int:
    engine = _engine(args)
    out = sys.stdout
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        intent, conf = engine.classify(text)
        action = engine.action_for(intent, conf)
        out.write(json.dumps({"text": text, "intent": intent, "confidence": round(conf, 4),
                              "action": action.value}, ensure_ascii=False) + "\n")
    return 0


def cmd_try(args: argparse.Namespace) -> int:
    engine = _engine(args)
    text = "\n".join(args.text).replace("\\n", "\n")
    memory = json.loads(args.memory) if args.memory else None
    if memory is not None and not isinstance(memory, dict):
        raise ValueError("--memory must be a JSON object")
    turn = Turn(text=text, now=_when(args.at, engine), customer_name=args.name, customer_phone=args.phone,
                is_public_comment=args.public, memory=memory)
    d = engine.decide(turn)
    if d.reply:
        print(d.reply)
    else:
        print("(no reply)")
    if d.public_reply:
        print(f"\n[public] {d.public_reply}")
    print(f"\n-- intent={d.intent} intents={','.join(d.intents)} confidence={d.confidence:.2f} "
          f"action={d.action.value} language={d.language} flags={','.join(sorted(d.flags)) or '-'}\n-- {d.reason}"
          f"\n-- memory={json.dumps(d.memory, ensure_ascii=False, sort_keys=True)}",
          file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m replies", description="Try the reply engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--pack", help="brand voice pack YAML (default: the shipped default pack)")
    common.add_argument("--threshold", type=float, default=None, help="confidence below which we escalate")
    p = sub.add_parser("classify", parents=[common], help="classify one message per stdin line, print JSON lines")
    p.set_defaults(func=cmd_classify)
    p = sub.add_parser("try", parents=[common], help="print the reply the bot would send")
    p.add_argument("text", nargs="+", help="the customer's message (several args = several quick messages)")
    p.add_argument("--at", help='time of the message, e.g. "2026-11-23T10:00+07:00" (default: now)')
    p.add_argument("--catalogue", help="products CSV: sku,name,variant,price,stock")
    p.add_argument("--orders", help="orders CSV: number,status,courier,tracking_number,customer_phone,total")
    p.add_argument("--phone", help="customer phone (E.164) for order look-ups")
    p.add_argument("--name", help="customer name")
    p.add_argument("--public", action="store_true", help="treat it as a public comment")
    p.add_argument("--memory", help="what earlier turns established, as JSON (the '-- memory=' line of a previous try)")
    p.set_defaults(func=cmd_try)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrandPackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
