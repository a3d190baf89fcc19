"""Test data created through the services, from the same texts users type."""

from __future__ import annotations

from bot.domain.action_grammar import NewAction, parse_action
from bot.domain.actions import ActionView
from bot.domain.grammar import NewIndicator, RecordReading, parse_kpi
from bot.services import Services


def kpi(services: Services, text: str, user: str = "U0ALICE", team: str = "T0PILOTE") -> None:
    """Run a `/kpi new …` or `/kpi <code> <value>` text through the services."""
    cmd = parse_kpi(text)
    if isinstance(cmd, NewIndicator):
        services.indicators.define(team_id=team, user_id=user, spec=cmd)
    else:
        assert isinstance(cmd, RecordReading)
        services.indicators.record(team_id=team, user_id=user, command=cmd)


def new_action(services: Services, text: str, user: str = "U0ALICE", team: str = "T0PILOTE") -> ActionView:
    """Run an `/action new …` text (without `new`) through the services."""
    cmd = parse_action(f"new {text}")
    assert isinstance(cmd, NewAction)
    return services.actions.create(team_id=team, user_id=user, fields=cmd.fields)
