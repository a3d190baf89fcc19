"""Slack text conventions: unescaping what Slack sends, spotting mentions, normalising codes."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

MAX_NOTE_CHARS = 1000  # a reading's or an update's note

# Slack escapes these three in every text it sends, whatever should_escape says.
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))

USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$")
# A Slack user id (U…, or W… in Enterprise Grid): who can be mentioned or sent a message.
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


def is_slack_user(who: str | None) -> bool:
    """Whether `who` is a Slack user id (not a shell's or an import's name)."""
    return bool(who) and SLACK_USER_ID.match(who or "") is not None


_ANY_TOKEN = re.compile(r"<([@#!])([^|>]*)(?:\|([^>]*))?>")


def unescape(text: str) -> str:
    """Turn Slack's &lt; &gt; &amp; back into the characters the user typed."""
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def plain(text: str) -> str:
    """Replace Slack's <@U|name>, <#C|name>, <!channel> tokens by readable text that pings nobody."""

    def repl(m: re.Match[str]) -> str:
        sigil, ident, label = m.group(1), m.group(2), m.group(3)
        if sigil == "!":
            return "@" + (label or ident.split("^")[0])
        return sigil + (label or ident)

    return _ANY_TOKEN.sub(repl, text)


def code_key(code: str) -> str:
    """Lookup key for an indicator code: case- and accent-insensitive, NFC otherwise."""
    decomposed = unicodedata.normalize("NFKD", code.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def close_codes(code: str, codes: Iterable[str]) -> list[str]:
    """Up to three of `codes` close to `code` (a typo, a plural, an accent), closest first."""
    by_key = {code_key(c): c for c in codes}
    return [by_key[k] for k in difflib.get_close_matches(code_key(code), list(by_key), n=3, cutoff=0.6)]
