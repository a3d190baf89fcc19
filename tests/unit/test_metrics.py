"""bot.metrics: label values kept few, and the page parsed as Prometheus parses it."""

from __future__ import annotations

from bot import metrics
from tests.support.metrics import Scrape


def test_label_values_from_outside_are_kept_few() -> None:
    assert metrics.label("chat.postMessage") == "chat.postMessage"
    assert metrics.label("channel_not_found") == "channel_not_found"
    assert metrics.label("/kpi") == "/kpi"
    assert metrics.label("<html>Bad Gateway</html>") == "other"
    assert metrics.label("x" * 41) == "other"
    assert metrics.label("") == "other"


def test_readings_stored_by_source() -> None:
    before = Scrape(metrics.exposition().decode())
    metrics.readings_stored("import", n=3)
    metrics.readings_stored("slack")
    after = Scrape(metrics.exposition().decode())
    stored = "pilote_readings_stored_total"
    assert after.value(stored, source="import") - before.value(stored, source="import") == 3
    assert after.value(stored, source="slack") - before.value(stored, source="slack") == 1


def test_a_backlog_kind_seen_once_stays_at_zero() -> None:
    seen = Scrape(metrics.exposition(backlog=lambda: {"reminder": 2, "alert": 1}).decode())
    assert seen.value("pilote_outbox_backlog", kind="reminder") == 2
    drained = Scrape(metrics.exposition(backlog=lambda: {"alert": 1}).decode())
    assert drained.has("pilote_outbox_backlog", kind="reminder")
    assert drained.value("pilote_outbox_backlog", kind="reminder") == 0
