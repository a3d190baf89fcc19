"""Chart renderers: plain data in, PNG bytes out (matplotlib Agg, never pyplot; thread-safe)."""

from charts.dashboard import Tile, render_dashboard
from charts.history import (
    MONTHS_EN,
    MONTHS_FR,
    HistoryLabels,
    Point,
    Thresholds,
    TrendLine,
    render_history,
)
from charts.plan import PlanData, PlanLabels, render_plan

__all__ = [
    "MONTHS_EN",
    "MONTHS_FR",
    "HistoryLabels",
    "PlanData",
    "PlanLabels",
    "Point",
    "Thresholds",
    "Tile",
    "TrendLine",
    "render_dashboard",
    "render_history",
    "render_plan",
]
