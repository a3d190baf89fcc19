"""bot.logs: the JSON lines, the request ids, and what is never written."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from bot.config import Settings


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, io.StringIO, logs.Redact]]:
    """A logger of its own (not propagating: the suite's handlers never see its test secrets)."""
    stream, redact = io.StringIO(), logs.Redact(["a-configured-signing-secret"])
    log = logging.getLogger("pilote.test_logs")
    log.propagate, log.level = False, logging.INFO
    handler = logs.handler("json", stream=stream, redact=redact)
    log.addHandler(handler)
    yield log, stream, redact
    log.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    "token",
    [
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "xoxp-1-2-3-abcdef",
        "xapp-1-A0PILOTE-1-abcdef0123",
        "xoxe.xoxb-1-MTIzNDU2Nzg5",
        "xoxe-1-My0xLTEyMzQ1Njc4OQ",
    ],
)
def test_slack_tokens_are_redacted(
    logger: tuple[logging.Logger, io.StringIO, logs.Redact], token: str
) -> None:
    log, stream, _ = logger
    log.warning("refused: %s (%d)", token, 3)
    (line,) = lines(stream)
    assert line["message"] == "refused: [redacted] (3)"


def test_url_passwords_and_configured_secrets_are_redacted(
    logger: tuple[logging.Logger, io.StringIO, logs.Redact],
) -> None:
    log, stream, redact = logger
    redact.add(["short", "a-key-added-after-start-up"])  # too short to redact: it guards nothing
    log.info("db postgresql://pilote:s3cr%40t@db.example.org/pilote, short")
    log.info("signed with a-configured-signing-secret, keyed a-key-added-after-start-up")
    first, second = (line["message"] for line in lines(stream))
    assert first == "db postgresql://pilote:[redacted]@db.example.org/pilote, short"
    assert second == "signed with [redacted], keyed [redacted]"


def test_a_traceback_is_one_field_and_redacted(
    logger: tuple[logging.Logger, io.StringIO, logs.Redact],
) -> None:
    log, stream, _ = logger
    try:
        raise ValueError("token xoxb-99-secret-part")
    except ValueError:
        log.exception("it failed")
    (line,) = lines(stream)
    assert (
        line["message"] == "it failed" and line["level"] == "ERROR" and line["logger"] == "pilote.test_logs"
    )
    assert str(line["exc"]).startswith("Traceback") and "ValueError: token [redacted]" in str(line["exc"])
    assert "secret-part" not in stream.getvalue()


def test_request_ids_belong_to_their_scope(
    logger: tuple[logging.Logger, io.StringIO, logs.Redact],
) -> None:
    log, stream, _ = logger
    with logs.request_scope() as ids:
        log.info("before the payload is read")
        ids.team_id = "T0PILOTE"
        log.info("after")
    log.info("outside")
    before, after, outside = lines(stream)
    assert before["request_id"] == after["request_id"] == ids.request_id and "team_id" not in before
    assert after["team_id"] == "T0PILOTE"
    assert "request_id" not in outside and logs.current_request() is None


def test_text_lines_are_redacted_too() -> None:
    stream = io.StringIO()
    record = logging.LogRecord("pilote.x", logging.INFO, __file__, 1, "token %s", ("xapp-1-A-1-zz",), None)
    logs.handler("text", stream=stream).handle(record)
    assert stream.getvalue().rstrip().endswith("INFO pilote.x: token [redacted]")


def test_configure_leaves_a_configured_process_alone() -> None:
    root = logging.getLogger()
    handlers = list(root.handlers)
    assert handlers  # the suite's own
    logs.configure("json")
    assert root.handlers == handlers


def test_the_settings_list_their_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret-value")
    monkeypatch.setenv("PILOTE_METRICS_TOKEN", "metrics-token-value-0123")
    monkeypatch.setenv("DATABASE_URL", "postgresql://pilote:the-db-password@localhost/pilote")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    values = Settings.load().secret_values()
    assert {"signing-secret-value", "metrics-token-value-0123", "the-db-password"} <= set(values)
