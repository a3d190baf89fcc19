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
