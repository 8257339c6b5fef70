"""Queue jobs. Arguments are ids only; each job is idempotent (see inbox.pipeline).

RQ imports these by path (`inbox.jobs.process_inbound`); `worker.py` runs them inside the
app context, where the process's services live.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import current_app

from inbox.pipeline import Pipeline


def _pipeline() -> Pipeline:
    return current_app.extensions["inbox"].pipeline


def process_inbound(message_id: int) -> None:
    _pipeline().process_inbound(int(message_id))


def send_outbound(outbound_id: int) -> None:
    _pipeline().send_outbound(int(outbound_id))


def sweep() -> dict[str, int]:
    return _pipeline().sweep()


JOBS: dict[str, Callable[..., Any]] = {
    "process_inbound": process_inbound,
    "send_outbound": send_outbound,
    "sweep": sweep,
}
