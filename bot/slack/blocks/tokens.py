"""Messages of `/kpi token`: the ingestion API's tokens."""

from __future__ import annotations

from bot.i18n import moment, t, tn
from bot.services.tokens import NewToken, TokenView
from bot.slack.blocks.common import Message, context, esc, header, mention, message, section


def created_message(lang: str, made: NewToken) -> Message:
    """The new token, shown this once, and how a machine sends readings with it."""
    text = t(lang, "token.created", name=esc(made.token.name))
    blocks = [
        section(text),
        section(f"```{made.secret}```"),
        section(t(lang, "token.usage")),
        context(t(lang, "token.created.hint")),
    ]
    return message(text, blocks)


def _line(lang: str, token: TokenView, timezone: str) -> str:
    used = moment(lang, token.last_used_at, timezone) if token.last_used_at else t(lang, "token.never_used")
    return t(
        lang,
        "token.line",
        name=esc(token.name),
        prefix=esc(token.prefix),
        who=mention(token.created_by, lang),
        created=moment(lang, token.created_at, timezone),
        used=used,
    )


def list_message(lang: str, tokens: tuple[TokenView, ...], *, timezone: str) -> Message:
    """The workspace's live tokens (names and first characters, never a secret)."""
    title = tn(lang, "token.list.title", len(tokens))
    if not tokens:
        text = t(lang, "token.list.empty")
        return message(text, [section(text)])
    return message(title, [header(title), section("\n".join(_line(lang, tk, timezone) for tk in tokens))])


def revoked_message(lang: str, token: TokenView) -> Message:
    """A token revoked: refused from now on."""
    text = t(lang, "token.revoked", name=esc(token.name), prefix=esc(token.prefix))
    return message(text, [section(text)])
