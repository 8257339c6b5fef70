"""Brand voice packs: loading, validation (with file:line reasons) and rendering.

A pack is one YAML file per brand. Every template is a Jinja2 string rendered in a
sandbox; the placeholders a template may use are checked at load so a typo fails
when the shop owner loads the pack, not when a customer asks.
"""
from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from .catalog import compile_order_patterns
from .model import INTENTS

log = logging.getLogger(__name__)

DEFAULT_PACK = Path(__file__).parent / "packs" / "default.yaml"
LANGS = ("id", "en")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAYPARTS = ("pagi", "siang", "sore", "malam")

# Placeholders every template may use.
COMMON_VARS = frozenset({"honorific", "name", "shop_name", "hours", "next_open"})
# Cases each answered intent must provide, with the extra placeholders each case gets.
INTENT_CASES: dict[str, dict[str, frozenset[str]]] = {
    "greeting": {"default": frozenset()},
    "price": {"found": frozenset({"product", "variant", "price", "stock", "items"})},
    "stock": {
        "available": frozenset({"product", "variant", "price", "stock", "items"}),
        "sold_out": frozenset({"product", "variant", "price", "stock", "items", "others"}),
    },
    "shipping_cost": {
        "known": frozenset({"city", "cost", "courier", "rates", "free_shipping", "free_shipping_applies"}),
        "general": frozenset(),
    },
    "order_status": {"found": frozenset({"order_number", "status", "courier", "tracking_number", "total"}),
                     "total": frozenset({"order_number", "total"})},
    "payment": {"default": frozenset(), "cod": frozenset(), "no_cod": frozenset({"city"})},
    "return_refund": {"default": frozenset()},
    "warranty": {"default": frozenset()},
    "thanks": {"default": frozenset()},
    # Optional (a pack without them hands these over to an agent):
    "business_hours": {"default": frozenset({"open_now"})},
    "bargain": {"default": frozenset()},
    "size_chart": {"default": frozenset()},
    "payment_confirmation": {"default": frozenset()},
    "order_change": {"default": frozenset({"order_number"})},
}
# Optional cases: (intent, case). "cod" answers "bisa COD?" briefly instead of every payment method.
# "no_cod" answers "bisa COD ke <city>?" where `facts.cod_cities` leaves that city out.
OPTIONAL_CASES = frozenset({("payment", "cod"), ("payment", "no_cod"), ("order_status", "total")})
# (a shop whose goods carry no warranty, a bookshop, leaves `warranty` out: the question goes to a person)
OPTIONAL_INTENTS = frozenset({"business_hours", "bargain", "size_chart", "payment_confirmation", "order_change",
                              "warranty"})
OPTIONAL_MESSAGES = frozenset({"complaint_out_of_hours", "complaint_ack", "which_product", "salam_reply",
                               "rating_request", "restock_offer", "restock_confirmed"})
# Messages outside the intents, with their extra placeholders.
MESSAGES: dict[str, frozenset[str]] = {
    "out_of_hours": frozenset(),
    # Optional: asked once when an agent resolves a conversation (remove it to ask nothing).
    "rating_request": frozenset(),
    # Optional: a pack may acknowledge complaints outside business hours. The default pack
    # does not: a person answers complaints, and the bot keeps out of them entirely.
    "complaint_out_of_hours": frozenset(),
    "unknown_product": frozenset({"query"}),
    "unknown_order": frozenset({"order_number"}),
    # Optional: the greeting line answering "Assalamualaikum".
    "salam_reply": frozenset(),
    # Optional: asked when a price/stock question names no product (without it: handover).
    "which_product": frozenset(),
    "unknown_city": frozenset({"city"}),
    # Told once per handover (see ReplyEngine.handover_note); `wait_minutes` may be empty.
    "handover": frozenset({"wait_minutes"}),
    # Optional: a calm acknowledgement of a complaint in a private chat (no emoji are kept).
    "complaint_ack": frozenset({"wait_minutes"}),
    "public_reply": frozenset(),
    "public_complaint": frozenset(),
    # Optional, together with notifications.texts.restock: offered when what was asked is sold out
    # ("mau dikabari kalau restock?"), and the answer to a "ya". Without them no restock is promised.
    "restock_offer": frozenset({"items"}),
    "restock_confirmed": frozenset({"items"}),
}
ORDER_STATUS_KEYS = ("pending_payment", "paid", "packed", "shipped", "delivered", "cancelled")
CUSTOM_ACTIONS = ("auto_reply", "escalate", "ignore")

