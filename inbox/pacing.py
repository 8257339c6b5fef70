"""Outbound pacing: at most N sends per window, per sending account and per recipient, shared by
every worker (Redis when there is one, this process otherwise).

A sliding-window log per bucket: a send is allowed when every bucket it belongs to has had fewer
than `count` sends in the last `seconds`; all its buckets take it at once, or none does. The
platform counts requests when they arrive, some time after we took the slot (the claim in the
database, a busy worker, the connection), so a slot counts from the moment its request has
finished (`finish`), a time no earlier than its arrival; until then it holds its place as
happening now, and a send that will not happen gives it back (`cancel`). A refused send learns
how long to wait. A send that names itself (`queue_as`, the outbound id) is also given a
place: its wait runs to a slot after every send already waiting, so a backlog wakes one slot at
a time instead of all at once (a herd that would spend the workers on refusals). A platform's
429 pauses a bucket until its retry hint.
"""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from inbox.domain import Rate

# Windows are measured a little longer than the platform's, for clocks and rounding.
WINDOW_MARGIN = 1.005
WINDOW_MARGIN_SECONDS = 0.002
# A send still in flight holds its slot this long at most: a worker that died mid-send frees it.
IN_FLIGHT_SECONDS = 30.0
# How soon to look again when the slot we wait for is held by a send still in flight.
IN_FLIGHT_POLL_SECONDS = 0.005
# A place kept for a waiting send is given up this long after its time (its job was lost).
PLACE_KEPT_SECONDS = 5.0


@dataclass(frozen=True)
class Bucket:
    key: str  # e.g. "telegram:account", "telegram:to:512345678"
    count: int
    seconds: float

    @property
    def window(self) -> float:
        return self.seconds * WINDOW_MARGIN + WINDOW_MARGIN_SECONDS


def buckets_for(platform: str, rates: Sequence[Rate], *, recipient: str | None, action: str) -> list[Bucket]:
    """The buckets one send counts against: the account's, the recipient's, and its action's own."""
    buckets = []
    for rate in rates:
        if rate.scope == "account":
            key = f"{platform}:account"
        elif rate.scope == "recipient":
            if recipient is None:
                continue
            key = f"{platform}:to:{recipient}"
        elif rate.scope == action:
            key = f"{platform}:{action}"
        else:
            continue
        buckets.append(Bucket(key, rate.count, rate.seconds))
    return buckets


class Pacer(Protocol):
    def acquire(self, buckets: Sequence[Bucket], queue_as: str | None = None) -> tuple[float, str]:
        """Take a slot in every bucket: (0.0, token); or take none: (seconds to wait, ""), the
        wait running to a place of its own for a send that names itself (`queue_as`)."""

    def finish(self, buckets: Sequence[Bucket], token: str) -> None:
        """The request that took `token` has finished: it counts from now."""

    def cancel(self, buckets: Sequence[Bucket], token: str) -> None:
        """The send that took `token` will not happen: free its slot."""

    def pause(self, keys: Sequence[str], seconds: float) -> None:
        """Refuse every send in these buckets for `seconds` (a platform's 429 hint)."""


