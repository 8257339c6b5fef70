"""Value types exchanged with the pipeline: what comes in (Turn) and what we decided (Decision)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Mapping

# The built-in intents, in a fixed order (benchmarks and reports list them this way).
INTENTS: tuple[str, ...] = (
    "greeting",
    "price",
    "stock",
    "shipping_cost",
    "order_status",
    "payment",
    "return_refund",
    "warranty",
    "complaint",
    "human",
    "thanks",
    "abuse",
    "spam",
    "other",
)

# Finer intents the engine derives from the classifier's intent and clear cue phrases (the
# classifier and its labelled data keep the fourteen above): intent -> the built-in it refines.
REFINED_INTENTS: dict[str, str] = {
    "payment_confirmation": "payment",  # "sudah transfer ya kak, tolong dicek": thank, agents check
    "order_change": "other",  # "batalin pesanan INV-0100": cancel or change an order, agents do it
    "refund_status": "return_refund",  # "dana refund saya kok belum balik": a refund complaint
    "business_hours": "other",  # "buka sampe jam brp?": answered from the pack's business_hours
    "bargain": "price",  # "bisa kurang kak?", "nego": the pack's polite answer, or an agent
    "size_chart": "other",  # "size chart ada?": the pack's size chart, or an agent
    "return_request": "return_refund",  # "mau tukar INV-0148 ke XL ya": a return to process, agents do it
    "new_order": "other",  # "1 arabika 250gr, alamat jl. sudirman no 12 binjai": agents write the order up
    "product_detail": "other",  # "berat brp gram?", "asli gak?", "kapan restock?": not in the shop's data
    "wholesale": "price",  # "harga reseller?", "grosir 50 pcs": a price the shop sets per buyer, agents answer
    "delivery_time": "shipping_cost",  # "berapa hari nyampe ke bali?": the courier's estimate, agents answer
    "tax_invoice": "other",  # "bisa minta faktur pajak atas nama PT?": a document the shop's staff issue
}

# Intents that always go to a person, whatever the confidence.
ESCALATE_INTENTS = frozenset({"complaint", "human", "abuse", "other", "payment_confirmation", "order_change",
                              "refund_status", "return_request", "new_order", "product_detail", "wholesale",
                              "delivery_time", "tax_invoice"})
IGNORE_INTENTS = frozenset({"spam"})

FLAGS = frozenset(
    {"abuse", "spam", "priority", "low_confidence", "unknown_product", "unknown_order", "out_of_hours",
     "payment_confirmation", "order_change"}
)


class Action(str, Enum):
    AUTO_REPLY = "auto_reply"
    ESCALATE = "escalate"
    IGNORE = "ignore"


@dataclass(frozen=True)
class Turn:
    text: str  # the customer's text (a debounced burst: lines joined with "\n")
    now: datetime  # timezone-aware
    customer_name: str | None = None
    customer_phone: str | None = None  # E.164 like "+6281234567890", for order look-ups
    is_public_comment: bool = False
    # What earlier turns of this conversation established (a previous Decision.memory):
    # city, product, variant, order_number, language, greeted_on, greeted_daypart.
    memory: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Decision:
    intent: str  # primary intent
    intents: tuple[str, ...]  # every point detected, primary first
    confidence: float  # 0..1
    action: Action
    language: str  # "id" or "en"
    reply: str | None  # private text to send; None = send nothing
    public_reply: str | None  # short public answer under a public comment
    flags: frozenset[str] = field(default_factory=frozenset)
    reason: str = ""  # short English explanation for agents and logs
    # The order the message is about (e.g. the one to cancel), when it names one.
    order_number: str | None = None
    # Entities to remember for the next turn of this conversation (pass back as Turn.memory):
    # small and JSON-serialisable.
    memory: dict[str, Any] = field(default_factory=dict)
    # SKUs the customer asked to hear about when back in stock (their "ya" to the bot's offer).
    restock_skus: tuple[str, ...] = ()
