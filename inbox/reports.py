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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, Iterable

from sqlalchemy import ColumnElement, Integer, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from inbox.agent_desk import epoch_seconds
from inbox.models import Agent, Episode

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
    dialect = session.get_bind().dialect.name
    offset = (now.astimezone(tz).utcoffset() or timedelta()).total_seconds()
    day_list = [(now.astimezone(tz) - timedelta(days=n)).date().isoformat() for n in range(days - 1, -1, -1)]
    agent_names = dict(session.execute(select(Agent.id, Agent.name)).all())

    by_day_channel: dict[tuple[str, str], Figures] = defaultdict(Figures)
    by_day: dict[str, Figures] = defaultdict(Figures)
    by_agent: dict[str, Figures] = defaultdict(Figures)
    total = Figures()
    channels: set[str] = set()
    day_names: dict[int, str] = {}
    for metric, day_number, platform, agent_id, value, count in session.connection().execute(
        _figures_query(since, offset, dialect)
    ):
        day = day_names.get(day_number)
        if day is None:
            day = day_names[day_number] = datetime.fromtimestamp(int(day_number) * 86400, timezone.utc).date().isoformat()
        channels.add(platform)
        targets: tuple[Figures, ...] = (by_day_channel[(day, platform)], by_day[day], total)
        if agent_id is not None:
            targets = (*targets, by_agent[agent_names.get(agent_id, f"#{agent_id}")])
        for figures in targets:
            if metric == "conversations":
                figures.conversations += count
            elif metric == "never_answered":
                figures.never_answered += count
            elif metric == "bot_only":
                figures.bot_only += count
            elif metric == "rating":
                figures.ratings.extend([int(value)] * count)
            else:  # first_response, first_human, resolution: seconds, as many as there were
                getattr(figures, metric).extend([float(value)] * count)

    busiest = [[0] * 24 for _ in range(7)]
    hour = _hour_of(dialect)
    for started, count in session.connection().execute(
        select(hour, func.count()).where(Episode.started_at >= since).group_by(hour)
    ):
        # UTC hours; shop time zones are whole hours off UTC in Indonesia (and nearly everywhere).
        moment = started if isinstance(started, datetime) else datetime.fromisoformat(f"{started}:00")
        local = _aware(moment).astimezone(tz)
        busiest[local.weekday()][local.hour] += count
    return Report(day_list, sorted(channels), dict(by_day_channel), dict(by_day), dict(by_agent), total, busiest)


# Durations are kept to the precision the page shows: whole seconds under 10 minutes, whole
# minutes under 2 hours, then 10 minutes. Medians and p90 come out the same, and the database
# hands back a few hundred counted values instead of a row per conversation.
def _rounded(seconds: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    return case(
        (seconds < 600, _whole(seconds + 0.5, dialect)),
        (seconds < 7200, _whole(seconds / 60 + 0.5, dialect) * 60),
        else_=_whole(seconds / 600 + 0.5, dialect) * 600,
    )


def _whole(value: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """floor() of a positive number as an integer (SQLite's CAST truncates; PostgreSQL's rounds)."""
    return cast(func.floor(value) if dialect == "postgresql" else value, Integer)


def _figures_query(since: datetime, offset: float, dialect: str) -> Any:
    """(metric, shop day number, platform, agent, value, count) rows for the period, all in SQL."""
    per = (
        select(
            Episode.platform.label("platform"),
            Episode.agent_id.label("agent_id"),
            Episode.rating.label("rating"),
            epoch_seconds(Episode.started_at).label("first_in"),
            epoch_seconds(Episode.first_response_at).label("first_out"),
            epoch_seconds(Episode.first_human_at).label("first_agent"),
            epoch_seconds(Episode.resolved_at).label("resolved"),
        )
        .where(Episode.started_at >= since)
        .cte("per_episode")
        .prefix_with("MATERIALIZED")  # read once by every metric below
    )
    day = _whole((per.c.first_in + offset) / 86400, dialect)

    def metric(name: str, value: ColumnElement[Any] | None, *where: Any) -> Any:
        shown = literal(0) if value is None else value
        return (
            select(literal(name), day, per.c.platform, per.c.agent_id, shown, func.count())
            .where(*where)
            .group_by(day, per.c.platform, per.c.agent_id, *(() if value is None else (shown,)))
        )

    wait = per.c.first_out - per.c.first_in
    human = per.c.first_agent - per.c.first_in
    resolution = per.c.resolved - per.c.first_in
    return union_all(
        metric("conversations", None),
        metric("never_answered", None, per.c.first_out.is_(None)),
        metric("bot_only", None, per.c.first_out.is_not(None), per.c.first_agent.is_(None)),
        metric("first_response", _rounded(wait, dialect), per.c.first_out.is_not(None)),
        metric("first_human", _rounded(human, dialect), per.c.first_agent.is_not(None)),
        metric("resolution", _rounded(resolution, dialect), per.c.resolved.is_not(None)),
        metric("rating", per.c.rating, per.c.rating.is_not(None)),
    )


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


def _hour_of(dialect: str) -> ColumnElement[Any]:
    """The hour an episode started in (UTC), as the database can group by it."""
    if dialect == "postgresql":
        return func.date_trunc("hour", func.timezone("UTC", Episode.started_at))
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" (UTC): the hour is its first 13 characters.
    return func.substr(Episode.started_at, 1, 13)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
