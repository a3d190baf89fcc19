"""Pilote's Prometheus metrics: every definition in one registry, and its text exposition.

One registry of our own, not prometheus_client's global one: /metrics shows Pilote's figures only,
and tests read the same values over HTTP. Metrics are counters of the process; tests compare values
before and after what they do, never absolute ones. Labels are low-cardinality on purpose: names of
commands, kinds of messages, Slack methods and error codes, never a team, a user or what was typed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric

log = logging.getLogger(__name__)
# The `_created` series (when each labelled series first appeared) double the page and say nothing a
# scraper needs; prometheus_client serves no other registry in this process.
disable_created_metrics()

REGISTRY = CollectorRegistry(auto_describe=True)
# What generate_latest() writes: the classic text format (prometheus_client 0.22 and later call 1.0.0
# "latest", for UTF-8 names, which Pilote's plain names do not need).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Slack wants its ack within 3 s: the buckets are fine below that and say how far past it.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
# A label value from outside (a Slack error code, a command name) that does not look like one is
# counted as "other": a server answering junk cannot grow the number of series without bound.
_LABEL = re.compile(r"[A-Za-z0-9_./-]{1,40}")

COMMANDS = Counter(
    "pilote_commands",
    "Slash commands handled, by command, kind of subcommand and outcome (ok, invalid, error, unhandled).",
    ["command", "kind", "outcome"],
    registry=REGISTRY,
)
ACK_SECONDS = Histogram(
    "pilote_ack_seconds",
    "Seconds from a request's arrival to its ack, by transport (http, socket) and type of request.",
    ["transport", "type"],
    buckets=ACK_BUCKETS,
    registry=REGISTRY,
)
READINGS = Counter(
    "pilote_readings_stored", "Readings stored, by source (slack, ...).", ["source"], registry=REGISTRY
)
OUTBOX = Counter(
    "pilote_outbox_deliveries",
    "Outbox messages (alerts, reminders, escalations...) tried, by kind and result "
    "(sent, retried, refused: given up, held: kept without spending a try).",
    ["kind", "result"],
    registry=REGISTRY,
)
DIGESTS = Counter(
    "pilote_digests",
    "Digests settled or tried, by result (posted, skipped, retried, gave_up, held).",
    ["result"],
    registry=REGISTRY,
)
SLACK_ERRORS = Counter(
    "pilote_slack_api_errors",
    "Slack Web API calls that failed, by method and error code (ratelimited: Slack's 429; "
    "limited_here: held back by Pilote's own limiter; network: no answer).",
    ["method", "code"],
    registry=REGISTRY,
)


def label(value: object) -> str:
    """`value` as a label value, or "other" when it does not look like a name or a code."""
    text = str(value)
    return text if _LABEL.fullmatch(text) else "other"


def command(*, name: str, kind: str, outcome: str) -> None:
    """Count a slash command."""
    COMMANDS.labels(label(name), label(kind), outcome).inc()


def ack_seconds(*, transport: str, type: str, seconds: float) -> None:
    """Observe how long a request waited for its ack."""
    ACK_SECONDS.labels(transport, type).observe(seconds)


def readings_stored(source: str, n: int = 1) -> None:
    """Count `n` readings stored from `source` (slack; an import or an API later)."""
    READINGS.labels(label(source)).inc(n)


def outbox_delivery(*, kind: str, result: str) -> None:
    """Count what became of one try of an outbox message."""
    OUTBOX.labels(label(kind), result).inc()


def digest(*, result: str) -> None:
    """Count what became of one digest's try."""
    DIGESTS.labels(result).inc()


def slack_api_error(*, method: str, code: str) -> None:
    """Count a failed Slack Web API call."""
    SLACK_ERRORS.labels(label(method), label(code)).inc()


_BACKLOG_KINDS: set[str] = set()


class _Scrape:
    """The registry, plus gauges read at scrape time (the outbox's backlog, from the database)."""

    def __init__(self, backlog: Callable[[], Mapping[str, int]] | None) -> None:
        self._backlog = backlog

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
        if self._backlog is None:
            return
        try:
            pending = self._backlog()
        except Exception as exc:  # noqa: BLE001 - the database is down: the counters still show
            log.warning("outbox backlog not read for /metrics: %s", type(exc).__name__)
            return
        gauge = GaugeMetricFamily(
            "pilote_outbox_backlog", "Outbox messages waiting to be sent, by kind.", labels=["kind"]
        )
        counts = {label(kind): count for kind, count in pending.items()}
        # A kind once seen stays at 0 when none waits: a series that vanished would read as unknown.
        _BACKLOG_KINDS.update(counts)
        for kind in sorted(_BACKLOG_KINDS):
            gauge.add_metric([kind], counts.get(kind, 0))
        yield gauge


def exposition(*, backlog: Callable[[], Mapping[str, int]] | None = None) -> bytes:
    """Every metric in Prometheus's text format; `backlog` gives the outbox's pending counts by kind."""
    return generate_latest(_Scrape(backlog))  # type: ignore[arg-type]
