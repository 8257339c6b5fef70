"""Value types exchanged with the pipeline: what comes in (Turn) and what we decided (Decision)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

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

# Intents that always go to a person, whatever the confidence.
ESCALATE_INTENTS = frozenset({"complaint", "human", "abuse", "other"})
IGNORE_INTENTS = frozenset({"spam"})

FLAGS = frozenset(
    {"abuse", "spam", "priority", "low_confidence", "unknown_product", "unknown_order", "out_of_hours"}
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