_EMOJI_RE = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\U0001F1E6-\U0001F1FF][\uFE0F\u200D]?"
)


class BrandPackError(ValueError):
    """An invalid pack; str() reads `file:line: reason`."""

    def __init__(self, file: str | Path, line: int | None, reason: str) -> None:
        self.file, self.line, self.reason = str(file), line, reason
        super().__init__(f"{file}:{line if line is not None else 1}: {reason}")


# -- YAML with line numbers --------------------------------------------------
class _LineStr(str):
    line: int


class _LineDict(dict):
    line: int


class _LineList(list):
    line: int


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: 10x faster
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LineDict:
    d = _LineDict(loader.construct_mapping(node, deep=True))
    d.line = node.start_mark.line + 1
    # Remember where each key sits too, for "missing/unknown key" reasons.
    d.key_lines = {  # type: ignore[attr-defined]
        loader.construct_object(k, deep=True): k.start_mark.line + 1 for k, _ in node.value
    }
    return d


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _LineList:
    lst = _LineList(loader.construct_sequence(node, deep=True))
    lst.line = node.start_mark.line + 1
    return lst


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> _LineStr:
    s = _LineStr(loader.construct_scalar(node))
    s.line = node.start_mark.line + 1
    return s


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def _line(obj: Any, default: int | None = None) -> int | None:
    return getattr(obj, "line", default)


# -- formatting helpers exposed to templates -----------------------------------
_ZONE_TWICE = re.compile(r"\b(WIB|WITA|WIT)\b\s*\(?\1\b\)?")


