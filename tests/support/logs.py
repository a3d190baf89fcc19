"""The process's log lines as `pilote --log-format json` writes them, caught for a test."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot import logs


class JsonLines:
    """Every log line of the process while caught, each one JSON object."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def lines(self) -> list[dict[str, Any]]:
        """Every line, parsed (a line that is not JSON fails the test here)."""
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def saying(self, text: str) -> list[dict[str, Any]]:
        """The lines whose message contains `text`."""
        return [line for line in self.lines if text in line["message"]]


@contextmanager
def json_lines() -> Iterator[JsonLines]:
    """Catch the root logger's lines with Pilote's JSON handler (stamped and redacted) meanwhile."""
    out = JsonLines()
    handler = logs.handler("json", stream=out.stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield out
    finally:
        root.removeHandler(handler)
