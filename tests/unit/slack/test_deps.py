import logging

import pytest

from bot.slack.deps import AfterAck


def test_work_after_the_ack_that_fails_is_logged_and_the_next_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    later = AfterAck(workers=1)

    def upload() -> None:
        raise RuntimeError("Slack down")

    done: list[int] = []
    with caplog.at_level(logging.ERROR, logger="bot.slack.deps"):
        later.submit(upload).result(timeout=5)
        later.submit(done.append, 1).result(timeout=5)
    assert done == [1]
    assert "work after the ack failed" in caplog.text and "upload" in caplog.text
    assert "RuntimeError: Slack down" in caplog.text  # the traceback, not only the message


def test_the_pools_run_work_in_the_context_of_the_request_that_started_it() -> None:
    from bot.logs import current_request, request_scope
    from bot.slack.deps import CarryingPool

    pool = CarryingPool(max_workers=1)
    later = AfterAck(workers=1)
    seen: list[object] = []
    try:
        with request_scope(team_id="T0PILOTE") as ids:
            pool.submit(lambda: seen.append(current_request())).result(timeout=5)
            later.submit(lambda: seen.append(current_request())).result(timeout=5)
        pool.submit(lambda: seen.append(current_request())).result(timeout=5)  # the same thread, later
    finally:
        pool.shutdown()
        later.close()
    assert seen == [ids, ids, None]