def rupiah(value: Any) -> str:
    """18000 -> 'Rp18.000' (Indonesian thousands separator, no decimals)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return str(value)
    sign = "-" if n < 0 else ""
    return f"{sign}Rp{abs(n):,}".replace(",", ".")


def join_list(items: Any, lang: str = "id") -> str:
    items = [str(i) for i in (items or [])]
    word = "dan" if lang == "id" else "and"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _sandbox() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters["rupiah"] = rupiah
    env.filters["join_id"] = lambda v: join_list(v, "id")
    env.filters["join_en"] = lambda v: join_list(v, "en")
    return env


# An order's total when asked, for packs without `order_status.total` (written before it existed).
_PLAIN_TOTAL = {lang: _sandbox().from_string(text) for lang, text in {
    "id": "Totalnya {{ total }}.", "en": "The total is {{ total }}."}.items()}
_PLAIN_NO_COD = {lang: _sandbox().from_string(text) for lang, text in {
    "id": "Mohon maaf {{ honorific }}, COD belum bisa ke {{ city }}.{% if cod_note %} {{ cod_note }}.{% endif %}",
    "en": "Sorry, cash on delivery isn't available in {{ city }}.{% if cod_note_en %} {{ cod_note_en }}.{% endif %}",
}.items()}


# -- the pack -----------------------------------------------------------------
@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    hours: tuple[tuple[time, time], ...] = ()  # a half day ("08:00-12:00"); none: closed all day


@dataclass(frozen=True)
class CustomIntent:
    name: str
    action: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...]
    templates: dict[str, tuple[Any, ...]]  # lang -> compiled templates (empty for escalate/ignore)


NOTIFY_STATUSES = ("paid", "packed", "shipped", "delivered", "cancelled")
NOTIFY_VARS = frozenset({"order_number", "courier", "tracking_number", "total", "status_text"})
# Besides the order statuses, "restock": a sold-out variant a customer asked to hear about is back.
RESTOCK = "restock"
RESTOCK_VARS = frozenset({"product", "variant", "price"})
NOTIFY_KINDS = (*NOTIFY_STATUSES, RESTOCK)


def notify_vars(kind: str) -> frozenset[str]:
    """The placeholders (and template variables) a notification of this kind may use."""
    return RESTOCK_VARS if kind == RESTOCK else NOTIFY_VARS
TEMPLATE_PROVIDERS = ("whatsapp_twilio", "whatsapp_cloud")


@dataclass(frozen=True)
class NotificationTemplate:
    """An approved WhatsApp template for a notification: the provider's id for it (a Twilio Content
    SID, a Cloud API template name), its language, and which order fields fill {{1}}, {{2}}..."""

    name: str
    language: str
    variables: tuple[str, ...]


@dataclass
class Notifications:
    """What customers are told, unasked, when their order moves on (pack key `notifications`)."""

    texts: dict[str, dict[str, tuple[Any, ...]]]  # status (or "restock") -> lang -> templates
    templates: dict[str, dict[str, NotificationTemplate]]  # provider -> status (or "restock") -> template
    quiet_start: time | None = None  # no notification between these local times
    quiet_end: time | None = None


@dataclass
class BrandPack:
    path: str
    shop_name: str
    timezone: ZoneInfo
    honorific: str
    mirror_honorifics: tuple[str, ...]
    emoji_level: int
    # weekday -> its opening ranges in order ("09:00-11:30, 13:30-21:00": a Friday prayer break) or closed
    business_hours: dict[int, tuple[tuple[time, time], ...] | None]
    holidays: tuple[Holiday, ...]
    facts: dict[str, Any]
    order_status_text: dict[str, dict[str, str]]
    greetings: dict[str, dict[str, Any]]  # lang -> daypart -> template
    closings: dict[str, tuple[Any, ...]]
    messages: dict[str, dict[str, tuple[Any, ...]]]  # name -> lang -> templates
    intents: dict[str, dict[str, dict[str, tuple[Any, ...]]]]  # intent -> case -> lang -> templates
    custom_intents: dict[str, CustomIntent] = field(default_factory=dict)
    # Compiled order-number regexes (catalog.DEFAULT_ORDER_PATTERNS unless the pack lists its own).
    order_patterns: tuple[re.Pattern[str], ...] = field(default_factory=tuple)
    notifications: Notifications | None = None

    # -- time -------------------------------------------------------------
    def local(self, now: datetime) -> datetime:
        if now.tzinfo is None:
            raise ValueError("Turn.now must be timezone-aware")
        return now.astimezone(self.timezone)

    @staticmethod
    def daypart(local: datetime) -> str:
        h = local.hour
        if 4 <= h < 11:
            return "pagi"
        if 11 <= h < 15:
            return "siang"
        if 15 <= h < 18:
            return "sore"
        return "malam"

    def holiday(self, local: datetime) -> Holiday | None:
        return next((h for h in self.holidays if h.day == local.date()), None)

    def is_open(self, now: datetime) -> bool:
        local = self.local(now)
        holiday = self.holiday(local)
        spans = holiday.hours if holiday else self.business_hours.get(local.weekday()) or ()
        return any(opening <= local.time() < closing for opening, closing in spans)

    def hours_text(self, lang: str) -> str:
        """'Senin-Jumat 08.00-21.00, Sabtu 09.00-17.00' built from business_hours."""
        names = {
            "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
            "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        }[lang]
        groups: list[tuple[int, int, tuple[tuple[time, time], ...] | None]] = []
        for d in range(7):
            span = self.business_hours.get(d)
            if groups and groups[-1][2] == span:
                groups[-1] = (groups[-1][0], d, span)
            else:
                groups.append((d, d, span))
        parts = []
        sep = "." if lang == "id" else ":"
        for first, last, spans in groups:
            if not spans:
                continue
            days = names[first] if first == last else f"{names[first]}-{names[last]}"
            ranges = " & ".join(f"{a.strftime('%H' + sep + '%M')}-{b.strftime('%H' + sep + '%M')}" for a, b in spans)
            parts.append(f"{days} {ranges}")
        tz = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}.get(str(self.timezone), "")
        return ", ".join(parts) + (f" {tz}" if tz else "")

    def next_open(self, now: datetime, lang: str) -> str:
        """A short 'besok pukul 08.00' / 'Senin pukul 09.00' for out-of-hours notes."""
        local = self.local(now)
        for offset in range(0, 15):
            day = local.date().toordinal() + offset
            d = date.fromordinal(day)
            holiday = next((h for h in self.holidays if h.day == d), None)
            spans = holiday.hours if holiday else self.business_hours.get(d.weekday()) or ()
            # today: the next range still to open (after a Friday prayer break, "hari ini pukul 13.30")
            opening = next((a for a, _ in spans if offset or local.time() < a), None)
            if opening is None:
                continue
            hhmm = opening.strftime("%H.%M" if lang == "id" else "%H:%M")
            if offset == 0:
                return f"hari ini pukul {hhmm}" if lang == "id" else f"today at {hhmm}"
            if offset == 1:
                return f"besok pukul {hhmm}" if lang == "id" else f"tomorrow at {hhmm}"
            names = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu") if lang == "id" else (
                "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
            return f"hari {names[d.weekday()]} pukul {hhmm}" if lang == "id" else f"on {names[d.weekday()]} at {hhmm}"
        return ""

    # -- rendering -----------------------------------------------------------
    def base_context(self, lang: str, honorific: str, name: str | None, now: datetime) -> dict[str, Any]:
        ctx = dict(self.facts)
        ctx.update(honorific=honorific, name=name or "", shop_name=self.shop_name,
                   hours=self.hours_text(lang), next_open=self.next_open(now, lang))
        return ctx

    @staticmethod
    def pick(templates: tuple[Any, ...], seed: str) -> Any:
        # Deterministic variety: the same message gets the same variant (reproducible tests).
        return templates[zlib.crc32(seed.encode("utf-8")) % len(templates)]

    def notification_text(self, status: str, order: Mapping[str, Any], lang: str, now: datetime) -> str | None:
        """The unasked message for an order that reached `status` (or, for "restock", a product that
        is back: `order` then holds product, variant, price); None where the pack has none."""
        if self.notifications is None or status not in self.notifications.texts:
            return None
        texts = self.notifications.texts[status]
        chosen = texts.get(lang) or texts["id"]
        values = {**self.base_context(lang, self.honorific, None, now), **order,
                  "status_text": self.order_status_text.get(status, {}).get(lang, status)}
        seed = str(order.get("order_number") or order.get("product"))
        return self.apply_emoji_level(self.render(self.pick(chosen, seed), values), None)

    @property
    def offers_restock_notices(self) -> bool:
        """The pack can offer, confirm and send a restock notice: only then is one promised."""
        return (
            {"restock_offer", "restock_confirmed"} <= set(self.messages)
            and self.notifications is not None and RESTOCK in self.notifications.texts
        )

    def render(self, template: Any, ctx: Mapping[str, Any]) -> str:
        # `hours` ends with its time zone; a pack that writes the zone after it too says it once
        return _ZONE_TWICE.sub(r"\1", template.render(**ctx).strip())

    def intent_templates(self, intent: str, case: str, lang: str) -> tuple[Any, ...]:
        by_lang = self.intents[intent][case]
        return by_lang.get(lang) or by_lang["id"]

    def order_total_templates(self, lang: str) -> tuple[Any, ...]:
        """What an order comes to, when asked: the pack's `order_status.total`, or a plain sentence."""
        if "total" in self.intents["order_status"]:
            return self.intent_templates("order_status", "total", lang)
        return (_PLAIN_TOTAL.get(lang) or _PLAIN_TOTAL["id"],)

    def no_cod_templates(self, lang: str) -> tuple[Any, ...]:
        """COD asked for a city it doesn't reach: the pack's `payment.no_cod`, or a plain sentence."""
        if "no_cod" in self.intents["payment"]:
            return self.intent_templates("payment", "no_cod", lang)
        return (_PLAIN_NO_COD.get(lang) or _PLAIN_NO_COD["id"],)

    def message_templates(self, name: str, lang: str) -> tuple[Any, ...]:
        by_lang = self.messages[name]
        return by_lang.get(lang) or by_lang["id"]

    def apply_emoji_level(self, text: str, level: int | None = None) -> str:
        level = self.emoji_level if level is None else level
        if level >= 2:
            return text
        found = list(_EMOJI_RE.finditer(text))
        keep = found[-1] if level == 1 and found else None  # one emoji, at the end, reads friendliest
        out, pos = [], 0
        for m in found:
            out.append(text[pos : m.start()])
            pos = m.end()
            if m is keep:
                out.append(m.group())
                continue
            # An emoji often ends a sentence: keep the sentence break when it goes.
            before, after = "".join(out).rstrip(), text[pos:].lstrip(" \t")
            if before and before[-1].isalnum() and after[:1].isupper():
                out.append(".")
        out.append(text[pos:])
        text = "".join(out)
        text = re.sub(r"[ \t]+([!?.,])", r"\1", text)
        text = re.sub(r"[ \t]+\n", "\n", text)
        return re.sub(r"[ \t]{2,}", " ", text).strip()


