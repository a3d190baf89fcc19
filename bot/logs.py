"""Log lines: as text or one JSON object a line, with the team and request ids, and never a secret.

Each inbound request (bot.slack.http, bot.slack.socket) runs in a request_scope(): its log lines, and
those of work it hands to other threads through a context-carrying pool, say which request and which
workspace they are about. Every line goes through Redact before any handler formats it: Slack tokens
(`xoxb-`, `xoxp-`, `xapp-`, `xoxe-`...), the password of a URL, and the configured secrets themselves
are replaced by `[redacted]`, in the message and in the traceback.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import sys
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, TextIO

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
# Slack's tokens by their prefixes (bot, user, app-level, refresh, and rotating `xoxe.xoxb-`), and the
# password in `scheme://user:password@host`.
# Pilote's own API tokens (`pil_…`) too.
_TOKEN = re.compile(r"\b(?:(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]+|pil_[A-Za-z0-9_-]{20,})")
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+(@)", re.IGNORECASE)
_SHORTEST_SECRET = 8  # a shorter configured secret would redact common words, and guards nothing


@dataclass
class RequestIds:
    """Which inbound request a log line belongs to, and its workspace once the payload says it."""

    request_id: str
    team_id: str | None = None


_REQUEST: contextvars.ContextVar[RequestIds | None] = contextvars.ContextVar("pilote_request", default=None)


@contextmanager
def request_scope(team_id: str | None = None) -> Iterator[RequestIds]:
    """Run the block as one request: a new short request id, and `team_id` (settable later)."""
    ids = RequestIds(uuid.uuid4().hex[:12], team_id)
    token = _REQUEST.set(ids)
    try:
        yield ids
    finally:
        _REQUEST.reset(token)


def current_request() -> RequestIds | None:
    """The ids of the request this code runs for, if any."""
    return _REQUEST.get()


class Redact(logging.Filter):
    """Replaces token-shaped strings, URL passwords and the configured secrets in a record's message
    and traceback (the record itself: every handler after this one sees it clean)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: frozenset[str] = frozenset()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Redact these literal values too (settings read after logging was set up)."""
        self.secrets |= {s for s in secrets if len(s) >= _SHORTEST_SECRET}

    def clean(self, text: str) -> str:
        """`text` with every secret in it replaced."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return _URL_PASSWORD.sub(rf"\1{REDACTED}\2", _TOKEN.sub(REDACTED, text))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: the formatter says so itself
            return True
        clean = self.clean(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True


class Stamp(logging.Filter):
    """Puts the current request's ids on the record (`request_id`, `team_id`: None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = _REQUEST.get()
        record.request_id = ids.request_id if ids else None
        record.team_id = ids.team_id if ids else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, team_id and request_id
    when known, and the traceback as `exc`."""

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
        line: dict[str, object] = {
            "time": when.replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ("team_id", "request_id"):
            value = getattr(record, field, None)
            if value:
                line[field] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


def handler(
    fmt: Literal["text", "json"], *, stream: TextIO | None = None, redact: Redact | None = None
) -> logging.Handler:
    """A stream handler (stderr by default) writing `fmt` lines, stamped and redacted."""
    out = logging.StreamHandler(stream or sys.stderr)
    out.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    out.addFilter(Stamp())
    out.addFilter(redact or Redact())
    return out


def configure(fmt: Literal["text", "json"], *, stream: TextIO | None = None) -> Redact:
    """Send every log line of the process, at INFO and above, to stderr in `fmt`; the redacting filter,
    to give it the secrets once the settings are read. Like logging.basicConfig, nothing is changed
    when the root logger has a handler already (a program that embeds Pilote, the tests)."""
    redact = Redact()
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(handler(fmt, stream=stream, redact=redact))
        root.setLevel(logging.INFO)
    return redact
