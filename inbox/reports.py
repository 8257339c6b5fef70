"""The owners' numbers: how fast customers are answered, by whom, on which channel, and when the
shop is busiest. Computed from stored messages (no Flask here).

Per conversation, from its first customer message in the period:
- first response: the first answer sent (bot or person);
- first human response: the first answer an agent sent (a bot's out-of-hours or handover note is
  not one);
- never answered: nothing was ever sent back;
- answered by the bot alone: answered, and no agent wrote in it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Iterable

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from inbox.domain import Direction, SenderType
from inbox.models import Agent, Message, Rating

WEEKDAYS_ID = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")


@dataclass
class Figures:
    conversations: int = 0
    bot_only: int = 0
    never_answered: int = 0
    first_response: list[float] = field(default_factory=list)  # seconds
    first_human: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @property
    def bot_only_share(self) -> float | None:
        return self.bot_only / self.conversations if self.conversations else None

    @staticmethod
    def median(values: list[float]) -> float | None:
        ordered = sorted(values)
        return ordered[len(ordered) // 2] if ordered else None

    @staticmethod
    def p90(values: list[float]) -> float | None:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))] if ordered else None

    @property
    def rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None


@dataclass
class Report:
    days: list[str]  # ISO dates, oldest first
    channels: list[str]
    by_day_channel: dict[tuple[str, str], Figures]
    by_day: dict[str, Figures]
    by_agent: dict[str, Figures]
    total: Figures
    busiest: list[list[int]]  # [weekday][hour] customer messages, shop time


def build_report(session: Session, now: datetime, days: int, tz: tzinfo = timezone(timedelta(hours=7))) -> Report:
    since = now - timedelta(days=days)
    agent_sent = case((Message.sender_type == SenderType.AGENT.value, Message.sent_at))
    per_conversation = session.execute(
        select(
            Message.conversation_id,
            Message.platform,
            func.min(case((Message.direction == Direction.INBOUND.value, Message.created_at))),
            func.min(case((Message.direction == Direction.OUTBOUND.value, Message.sent_at))),
            func.min(agent_sent),
            func.max(Message.agent_id),
        )
        .where(Message.created_at >= since)
        .group_by(Message.conversation_id, Message.platform)
    ).all()
    ratings = dict(session.execute(
        select(Rating.conversation_id, func.avg(Rating.score)).where(Rating.created_at >= since)
        .group_by(Rating.conversation_id)).all())
    agent_names = dict(session.execute(select(Agent.id, Agent.name)).all())

    day_list = [(now.astimezone(tz) - timedelta(days=n)).date().isoformat() for n in range(days - 1, -1, -1)]
    by_day_channel: dict[tuple[str, str], Figures] = defaultdict(Figures)
    by_day: dict[str, Figures] = defaultdict(Figures)
    by_agent: dict[str, Figures] = defaultdict(Figures)
    total = Figures()
    channels: set[str] = set()
    for conversation_id, platform, first_in, first_out, first_agent, agent_id in per_conversation:
        if first_in is None:
            continue  # only our messages in the period (a notification): no customer waited
        day = _aware(first_in).astimezone(tz).date().isoformat()
        channels.add(platform)
        targets: Iterable[Figures] = (by_day_channel[(day, platform)], by_day[day], total)
        if agent_id is not None:
            targets = (*targets, by_agent[agent_names.get(agent_id, f"#{agent_id}")])
        for figures in targets:
            figures.conversations += 1
            if first_out is None:
                figures.never_answered += 1
            else:
                wait = (_aware(first_out) - _aware(first_in)).total_seconds()
                if wait >= 0:  # an earlier message of ours (a notification) answers nothing
                    figures.first_response.append(wait)
                if first_agent is None:
                    figures.bot_only += 1
            if first_agent is not None:
                figures.first_human.append(max(0.0, (_aware(first_agent) - _aware(first_in)).total_seconds()))
            if conversation_id in ratings:
                figures.ratings.append(round(float(ratings[conversation_id])))
    busiest = [[0] * 24 for _ in range(7)]
    for (created,) in session.execute(
        select(Message.created_at).where(Message.direction == Direction.INBOUND.value, Message.created_at >= since)
    ):
        local = _aware(created).astimezone(tz)
        busiest[local.weekday()][local.hour] += 1
    return Report(day_list, sorted(channels), dict(by_day_channel), dict(by_day), dict(by_agent), total, busiest)


def csv_rows(report: Report) -> Iterable[list[str]]:
    yield ["date", "channel", "conversations", "bot_only_share", "never_answered", "first_response_median_s",
           "first_response_p90_s", "first_human_median_s", "first_human_p90_s", "rating_avg"]
    for day in report.days:
        for channel in report.channels:
            figures = report.by_day_channel.get((day, channel))
            if figures is None:
                continue
            yield [day, channel, str(figures.conversations), _fmt(figures.bot_only_share), str(figures.never_answered),
                   _fmt(Figures.median(figures.first_response)), _fmt(Figures.p90(figures.first_response)),
                   _fmt(Figures.median(figures.first_human)), _fmt(Figures.p90(figures.first_human)),
                   _fmt(figures.rating)]


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
