"""The action plan: statuses, engagement levels, priorities, domains, and frozen views of actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class ActionStatus(StrEnum):
    """Where an action stands."""

    TODO = "todo"
    DOING = "doing"
    DONE = "done"
    ABANDONED = "abandoned"


class Engagement(StrEnum):
    """How far the organisation is committed (the guide's three levels)."""

    REFLEXION = "reflexion"
    EXPERIMENTATION = "experimentation"
    REALISATION = "realisation"


class Priority(StrEnum):
    """Priority of an action in the guide's terms."""

    PRIORITAIRE = "prioritaire"
    RECOMMANDE = "recommande"


class Difficulty(StrEnum):
    """How hard an action is expected to be."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


# The seven domains of the responsible-digital guide; teams may add their own (free text).
GUIDE_DOMAINS = (
    "strategie",
    "sensibilisation",
    "achats",
    "conception",
    "usages",
    "datacentres",
    "fin-de-vie",
)

STATUS_WORDS: dict[str, ActionStatus] = {
    "todo": ActionStatus.TODO, "to-do": ActionStatus.TODO, "pas-commence": ActionStatus.TODO,
    "non-commence": ActionStatus.TODO, "a-faire": ActionStatus.TODO, "afaire": ActionStatus.TODO,
    "a_faire": ActionStatus.TODO, "faire": ActionStatus.TODO,
    "doing": ActionStatus.DOING, "in-progress": ActionStatus.DOING,
    "en-cours": ActionStatus.DOING, "encours": ActionStatus.DOING,
    "en_cours": ActionStatus.DOING, "started": ActionStatus.DOING, "wip": ActionStatus.DOING,
    "done": ActionStatus.DONE, "fini": ActionStatus.DONE, "finie": ActionStatus.DONE,
    "finies": ActionStatus.DONE, "finis": ActionStatus.DONE, "terminees": ActionStatus.DONE,
    "termine": ActionStatus.DONE, "terminee": ActionStatus.DONE, "fait": ActionStatus.DONE,
    "abandoned": ActionStatus.ABANDONED, "abandonne": ActionStatus.ABANDONED,
    "abandonnee": ActionStatus.ABANDONED, "abandon": ActionStatus.ABANDONED,
    "abandonnees": ActionStatus.ABANDONED,
}  # fmt: skip
ENGAGEMENT_WORDS: dict[str, Engagement] = {
    "reflexion": Engagement.REFLEXION, "thinking": Engagement.REFLEXION,
    "experimentation": Engagement.EXPERIMENTATION, "experiment": Engagement.EXPERIMENTATION,
    "pilot": Engagement.EXPERIMENTATION,
    "realisation": Engagement.REALISATION, "delivery": Engagement.REALISATION,
    "deployment": Engagement.REALISATION, "deploiement": Engagement.REALISATION,
}  # fmt: skip
PRIORITY_WORDS: dict[str, Priority] = {
    "prioritaire": Priority.PRIORITAIRE, "priority": Priority.PRIORITAIRE, "high": Priority.PRIORITAIRE,
    "recommande": Priority.RECOMMANDE, "recommandee": Priority.RECOMMANDE,
    "recommended": Priority.RECOMMANDE, "normal": Priority.RECOMMANDE,
}  # fmt: skip
DIFFICULTY_WORDS: dict[str, Difficulty] = {
    "easy": Difficulty.EASY, "facile": Difficulty.EASY, "simple": Difficulty.EASY,
    "medium": Difficulty.MEDIUM, "moyenne": Difficulty.MEDIUM, "moyen": Difficulty.MEDIUM,
    "hard": Difficulty.HARD, "difficile": Difficulty.HARD, "complexe": Difficulty.HARD,
}  # fmt: skip
DOMAIN_WORDS: dict[str, str] = {
    "strategie": "strategie", "strategy": "strategie", "gouvernance": "strategie", "governance": "strategie",
    "sensibilisation": "sensibilisation", "formation": "sensibilisation", "awareness": "sensibilisation",
    "training": "sensibilisation",
    "achats": "achats", "achat": "achats", "purchasing": "achats",
    "conception": "conception", "design": "conception", "ecoconception": "conception",
    "usages": "usages", "usage": "usages", "uses": "usages",
    "datacentres": "datacentres", "datacenter": "datacentres", "datacenters": "datacentres",
    "salles-serveurs": "datacentres", "serveurs": "datacentres",
    "fin-de-vie": "fin-de-vie", "findevie": "fin-de-vie", "end-of-life": "fin-de-vie", "deee": "fin-de-vie",
}  # fmt: skip


@dataclass(frozen=True)
class ActionView:
    """An action as users see it."""

    number: int
    label: str
    description: str
    domain: str
    owner_id: str | None
    engagement: Engagement
    status: ActionStatus
    priority: Priority | None
    difficulty: Difficulty | None
    progress: int
    objective: str
    identified_on: dt.date
    started_on: dt.date | None
    due_on: dt.date | None
    done_on: dt.date | None
    indicator_codes: tuple[str, ...] = ()

    def is_late(self, today: dt.date) -> bool:
        """Due before today and neither done nor abandoned."""
        open_ = self.status in (ActionStatus.TODO, ActionStatus.DOING)
        return open_ and self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class ActionUpdateView:
    """One entry of an action's journal."""

    user_id: str
    at: dt.datetime
    changes: dict[str, list[str | None]]
    note: str


@dataclass(frozen=True)
class ActionCard:
    """An action with its journal, newest entry first."""

    action: ActionView
    journal: tuple[ActionUpdateView, ...] = field(default_factory=tuple)
    timezone: str = "UTC"  # the workspace's: where the journal's moments are read


@dataclass(frozen=True)
class PlanSummary:
    """The plan at a glance, and its governance, computed from what is recorded."""

    total: int
    by_status: dict[str, int]
    by_engagement: dict[str, int]
    late: int
    percent_done: float
    validated_on: dt.date | None
    communicated_on: dt.date | None
    meetings_last_12_months: int
    last_meeting_on: dt.date | None


def apply_status(
    action: ActionView, status: ActionStatus, progress: int | None, today: dt.date
) -> dict[str, object]:
    """The field changes a status update implies: done means 100 % and a done date, doing a start date."""
    changes: dict[str, object] = {"status": status}
    if progress is not None:
        changes["progress"] = progress
    if status is ActionStatus.DONE:
        changes["progress"] = 100
        changes["done_on"] = action.done_on or today
    else:
        if action.done_on is not None:
            changes["done_on"] = None
        if status is ActionStatus.DOING and action.started_on is None:
            changes["started_on"] = today
    return changes
