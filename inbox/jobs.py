"""Queue jobs. Arguments are ids only; each job is idempotent (see inbox.pipeline).

Jobs need the process's services, never Flask: the in-process queue hands them in (`JOBS`), and
RQ, which imports jobs by path (`inbox.jobs.process_inbound`), finds the services `worker.py`
bound to its process (`bind_process`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from inbox.services import Services

_process_services: "Services | None" = None


def bind_process(services: "Services | None") -> None:
    """Make `services` the ones RQ's jobs use in this process (worker.py does this once)."""
    global _process_services
    _process_services = services


def _bound() -> "Services":
    if _process_services is None:
        raise RuntimeError("no services bound in this process: run jobs through worker.py")
    return _process_services


def process_inbound(message_id: int) -> None:
    _bound().pipeline.process_inbound(int(message_id))


def send_outbound(outbound_id: int) -> None:
    _bound().pipeline.send_outbound(int(outbound_id))


def describe_post(conversation_id: int) -> None:
    _bound().pipeline.describe_post(int(conversation_id))


def notify_order(notification_id: int) -> None:
    _bound().pipeline.notify_order(int(notification_id))


def notify_restock(request_id: int) -> None:
    _bound().pipeline.notify_restock(int(request_id))


def request_rating(conversation_id: int, agent_id: int | None = None) -> None:
    _bound().pipeline.request_rating(int(conversation_id), agent_id)


def sweep() -> dict[str, int]:
    return _bound().pipeline.sweep()


# name -> job(services, *args): what the in-process queue runs.
JOBS: dict[str, Callable[..., Any]] = {
    "process_inbound": lambda services, message_id: services.pipeline.process_inbound(int(message_id)),
    "send_outbound": lambda services, outbound_id: services.pipeline.send_outbound(int(outbound_id)),
    "describe_post": lambda services, conversation_id: services.pipeline.describe_post(int(conversation_id)),
    "notify_order": lambda services, notification_id: services.pipeline.notify_order(int(notification_id)),
    "notify_restock": lambda services, request_id: services.pipeline.notify_restock(int(request_id)),
    "request_rating": lambda services, conversation_id, agent_id=None: services.pipeline.request_rating(
        int(conversation_id), agent_id),
    "sweep": lambda services: services.pipeline.sweep(),
}
