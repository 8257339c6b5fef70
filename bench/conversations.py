"""Score the replies engine on a conversation set (format: replies/data/conversations/FORMAT.md).

    .venv/bin/python bench/conversations.py replies/data/conversations/heldout-1 [--details]

Prints handover accuracy (conversations whose every handover decision was right), answered-correct
(answerable turns answered with every expected fact, nothing excluded and no wrong fact) and wrong
facts (replies stating a rupiah amount that is not in the shop's data, or an excluded text).

It drives `ReplyEngine.decide` turn by turn as the pipeline does: quick messages of a turn are one
burst, what the engine remembers (`Decision.memory`, where the engine has it) goes into the next
turn, and once the bot hands over it stays quiet for the rest of the conversation.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from replies import Action, ReplyEngine, Turn  # noqa: E402
from replies.shopdata import InMemoryShopData  # noqa: E402
from replies.voice import DEFAULT_PACK, load_brand_pack  # noqa: E402

# Rupiah as replies write them: Rp89.000 (Indonesian), Rp89,000 (English), Rp89000.
RUPIAH = re.compile(r"Rp\s?(\d{1,3}(?:[.,]\d{3})+|\d+)")
AMOUNT_TEXT = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
DEFAULT_START = "2026-11-23T10:00+07:00"  # a Monday, inside most shops' hours


@dataclass
class Shop:
    engine: ReplyEngine
    amounts: set[int]  # every rupiah amount a reply may state


@dataclass
class Score:
    conversations: int = 0
    handover_right: int = 0
    answerable: int = 0
    answered_correct: int = 0
    replies: int = 0
    wrong_facts: int = 0
    failures: list[str] = field(default_factory=list)


def numbers_in(value: Any) -> Iterator[int]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, str):  # a fact written out: "COD ... (maks. Rp1.000.000)"
        for amount in RUPIAH.findall(value):
            yield int(re.sub(r"\D", "", amount))
    elif isinstance(value, dict):
        for item in value.values():
            yield from numbers_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from numbers_in(item)


def load_shop(folder: Path) -> Shop:
    pack = load_brand_pack(folder / "pack.yaml" if (folder / "pack.yaml").exists() else DEFAULT_PACK)
    products = folder / "products.csv"
    orders = folder / "orders.csv"
    shop = InMemoryShopData.from_csv(products if products.exists() else None, orders if orders.exists() else None)
    amounts = {p.price for p in shop.products()}
    if orders.exists():
        with orders.open(encoding="utf-8-sig") as stream:
            for row in csv.DictReader(stream):
                digits = re.sub(r"\D", "", row.get("total") or "")
                if digits:
                    amounts.add(int(digits))
    facts = getattr(pack, "facts", {}) or {}
    pack_numbers = set(numbers_in(facts))
    rates = set(numbers_in(facts.get("shipping_rates", {})))
    amounts |= pack_numbers | {rate * kg for rate in rates for kg in range(1, 31)}
    if (folder / "pack.yaml").exists():
        # An amount the shop writes in its own replies ("bungkus kado tambah Rp5.000") is its data too.
        amounts |= set(written_amounts(yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))))
    return Shop(ReplyEngine(pack, shop), amounts)


def written_amounts(value: Any) -> Iterator[int]:
    """Rupiah amounts written out in the pack's texts (not its other numbers: hours, levels)."""
    if isinstance(value, str):
        yield from numbers_in(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from written_amounts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from written_amounts(item)


def make_turn(text: str, now: datetime, conversation: dict[str, Any], memory: Any) -> Turn:
    values: dict[str, Any] = {"text": text, "now": now, "customer_phone": conversation.get("phone"),
                              "is_public_comment": bool(conversation.get("public_comment"))}
    if "memory" in {f.name for f in dataclasses.fields(Turn)}:  # engines before memory existed have none
        values["memory"] = memory
    return Turn(**values)


def score(folder: Path, details: bool = False) -> Score:
    shops = {path.name: load_shop(path) for path in sorted((folder / "shops").iterdir()) if path.is_dir()}
    result = Score()
    for conversation in yaml.safe_load((folder / "conversations.yaml").read_text(encoding="utf-8")):
        shop = shops[conversation["shop"]]
        now = datetime.fromisoformat(str(conversation.get("at") or DEFAULT_START))
        memory: Any = None
        silent = False  # handed over: the bot says nothing more in this conversation
        all_right = True
        result.conversations += 1
        for index, turn in enumerate(conversation["turns"]):
            expect = turn.get("expect") or {}
            if index:
                now += timedelta(minutes=float(turn.get("minutes_later", 1)))
            said = turn["say"] if isinstance(turn["say"], list) else [turn["say"]]
            label = f"{conversation['id']}#{index + 1}"
            if silent:
                decision = None
                handed, reply = True, ""
            else:
                decision = shop.engine.decide(make_turn("\n".join(map(str, said)), now, conversation, memory))
                memory = getattr(decision, "memory", None) or memory
                handed = decision.action is Action.ESCALATE
                reply = "\n".join(filter(None, [decision.reply, decision.public_reply]))
                silent = handed
            wants_handover = bool(expect.get("handover"))
            spam = bool(expect.get("spam"))
            if handed != wants_handover or (spam and (reply or (decision and decision.action is not Action.IGNORE))):
                all_right = False
                result.failures.append(f"{label} handover: expected {wants_handover}, got {handed} "
                                       f"({decision.intent if decision else 'silent'}) for {said!r}")
            wrong = wrong_facts(reply, shop.amounts, expect.get("exclude") or [])
            if reply:
                result.replies += 1
            if wrong:
                result.wrong_facts += 1
                result.failures.append(f"{label} wrong fact {wrong} in {reply!r}")
            if wants_handover or spam:
                continue
            result.answerable += 1
            missing = [fact for fact in expect.get("include") or [] if not mentions(reply, str(fact))]
            if decision is not None and decision.action is Action.AUTO_REPLY and reply and not missing and not wrong:
                result.answered_correct += 1
            else:
                result.failures.append(f"{label} not answered right (missing {missing}) for {said!r}: {reply!r}")
        result.handover_right += all_right
    if details:
        print("\n".join(result.failures))
    return result


def wrong_facts(reply: str, amounts: set[int], exclude: list[Any]) -> list[str]:
    wrong = [f"Rp{m}" for m in RUPIAH.findall(reply) if int(re.sub(r"\D", "", m)) not in amounts]
    wrong += [f"excluded {text!r}" for text in exclude if mentions(reply, str(text))]
    return wrong


def mentions(reply: str, fact: str) -> bool:
    """The reply states the fact: case aside, an amount as a whole number (95.000 is not in
    Rp195.000), a time with either separator (08:00 or 08.00)."""
    reply, fact = _times(reply.lower()), _times(fact.lower())
    if AMOUNT_TEXT.fullmatch(fact):
        return re.search(rf"(?<![\d.,]){re.escape(fact)}(?![\d])", reply) is not None
    return fact in reply


def _times(text: str) -> str:
    return re.sub(r"\b(\d{1,2})[:.](\d{2})\b(?![.,]\d)", r"\1.\2", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--details", action="store_true", help="print every failure")
    args = parser.parse_args(argv)
    for folder in args.sets:
        s = score(folder, args.details)
        print(f"{folder}: {s.conversations} conversations, {s.answerable} answerable turns, {s.replies} replies")
        print(f"  handover right   {s.handover_right / max(1, s.conversations):6.1%}  (goal >= 95%)")
        print(f"  answered-correct {s.answered_correct / max(1, s.answerable):6.1%}  (goal >= 85%)")
        print(f"  wrong facts      {s.wrong_facts:6d}  (goal 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
