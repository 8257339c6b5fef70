"""The owners' numbers: how fast customers are answered, by whom, on which channel, and when the
shop is busiest. Computed from stored messages (no Flask here).

Per customer need ("episode", `inbox.episodes`: from the customer's first message after the
conversation was new, resolved or quiet for a day), counted on the day it started:
- first response: the first answer sent after it (bot or person);
- first human response: the first answer an agent sent (a bot's out-of-hours or handover note is
  not one);
- never answered: nothing was sent back;
- answered by the bot alone: answered, and no agent wrote;
- resolution: from its first message to its resolution; the rating the customer gave it.

The episodes are written as messages come, so the page reads one row per need in the period,
aggregated in SQL, however many messages there are (`bench/reports.py`).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Agent

WEEKDAYS_ID = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")


@dataclass
class Figures:
    conversations: int = 0
    bot_only: int = 0
    never_answered: int = 0
    first_response: list[float] = field(default_factory=list)  # seconds
    first_human: list[float] = field(default_factory=list)
    resolution: list[float] = field(default_factory=list)
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
    offset = (now.astimezone(tz).utcoffset() or timedelta()).total_seconds()
    day_list = [(now.astimezone(tz) - timedelta(days=n)).date().isoformat() for n in range(days - 1, -1, -1)]
    agent_names = dict(session.execute(select(Agent.id, Agent.name)).all())

    # One narrow row per customer need, read from one index (`ix_episodes_report`), sorted into
    # shop days and channels here: that costs less than grouping them in SQL once per figure
    # (measured: bench/reports.py).
    rows = _driver_rows(session, REPORT_ROWS, since.timestamp())
    cells: dict[tuple[int, str], list[Any]] = defaultdict(list)
    per_agent: dict[int, list[Any]] = defaultdict(list)
    hours: Counter[int] = Counter()
    for row in rows:
        hour = int((row[0] + offset) // 3600)  # shop time zones are whole hours off UTC in Indonesia
        hours[hour] += 1
        cells[(hour // 24, row[1])].append(row)
        if row[2] is not None:
            per_agent[row[2]].append(row)
    busiest = [[0] * 24 for _ in range(7)]
    for hour, count in hours.items():
        busiest[(hour // 24 + 3) % 7][hour % 24] += count  # 1 January 1970 was a Thursday
    by_day_channel = {(_day_name(day), platform): _figures(cell) for (day, platform), cell in cells.items()}
    by_agent = {agent_names.get(agent_id, f"#{agent_id}"): _figures(cell) for agent_id, cell in per_agent.items()}

    by_day: dict[str, Figures] = defaultdict(Figures)
    total = Figures()
    for (day, _), figures in by_day_channel.items():
        _add(by_day[day], figures)
        _add(total, figures)
    for figures in (total, *by_day.values()):
        for values in (figures.first_response, figures.first_human, figures.resolution):
            values.sort()  # once: the page asks each list for its median and p90 (sorted() of sorted is linear)
    channels = sorted({platform for _, platform in by_day_channel})
    return Report(day_list, channels, dict(by_day_channel), dict(by_day), dict(by_agent), total, busiest)


# What the report reads of each episode (the columns of `ix_episodes_report`, in its order).
REPORT_ROWS = ("SELECT started_epoch, platform, agent_id, rating, response_seconds, human_seconds, resolution_seconds"
               " FROM episodes WHERE started_epoch >= {}")


def _driver_rows(session: Session, sql: str, since: float) -> list[tuple[Any, ...]]:
    """The rows as the database driver hands them over: at 200,000 rows SQLAlchemy's result rows
    cost more than the query (bench/reports.py); these are plain numbers and names."""
    connection = session.connection()
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql.format(placeholder), (since,))
        return cursor.fetchall()
    finally:
        cursor.close()


def _figures(rows: list[Any]) -> Figures:
    """The figures of some report rows (started, platform, agent, rating, response, human, resolution)."""
    responses = sorted(r[4] for r in rows if r[4] is not None)
    humans = sorted(r[5] for r in rows if r[5] is not None)
    return Figures(
        conversations=len(rows),
        bot_only=sum(1 for r in rows if r[4] is not None and r[5] is None),
        never_answered=len(rows) - len(responses),
        first_response=responses,
        first_human=humans,
        resolution=sorted(r[6] for r in rows if r[6] is not None),
        ratings=[r[3] for r in rows if r[3] is not None],
    )


@lru_cache(maxsize=4096)
def _day_name(day_number: int) -> str:
    return datetime.fromtimestamp(day_number * 86400, timezone.utc).date().isoformat()


def _add(into: Figures, figures: Figures) -> None:
    into.conversations += figures.conversations
    into.never_answered += figures.never_answered
    into.bot_only += figures.bot_only
    into.first_response.extend(figures.first_response)
    into.first_human.extend(figures.first_human)
    into.resolution.extend(figures.resolution)
    into.ratings.extend(figures.ratings)


def csv_rows(report: Report) -> Iterable[list[str]]:
    yield ["date", "channel", "conversations", "bot_only_share", "never_answered", "first_response_median_s",
           "first_response_p90_s", "first_human_median_s", "first_human_p90_s", "resolution_median_s", "resolution_p90_s", "rating_avg"]
    for day in report.days:
        for channel in report.channels:
            figures = report.by_day_channel.get((day, channel))
            if figures is None:
                continue
            yield [day, channel, str(figures.conversations), _fmt(figures.bot_only_share), str(figures.never_answered),
                   _fmt(Figures.median(figures.first_response)), _fmt(Figures.p90(figures.first_response)),
                   _fmt(Figures.median(figures.first_human)), _fmt(Figures.p90(figures.first_human)),
                   _fmt(Figures.median(figures.resolution)), _fmt(Figures.p90(figures.resolution)),
                   _fmt(figures.rating)]


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")