# -- loading and validation -----------------------------------------------------
class _Validator:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = _sandbox()

    def fail(self, where: Any, reason: str) -> BrandPackError:
        return BrandPackError(self.path, _line(where, 1), reason)

    def mapping(self, parent: Any, key: str, required: bool = True) -> dict:
        if key not in parent:
            if required:
                raise self.fail(parent, f"missing key '{key}'")
            return _LineDict()
        value = parent[key]
        if not isinstance(value, dict):
            raise self.fail(parent.key_lines.get(key) and _Pos(parent.key_lines[key]) or parent,
                            f"'{key}' must be a mapping")
        return value

    def key_pos(self, parent: Any, key: str) -> Any:
        lines = getattr(parent, "key_lines", {})
        return _Pos(lines[key]) if key in lines else parent

    def template(self, source: Any, allowed: frozenset[str], where: str, parent: Any) -> Any:
        if not isinstance(source, str) or not source.strip():
            raise self.fail(source if _line(source) else parent, f"{where}: template must be a non-empty string")
        try:
            ast = self.env.parse(source)
        except TemplateSyntaxError as exc:
            line = (_line(source, 1) or 1) + max(exc.lineno - 1, 0)
            raise BrandPackError(self.path, line, f"{where}: template syntax error: {exc.message}") from None
        unknown = sorted(meta.find_undeclared_variables(ast) - allowed)
        if unknown:
            raise self.fail(source, f"{where}: unknown placeholder '{unknown[0]}' "
                                    f"(allowed: {', '.join(sorted(allowed))})")
        return self.env.from_string(source)

    def variants(self, node: Any, allowed: frozenset[str], where: str, parent: Any) -> tuple[Any, ...]:
        if isinstance(node, str):
            node = _one(node)
        if not isinstance(node, list) or not node:
            raise self.fail(node if _line(node) else parent, f"{where}: needs at least one variant")
        return tuple(self.template(s, allowed, where, node) for s in node)

    def by_lang(self, node: Any, allowed: frozenset[str], where: str, parent: Any) -> dict[str, tuple[Any, ...]]:
        if not isinstance(node, dict):
            raise self.fail(node if _line(node) else parent, f"{where}: expected 'id' (and 'en') variants")
        unknown = [k for k in node if k not in LANGS]
        if unknown:
            raise self.fail(self.key_pos(node, unknown[0]), f"{where}: unknown language '{unknown[0]}' (use id, en)")
        if "id" not in node:
            raise self.fail(node, f"{where}: missing 'id' variants")
        return {lang: self.variants(node[lang], allowed, f"{where}.{lang}", node) for lang in LANGS if lang in node}