class LocalPacer:
    """Pacing inside one process (the embedded default, with the in-process queue)."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._sent: dict[str, dict[str, float]] = {}  # bucket -> token -> when it counts
        self._places: dict[str, dict[str, float]] = {}  # bucket -> waiting send -> its slot time
        self._paused_until: dict[str, float] = {}

    def acquire(self, buckets: Sequence[Bucket], queue_as: str | None = None) -> tuple[float, str]:
        with self._lock:
            now = self._clock()
            wait = 0.0
            full: list[Bucket] = []
            had_place = False
            for bucket in buckets:
                wait = max(wait, self._paused_until.get(bucket.key, 0.0) - now)
                log = self._sent.setdefault(bucket.key, {})
                for token in [t for t, at in log.items() if at <= now - bucket.window]:
                    del log[token]
                places = self._places.setdefault(bucket.key, {})
                for member in [m for m, at in places.items() if at < now - PLACE_KEPT_SECONDS or m == queue_as]:
                    had_place = had_place or member == queue_as
                    del places[member]
                if len(log) >= bucket.count:
                    limiting = sorted(log.values())[len(log) - bucket.count]
                    wait = max(wait, _wait_for(limiting, bucket.window, now))
                    full.append(bucket)
            if wait > 0:
                if queue_as is not None:
                    for bucket in full:
                        # A send that had a place keeps it (it only came a little early).
                        slot = now + wait if had_place else _next_place(
                            self._sent[bucket.key].values(), self._places[bucket.key].values(), bucket, now
                        )
                        wait = max(wait, slot - now)
                    for bucket in full:
                        self._places[bucket.key][queue_as] = now + wait
                return wait, ""
            token = uuid.uuid4().hex
            for bucket in buckets:
                self._sent[bucket.key][token] = now + IN_FLIGHT_SECONDS
            return 0.0, token

    def finish(self, buckets: Sequence[Bucket], token: str) -> None:
        with self._lock:
            now = self._clock()
            for bucket in buckets:
                log = self._sent.get(bucket.key, {})
                if token in log:
                    log[token] = now

    def cancel(self, buckets: Sequence[Bucket], token: str) -> None:
        with self._lock:
            for bucket in buckets:
                self._sent.get(bucket.key, {}).pop(token, None)

    def pause(self, keys: Sequence[str], seconds: float) -> None:
        with self._lock:
            until = self._clock() + seconds
            for key in keys:
                self._paused_until[key] = max(self._paused_until.get(key, 0.0), until)


def _next_place(sent: Any, places: Any, bucket: Bucket, now: float) -> float:
    """The first time after every send already waiting at which the bucket has room."""
    times = sorted([min(at, now) for at in sent] + list(places))
    if len(times) < bucket.count:
        return now
    return max(now, times[len(times) - bucket.count] + bucket.window)


def _wait_for(limiting: float, window: float, now: float) -> float:
    """Until the limiting send leaves the window; a send in flight is looked at again shortly."""
    if limiting > now:
        return IN_FLIGHT_POLL_SECONDS
    return limiting + window - now


# KEYS: the buckets' sorted sets, then their pause keys. ARGV: now, a unique member, the in-flight
# hold and poll, the waiting send's name ("" for none), how long a place is kept, then per bucket
# its count and window. Returns "0" when taken, else the wait. A bucket's places are KEYS[i]:places.
ACQUIRE_SCRIPT = """
local now = tonumber(ARGV[1])
local hold = tonumber(ARGV[3])
local poll = tonumber(ARGV[4])
local queue_as = ARGV[5]
local kept = tonumber(ARGV[6])
local n = #KEYS / 2
local wait = 0
local full = {}
local had_place = false
for i = 1, n do
  local paused = tonumber(redis.call('GET', KEYS[n + i]) or '0')
  if paused - now > wait then wait = paused - now end
  local count = tonumber(ARGV[5 + 2 * i])
  local window = tonumber(ARGV[6 + 2 * i])
  local places = KEYS[i] .. ':places'
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  redis.call('ZREMRANGEBYSCORE', places, '-inf', now - kept)
  if queue_as ~= '' and redis.call('ZREM', places, queue_as) == 1 then had_place = true end
  local size = redis.call('ZCARD', KEYS[i])
  if size >= count then
    local limiting = tonumber(redis.call('ZRANGE', KEYS[i], size - count, size - count, 'WITHSCORES')[2])
    local until_free = poll
    if limiting <= now then until_free = limiting + window - now end
    if until_free > wait then wait = until_free end
    full[#full + 1] = i
  end
end
if wait > 0 then
  if queue_as ~= '' then
    if not had_place then
      for _, i in ipairs(full) do
        local count = tonumber(ARGV[5 + 2 * i])
        local window = tonumber(ARGV[6 + 2 * i])
        local times = {}
        local sent = redis.call('ZRANGE', KEYS[i], 0, -1, 'WITHSCORES')
        for j = 2, #sent, 2 do times[#times + 1] = math.min(tonumber(sent[j]), now) end
        local waiting = redis.call('ZRANGE', KEYS[i] .. ':places', 0, -1, 'WITHSCORES')
        for j = 2, #waiting, 2 do times[#times + 1] = tonumber(waiting[j]) end
        table.sort(times)
        if #times >= count then
          local slot = times[#times - count + 1] + window
          if slot - now > wait then wait = slot - now end
        end
      end
    end
    for _, i in ipairs(full) do
      redis.call('ZADD', KEYS[i] .. ':places', now + wait, queue_as)
      redis.call('PEXPIRE', KEYS[i] .. ':places', math.ceil((wait + kept) * 1000) + 1000)
    end
  end
  return tostring(wait)
end
for i = 1, n do
  redis.call('ZADD', KEYS[i], now + hold, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], math.ceil((tonumber(ARGV[6 + 2 * i]) + hold) * 1000) + 1000)
end
return '0'
"""
# KEYS: the buckets' sorted sets. ARGV: now, the member. A finished send counts from now.
FINISH_SCRIPT = """
for i = 1, #KEYS do redis.call('ZADD', KEYS[i], 'XX', ARGV[1], ARGV[2]) end
return #KEYS
"""


class RedisPacer:
    """Pacing shared by every worker through Redis (its clock, so workers' clocks may differ)."""

    PREFIX = "inbox:pace:"

    def __init__(self, redis: Any) -> None:
        self.redis = redis
        self._acquire = redis.register_script(ACQUIRE_SCRIPT)
        self._finish = redis.register_script(FINISH_SCRIPT)

    def _now(self) -> float:
        seconds, micros = self.redis.time()
        return float(seconds) + micros / 1_000_000

    def acquire(self, buckets: Sequence[Bucket], queue_as: str | None = None) -> tuple[float, str]:
        token = uuid.uuid4().hex
        if not buckets:
            return 0.0, token
        keys = [self.PREFIX + b.key for b in buckets] + [self.PREFIX + "pause:" + b.key for b in buckets]
        args: list[Any] = [
            self._now(), token, IN_FLIGHT_SECONDS, IN_FLIGHT_POLL_SECONDS, queue_as or "", PLACE_KEPT_SECONDS
        ]
        for bucket in buckets:
            args += [bucket.count, bucket.window]
        wait = max(0.0, float(self._acquire(keys=keys, args=args)))
        return (wait, "") if wait > 0 else (0.0, token)

    def finish(self, buckets: Sequence[Bucket], token: str) -> None:
        if buckets and token:
            self._finish(keys=[self.PREFIX + b.key for b in buckets], args=[self._now(), token])

    def cancel(self, buckets: Sequence[Bucket], token: str) -> None:
        if buckets and token:
            pipe = self.redis.pipeline(transaction=False)
            for bucket in buckets:
                pipe.zrem(self.PREFIX + bucket.key, token)
            pipe.execute()

    def pause(self, keys: Sequence[str], seconds: float) -> None:
        until = self._now() + seconds
        for key in keys:
            self.redis.set(self.PREFIX + "pause:" + key, until, px=int(seconds * 1000) + 1000)
