"""Slack messages turned into terminal text (`pilote demo`): no mrkdwn, people by their names."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.slack.blocks.common import Block

_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<name>[^>]*))?>")
_LINK = re.compile(r"<(?P<url>[^|>]+)\|(?P<label>[^>]*)>|<(?P<bare>(?:https?|mailto):[^>]+)>")
_SPECIAL = re.compile(r"<!(?:here|channel|everyone)>|<!date\^[^|>]*\|(?P<date>[^>]*)>")
# *bold*, _italic_ and ~strike~ only where Slack reads them: the marks hug a word.
_EMPHASIS = re.compile(r"(?<![\w*_~])([*_~])(?=\S)(?P<inner>[^*_~\n]*?\S)\1(?![\w*_~])")
_EMOJI = re.compile(r":(?=[a-z0-9_+\-]*[a-z])[a-z0-9_+\-]+: ?")  # :warning:, never 12:30:00


def mrkdwn_as_text(text: str, names: Mapping[str, str]) -> str:
    """The text a reader of the terminal should see: marks dropped, mentions and links as words,
    &amp; &lt; &gt; as the characters; `code` keeps its backticks (a command to type)."""
    text = _MENTION.sub(lambda m: names.get(m["id"]) or m["name"] or m["id"], text)
    text = _LINK.sub(lambda m: m["label"] or m["bare"], text)
    text = _SPECIAL.sub(lambda m: m["date"] or "", text)
    text = _EMPHASIS.sub(lambda m: m["inner"], text)
    text = _EMOJI.sub("", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_as_text(blocks: Sequence[Block], names: Mapping[str, str]) -> str:
    """The header, section, context and data_table blocks, one paragraph each, as terminal text."""
    out = []
    for block in blocks:
        if block["type"] in ("header", "section"):
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(e.get("text", "") for e in block["elements"])
        elif block["type"] == "data_table":
            rows = [" | ".join(str(c.get("text", c.get("value", ""))) for c in row) for row in block["rows"]]
            out.append("\n".join([block["caption"], *rows]))
    return "\n\n".join(mrkdwn_as_text(text, names) for text in out)