class _Pos:
    def __init__(self, line: int) -> None:
        self.line = line


def _one(s: str) -> _LineList:
    lst = _LineList([s])
    lst.line = _line(s, 1)  # type: ignore[assignment]
    return lst


def _opening_ranges(span: Any, val: _Validator, where: str, at: Any) -> tuple[tuple[time, time], ...]:
    """"08:00-21:00" or ranges in order, "09:00-11:30, 13:30-21:00" (a break between)."""
    ranges: list[tuple[time, time]] = []
    for one in str(span).split(","):
        parts = one.strip().split("-")
        if len(parts) != 2:
            raise val.fail(at, f"{where}: expected 'HH:MM-HH:MM', ranges like '09:00-11:30, 13:30-21:00', or 'closed'")
        opening, closing = (_parse_hhmm(_keep_line(p, span), val, where) for p in parts)
        if closing <= opening:
            raise val.fail(span, f"{where}: closing time must be after opening time")
        if ranges and opening < ranges[-1][1]:
            raise val.fail(span, f"{where}: each range must start after the one before closes")
        ranges.append((opening, closing))
    return tuple(ranges)


def _parse_hhmm(v: Any, val: _Validator, where: str) -> time:
    m = re.fullmatch(r"(\d{1,2})[:.](\d{2})", str(v).strip())
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
        raise val.fail(v, f"{where}: bad time '{v}' (use HH:MM)")
    h, mnt = int(m.group(1)), int(m.group(2))
    return time(23, 59, 59) if h == 24 else time(h, mnt)


