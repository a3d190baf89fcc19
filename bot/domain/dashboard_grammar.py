"""The /dashboard grammar: a snapshot on demand, and a channel's scheduled digest."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import InvalidInput
from bot.domain.grammar import KEY_VALUE, bounded, prepare, word
from bot.domain.schedule import Schedule, parse_schedule

MAX_SCOPE_CHARS = 60


@dataclass(frozen=True)
class DashboardHelp:
    """`/dashboard help`."""


@dataclass(frozen=True)
class ShowDashboard:
    """`/dashboard [entity | domain]`: the snapshot, posted in the channel."""

    scope: str = ""


@dataclass(frozen=True)
class Subscribe:
    """`/dashboard subscribe <schedule> [scope=…] [if-new]`."""

    schedule: Schedule
    scope: str = ""
    skip_empty: bool = False


@dataclass(frozen=True)
class Unsubscribe:
    """`/dashboard unsubscribe`."""


@dataclass(frozen=True)
class ShowSubscription:
    """`/dashboard status`: the channel's digest, if any."""


@dataclass(frozen=True)
class ExportPlan:
    """`/dashboard export [json|xlsx|ods|csv]`: the whole workspace as a file, for an app admin."""

    format: str = "json"


EXPORT_FORMATS = ("json", "xlsx", "ods", "csv")
DashboardCommand = DashboardHelp | ShowDashboard | Subscribe | Unsubscribe | ShowSubscription | ExportPlan

_SUBCOMMANDS = {
    "help": "help",
    "aide": "help",
    "?": "help",
    "subscribe": "subscribe",
    "abonner": "subscribe",
    "abonnement": "subscribe",
    "s-abonner": "subscribe",
    "unsubscribe": "unsubscribe",
    "desabonner": "unsubscribe",
    "desabonnement": "unsubscribe",
    "stop": "unsubscribe",
    "status": "status",
    "statut": "status",
    "etat": "status",
    "export": "export",
    "exporter": "export",
}
_SKIP_EMPTY = frozenset({"if-new", "si-nouveau", "skip-empty", "sauter-vide"})
_SCOPE_KEYS = frozenset({"scope", "perimetre", "entity", "entite", "domain", "domaine"})


def parse_dashboard(raw_text: str) -> DashboardCommand:
    """Parse the text of a /dashboard command as Slack sends it."""
    text, tokens = prepare(raw_text)
    if not tokens:
        return ShowDashboard()
    sub = _SUBCOMMANDS.get(word(tokens[0].text)) if not tokens[0].quoted else None
    if sub is None:
        return ShowDashboard(bounded("scope", text.strip("\"'«» "), MAX_SCOPE_CHARS))
    if len(tokens) > 1 and sub in ("help", "unsubscribe", "status"):
        raise InvalidInput("error.dashboard_extra", value=text[tokens[1].start :][:40])
    if sub == "export":
        if len(tokens) > 2 or len(tokens) == 2 and word(tokens[1].text) not in EXPORT_FORMATS:
            raise InvalidInput("error.dashboard.export_format", value=text[tokens[1].start :][:40])
        return ExportPlan(word(tokens[1].text) if len(tokens) == 2 else "json")
    if sub == "help":
        return DashboardHelp()
    if sub == "unsubscribe":
        return Unsubscribe()
    if sub == "status":
        return ShowSubscription()
    scope, skip_empty, words = "", False, []
    for token in tokens[1:]:
        m = KEY_VALUE.match(token.text) if not token.quoted else None
        if m and word(m.group(1)) in _SCOPE_KEYS:
            scope = bounded("scope", m.group(2).strip(), MAX_SCOPE_CHARS)
        elif not token.quoted and word(token.text) in _SKIP_EMPTY:
            skip_empty = True
        else:
            words.append(token.text)
    return Subscribe(parse_schedule(words), scope, skip_empty)
