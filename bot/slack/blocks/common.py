"""Block Kit primitives that respect Slack's limits, and escaping of user text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain.errors import DomainError, NotAllowed, UnknownIndicator
from bot.domain.text import is_slack_user, plain
from bot.i18n import N_, day, t

Block = dict[str, Any]
Message = dict[str, Any]

SECTION_TEXT_MAX = 3000
CONTEXT_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
MESSAGE_BLOCKS_MAX = 50
FALLBACK_TEXT_MAX = 3000
DATA_TABLE_ROWS_MAX = 100  # data rows, under the header row
DATA_TABLE_CHARS_MAX = 10_000  # every cell's text and the caption together
DATA_TABLE_COLUMNS_MAX = 20


def esc(text: str) -> str:
    """User text made safe for mrkdwn: mentions become plain words, & < > are escaped."""
    return plain(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Cut text to a Slack limit, with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> Block:
    """A mrkdwn section."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT_MAX)}}


def context(text: str) -> Block:
    """A small grey mrkdwn line."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, CONTEXT_TEXT_MAX)}]}


def header(text: str) -> Block:
    """A header (plain text)."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(text, HEADER_TEXT_MAX), "emoji": True},
    }


def divider() -> Block:
    """A divider."""
    return {"type": "divider"}


def text_cell(text: str) -> Block:
    """A data_table cell of plain text (never empty: an em dash stands for nothing)."""
    return {"type": "raw_text", "text": plain(text).strip() or "—"}


def number_cell(number: float, text: str) -> Block:
    """A data_table cell that sorts as a number and reads as the language writes it."""
    return {"type": "raw_number", "value": number, "text": text}


def _cell_chars(cell: Block) -> int:
    return len(str(cell.get("text", "")))


def data_table(
    caption: str, header: list[str], rows: list[list[Block]], *, row_header: int = 0
) -> tuple[Block | None, int]:
    """A data_table (a caption, a header row, a row-header column: a data table as RGAA 5.4–5.7 asks)
    within Slack's limits: the first rows that fit in 100 rows and 10,000 characters, and how many
    rows it holds (None and 0 when there are none)."""
    head = [text_cell(h) for h in header[:DATA_TABLE_COLUMNS_MAX]]
    budget = DATA_TABLE_CHARS_MAX - len(caption) - sum(map(_cell_chars, head))
    kept: list[list[Block]] = []
    for row in rows[:DATA_TABLE_ROWS_MAX]:
        cells = row[:DATA_TABLE_COLUMNS_MAX]
        size = sum(map(_cell_chars, cells))
        if size > budget:
            break
        budget -= size
        kept.append(cells)
    if not kept:
        return None, 0
    block = {
        "type": "data_table",
        "caption": caption,
        "row_header_column_index": row_header,
        "rows": [head, *kept],
    }
    return block, len(kept)


def message(fallback: str, blocks: list[Block]) -> Message:
    """A message: fallback text (notifications, screen readers) plus blocks, within the 50-block limit."""
    return {"text": clip(fallback, FALLBACK_TEXT_MAX), "blocks": blocks[:MESSAGE_BLOCKS_MAX]}


def notice_message(lang: str, key: str, /, **params: Any) -> Message:
    """A one-line notice from the catalogue."""
    text = t(lang, key, **params)
    return message(text, [section(text)])


def mention(user_id: str | None, lang: str) -> str:
    """A user mention, the name of what recorded it when it is no Slack user (`pilote-cli`, an API
    token's name), or the word for nobody."""
    if not user_id:
        return t(lang, "nobody")
    return f"<@{user_id}>" if is_slack_user(user_id) else f"`{esc(user_id)}`"


def _param(lang: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(f"`{esc(str(v))}`" for v in value)
    if isinstance(value, dt.date):  # a date the domain compared, said as words
        return day(lang, value)
    return esc(str(value))


def reason(lang: str, key: str, params: dict[str, Any]) -> str:
    """What a domain error (or a refused row) says, its parameters written for the reader."""
    return t(lang, key, **{k: _param(lang, v) for k, v in params.items()})


def error_message(lang: str, error: DomainError, *, help_key: str = N_("error.see_help")) -> Message:
    """An ephemeral reply that says what was wrong and what to type."""
    params = {k: _param(lang, v) for k, v in error.params.items()}
    if isinstance(error, NotAllowed):
        params["owner"] = mention(error.params.get("owner") or None, lang)
    lines = [":x: " + t(lang, error.key, **params)]
    if isinstance(error, UnknownIndicator):
        if error.params.get("suggestions"):
            lines.append(t(lang, "error.unknown_indicator.suggest", suggestions=params["suggestions"]))
        lines.append(t(lang, "error.unknown_indicator.hint", code=params.get("code", "")))
    else:
        lines.append(t(lang, help_key))
    text = "\n".join(lines)
    return message(text, [section(text)])


def internal_error_message(lang: str) -> Message:
    """The reply when Pilote itself failed."""
    text = t(lang, "error.internal")
    return message(text, [section(text)])


def internal_error_modal(lang: str) -> dict[str, Any]:
    """Pushed over a form whose submission failed inside Pilote: going back keeps what was typed."""
    text = t(lang, "error.internal_modal")
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Pilote"},
        "close": {"type": "plain_text", "text": t(lang, "error.internal_modal.back")},
        "blocks": [section(text)],
    }