def _notifications(val: Any, data: Mapping[str, Any], base_vars: frozenset[str]) -> Notifications | None:
    node = data.get("notifications")
    if node is None:
        return None
    if not isinstance(node, dict):
        raise val.fail(val.key_pos(data, "notifications"), "notifications: expected texts, templates, quiet_hours")
    for key in node:
        if key not in ("texts", "templates", "quiet_hours"):
            raise val.fail(val.key_pos(node, key), f"notifications: unknown key '{key}'")
    texts_node = node.get("texts") or {}
    texts: dict[str, dict[str, tuple[Any, ...]]] = {}
    for status in texts_node:
        if status not in NOTIFY_KINDS:
            raise val.fail(val.key_pos(texts_node, status),
                           f"notifications.texts: unknown status '{status}' (use {', '.join(NOTIFY_KINDS)})")
        texts[status] = val.by_lang(texts_node[status], base_vars | notify_vars(status),
                                    f"notifications.texts.{status}", texts_node)
    templates: dict[str, dict[str, NotificationTemplate]] = {}
    templates_node = node.get("templates") or {}
    for provider, by_status in templates_node.items():
        if provider not in TEMPLATE_PROVIDERS or not isinstance(by_status, dict):
            raise val.fail(val.key_pos(templates_node, provider),
                           f"notifications.templates: expected {' or '.join(TEMPLATE_PROVIDERS)} -> status -> template")
        templates[provider] = {}
        for status, spec in by_status.items():
            variables = spec.get("variables", []) if isinstance(spec, dict) else None
            if status not in NOTIFY_KINDS or not isinstance(spec, dict) or not spec.get("name") or not (
                isinstance(variables, list) and set(map(str, variables)) <= notify_vars(status)
            ):
                raise val.fail(val.key_pos(by_status, status),
                               f"notifications.templates.{provider}.{status}: expected name, language and "
                               f"variables from {', '.join(sorted(notify_vars(str(status))))}")
            templates[provider][status] = NotificationTemplate(
                str(spec["name"]), str(spec.get("language") or "id"), tuple(map(str, variables)))
    quiet_start = quiet_end = None
    if node.get("quiet_hours"):
        match = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", str(node["quiet_hours"]).strip())
        if not match or int(match[1]) > 23 or int(match[3]) > 23:
            raise val.fail(val.key_pos(node, "quiet_hours"), "notifications.quiet_hours: use HH:MM-HH:MM, e.g. 21:00-08:00")
        quiet_start, quiet_end = time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))
    return Notifications(texts, templates, quiet_start, quiet_end)


