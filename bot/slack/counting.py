"""Slash commands counted by name, kind of subcommand and outcome (bot.metrics).

Bolt's global middleware runs before the listener and never sees how it ended, so the count is taken
where Bolt's answer comes back, in CountingApp.dispatch: once for HTTP and Socket Mode alike. The
listeners put what only they know in the request's context: which subcommand they parsed
(`parsed`), and that the input was refused with a reply saying what to type (`refused`); the app's
error handler marks a listener that failed (`failed`).
"""

from __future__ import annotations

import re

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse

from bot import metrics

KIND = "pilote.command_kind"
INVALID = "pilote.command_invalid"
FAILED = "pilote.failed"
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def kind_of(command: object) -> str:
    """The subcommand's kind: the class of what the grammar parsed, in snake_case (record_reading)."""
    return _WORD_START.sub("_", type(command).__name__).lower()


def parsed(context: BoltContext, command: object) -> None:
    """Say which subcommand the listener is answering (never what was typed: a few kinds a command)."""
    context[KIND] = kind_of(command)


def refused(context: BoltContext) -> None:
    """Say that the input was refused (a domain error answered with what to type)."""
    context[INVALID] = True


def failed(context: BoltContext) -> None:
    """Say that the listener raised (the error handler answered in its place)."""
    context[FAILED] = True


def outcome_of(context: BoltContext, response: BoltResponse) -> str:
    """error (the listener raised, or Bolt answered 5xx), invalid, ok, or unhandled (no listener
    answered: Bolt refused the request before, e.g. a workspace with no installation)."""
    if context.get(FAILED) or response.status >= 500:
        return "error"
    if context.get(INVALID):
        return "invalid"
    return "ok" if KIND in context else "unhandled"


class CountingApp(App):
    """Bolt's App, counting each slash command once Bolt has its answer (the ack listener has run:
    Pilote's listeners run before the response, process_before_response)."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        """Bolt's dispatch, then the count."""
        response = super().dispatch(req)
        name = req.body.get("command") if isinstance(req.body, dict) else None
        if isinstance(name, str):
            kind = str(req.context.get(KIND, "unparsed"))
            metrics.command(name=name, kind=kind, outcome=outcome_of(req.context, response))
        return response
