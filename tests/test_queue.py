"""The job queues' own promises (the Redis one's are in tests/test_real_services.py)."""
from __future__ import annotations

from inbox.queue import InProcessJobQueue, job_id


def test_the_sweep_can_ask_the_in_process_queue_what_still_waits() -> None:
    ran: list[tuple[str, tuple[object, ...]]] = []
    queue = InProcessJobQueue(lambda job, args: ran.append((job, args)), threads=1)
    try:
        queue.enqueue("process_inbound", 5, delay=60)
        queue.enqueue("send_outbound", 6, delay=60)
        assert queue.waiting("process_inbound", [5, 6, 7]) == {5}
        assert queue.waiting("send_outbound", [5, 6]) == {6}
        assert ran == []
    finally:
        queue.close()


def test_a_job_id_is_one_per_job_and_arguments_in_the_characters_rq_allows() -> None:
    assert job_id("process_inbound", [42]) == "process_inbound-42"
    assert job_id("request_rating", [7, None]) == "request_rating-7-None"
    assert job_id("x", ["a:b/c"]) == "x-a_b_c"