def load_brand_pack(path: str | Path) -> BrandPack:
    """Load and validate a brand voice pack; raises BrandPackError('file:line: reason')."""
    path = Path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BrandPackError(path, None, f"cannot read pack: {exc.strerror or exc}") from None
    try:
        data = yaml.load(raw_text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise BrandPackError(path, line, f"bad YAML: {problem}") from None
    val = _Validator(path)
    if not isinstance(data, dict):
        raise BrandPackError(path, 1, "the pack must be a YAML mapping")

    known_top = {"shop_name", "timezone", "honorific", "mirror_honorifics", "emoji_level", "business_hours",
                 "holidays", "facts", "order_status_text", "greeting", "closing", "messages", "intents",
                 "custom_intents", "order_number_patterns", "notifications"}
    for key in data:
        if key not in known_top:
            raise val.fail(val.key_pos(data, key), f"unknown key '{key}'")

    shop_name = str(data.get("shop_name") or "Toko")
    tz_name = str(data.get("timezone") or "Asia/Jakarta")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise val.fail(data.get("timezone"), f"unknown timezone '{tz_name}'") from None
    honorific = str(data.get("honorific") or "kak")
    mirror = tuple(str(h).lower() for h in (data.get("mirror_honorifics") or ()))
    emoji_level = data.get("emoji_level", 1)
    if emoji_level not in (0, 1, 2):
        raise val.fail(val.key_pos(data, "emoji_level"), "emoji_level must be 0 (none), 1 (one per reply) or 2 (as written)")

    # Business hours: weekday -> "08:00-21:00", ranges in order "09:00-11:30, 13:30-21:00", or "closed".
    hours_node = val.mapping(data, "business_hours")
    hours: dict[int, tuple[tuple[time, time], ...] | None] = {}
    for key, span in hours_node.items():
        if key not in WEEKDAYS:
            raise val.fail(val.key_pos(hours_node, key), f"business_hours: unknown day '{key}' (use {', '.join(WEEKDAYS)})")
        if span is None or str(span).strip().lower() in ("closed", "tutup", "libur"):
            hours[WEEKDAYS.index(key)] = None
            continue
        hours[WEEKDAYS.index(key)] = _opening_ranges(span, val, f"business_hours.{key}",
                                                     span if _line(span) else val.key_pos(hours_node, key))

    holidays: list[Holiday] = []
    for item in data.get("holidays") or ():
        if not isinstance(item, dict) or "date" not in item:
            raise val.fail(item if _line(item) else data.get("holidays"), "holidays: each entry needs 'date' and 'name'")
        d = item["date"]
        if isinstance(d, str):
            try:
                d = date.fromisoformat(d)
            except ValueError:
                raise val.fail(item, f"holidays: bad date '{item['date']}' (use YYYY-MM-DD)") from None
        if not isinstance(d, date):
            raise val.fail(item, "holidays: bad date (use YYYY-MM-DD)")
        half_day = item.get("hours")
        spans = _opening_ranges(half_day, val, "holidays.hours", item) if half_day else ()
        holidays.append(Holiday(d, str(item.get("name") or ""), spans))

    facts_node = val.mapping(data, "facts")
    facts = {str(k): _plain(v) for k, v in facts_node.items()}
    # (`free_shipping_min` is left out by a shop that has no free shipping, `warranty_policy` by one
    # that gives no warranty, with the templates that use them)
    for required in ("couriers", "shipping_rates", "payment_methods", "return_policy"):
        if required not in facts:
            raise val.fail(facts_node, f"facts: missing '{required}'")
    rates = facts["shipping_rates"]
    if not isinstance(rates, dict):
        raise val.fail(val.key_pos(facts_node, "shipping_rates"), "facts.shipping_rates must map city -> {courier: cost}")
    for city, by_courier in rates.items():
        if not isinstance(by_courier, dict) or not all(isinstance(c, int) and c >= 0 for c in by_courier.values()):
            raise val.fail(val.key_pos(facts_node["shipping_rates"], city),
                           f"facts.shipping_rates.{city}: expected courier: cost in rupiah (whole number)")
    facts["shipping_rates"] = {str(c).lower(): {str(k): int(v) for k, v in r.items()} for c, r in rates.items()}
    fact_vars = frozenset(facts)
    base_vars = COMMON_VARS | fact_vars

    status_node = val.mapping(data, "order_status_text")
    status_text: dict[str, dict[str, str]] = {}
    for st in ORDER_STATUS_KEYS:
        if st not in status_node:
            raise val.fail(status_node, f"order_status_text: missing '{st}'")
        node = status_node[st]
        if not isinstance(node, dict) or "id" not in node:
            raise val.fail(val.key_pos(status_node, st), f"order_status_text.{st}: expected id/en texts")
        status_text[st] = {lang: str(node.get(lang) or node["id"]) for lang in LANGS}

    greet_node = val.mapping(data, "greeting")
    greetings: dict[str, dict[str, Any]] = {}
    for lang in LANGS:
        if lang not in greet_node:
            if lang == "id":
                raise val.fail(greet_node, "greeting: missing 'id'")
            continue
        parts_node = greet_node[lang]
        if not isinstance(parts_node, dict):
            raise val.fail(val.key_pos(greet_node, lang), f"greeting.{lang}: expected pagi/siang/sore/malam")
        greetings[lang] = {}
        for part in DAYPARTS:
            if part not in parts_node:
                raise val.fail(parts_node, f"greeting.{lang}: missing '{part}'")
            greetings[lang][part] = val.template(parts_node[part], base_vars, f"greeting.{lang}.{part}", parts_node)
    greetings.setdefault("en", greetings["id"])

    closings = val.by_lang(data.get("closing"), base_vars, "closing", data)

    msg_node = val.mapping(data, "messages")
    messages: dict[str, dict[str, tuple[Any, ...]]] = {}
    for key in msg_node:
        if key not in MESSAGES:
            raise val.fail(val.key_pos(msg_node, key), f"messages: unknown message '{key}'")
    for name, extra in MESSAGES.items():
        if name not in msg_node:
            if name in OPTIONAL_MESSAGES:
                continue
            raise val.fail(msg_node, f"messages: missing '{name}'")
        messages[name] = val.by_lang(msg_node[name], base_vars | extra, f"messages.{name}", msg_node)

    intents_node = val.mapping(data, "intents")
    intents: dict[str, dict[str, dict[str, tuple[Any, ...]]]] = {}
    for key in intents_node:
        if key not in INTENT_CASES:
            hint = " (escalated/ignored intents have no reply)" if key in INTENTS else " (add it under custom_intents)"
            raise val.fail(val.key_pos(intents_node, key), f"intents: unknown intent '{key}'{hint}")
    for intent, cases in INTENT_CASES.items():
        if intent not in intents_node:
            if intent in OPTIONAL_INTENTS:
                continue
            raise val.fail(intents_node, f"intents: missing variants for intent '{intent}'")
        node = intents_node[intent]
        if not isinstance(node, dict):
            raise val.fail(val.key_pos(intents_node, intent), f"intents.{intent}: expected cases {', '.join(cases)}")
        # A single-case intent may give id/en directly instead of default: {id, en}.
        if "default" in cases and "default" not in node and set(node) <= set(LANGS):
            node = {"default": node}
        for key in node:
            if key not in cases:
                raise val.fail(val.key_pos(node, key), f"intents.{intent}: unknown case '{key}' (expected {', '.join(cases)})")
        intents[intent] = {}
        for case, extra in cases.items():
            if case not in node:
                if (intent, case) in OPTIONAL_CASES:
                    continue
                raise val.fail(node if _line(node) else intents_node, f"intents.{intent}: missing case '{case}'")
            intents[intent][case] = val.by_lang(node[case], base_vars | extra, f"intents.{intent}.{case}", node)

    custom: dict[str, CustomIntent] = {}
    custom_node = val.mapping(data, "custom_intents", required=False)
    for name, node in custom_node.items():
        where = f"custom_intents.{name}"
        if name in INTENTS or not re.fullmatch(r"[a-z][a-z0-9_]*", str(name)):
            raise val.fail(val.key_pos(custom_node, name), f"{where}: name must be new, lower_snake_case")
        if not isinstance(node, dict):
            raise val.fail(val.key_pos(custom_node, name), f"{where}: expected a mapping")
        action = str(node.get("action") or "auto_reply")
        if action not in CUSTOM_ACTIONS:
            raise val.fail(node, f"{where}: action must be one of {', '.join(CUSTOM_ACTIONS)}")
        examples = tuple(str(x) for x in (node.get("examples") or ()))
        keywords = tuple(str(x).lower() for x in (node.get("keywords") or ()))
        if len(examples) < 3:
            raise val.fail(node, f"{where}: give at least 3 example messages")
        templates: dict[str, tuple[Any, ...]] = {}
        if action == "auto_reply":
            if "replies" not in node:
                raise val.fail(node, f"{where}: missing 'replies' (id/en variants)")
            templates = val.by_lang(node["replies"], base_vars, f"{where}.replies", node)
        custom[str(name)] = CustomIntent(str(name), action, examples, keywords, templates)

    order_patterns = compile_order_patterns()
    if data.get("order_number_patterns") is not None:
        node = data["order_number_patterns"]
        if not isinstance(node, list) or not node:
            raise val.fail(val.key_pos(data, "order_number_patterns"),
                           "order_number_patterns: expected a list of regular expressions")
        compiled = []
        for item in node:
            try:
                compiled.append(re.compile(str(item), re.IGNORECASE))
            except re.error as exc:
                raise val.fail(item if _line(item) else node, f"order_number_patterns: bad regular expression "
                                                               f"{str(item)!r}: {exc}") from None
        order_patterns = tuple(compiled)

    notifications = _notifications(val, data, base_vars)
    pack = BrandPack(
        path=str(path), shop_name=shop_name, timezone=tz, honorific=honorific, mirror_honorifics=mirror,
        emoji_level=emoji_level, business_hours=hours, holidays=tuple(holidays), facts=facts,
        order_status_text=status_text, greetings=greetings, closings=closings, messages=messages,
        intents=intents, custom_intents=custom, order_patterns=order_patterns, notifications=notifications,
    )
    log.info("loaded brand pack %s (%d custom intents)", path.name, len(custom))
    return pack


def _keep_line(s: str, like: Any) -> _LineStr:
    out = _LineStr(s)
    out.line = _line(like, 1)  # type: ignore[assignment]
    return out


def _plain(v: Any) -> Any:
    """Strip the line-tracking subclasses so facts are ordinary Python values."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, str):
        return str(v)
    return v
